#pragma once
// The store suite's fixture: one fresh database per test, for every backend the suite is
// instantiated with (SQLite now; PostgreSQL later, by adding it to store_backends() and a
// RawDatabase for it). Tests reach the store through app use cases where that is natural and
// through Store::transact for store-level behaviour; RawDatabase goes around the store
// altogether, to set up states the store refuses to create and to tamper with the audit trail.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "app/context.h"
#include "support/test_nhs_numbers.h"
#include "base/clock.h"
#include "base/result.h"
#include "domain/audit.h"
#include "domain/pathway_state.h"
#include "store/records.h"
#include "store/store.h"

namespace vertebro::store_test {

// A connection straight to the database file or server, bypassing vertebro.
class RawDatabase {
 public:
  virtual ~RawDatabase() = default;
  // Runs one or more statements. Returns "" on success, else the driver's error message.
  virtual std::string exec(const std::string& sql) = 0;
  // The first column of the first row as an integer; throws when the query fails.
  virtual std::int64_t query_int(const std::string& sql) = 0;
  // The plan of `sql` (a SELECT with ? placeholders, all NULL), one line per step: EXPLAIN QUERY
  // PLAN on SQLite; on PostgreSQL EXPLAIN of its generic plan with sequential scans priced out
  // (so a tiny table still shows the index the query would use at scale).
  virtual std::string query_plan(const std::string& sql) = 0;
  // Removes the triggers that make audit_log append-only.
  virtual void drop_audit_triggers() = 0;
};

// The backends the suite runs on: {"sqlite", "postgresql"}.
std::vector<std::string> store_backends();

// "Error kConflict: message [field: message]" for failure output.
std::string describe(const Error& e);
template <class T>
std::string describe(const Result<T>& r) {
  return r.ok() ? std::string("ok") : describe(r.error());
}

// Returns the value, or throws (GoogleTest reports the exception as the test's failure).
template <class T>
T must(Result<T> r, const std::string& what) {
  if (!r) throw std::runtime_error(what + ": " + describe(r.error()));
  return std::move(r).value();
}
void must(const Status& s, const std::string& what);

using test_support::test_nhs_number;

// 2026-11-25T10:00:00Z, where every test's clock starts.
TimePoint start_time();

class StoreTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Opens the store on the test's database (migrating) with a Context on the fixed clock;
  // `options` can put its connections behind a fault plan (store/faults.h).
  void open(app::Settings settings = {}, store::OpenOptions options = {});
  // Closes the store and the Context (the database itself is kept).
  void close();
  // Direct access to the test's database. The store may stay open (SQLite runs in WAL mode).
  std::unique_ptr<RawDatabase> raw();

  // What open_store is given ("/tmp/.../x.db" for SQLite).
  const std::string& target() const { return target_; }
  store::Store& store() { return *store_; }
  const app::Context& ctx() { return *ctx_; }

  // Set-up through the store, without audit entries or password hashing.
  SiteId insert_site(const std::string& code);
  // An actor whose user row exists (with an unusable password hash), at `sites`.
  app::Actor insert_actor(const std::string& username, domain::Role role,
                          std::vector<SiteId> sites);
  store::PatientRecord insert_patient(SiteId site, int nhs_index);
  store::EpisodeRecord insert_episode(PatientId patient, SiteId site, const std::string& date,
                                      domain::PathwayState state);

  // An attempt a user must be refused exactly as if the record did not exist.
  struct RefusedAttempt {
    std::string name;
    std::function<Status()> call;
    std::string record_type;  // of its "denied" entry
    std::int64_t record_id = 0;
  };
  // Runs each attempt: it must fail with kNotFound and append exactly one "denied" entry by
  // `username` about its record, whatever became of the rest of its transaction.
  void expect_each_refused(const std::string& username,
                           const std::vector<RefusedAttempt>& attempts);

  // The whole audit trail in sequence order, and its recorded head.
  std::vector<domain::AuditEntry> audit_entries();
  std::pair<std::int64_t, std::string> audit_head();
  domain::AuditEntry last_audit_entry();

  FixedClock clock_{start_time()};

 private:
  std::string target_;
  std::vector<std::string> files_;
  std::string schema_;        // PostgreSQL: the per-test schema
  std::string admin_target_;  // PostgreSQL: the cluster without the schema option
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::Context> ctx_;
};

// True when `e` names `field` among its field errors.
inline bool names_field(const Error& e, const std::string& field) {
  for (const auto& f : e.fields) {
    if (f.field == field) return true;
  }
  return false;
}

inline std::string backend_test_name(const testing::TestParamInfo<std::string>& p) {
  return p.param;
}

// Gives a StoreTest subclass one instance per backend, named after it ("sqlite").
#define VERTEBRO_STORE_SUITE(Suite)                                                      \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                             \
                           testing::ValuesIn(::vertebro::store_test::store_backends()), \
                           ::vertebro::store_test::backend_test_name)

}  // namespace vertebro::store_test
