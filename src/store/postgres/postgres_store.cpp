#include "store/postgres/postgres_store.h"

#include <libpq-fe.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "store/migrate.h"
#include "store/sql_tx.h"
#include "store/write_groups.h"

namespace vertebro::store {

namespace {

constexpr Oid kInt2 = 21, kInt4 = 23, kInt8 = 20;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// "?" placeholders become "$1", "$2", ... outside quoted text.
std::string numbered_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (c == '?' && !quoted) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Error pg_error(PGconn* conn, const PGresult* res) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  // Keep the first line only: DETAIL lines can quote the values of a row.
  if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return Error{Errc::kBusy, "The database could not serialise the change: " + msg, {}, 0, 0};
  }
  if (sqlstate == "23505") {
    return Error{Errc::kDuplicate, "A record with the same key exists: " + msg, {}, 0, 0};
  }
  // Disk full, out of memory or connections (class 53), an I/O error (58030).
  if (sqlstate.rfind("53", 0) == 0 || sqlstate == "58030") {
    return Error{Errc::kUnavailable,
                 "The database could not save the change (" + msg + "), so it was not saved.",
                 {}, 0, 0};
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    return Error{Errc::kBusy, "The database connection was lost: " + msg, {}, 0, 0};
  }
  return Error::internal("Database error (" + sqlstate + "): " + msg);
}

class PgConnection final : public sql::Connection {
 public:
  ~PgConnection() override {
    if (conn_ != nullptr) PQfinish(conn_);
  }

  static Result<std::unique_ptr<PgConnection>> open(const std::string& conninfo) {
    auto c = std::unique_ptr<PgConnection>(new PgConnection());
    c->conninfo_ = conninfo;
    if (auto s = c->connect(); !s) return std::move(s).error();
    return c;
  }

  // Reconnects a connection that was lost (server restart, network); prepared statements
  // are prepared again on first use.
  Status ensure_connected() {
    if (PQstatus(conn_) == CONNECTION_OK) return {};
    PQreset(conn_);
    prepared_.clear();
    if (PQstatus(conn_) != CONNECTION_OK) {
      return Error{Errc::kBusy, "Cannot reach the database: " + first_line(PQerrorMessage(conn_)),
                   {}, 0, 0};
    }
    return {};
  }

  Result<std::vector<sql::Row>> query(std::string_view sql, const sql::Params& params) override {
    auto res = run(sql, params);
    if (!res) return std::move(res).error();
    PGresult* r = res->get();
    const int rows = PQntuples(r);
    std::vector<sql::Row> out;
    out.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      sql::Row row({});
      read_tuple(r, i, row);
      out.push_back(std::move(row));
    }
    return out;
  }

  // Streams the rows in libpq's single-row mode, through one Row: a pass over a million rows
  // never holds them all, on the client or in libpq.
  Status each(std::string_view sql, const sql::Params& params,
              const std::function<void(const sql::Row&)>& fn) override {
    Bound b;
    if (auto s = bind(sql, params, b); !s) return s;
    if (PQsendQueryPrepared(conn_, b.name.c_str(), static_cast<int>(b.values.size()),
                            b.values.data(), nullptr, nullptr, 0) != 1) {
      return pg_error(conn_, nullptr);
    }
    // Single-row mode may be refused; the rows then come in one result, read the same way.
    (void)PQsetSingleRowMode(conn_);
    Status out;
    sql::Row row({});
    // Every result is read, even after an error, so the connection is ready for the next.
    while (PGresult* raw = PQgetResult(conn_)) {
      PgResult r(raw);
      const auto status = PQresultStatus(raw);
      if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) {
        for (int i = 0; out && i < PQntuples(raw); ++i) {
          read_tuple(raw, i, row);
          fn(row);
        }
      } else if (out) {
        out = pg_error(conn_, raw);
      }
    }
    return out;
  }

  Result<std::int64_t> exec(std::string_view sql, const sql::Params& params) override {
    auto res = run(sql, params);
    if (!res) return std::move(res).error();
    const char* n = PQcmdTuples(res->get());
    return static_cast<std::int64_t>(n && *n ? std::strtoll(n, nullptr, 10) : 0);
  }

  Status exec_script(std::string_view sql) override {
    PgResult res(PQexec(conn_, std::string(sql).c_str()));
    const auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return pg_error(conn_, res.get());
    return {};
  }

  bool in_failed_transaction() const {
    return PQtransactionStatus(conn_) == PQTRANS_INERROR;
  }

  bool connected() const { return PQstatus(conn_) == CONNECTION_OK; }

 private:
  PgConnection() = default;

  static std::string first_line(std::string s) {
    if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
    return s;
  }

  Status connect() {
    conn_ = PQconnectdb(conninfo_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      return Error::internal("Cannot connect to PostgreSQL: " + first_line(PQerrorMessage(conn_)));
    }
    PgResult r(PQexec(conn_, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET client_min_messages = warning"));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return pg_error(conn_, r.get());
    return {};
  }

  // One row of a result into `row`, its values' storage reused.
  static void read_tuple(const PGresult* r, int i, sql::Row& row) {
    auto& values = row.values();
    values.resize(static_cast<std::size_t>(PQnfields(r)));
    for (std::size_t j = 0; j < values.size(); ++j) {
      const int col = static_cast<int>(j);
      if (PQgetisnull(r, i, col)) {
        values[j] = std::monostate{};
        continue;
      }
      const char* text = PQgetvalue(r, i, col);
      const Oid type = PQftype(r, col);
      if (type == kInt8 || type == kInt4 || type == kInt2) {
        values[j] = static_cast<std::int64_t>(std::strtoll(text, nullptr, 10));
      } else {
        const std::string_view v(text, static_cast<std::size_t>(PQgetlength(r, i, col)));
        if (auto* str = std::get_if<std::string>(&values[j])) {
          str->assign(v);
        } else {
          values[j] = std::string(v);
        }
      }
    }
  }

  // A statement ready to run: its prepared name and its parameters as text (values point into
  // text, so a Bound is filled in place and never moved).
  struct Bound {
    std::string name;
    std::vector<std::string> text;
    std::vector<const char*> values;
  };

  // Prepares `sql` on first use and binds `params` into `b`.
  Status bind(std::string_view sql, const sql::Params& params, Bound& b) {
    const std::string key(sql);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      std::string name = "v";
      name += std::to_string(prepared_.size() + 1);
      PgResult p(PQprepare(conn_, name.c_str(), numbered_placeholders(sql).c_str(), 0, nullptr));
      if (PQresultStatus(p.get()) != PGRES_COMMAND_OK) return pg_error(conn_, p.get());
      it = prepared_.emplace(key, name).first;
    }
    b.name = it->second;
    b.text.assign(params.size(), std::string());
    b.values.assign(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& v = params[i];
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        b.text[i] = std::to_string(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        b.text[i] = std::to_string(*d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        b.text[i] = *s;
      } else {
        continue;  // SQL NULL
      }
      b.values[i] = b.text[i].c_str();
    }
    return {};
  }

  Result<PgResult> run(std::string_view sql, const sql::Params& params) {
    Bound b;
    if (auto s = bind(sql, params, b); !s) return std::move(s).error();
    PgResult res(PQexecPrepared(conn_, b.name.c_str(), static_cast<int>(params.size()),
                                b.values.data(), nullptr, nullptr, 0));
    const auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return pg_error(conn_, res.get());
    return res;
  }

  PGconn* conn_ = nullptr;
  std::string conninfo_;
  std::unordered_map<std::string, std::string> prepared_;
};

// A connection and, when OpenOptions::wrap_connection is set, the wrapper every statement
// goes through (transaction control included); reconnecting always uses the driver.
struct PgWrapped {
  std::unique_ptr<PgConnection> driver;
  std::unique_ptr<sql::Connection> wrapper;
  sql::Connection& use() { return wrapper ? *wrapper : *driver; }
};

Result<PgWrapped> open_wrapped(const std::string& conninfo, const OpenOptions& options) {
  auto c = PgConnection::open(conninfo);
  if (!c) return std::move(c).error();
  PgWrapped w{std::move(*c), nullptr};
  if (options.wrap_connection) w.wrapper = options.wrap_connection(*w.driver);
  return w;
}

class PostgresStore final : public Store {
 public:
  PostgresStore(std::vector<PgWrapped> pool, int version, bool group_commit)
      : pool_(std::move(pool)), version_(version), group_commit_(group_commit) {
    for (auto& c : pool_) free_.push_back(&c);
  }

  Status transact(TxMode mode, const std::function<Status(Tx&)>& body) override {
    if (mode == TxMode::kWrite && group_commit_) return groups_.join(body, nullptr);
    Lease lease(*this);
    if (auto s = lease.w->driver->ensure_connected(); !s) return s;
    if (mode == TxMode::kWrite) {
      ++writes_;
      ++commits_;
    }
    return run_alone(*lease.w, mode, body);
  }

  int schema_version() const override { return version_; }
  std::string backend() const override { return "postgresql"; }
  WriteCounts write_counts() const override { return {writes_, commits_}; }

 private:
  // A connection of the pool, given back when the lease ends.
  struct Lease {
    PostgresStore& s;
    PgWrapped* w = nullptr;
    explicit Lease(PostgresStore& store) : s(store) {
      std::unique_lock lock(s.mu_);
      s.cv_.wait(lock, [&] { return !s.free_.empty(); });
      w = s.free_.back();
      s.free_.pop_back();
    }
    ~Lease() {
      {
        std::lock_guard lock(s.mu_);
        s.free_.push_back(w);
      }
      s.cv_.notify_one();
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
  };

  static constexpr const char* kBeginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED";

  // A connection lost during COMMIT leaves the outcome unknown: the server may have committed
  // before the connection went. Retrying could save the change twice, so this is not kBusy,
  // and the message says so. Otherwise the transaction is rolled back and the error returned.
  static Status commit_failed(PgWrapped& w, const Status& s) {
    if (!w.driver->connected()) {
      return Error{Errc::kUnavailable,
                   "The connection to the database was lost while the change was being "
                   "saved, so vertebro cannot tell whether it was saved. Look at the record "
                   "before making the change again.",
                   {}, 0, 0};
    }
    (void)w.use().exec_script("ROLLBACK");
    return s;
  }

  static Status run_alone(PgWrapped& w, TxMode mode, const std::function<Status(Tx&)>& body) {
    sql::Connection& c = w.use();
    const char* begin =
        mode == TxMode::kWrite ? kBeginWrite : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    if (auto s = c.exec_script(begin); !s) return s;
    SqlTx tx(c);
    Status result;
    try {
      result = body(tx);
    } catch (...) {
      (void)c.exec_script("ROLLBACK");
      throw;
    }
    if (!result) {
      (void)c.exec_script("ROLLBACK");
      return result;
    }
    if (auto s = c.exec_script("COMMIT"); !s) return commit_failed(w, s);
    return {};
  }

  // Group commit (store/write_groups.h), as on SQLite: every audited page view is a write
  // transaction, and each one updates the chain's single audit_head row, so on their own they
  // queue behind each other's commit and its flush. Run together, one commit carries them all.
  void run_group(const std::vector<PendingWrite*>& group) {
    Lease lease(*this);
    writes_ += static_cast<std::int64_t>(group.size());
    ++commits_;
    if (auto s = lease.w->driver->ensure_connected(); !s) {
      for (auto* p : group) p->result = s;
      return;
    }
    if (group.size() == 1) {  // alone: exactly the transaction it would have had
      try {
        group.front()->result = run_alone(*lease.w, TxMode::kWrite, *group.front()->body);
      } catch (...) {
        group.front()->thrown = std::current_exception();
      }
      return;
    }
    run_in_savepoints(lease.w->use(), kBeginWrite, nullptr, group,
                      [&](const Status& s) { return commit_failed(*lease.w, s); });
  }

  std::vector<PgWrapped> pool_;
  std::vector<PgWrapped*> free_;
  std::mutex mu_;
  std::condition_variable cv_;
  int version_;
  bool group_commit_;
  WriteGroups groups_{[this](const std::vector<PendingWrite*>& group) { run_group(group); }};
  std::atomic<std::int64_t> writes_{0};
  std::atomic<std::int64_t> commits_{0};
};

// Refuses settings that can lose acknowledged writes.
Status check_durability(sql::Connection& c) {
  for (const char* setting : {"fsync", "full_page_writes"}) {
    auto rows = c.query(std::string("SELECT current_setting('") + setting + "')", {});
    if (!rows) return std::move(rows).error();
    if (rows->front().str(0) != "on") {
      return Error::internal(std::string("PostgreSQL has ") + setting +
                             " off, which can lose saved records in a crash. Turn it on.");
    }
  }
  auto sync = c.query("SELECT current_setting('synchronous_commit')", {});
  if (!sync) return std::move(sync).error();
  if (sync->front().str(0) == "off") {
    log::warn("PostgreSQL synchronous_commit is off: the last moments of saved work can be lost "
              "in a crash");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Store>> open_postgres(const std::string& conninfo,
                                             const OpenOptions& options) {
  auto first = open_wrapped(conninfo, options);
  if (!first) return std::move(first).error();
  sql::Connection& c = first->use();
  if (auto s = check_durability(c); !s) return std::move(s).error();
  int version = 0;
  // One instance migrates at a time; the others wait here, then find nothing to do.
  if (auto s = c.exec_script("SELECT pg_advisory_lock(7462311)"); !s) {
    return std::move(s).error();
  }
  Result<int> migrated = options.migrate ? migrate(c, "postgresql", "BEGIN") : Result<int>(0);
  (void)c.exec_script("SELECT pg_advisory_unlock(7462311)");
  if (!migrated) return std::move(migrated).error();
  version = *migrated;
  if (!options.migrate) {
    auto v = current_version(c, "postgresql");
    if (!v) return std::move(v).error();
    version = *v;
  }
  std::vector<PgWrapped> pool;
  pool.push_back(std::move(*first));
  for (int i = 1; i < std::max(2, options.readers + 2); ++i) {
    auto next = open_wrapped(conninfo, options);
    if (!next) return std::move(next).error();
    pool.push_back(std::move(*next));
  }
  return std::unique_ptr<Store>(new PostgresStore(std::move(pool), version, options.group_commit));
}

}  // namespace vertebro::store
