// Faults injected at the sql::Connection seam (store/faults.h) under the real SQLite file and
// the real PostgreSQL schema: a busy database that clears (the retry in app::Context::write),
// one that does not, a commit that fails, and statements that fail in the middle of a use
// case's transaction. Whatever fails, nothing is half-saved: no record without its audit
// entry, no audit entry without its record, and the chain still verifies.

#include <unistd.h>

#include <filesystem>

#include "app/audit_verify.h"
#include "app/context.h"
#include "app/pathway.h"
#include "app/patients.h"
#include "base/crypto.h"
#include "domain/patient.h"
#include "store/faults.h"
#include "store_fixture.h"
#include "support/pg_schema.h"

namespace vertebro::store_test {
namespace {

using domain::PathwayState;
using domain::Role;
using store::faults::FaultPlan;
using store::faults::kAlways;
using store::faults::Rule;

class FaultTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    site_ = insert_site("S1");
    coordinator_ = insert_actor("coord", Role::kCoordinator, {site_});
    store::OpenOptions options;
    options.wrap_connection = store::faults::wrapper(plan_);
    open({}, options);
  }

  Result<domain::PatientRecord> register_patient(int nhs_index) {
    domain::PatientInput in{test_nhs_number(nhs_index), "Faulty", "Fay", "1944-04-04", "female"};
    return app::register_patient(ctx(), coordinator_, site_.str(), in);
  }

  bool patient_exists(int nhs_index) {
    return raw()->query_int("SELECT COUNT(*) FROM patients WHERE nhs_number = '" +
                            test_nhs_number(nhs_index) + "'") > 0;
  }

  // Audit entries after `seq` with this action and record type.
  int entries_after(std::int64_t seq, const std::string& action, const std::string& type) {
    int n = 0;
    for (const auto& e : audit_entries()) {
      if (e.seq > seq && e.action == action && e.record_type == type) ++n;
    }
    return n;
  }

  void expect_chain_verifies() {
    auto report = must(app::verify_chain(ctx()), "verify_chain");
    EXPECT_TRUE(report.ok) << "entry " << report.bad_seq << ": " << report.problem;
  }

  std::shared_ptr<FaultPlan> plan_ = std::make_shared<FaultPlan>();
  SiteId site_;
  app::Actor coordinator_;
};

TEST_P(FaultTest, BusyThenFreeIsRetriedAndSavedOnce) {
  const auto head = audit_head();
  plan_->add({"INSERT INTO patients", "", 0, 2, store::faults::busy(), ""});

  auto p = register_patient(1);
  ASSERT_TRUE(p.ok()) << describe(p);
  EXPECT_EQ(plan_->injected(), 2);
  EXPECT_EQ(plan_->seen("INSERT INTO patients"), 3);  // two refused, the third saved
  EXPECT_EQ(raw()->query_int("SELECT COUNT(*) FROM patients"), 1);
  EXPECT_EQ(entries_after(head.first, "create", "patient"), 1);
  expect_chain_verifies();
}

TEST_P(FaultTest, BusyThroughEveryRetryIsBusyAndSavesNothing) {
  const auto head = audit_head();
  plan_->add({"INSERT INTO patients", "", 0, kAlways, store::faults::busy(), ""});

  auto p = register_patient(1);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kBusy);
  EXPECT_EQ(plan_->injected(), 6);  // the first attempt and five retries, then it gives up
  EXPECT_FALSE(patient_exists(1));
  EXPECT_EQ(audit_head(), head);
}

TEST_P(FaultTest, FailedCommitSavesNothingIsNotRetriedAndSaysSo) {
  const auto head = audit_head();
  plan_->add({"COMMIT", "INSERT INTO patients", 0, 1, store::faults::disk_full(), ""});

  auto p = register_patient(1);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kUnavailable);
  EXPECT_NE(p.error().message.find("not saved"), std::string::npos) << p.error().message;
  EXPECT_EQ(plan_->injected(), 1);
  EXPECT_EQ(plan_->seen("INSERT INTO patients"), 1);  // not retried
  EXPECT_FALSE(patient_exists(1));
  EXPECT_EQ(audit_head(), head);

  // The database itself is unharmed: the same registration succeeds once the fault is gone.
  auto again = register_patient(1);
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_EQ(entries_after(head.first, "create", "patient"), 1);
  expect_chain_verifies();
}

TEST_P(FaultTest, FailedAuditAppendSavesNoRecord) {
  const auto head = audit_head();
  plan_->add({"INSERT INTO audit_log", "INSERT INTO patients", 0, 1, store::faults::broken(), ""});

  auto p = register_patient(1);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kInternal);
  EXPECT_FALSE(patient_exists(1));
  EXPECT_EQ(audit_head(), head);  // the head's update before the insert is undone too
  expect_chain_verifies();
}

TEST_P(FaultTest, FailedTransitionInsertLeavesTheEpisodeAsItWas) {
  const auto patient = insert_patient(site_, 2);
  const auto episode = insert_episode(patient.id, site_, "2026-09-01", PathwayState::kReferral);
  const auto op = insert_actor("op", Role::kOperator, {site_});
  const auto head = audit_head();
  // set_episode_state has already run when the transition row fails.
  plan_->add({"INSERT INTO transitions", "UPDATE episodes", 0, 1, store::faults::broken(), ""});

  auto moved = app::move_episode(ctx(), op, episode.id, {"assessment", episode.version, "", "", ""});
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(plan_->injected(), 1);
  EXPECT_EQ(raw()->query_int("SELECT version FROM episodes WHERE id = " + episode.id.str()),
            episode.version);
  EXPECT_EQ(raw()->query_int("SELECT COUNT(*) FROM episodes WHERE state = 'referral' AND id = " +
                             episode.id.str()),
            1);
  EXPECT_EQ(raw()->query_int("SELECT COUNT(*) FROM transitions"), 0);
  EXPECT_EQ(audit_head(), head);

  auto again = app::move_episode(ctx(), op, episode.id, {"assessment", episode.version, "", "", ""});
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_TRUE(again->moved);
  EXPECT_EQ(raw()->query_int("SELECT COUNT(*) FROM transitions"), 1);
  EXPECT_EQ(entries_after(head.first, "transition", "episode"), 1);
  expect_chain_verifies();
}

VERTEBRO_STORE_SUITE(FaultTest);

// A real full disk on SQLite: the file may not grow past its current size, and an audit entry
// too large to fit is refused as kUnavailable (not kInternal), with nothing saved.
TEST(SqliteDiskFullTest, WriteBeyondTheFileLimitIsUnavailableAndSavesNothing) {
  ASSERT_TRUE(crypto::init());
  const std::string path = testing::TempDir() + "vertebro_disk_full_" +
                           std::to_string(::getpid()) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto plan = std::make_shared<FaultPlan>();
  store::OpenOptions options;
  options.wrap_connection = store::faults::wrapper(plan);
  auto store = must(store::open_store(path, options), "open_store");
  // max_page_count cannot go below the current size: 1 means "no larger than now".
  plan->add({"UPDATE audit_head", "", 0, 1, {}, "PRAGMA max_page_count = 1"});
  domain::AuditEntry big;
  big.at = "2026-11-25T10:00:00Z";
  big.action = "create";
  big.record_type = "note";
  big.detail = "{\"text\":\"" + std::string(256 * 1024, 'x') + "\"}";
  auto s = store->transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Status {
    auto e = tx.append_audit(big);
    if (!e) return std::move(e).error();
    return {};
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kUnavailable) << describe(s.error());
  EXPECT_NE(s.error().message.find("not saved"), std::string::npos) << s.error().message;
  std::int64_t head = -1;
  must(store->transact(store::TxMode::kRead, [&](store::Tx& tx) -> Status {
    auto h = tx.audit_head();
    if (!h) return std::move(h).error();
    head = h->first;
    return {};
  }), "audit_head");
  EXPECT_EQ(head, 0);
  store.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

// A PostgreSQL store on a fresh schema, every connection behind one fault plan, with one site.
struct PgFaultStore {
  PgFaultStore() {
    store::OpenOptions options;
    options.wrap_connection = store::faults::wrapper(plan);
    store = must(store::open_store(schema.target(), options), "open_store");
    must(store->transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Status {
      auto s = tx.insert_site("S1", "Site S1");
      if (!s) return std::move(s).error();
      site = *s;
      return {};
    }), "insert_site");
  }
  test_support::PgSchema schema;
  std::shared_ptr<FaultPlan> plan = std::make_shared<FaultPlan>();
  std::unique_ptr<store::Store> store;
  FixedClock clock{start_time()};
  SiteId site;
};

// PostgreSQL: a connection lost just before COMMIT leaves the outcome unknown to vertebro, so
// the change is not retried (it could be saved twice) and the error says to look first.
TEST(PostgresLostCommitTest, ConnectionLostAtCommitIsNotRetriedAndSaysTheOutcomeIsUnknown) {
  ASSERT_TRUE(crypto::init());
  PgFaultStore pg;
  auto& plan = pg.plan;
  const SiteId site = pg.site;
  app::Context ctx(*pg.store, pg.clock);
  app::Actor admin = app::system_actor("test");
  admin.user.sites = {site};
  plan->add({"COMMIT", "INSERT INTO patients", 0, 1, {},
             "SELECT pg_terminate_backend(pg_backend_pid())"});

  domain::PatientInput in{test_nhs_number(1), "Lost", "Lee", "1944-04-04", "female"};
  auto p = app::register_patient(ctx, admin, site.str(), in);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kUnavailable) << describe(p.error());
  EXPECT_NE(p.error().message.find("cannot tell whether it was saved"), std::string::npos)
      << p.error().message;
  EXPECT_EQ(plan->seen("INSERT INTO patients"), 1);  // not retried

  // The pool reconnects, and the patient was not saved (the backend died before COMMIT).
  auto again = app::register_patient(ctx, admin, site.str(), in);
  EXPECT_TRUE(again.ok()) << describe(again);
}

// PostgreSQL: a connection lost just before one of a report's streamed passes (libpq's
// single-row mode, store/postgres) fails that transaction cleanly; the retry, on a fresh
// connection, counts the same rows, and the connection pool is usable afterwards.
TEST(PostgresLostStreamTest, ConnectionLostBeforeAStreamedPassIsRetriedOnAFreshConnection) {
  ASSERT_TRUE(crypto::init());
  PgFaultStore pg;
  auto& plan = pg.plan;
  app::Context ctx(*pg.store, pg.clock);
  store::ReportFilter f;
  f.sites = {pg.site};
  f.from = "2026-01-01";
  f.to = "2026-12-31";
  plan->add({"FROM report_visits r", "", 0, 1, {},
             "SELECT pg_terminate_backend(pg_backend_pid())"});

  int passes = 0;
  auto counted = ctx.write([&](store::Tx& tx) -> Status {
    auto pass = tx.report_pass(f, {}, "1 month", "2026-11-01");
    if (!pass) return std::move(pass).error();
    EXPECT_EQ(pass->total.cases, 0);
    EXPECT_TRUE(pass->groups.empty());
    ++passes;
    return {};
  });
  ASSERT_TRUE(counted) << describe(counted);
  EXPECT_EQ(passes, 1);
  EXPECT_EQ(plan->injected(), 1);
  EXPECT_EQ(plan->seen("FROM report_visits r"), 2);  // lost once, then run on a new connection

  // Every connection of the pool still answers a streamed pass.
  for (int i = 0; i < 4; ++i) {
    auto again = ctx.read([&](store::Tx& tx) -> Status {
      auto pass = tx.report_pass(f, {}, "1 month", "2026-11-01");
      if (!pass) return std::move(pass).error();
      return {};
    });
    EXPECT_TRUE(again) << describe(again);
  }
}

}  // namespace
}  // namespace vertebro::store_test
