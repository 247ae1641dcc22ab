// The audit trail: every use case leaves entries, the chain verifies when untouched, and
// verify_chain names the first entry that does not fit after the file is edited behind
// vertebro's back (changed, deleted, inserted or reordered rows).

#include <functional>

#include "app/audit_verify.h"
#include "app/patients.h"
#include "app/record_log.h"
#include "app/referrals.h"
#include "app/sessions.h"
#include "app/users.h"
#include "app/worklist.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

class AuditChainTest : public StoreTest {
 protected:
  // `n` audited registrations: entries 1..n.
  void make_trail(int n) {
    const SiteId site = insert_site("A");
    const auto actor = insert_actor("coord", domain::Role::kCoordinator, {site});
    for (int i = 0; i < n; ++i) {
      domain::PatientInput in{test_nhs_number(i), "Chain", "Carol", "1939-09-09", "female"};
      must(app::register_patient(ctx(), actor, site.str(), in), "register_patient");
    }
    ASSERT_EQ(audit_head().first, n);
  }

  app::ChainReport verify() { return must(app::verify_chain(ctx()), "verify_chain"); }

  // Edits the closed database directly, with the append-only triggers removed, then reopens.
  void tamper(const std::string& sql) {
    close();
    {
      auto db = raw();
      db->drop_audit_triggers();
      ASSERT_EQ(db->exec(sql), "") << sql;
    }
    open();
  }

  // An INSERT for `e` as it stands.
  static std::string insert_sql(const domain::AuditEntry& e) {
    auto q = [](const std::string& s) {
      std::string out = "'";
      for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
      return out + "'";
    };
    return "INSERT INTO audit_log (seq, at, user_id, username, action, record_type, record_id, "
           "patient_id, site_id, detail, prev_hash, hash) VALUES (" +
           std::to_string(e.seq) + ", " + q(e.at) + ", " + std::to_string(e.user_id) + ", " +
           q(e.username) + ", " + q(e.action) + ", " + q(e.record_type) + ", " +
           std::to_string(e.record_id) + ", " + std::to_string(e.patient_id) + ", " +
           std::to_string(e.site_id) + ", " + q(e.detail) + ", " + q(e.prev_hash) + ", " +
           q(e.hash) + ")";
  }
};

TEST_P(AuditChainTest, EmptyChainVerifies) {
  const auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checked, 0);
  EXPECT_EQ(r.bad_seq, 0);
}

TEST_P(AuditChainTest, EveryUseCaseCallAppendsEntries) {
  const SiteId site = insert_site("A");
  const auto admin = insert_actor("boss", domain::Role::kAdministrator, {site});
  const auto system = app::system_actor("test");
  PatientId patient;
  EpisodeId episode;
  std::string token;
  app::Actor signed_in;
  const domain::PatientInput person{test_nhs_number(1), "Audit", "Ada", "1941-01-01", "female"};
  const domain::ReferralInput referral{site.str(), "Dr Ref", "2026-11-01", "osteoporotic", "T12",
                                       "Back pain"};
  struct Step {
    const char* name;
    std::function<Status()> call;
    const char* action;
    const char* record_type;
  };
  auto ok = [](const auto& r) { return r.ok() ? Status{} : Status{r.error()}; };
  const std::vector<Step> steps = {
      {"add_site", [&] { return ok(app::add_site(ctx(), system, "B", "Bravo")); }, "create", "site"},
      {"add_user",
       [&] {
         return ok(app::add_user(ctx(), system,
                                 {"nora", "Nora Nurse", "nurse", "", "a long enough password", {"A"}}));
       },
       "create", "user"},
      {"register_patient",
       [&] {
         auto r = app::register_patient(ctx(), admin, site.str(), person);
         if (r) patient = r->id;
         return ok(r);
       },
       "create", "patient"},
      {"register_referral",
       [&] {
         auto r = app::register_referral(ctx(), admin, patient, referral);
         if (r) episode = r->id;
         return ok(r);
       },
       "create", "episode"},
      {"view_patient", [&] { return ok(app::view_patient(ctx(), admin, patient)); }, "read",
       "patient"},
      {"view_episode", [&] { return ok(app::view_episode(ctx(), admin, episode)); }, "read",
       "episode"},
      {"update_referral",
       [&] { return ok(app::update_referral(ctx(), admin, episode, 1, referral)); }, "update",
       "episode"},
      {"list_worklist", [&] { return ok(app::list_worklist(ctx(), admin, {})); }, "list",
       "worklist"},
      {"find_patient_by_nhs",
       [&] { return ok(app::find_patient_by_nhs(ctx(), admin, person.nhs_number)); }, "search",
       "patient"},
      {"view_record_log",
       [&] { return ok(app::view_record_log(ctx(), admin, {"patient", patient.value, 0})); },
       "read_log", "patient"},
      {"failed sign_in",
       [&] {
         auto r = app::sign_in(ctx(), "nora", "not the password");
         return r.ok() ? Status{Error::internal("signed in with a wrong password")} : Status{};
       },
       "sign_in_failed", "user"},
      {"sign_in",
       [&] {
         auto r = app::sign_in(ctx(), "nora", "a long enough password");
         if (r) signed_in = r->actor;
         return ok(r);
       },
       "sign_in", "user"},
      {"sign_out", [&] { return app::sign_out(ctx(), signed_in); }, "sign_out", "user"},
      {"disable_user", [&] { return app::disable_user(ctx(), system, "nora"); }, "disable", "user"},
  };
  std::int64_t expected_seq = 0;
  for (const auto& step : steps) {
    SCOPED_TRACE(step.name);
    const auto s = step.call();
    ASSERT_TRUE(s.ok()) << describe(s);
    ++expected_seq;
    EXPECT_EQ(audit_head().first, expected_seq);
    const auto last = last_audit_entry();
    EXPECT_EQ(last.seq, expected_seq);
    EXPECT_EQ(last.action, step.action);
    EXPECT_EQ(last.record_type, step.record_type);
    EXPECT_EQ(last.at, "2026-11-25T10:00:00Z");
  }
  const auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checked, expected_seq);
}

TEST_P(AuditChainTest, CleanChainVerifiesAcrossBatches) {
  make_trail(12);
  const auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checked, 12);
  EXPECT_EQ(r.bad_seq, 0);
  // Stored entries link up: each names the previous hash; the head names the last.
  const auto all = audit_entries();
  ASSERT_EQ(all.size(), 12u);
  EXPECT_EQ(all.front().prev_hash, domain::kGenesisHash);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_EQ(all[i].prev_hash, all[i - 1].hash);
  EXPECT_EQ(audit_head().second, all.back().hash);
}

TEST_P(AuditChainTest, TriggersRefuseUpdateAndDelete) {
  make_trail(3);
  auto db = raw();
  const auto update = db->exec("UPDATE audit_log SET detail = '{}' WHERE seq = 2");
  EXPECT_NE(update, "");
  EXPECT_NE(update.find("append-only"), std::string::npos) << update;
  const auto del = db->exec("DELETE FROM audit_log WHERE seq = 3");
  EXPECT_NE(del, "");
  EXPECT_NE(del.find("append-only"), std::string::npos) << del;
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM audit_log"), 3);
  const auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checked, 3);
}

struct Tampering {
  const char* name;
  const char* sql;
  std::int64_t bad_seq;
  std::int64_t checked;  // entries verified before the bad one
  const char* problem_says;
};

TEST_P(AuditChainTest, DetectsRowsEditedInTheFile) {
  // A ten-entry trail, edited one way per case.
  const std::vector<Tampering> cases = {
      {"changed detail", "UPDATE audit_log SET detail = '{\"site_id\":99}' WHERE seq = 5", 5, 4,
       "altered"},
      {"changed time", "UPDATE audit_log SET at = '2026-11-24T10:00:00Z' WHERE seq = 1", 1, 0,
       "altered"},
      {"changed user", "UPDATE audit_log SET user_id = 7 WHERE seq = 10", 10, 9, "altered"},
      {"changed hash", "UPDATE audit_log SET hash = prev_hash WHERE seq = 3", 3, 2, "altered"},
      {"deleted first", "DELETE FROM audit_log WHERE seq = 1", 2, 0, "missing"},
      {"deleted middle", "DELETE FROM audit_log WHERE seq = 5", 6, 4, "missing"},
      {"deleted two", "DELETE FROM audit_log WHERE seq IN (7, 8)", 9, 6, "missing"},
      {"deleted last", "DELETE FROM audit_log WHERE seq = 10", 10, 9, "removed"},
      {"deleted tail", "DELETE FROM audit_log WHERE seq >= 8", 8, 7, "removed"},
      {"inserted at end",
       "INSERT INTO audit_log SELECT 11, at, user_id, username, action, record_type, record_id, "
       "patient_id, site_id, detail, hash, hash FROM audit_log WHERE seq = 10",
       11, 10, "altered"},
      {"inserted in middle",
       "UPDATE audit_log SET seq = -seq WHERE seq >= 5; "
       "UPDATE audit_log SET seq = 1 - seq WHERE seq < 0; "
       "INSERT INTO audit_log SELECT 5, at, user_id, username, 'read', record_type, record_id, "
       "patient_id, site_id, detail, hash, hash FROM audit_log WHERE seq = 4",
       5, 4, ""},
      {"reordered",
       "UPDATE audit_log SET seq = -1 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; "
       "UPDATE audit_log SET seq = 5 WHERE seq = -1",
       4, 3, ""},
      {"duplicated content",
       "UPDATE audit_log SET detail = (SELECT detail FROM audit_log WHERE seq = 2), record_id = "
       "(SELECT record_id FROM audit_log WHERE seq = 2) WHERE seq = 6",
       6, 5, "altered"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    // A fresh database per case.
    TearDown();
    SetUp();
    make_trail(10);
    ASSERT_TRUE(verify().ok);
    tamper(c.sql);
    const auto r = verify();
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.bad_seq, c.bad_seq) << r.problem;
    EXPECT_NE(r.problem.find(c.problem_says), std::string::npos) << r.problem;
    EXPECT_EQ(r.checked, c.checked) << r.problem;
  }
}

// An entry appended with a correct hash link (computed by someone who knows the scheme) is
// still caught by the recorded head, and the report names the entry that does not belong.
TEST_P(AuditChainTest, DetectsForgedEntryAppendedPastTheHead) {
  make_trail(6);
  auto forged = audit_entries().back();
  forged.seq = 7;
  forged.action = "read";
  forged.prev_hash = forged.hash;
  forged.hash = domain::chain_hash(forged);
  tamper(insert_sql(forged));
  const auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 7) << r.problem;
}

// The last entry rewritten and re-hashed: its hash no longer matches the recorded head, so the
// last entry is the one that does not fit.
TEST_P(AuditChainTest, DetectsLastEntryRewrittenWithValidHash) {
  make_trail(6);
  auto last = audit_entries().back();
  last.detail = R"({"site_id":42})";
  last.hash = domain::chain_hash(last);
  tamper("DELETE FROM audit_log WHERE seq = 6; " + insert_sql(last));
  const auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 6) << r.problem;
}

// A middle entry rewritten and re-hashed breaks the link from the next one.
TEST_P(AuditChainTest, DetectsMiddleEntryRewrittenWithValidHash) {
  make_trail(6);
  auto third = audit_entries()[2];
  third.detail = R"({"site_id":42})";
  third.hash = domain::chain_hash(third);
  tamper("DELETE FROM audit_log WHERE seq = 3; " + insert_sql(third));
  const auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 4) << r.problem;
  EXPECT_NE(r.problem.find("previous-hash"), std::string::npos) << r.problem;
}

VERTEBRO_STORE_SUITE(AuditChainTest);

}  // namespace
}  // namespace vertebro::store_test
