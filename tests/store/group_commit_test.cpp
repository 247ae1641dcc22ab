// Group commit (issue 10; docs/architecture.md, "Group commit"): on SQLite and PostgreSQL,
// write transactions that wait for the writer at the same time are committed together, one
// flush for all, each in a savepoint of its own. Every audited read still leaves its entry, the
// chain stays whole, a write that fails (or throws) in a group undoes only itself, and nobody's
// change is lost.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include <unistd.h>

#include "app/audit_verify.h"
#include "base/crypto.h"
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
  const auto after = store().write_counts();
  const auto writes = after.writes - before.writes;
  const auto commits = after.commits - before.commits;
  EXPECT_EQ(writes, kThreads * kReads);
  EXPECT_LT(commits, writes) << "no two audited reads shared a commit";
  std::cout << "[ grouped  ] " << writes << " audited reads in " << commits << " commits\n";
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

// SQLite's write-ahead log is folded into the database file by the store's own thread, not
// inside a request's commit (docs/performance.md: the mix's 99th percentile). Seen from
// outside: the file takes the committed pages within moments of the commits, well before the
// writer's own limit would fold them; with the folding off, nothing reaches the file until that
// limit. Both stores then read everything back after reopening.
class WalFoldTest : public ::testing::TestWithParam<bool> {};

TEST_P(WalFoldTest, CommittedPagesReachTheFileWithoutTheWriterFoldingThem) {
  ASSERT_TRUE(crypto::init());
  const bool background = GetParam();
  const std::string path = testing::TempDir() + "vertebro_wal_fold_" +
                           std::to_string(::getpid()) + (background ? "_on" : "_off") + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  // Made and closed first: closing folds the migrations' pages, so the log starts empty.
  must(store::open_store(path, {}), "create");
  store::OpenOptions options;
  options.fold_wal_in_background = background;
  {
    auto store = must(store::open_store(path, options), "open_store");
    const auto before = std::filesystem::file_size(path);
    // 2 MB in 20 commits: about 560 pages in the log, under the 1,000 at which a writer left
    // to itself folds it.
    const std::string value(100 * 1024, 'v');
    for (int i = 0; i < 20; ++i) {
      must(store->transact(store::TxMode::kWrite,
                           [&](store::Tx& tx) {
                             return tx.set_meta("wal_fold_" + std::to_string(i), value);
                           }),
           "set_meta");
    }
    // Five of the folder's turns when it is off; when on, a generous bound on a loaded machine.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(background ? 5000 : 1000);
    auto grown = [&] { return std::filesystem::file_size(path) > before + 1'600'000; };
    while (!grown() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (background) {
      EXPECT_TRUE(grown()) << "the log was not folded into the file within 5 s";
    } else {
      EXPECT_FALSE(grown()) << "the log reached the file before the writer's limit";
    }
  }
  auto again = must(store::open_store(path, options), "reopen");
  must(again->transact(store::TxMode::kRead,
                       [&](store::Tx& tx) -> Status {
                         for (int i = 0; i < 20; ++i) {
                           auto v = tx.get_meta("wal_fold_" + std::to_string(i));
                           if (!v) return std::move(v).error();
                           if (!v->has_value() || (*v)->size() != 100 * 1024) {
                             return Error::internal("value " + std::to_string(i));
                           }
                         }
                         return {};
                       }),
       "read back");
  again.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

INSTANTIATE_TEST_SUITE_P(FoldedInTheBackground, WalFoldTest, ::testing::Values(true, false),
                         [](const auto& fold) { return fold.param ? "On" : "Off"; });

}  // namespace
}  // namespace vertebro::store_test
