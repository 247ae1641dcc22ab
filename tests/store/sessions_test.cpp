// Sessions stored in the database: sign-in, authentication, sign-out, idle and absolute
// timeouts, disabled users, and the lockout after repeated wrong passwords. Password hashing
// takes about 0.1 s, so each test makes one user.

#include "app/sessions.h"
#include "app/users.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr const char* kPassword = "correct horse battery";

class SessionTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    insert_site("A");
    must(app::add_user(ctx(), app::system_actor("test"),
                       {"olive", "Olive Operator", "operator", "Radiologist", kPassword, {"A"}}),
         "add_user");
  }

  app::SignedIn sign_in() { return must(app::sign_in(ctx(), "olive", kPassword), "sign_in"); }

  store::ThrottleRecord throttle(const std::string& key) {
    store::ThrottleRecord t;
    must(store().transact(store::TxMode::kRead,
                          [&](store::Tx& tx) -> Status {
                            auto r = tx.get_throttle(key);
                            if (!r) return std::move(r).error();
                            t = *r;
                            return {};
                          }),
         "get_throttle");
    return t;
  }
};

TEST_P(SessionTest, SignInAuthenticateSignOut) {
  const auto in = sign_in();
  EXPECT_EQ(in.token.size(), 64u);
  EXPECT_EQ(in.actor.user.username, "olive");
  EXPECT_EQ(in.actor.user.role, domain::Role::kOperator);
  ASSERT_EQ(in.actor.user.sites.size(), 1u);
  EXPECT_EQ(last_audit_entry().action, "sign_in");

  auto who = app::authenticate(ctx(), in.token);
  ASSERT_TRUE(who.ok()) << describe(who);
  EXPECT_EQ(who->user.id, in.actor.user.id);
  EXPECT_EQ(who->session_hash, in.actor.session_hash);
  EXPECT_EQ(who->csrf_token, in.actor.csrf_token);
  // Only the hash of the token is stored.
  EXPECT_NE(who->session_hash, in.token);

  auto out = app::sign_out(ctx(), *who);
  ASSERT_TRUE(out.ok()) << describe(out);
  EXPECT_EQ(last_audit_entry().action, "sign_out");
  auto again = app::authenticate(ctx(), in.token);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kUnauthenticated);

  auto unknown = app::authenticate(ctx(), std::string(64, 'a'));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, Errc::kUnauthenticated);
}

TEST_P(SessionTest, SessionsSurviveReopeningTheStore) {
  const auto in = sign_in();
  close();
  open();
  auto who = app::authenticate(ctx(), in.token);
  EXPECT_TRUE(who.ok()) << describe(who);
}

TEST_P(SessionTest, IdleTimeoutEndsSession) {
  const auto in = sign_in();
  clock_.advance(minutes(30));
  auto at_limit = app::authenticate(ctx(), in.token);
  ASSERT_TRUE(at_limit.ok()) << "30 minutes idle is still within the limit: "
                             << describe(at_limit);
  // Activity restarted the idle time; 31 quiet minutes end the session.
  clock_.advance(minutes(31));
  auto idle = app::authenticate(ctx(), in.token);
  ASSERT_FALSE(idle.ok());
  EXPECT_EQ(idle.error().code, Errc::kUnauthenticated);
  // Ended for good, even if the clock went back.
  clock_.set(start_time());
  auto later = app::authenticate(ctx(), in.token);
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.error().code, Errc::kUnauthenticated);
}

TEST_P(SessionTest, AbsoluteTimeoutEndsActiveSession) {
  const auto in = sign_in();
  // Busy all day: a request every 10 minutes for 12 hours.
  for (int i = 1; i <= 72; ++i) {
    clock_.advance(minutes(10));
    auto who = app::authenticate(ctx(), in.token);
    ASSERT_TRUE(who.ok()) << "after " << i * 10 << " minutes: " << describe(who);
  }
  clock_.advance(minutes(10));
  auto late = app::authenticate(ctx(), in.token);
  ASSERT_FALSE(late.ok()) << "a session 12 h 10 min old was accepted";
  EXPECT_EQ(late.error().code, Errc::kUnauthenticated);
}

TEST_P(SessionTest, DisablingUserEndsAllTheirSessions) {
  const auto first = sign_in();
  const auto second = sign_in();
  ASSERT_NE(first.token, second.token);
  ASSERT_TRUE(app::authenticate(ctx(), first.token).ok());
  auto d = app::disable_user(ctx(), app::system_actor("test"), "olive");
  ASSERT_TRUE(d.ok()) << describe(d);
  for (const auto* token : {&first.token, &second.token}) {
    auto who = app::authenticate(ctx(), *token);
    ASSERT_FALSE(who.ok());
    EXPECT_EQ(who.error().code, Errc::kUnauthenticated);
  }
  // And they cannot sign in again, with the same answer as a wrong password.
  auto again = app::sign_in(ctx(), "olive", kPassword);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kUnauthenticated);
  auto wrong = app::sign_in(ctx(), "olive", "a wrong password");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(again.error().message, wrong.error().message);

  auto nobody = app::disable_user(ctx(), app::system_actor("test"), "nobody");
  ASSERT_FALSE(nobody.ok());
  EXPECT_EQ(nobody.error().code, Errc::kNotFound);
}

TEST_P(SessionTest, UnknownUserGetsSameAnswerAsWrongPassword) {
  auto wrong = app::sign_in(ctx(), "olive", "not her password");
  auto unknown = app::sign_in(ctx(), "oliver", "not his password");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, Errc::kUnauthenticated);
  EXPECT_EQ(unknown.error().code, Errc::kUnauthenticated);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  EXPECT_EQ(wrong.error().fields.size(), unknown.error().fields.size());
  // Both are on record.
  EXPECT_EQ(last_audit_entry().action, "sign_in_failed");
  EXPECT_EQ(last_audit_entry().username, "oliver");
}

TEST_P(SessionTest, FiveWrongPasswordsLockTheAccount) {
  for (int i = 1; i <= 5; ++i) {
    auto r = app::sign_in(ctx(), "olive", "wrong password " + std::to_string(i));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kUnauthenticated) << "attempt " << i;
  }
  EXPECT_EQ(throttle("olive").failures, 5);
  // Locked now, even for the right password, and whatever the case of the name.
  for (const char* name : {"olive", "OLIVE"}) {
    auto locked = app::sign_in(ctx(), name, kPassword);
    ASSERT_FALSE(locked.ok()) << name;
    EXPECT_EQ(locked.error().code, Errc::kRateLimited) << name;
    EXPECT_GT(locked.error().retry_after_seconds, 0);
    EXPECT_LE(locked.error().retry_after_seconds, 30);
  }
}

TEST_P(SessionTest, LockExpiresAndCorrectPasswordClearsCount) {
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(app::sign_in(ctx(), "olive", "wrong password").ok());
  auto locked = app::sign_in(ctx(), "olive", kPassword);
  ASSERT_FALSE(locked.ok());
  ASSERT_EQ(locked.error().code, Errc::kRateLimited);
  clock_.advance(seconds(locked.error().retry_after_seconds));
  auto in = app::sign_in(ctx(), "olive", kPassword);
  ASSERT_TRUE(in.ok()) << describe(in);
  const auto t = throttle("olive");
  EXPECT_EQ(t.failures, 0);
  EXPECT_EQ(t.locked_until, "");
  // A fresh count: one more wrong password is an ordinary failure.
  auto wrong = app::sign_in(ctx(), "olive", "wrong password");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, Errc::kUnauthenticated);
  EXPECT_EQ(throttle("olive").failures, 1);
}

TEST_P(SessionTest, LockDoublesWithEachFurtherFailure) {
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(app::sign_in(ctx(), "olive", "wrong password").ok());
  clock_.advance(seconds(31));
  auto sixth = app::sign_in(ctx(), "olive", "wrong again");
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().code, Errc::kUnauthenticated);
  auto locked = app::sign_in(ctx(), "olive", kPassword);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, Errc::kRateLimited);
  EXPECT_EQ(locked.error().retry_after_seconds, 60);
}

TEST_P(SessionTest, UnknownAccountNamesAreLockedToo) {
  for (int i = 0; i < 5; ++i) {
    auto r = app::sign_in(ctx(), "ghost", "guess number " + std::to_string(i));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kUnauthenticated);
  }
  auto locked = app::sign_in(ctx(), "ghost", "guess again");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, Errc::kRateLimited);
  EXPECT_GT(locked.error().retry_after_seconds, 0);
  // Other accounts are unaffected.
  EXPECT_TRUE(app::sign_in(ctx(), "olive", kPassword).ok());
}

VERTEBRO_STORE_SUITE(SessionTest);

}  // namespace
}  // namespace vertebro::store_test
