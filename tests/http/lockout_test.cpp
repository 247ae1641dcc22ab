// Sign-in lockout under parallel guesses (issue 9, point 4), through the real server on each
// backend: every attempt is counted in the same transaction as the lockout check, before the
// password hash, so however many guesses arrive at once at most lockout_after_failures of them
// are checked against the hash.

#include <algorithm>
#include <latch>
#include <thread>

#include "live_server.h"

namespace vertebro::http_test {
namespace {

// 16 wrong passwords for one account at once: each attempt is counted in the same transaction
// as the lockout check, before the hash, so exactly lockout_after_failures (5) are checked
// against the hash (401) and the rest are refused at once (429); the stored count stops at 5.
class ParallelSignInTest : public HttpTest {};

TEST_F(ParallelSignInTest, WrongPasswordsReachThePasswordHashAtMostLockoutTimes) {
  constexpr int kGuesses = 16;
  const int limit = server().ctx().settings().lockout_after_failures;
  std::vector<int> statuses(kGuesses, 0);
  std::latch start(kGuesses);
  std::vector<std::thread> threads;
  for (int i = 0; i < kGuesses; ++i) {
    threads.emplace_back([&, i] {
      auto c = server().client();
      const std::string body =
          Json{{"username", "safety"}, {"password", "wrong guess " + std::to_string(i)}}.dump();
      start.arrive_and_wait();
      auto r = c->Post("/api/v1/session", body, "application/json");
      statuses[static_cast<std::size_t>(i)] = r ? r->status : -1;
    });
  }
  for (auto& t : threads) t.join();
  const auto unauthorised = std::count(statuses.begin(), statuses.end(), 401);
  const auto limited = std::count(statuses.begin(), statuses.end(), 429);
  EXPECT_EQ(unauthorised, limit);
  EXPECT_EQ(limited, kGuesses - limit);

  store::ThrottleRecord t;
  ASSERT_TRUE(server().ctx().read([&](store::Tx& tx) -> Status {
    auto r = tx.get_throttle("safety");
    if (!r) return std::move(r).error();
    t = *r;
    return {};
  }));
  EXPECT_EQ(t.failures, limit);
  const auto audit = server().audit_all();
  EXPECT_EQ(std::count_if(audit.begin(), audit.end(),
                          [](const auto& e) { return e.action == "sign_in_failed"; }),
            limit);
  // Locked: even the right password waits.
  auto right = client()->Post("/api/v1/session",
                              Json{{"username", "safety"}, {"password", kPassword}}.dump(),
                              "application/json");
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 429);
}

}  // namespace
}  // namespace vertebro::http_test
