// Concurrency: request threads sharing one Context write audited records at once; the audit
// chain stays one unbroken sequence with no gaps or forks, and readers see consistent states.

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "app/audit_verify.h"
#include "app/patients.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

class ConcurrencyTest : public StoreTest {
 protected:
  static constexpr int kThreads = 4;
  static constexpr int kWritesPerThread = 50;

  // Runs kThreads threads of kWritesPerThread registrations; returns the failures.
  std::vector<std::string> register_concurrently(const std::function<void()>& alongside = {}) {
    const SiteId site = insert_site("A");
    const auto actor = insert_actor("busy", domain::Role::kNurse, {site});
    std::vector<std::string> numbers;
    for (int i = 0; i < kThreads * kWritesPerThread; ++i) numbers.push_back(test_nhs_number(i));
    std::mutex mu;
    std::vector<std::string> failures;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kWritesPerThread; ++i) {
          const auto& nhs = numbers[static_cast<std::size_t>(t * kWritesPerThread + i)];
          domain::PatientInput in{nhs, "Thread" + std::to_string(t), "Pat", "1945-02-03", "male"};
          auto r = app::register_patient(ctx(), actor, site.str(), in);
          if (!r) {
            std::lock_guard lock(mu);
            failures.push_back(nhs + ": " + describe(r.error()));
          }
        }
      });
    }
    if (alongside) alongside();
    for (auto& th : threads) th.join();
    for (const auto& nhs : numbers) {
      bool found = false;
      must(store().transact(store::TxMode::kRead,
                            [&](store::Tx& tx) -> Status {
                              auto p = tx.find_patient_by_nhs(nhs);
                              if (!p) return std::move(p).error();
                              found = p->has_value();
                              return {};
                            }),
           "find_patient_by_nhs");
      if (!found) failures.push_back(nhs + ": not stored");
    }
    return failures;
  }
};

TEST_P(ConcurrencyTest, ParallelAuditedWritesKeepOneChain) {
  const auto failures = register_concurrently();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures, first: " << failures.front();

  constexpr std::int64_t kWrites = kThreads * kWritesPerThread;
  const auto report = must(app::verify_chain(ctx()), "verify_chain");
  EXPECT_TRUE(report.ok) << report.problem << " at " << report.bad_seq;
  EXPECT_EQ(report.checked, kWrites);
  const auto entries = audit_entries();
  ASSERT_EQ(entries.size(), static_cast<std::size_t>(kWrites));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(entries[i].seq, static_cast<std::int64_t>(i + 1));
  }
  const auto head = audit_head();
  EXPECT_EQ(head.first, kWrites);
  EXPECT_EQ(head.first, static_cast<std::int64_t>(entries.size()));
  EXPECT_EQ(head.second, entries.back().hash);
  // One creation per patient, each about a different record.
  std::set<std::int64_t> records;
  for (const auto& e : entries) {
    EXPECT_EQ(e.action, "create");
    records.insert(e.record_id);
  }
  EXPECT_EQ(records.size(), entries.size());
}

TEST_P(ConcurrencyTest, ChainVerifiesWhileBeingWritten) {
  std::vector<std::string> reader_failures;
  int verifications = 0;
  const auto failures = register_concurrently([&] {
    // Until the head reaches the end, verify repeatedly from this thread.
    for (;;) {
      auto r = app::verify_chain(ctx());
      ++verifications;
      if (!r) {
        reader_failures.push_back(describe(r.error()));
      } else if (!r->ok) {
        reader_failures.push_back(r->problem + " at " + std::to_string(r->bad_seq));
      } else if (r->checked >= kThreads * kWritesPerThread) {
        break;
      }
      if (verifications > 100000 || reader_failures.size() > 5) break;
    }
  });
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_TRUE(reader_failures.empty()) << reader_failures.size()
                                       << " failed verifications, first: "
                                       << reader_failures.front();
}

VERTEBRO_STORE_SUITE(ConcurrencyTest);

}  // namespace
}  // namespace vertebro::store_test
