// Group commit (issue 10; docs/architecture.md, "Group commit"): on SQLite, write transactions
// that wait for the writer at the same time are committed together, one fsync for all, each in
// a savepoint of its own. Every audited read still leaves its entry, the chain stays whole, a
// write that fails (or throws) in a group undoes only itself, and nobody's change is lost. On
// PostgreSQL every transaction commits alone (the same checks hold; no sharing is expected).

#include <atomic>
#include <mutex>
#include <thread>

#include "app/audit_verify.h"
#include "app/patients.h"
#include "store/faults.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

class GroupCommitTest : public StoreTest {};

TEST_P(GroupCommitTest, ConcurrentAuditedReadsShareCommitsAndEachLeavesItsEntry) {
  const SiteId site = insert_site("GC");
  const auto actor = insert_actor("coord", domain::Role::kCoordinator, {site});
  std::vector<PatientId> patients;
  for (int i = 0; i < 16; ++i) {
    domain::PatientInput in{test_nhs_number(i), "Group", "Gail", "1944-04-04", "female"};
    patients.push_back(must(app::register_patient(ctx(), actor, site.str(), in), "register").id);
  }
  const auto before = store().write_counts();
  constexpr int kThreads = 16, kReads = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kReads; ++i) {
        if (!app::view_patient(ctx(), actor, patients[static_cast<std::size_t>(t)])) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(raw()->query_int("SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND "
                             "record_type = 'patient'"),
            kThreads * kReads);
  const auto chain = must(app::verify_chain(ctx()), "verify_chain");
  EXPECT_TRUE(chain.ok) << chain.problem;
  if (GetParam() == "sqlite") {
    const auto after = store().write_counts();
    const auto writes = after.writes - before.writes;
    const auto commits = after.commits - before.commits;
    EXPECT_EQ(writes, kThreads * kReads);
    EXPECT_LT(commits, writes) << "no two audited reads shared a commit";
    std::cout << "[ grouped  ] " << writes << " audited reads in " << commits << " commits\n";
  }
}

TEST_P(GroupCommitTest, AWriteThatFailsInAGroupUndoesOnlyItself) {
  constexpr int kThreads = 16, kRounds = 5;
  std::atomic<int> exceptions{0};
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, round, t] {
        // Codes of writes meant to fail end in "x".
        const std::string code =
            "G" + std::to_string(round) + "_" + std::to_string(t) + (t % 2 == 0 ? "k" : "x");
        try {
          auto s = store().transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Status {
            auto id = tx.insert_site(code, "Site " + code);
            if (!id) return std::move(id).error();
            if (t % 4 == 1) return Error::invalid({{"code", "refused on purpose"}});
            if (t % 4 == 3) throw std::runtime_error("thrown on purpose");
            return {};
          });
          EXPECT_EQ(static_cast<bool>(s), t % 2 == 0) << code;
        } catch (const std::runtime_error&) {
          ++exceptions;
          EXPECT_EQ(t % 4, 3) << code;
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  EXPECT_EQ(exceptions, kRounds * kThreads / 4);
  // Exactly the writes that succeeded are there.
  EXPECT_EQ(raw()->query_int("SELECT COUNT(*) FROM sites WHERE code LIKE 'G%'"),
            kRounds * kThreads / 2);
  EXPECT_EQ(raw()->query_int("SELECT COUNT(*) FROM sites WHERE code LIKE 'G%x'"), 0);
}

// Faults at every step of a group (a savepoint not made, not kept, not undone; a commit that
// fails): whatever happens, a write answered ok is there and a write answered with an error
// is not.
TEST_P(GroupCommitTest, UnderFaultsEveryAnswerTellsTheTruth) {
  auto plan = std::make_shared<store::faults::FaultPlan>();
  using store::faults::Rule;
  plan->add(Rule{"SAVEPOINT one_write", "", 5, 1, store::faults::broken(), ""});
  plan->add(Rule{"RELEASE one_write", "", 15, 1, store::faults::broken(), ""});
  plan->add(Rule{"ROLLBACK TO one_write", "", 2, 1, store::faults::broken(), ""});
  plan->add(Rule{"COMMIT", "", 10, 2, store::faults::broken(), ""});
  open({}, {4, true, true, store::faults::wrapper(plan), true});
  constexpr int kThreads = 16, kWrites = 10;
  std::mutex mu;
  std::vector<std::string> saved, refused;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string code = "F" + std::to_string(t) + "_" + std::to_string(i);
        auto s = store().transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Status {
          auto id = tx.insert_site(code, "Site " + code);
          if (!id) return std::move(id).error();
          if (i % 5 == 4) return Error::invalid({{"code", "refused on purpose"}});
          return {};
        });
        std::lock_guard lock(mu);
        (s ? saved : refused).push_back(code);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(plan->injected(), 0);
  auto db = raw();
  for (const auto& code : saved) {
    EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM sites WHERE code = '" + code + "'"), 1)
        << code << " was answered ok and is not there";
  }
  for (const auto& code : refused) {
    EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM sites WHERE code = '" + code + "'"), 0)
        << code << " was answered with an error and is there";
  }
  EXPECT_EQ(saved.size() + refused.size(), static_cast<std::size_t>(kThreads * kWrites));
}

VERTEBRO_STORE_SUITE(GroupCommitTest);

}  // namespace
}  // namespace vertebro::store_test
