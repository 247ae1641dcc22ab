#include "store_fixture.h"

#include "support/pg_schema.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <filesystem>

#include "base/crypto.h"
#include "base/log.h"
#include "domain/date.h"
#include "domain/patient.h"
#include "domain/referral.h"
#include "domain/vertebral_level.h"

namespace vertebro::store_test {

namespace {

class SqliteRaw final : public RawDatabase {
 public:
  explicit SqliteRaw(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw std::runtime_error("cannot open " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~SqliteRaw() override { sqlite3_close(db_); }

  std::string exec(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return "";
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return msg.empty() ? "error" : msg;
  }

  std::int64_t query_int(const std::string& sql) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot prepare " + sql + ": " + sqlite3_errmsg(db_));
    }
    const int rc = sqlite3_step(stmt);
    const std::int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW) throw std::runtime_error("no row from " + sql);
    return v;
  }

  std::string query_plan(const std::string& sql) override {
    sqlite3_stmt* stmt = nullptr;
    const std::string explain = "EXPLAIN QUERY PLAN " + sql;
    if (sqlite3_prepare_v2(db_, explain.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot prepare " + explain + ": " + sqlite3_errmsg(db_));
    }
    std::string plan;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
      plan += "\n";
    }
    sqlite3_finalize(stmt);
    return plan;
  }

  void drop_audit_triggers() override {
    const auto err = exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
    if (!err.empty()) throw std::runtime_error("cannot drop the audit triggers: " + err);
  }

 private:
  sqlite3* db_ = nullptr;
};

// libpq straight to the test's schema on the test cluster.
class PostgresRaw final : public RawDatabase {
 public:
  explicit PostgresRaw(const std::string& target) : conn_(PQconnectdb(target.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw std::runtime_error("cannot connect to " + target + ": " + msg);
    }
    PQclear(PQexec(conn_, "SET client_min_messages = warning"));
  }
  ~PostgresRaw() override { PQfinish(conn_); }

  std::string exec(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    const auto status = PQresultStatus(r);
    std::string err;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      err = PQresultErrorMessage(r);
      if (err.empty()) err = "error";
    }
    PQclear(r);
    return err;
  }

  std::int64_t query_int(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) {
      const std::string msg = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error("no row from " + sql + ": " + msg);
    }
    const std::int64_t v = std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10);
    PQclear(r);
    return v;
  }

  std::string query_plan(const std::string& sql) override {
    std::string numbered;
    std::string nulls;
    int n = 0;
    for (const char ch : sql) {
      if (ch != '?') {
        numbered += ch;
        continue;
      }
      numbered += "$" + std::to_string(++n);
      nulls += n == 1 ? "NULL" : ", NULL";
    }
    const auto err = exec("SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan; "
                          "DEALLOCATE ALL; PREPARE plan_probe AS " + numbered);
    if (!err.empty()) throw std::runtime_error("cannot prepare " + numbered + ": " + err);
    PGresult* r = PQexec(conn_, ("EXPLAIN EXECUTE plan_probe(" + nulls + ")").c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      const std::string msg = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error("cannot explain " + numbered + ": " + msg);
    }
    std::string plan;
    for (int i = 0; i < PQntuples(r); ++i) plan += std::string(PQgetvalue(r, i, 0)) + "\n";
    PQclear(r);
    return plan;
  }

  void drop_audit_triggers() override {
    const auto err = exec(
        "DROP TRIGGER audit_log_no_update ON audit_log; "
        "DROP TRIGGER audit_log_no_delete ON audit_log;");
    if (!err.empty()) throw std::runtime_error("cannot drop the audit triggers: " + err);
  }

 private:
  PGconn* conn_ = nullptr;
};

// The test cluster started by ctest's postgres fixture (tests/CMakeLists.txt).
std::string postgres_base() { return test_support::test_cluster_uri(std::getenv("VERTEBRO_TEST_PG")); }

std::string unique_sqlite_path() {
  static std::atomic<int> counter{0};
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return testing::TempDir() + "vertebro_store_" + std::to_string(::getpid()) + "_" +
         std::to_string(counter++) + "_" + name + ".db";
}

}  // namespace

std::vector<std::string> store_backends() { return {"sqlite", "postgresql"}; }

std::string describe(const Error& e) {
  std::string out = std::string("Error ") + errc_name(e.code) + ": " + e.message;
  for (const auto& f : e.fields) out += " [" + f.field + ": " + f.message + "]";
  return out;
}

void must(const Status& s, const std::string& what) {
  if (!s) throw std::runtime_error(what + ": " + describe(s.error()));
}

TimePoint start_time() {
  using namespace std::chrono;
  return sys_days{year{2026} / November / 25} + hours{10};
}

void StoreTest::SetUp() {
  ASSERT_TRUE(crypto::init());
  log::configure("", "error");  // use cases log every write; keep failure output readable
  const std::string& backend = GetParam();
  if (backend == "sqlite") {
    target_ = unique_sqlite_path();
    files_ = {target_, target_ + "-wal", target_ + "-shm", target_ + "-journal"};
    for (const auto& f : files_) std::filesystem::remove(f);
  } else if (backend == "postgresql") {
    // One schema per test on the shared test cluster, dropped afterwards.
    static std::atomic<int> counter{0};
    schema_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    const std::string base = postgres_base();
    admin_target_ = base;
    ASSERT_EQ(PostgresRaw(base).exec("CREATE SCHEMA " + schema_), "");
    target_ = base + (base.find('?') == std::string::npos ? "?" : "&") +
              "options=-csearch_path%3D" + schema_;
  } else {
    FAIL() << "no test set-up for backend " << backend;
  }
  open();
  ASSERT_EQ(store_->backend(), backend);
}

void StoreTest::TearDown() {
  close();
  if (!schema_.empty()) {
    PostgresRaw(admin_target_).exec("DROP SCHEMA " + schema_ + " CASCADE");
  }
  for (const auto& f : files_) {
    std::error_code ec;
    std::filesystem::remove(f, ec);
  }
}

void StoreTest::open(app::Settings settings, store::OpenOptions options) {
  close();
  store_ = must(store::open_store(target_, options), "open_store");
  ctx_ = std::make_unique<app::Context>(*store_, clock_, settings);
}

void StoreTest::close() {
  ctx_.reset();
  store_.reset();
}

std::unique_ptr<RawDatabase> StoreTest::raw() {
  if (GetParam() == "sqlite") return std::make_unique<SqliteRaw>(target_);
  if (GetParam() == "postgresql") return std::make_unique<PostgresRaw>(target_);
  throw std::runtime_error("no raw access for backend " + GetParam());
}

SiteId StoreTest::insert_site(const std::string& code) {
  SiteId id;
  must(store_->transact(store::TxMode::kWrite,
                        [&](store::Tx& tx) -> Status {
                          auto r = tx.insert_site(code, "Site " + code);
                          if (!r) return std::move(r).error();
                          id = *r;
                          return {};
                        }),
       "insert_site");
  return id;
}

app::Actor StoreTest::insert_actor(const std::string& username, domain::Role role,
                                   std::vector<SiteId> sites) {
  app::Actor actor;
  actor.user.username = username;
  actor.user.display_name = "Test " + username;
  actor.user.role = role;
  actor.user.sites = std::move(sites);
  must(store_->transact(store::TxMode::kWrite,
                        [&](store::Tx& tx) -> Status {
                          auto r = tx.insert_user(actor.user, "not-a-password-hash",
                                                  ctx_->now_text());
                          if (!r) return std::move(r).error();
                          actor.user.id = *r;
                          return {};
                        }),
       "insert_user");
  return actor;
}

store::PatientRecord StoreTest::insert_patient(SiteId site, int nhs_index) {
  domain::PatientInput in{test_nhs_number(nhs_index), "Tester", "Pat", "1940-03-01", "female"};
  auto details = must(domain::validate_patient(in, domain::Date::today(clock_)), "patient");
  std::optional<store::PatientRecord> out;
  must(store_->transact(store::TxMode::kWrite,
                        [&](store::Tx& tx) -> Status {
                          auto r = tx.insert_patient(site, details, ctx_->now_text());
                          if (!r) return std::move(r).error();
                          out = std::move(*r);
                          return {};
                        }),
       "insert_patient");
  return *out;
}

store::EpisodeRecord StoreTest::insert_episode(PatientId patient, SiteId site,
                                               const std::string& date,
                                               domain::PathwayState state) {
  domain::ReferralDetails r{site,
                            "Dr A Referrer",
                            must(domain::Date::parse(date, "referral_date", "referral date"), date),
                            domain::Indication::kOsteoporotic,
                            {domain::VertebralLevel::from_index(12)},
                            "Painful fracture"};
  std::optional<store::EpisodeRecord> out;
  must(store_->transact(store::TxMode::kWrite,
                        [&](store::Tx& tx) -> Status {
                          auto e = tx.insert_episode(patient, r, state, ctx_->now_text());
                          if (!e) return std::move(e).error();
                          out = std::move(*e);
                          return {};
                        }),
       "insert_episode");
  return *out;
}

void StoreTest::expect_each_refused(const std::string& username,
                                    const std::vector<RefusedAttempt>& attempts) {
  for (const auto& attempt : attempts) {
    SCOPED_TRACE(attempt.name);
    const auto head = audit_head().first;
    const auto s = attempt.call();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Errc::kNotFound) << describe(s);
    ASSERT_EQ(audit_head().first, head + 1);
    const auto e = last_audit_entry();
    EXPECT_EQ(e.action, "denied");
    EXPECT_EQ(e.username, username);
    EXPECT_EQ(e.record_type, attempt.record_type);
    EXPECT_EQ(e.record_id, attempt.record_id);
  }
}

std::vector<domain::AuditEntry> StoreTest::audit_entries() {
  std::vector<domain::AuditEntry> all;
  for (;;) {
    std::vector<domain::AuditEntry> batch;
    must(store_->transact(store::TxMode::kRead,
                          [&](store::Tx& tx) -> Status {
                            auto r = tx.audit_range(all.empty() ? 0 : all.back().seq, 1000);
                            if (!r) return std::move(r).error();
                            batch = std::move(*r);
                            return {};
                          }),
         "audit_range");
    if (batch.empty()) return all;
    all.insert(all.end(), batch.begin(), batch.end());
  }
}

std::pair<std::int64_t, std::string> StoreTest::audit_head() {
  std::pair<std::int64_t, std::string> head;
  must(store_->transact(store::TxMode::kRead,
                        [&](store::Tx& tx) -> Status {
                          auto r = tx.audit_head();
                          if (!r) return std::move(r).error();
                          head = *r;
                          return {};
                        }),
       "audit_head");
  return head;
}

domain::AuditEntry StoreTest::last_audit_entry() {
  auto all = audit_entries();
  if (all.empty()) throw std::runtime_error("the audit trail is empty");
  return all.back();
}

}  // namespace vertebro::store_test
