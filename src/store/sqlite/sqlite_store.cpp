#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <ctime>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "store/migrate.h"
#include "store/sqlite/sqlite_files.h"
#include "store/sqlite/sqlite_error.h"
#include "store/sql_tx.h"
#include "store/write_groups.h"

namespace vertebro::store {

Error sqlite_error(sqlite3* db, int rc) {
  const int primary = rc & 0xff;
  std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Error{Errc::kBusy, "The database is busy: " + msg, {}, 0, 0};
  }
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Error{Errc::kDuplicate, "A record with the same key exists: " + msg, {}, 0, 0};
  }
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR) {
    return Error{Errc::kUnavailable,
                 "The database could not be written (disk full or a storage fault: " + msg +
                     "), so the change was not saved.",
                 {}, 0, 0};
  }
  return Error::internal("Database error: " + msg);
}

namespace {

class SqliteConnection final : public sql::Connection {
 public:
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    if (db_ != nullptr) sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path, bool read_only) {
    auto c = std::unique_ptr<SqliteConnection>(new SqliteConnection());
    // Readers open read-write but with query_only set: a WAL reader needs to write the
    // shared-memory index, which SQLITE_OPEN_READONLY does not always allow.
    const int flags = SQLITE_OPEN_READWRITE | (read_only ? 0 : SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &c->db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      return Error::internal("Cannot open the database file: " +
                             std::string(c->db_ ? sqlite3_errmsg(c->db_) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(c->db_, 1);
    sqlite3_busy_timeout(c->db_, 5000);
    std::string pragmas = "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";
    // The writer runs every write and every audited read, the reports' aggregates among them:
    // a page cache of up to 64 MB (SQLite's default is 2 MB) keeps a report over a registry's
    // derived rows from re-reading its pages from the OS (docs/performance.md, "Audit report").
    pragmas += read_only ? " PRAGMA query_only = ON;"
                         : " PRAGMA journal_mode = WAL; PRAGMA cache_size = -65536;";
    if (auto s = c->exec_script(pragmas); !s) return std::move(s).error();
    if (!read_only) {
      if (auto s = c->check_durability(path); !s) return std::move(s).error();
    }
    return c;
  }

  Result<std::vector<sql::Row>> query(std::string_view sql, const sql::Params& params) override {
    std::vector<sql::Row> rows;
    sql::Row row({});
    auto s = step_rows(sql, params, row, [&] { rows.push_back(std::move(row)); });
    if (!s) return std::move(s).error();
    return rows;
  }

  // Streams the rows through one Row, its storage reused: no row is kept.
  Status each(std::string_view sql, const sql::Params& params,
              const std::function<void(const sql::Row&)>& fn) override {
    sql::Row row({});
    return step_rows(sql, params, row, [&] { fn(row); });
  }

  Result<std::int64_t> exec(std::string_view sql, const sql::Params& params) override {
    auto rows = query(sql, params);
    if (!rows) return std::move(rows).error();
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

  Status exec_script(std::string_view sql) override {
    char* err = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      auto e = sqlite_error(db_, rc);
      e.message = (e.code == Errc::kBusy ? "The database is busy: " : "Database error: ") + msg;
      return e;
    }
    return {};
  }

  // Whether the last statement run through query() or exec() failed because the database
  // could not grow (SQLITE_FULL: the disk, or max_page_count).
  bool last_statement_found_no_room() const { return (last_rc_ & 0xff) == SQLITE_FULL; }

  // Copies the log's committed pages into the database file as far as no reader still needs
  // the old ones, without waiting for the writer or the readers (SQLITE_CHECKPOINT_PASSIVE).
  // SQLITE_OK, or SQLITE_BUSY when another connection is folding the log at the moment.
  int fold_wal_passive() {
    int in_log = 0;
    int folded = 0;
    return sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, &in_log, &folded);
  }

  const char* error_message() const { return sqlite3_errmsg(db_); }

 private:
  SqliteConnection() = default;

  // SQLite answers a pragma it cannot honour by leaving the setting as it was, without an
  // error: a file system without shared memory, an in-memory database or a build without
  // foreign keys would silently run without the guarantees vertebro's promises rest on. Each
  // setting is read back, and a database that lacks one is refused.
  Status check_durability(const std::string& path) {
    const struct {
      const char* pragma;
      const char* wanted;
      const char* why;
    } checks[] = {
        {"PRAGMA journal_mode", "wal",
         "write-ahead logging (WAL), which lets readers and the writer work side by side"},
        {"PRAGMA synchronous", "2",
         "synchronous=FULL, so that a save is on disk before it is acknowledged"},
        {"PRAGMA foreign_keys", "1", "foreign keys, so that no record points at nothing"},
    };
    for (const auto& check : checks) {
      auto rows = query(check.pragma, {});
      if (!rows) return std::move(rows).error();
      const std::string got =
          !rows->empty() && rows->front().size() > 0 ? rows->front().str(0) : "nothing";
      if (got != check.wanted) {
        return Error::internal("The database " + path + " cannot be used: vertebro needs " +
                               check.why + ", but SQLite answered " + check.pragma + " = " +
                               got + ". Use a file on a local disk.");
      }
    }
    return {};
  }

  // Runs one statement, reading each result row into `row` (its values' storage reused) and
  // calling `got` after each.
  template <typename Got>
  Status step_rows(std::string_view sql, const sql::Params& params, sql::Row& row, Got got) {
    last_rc_ = SQLITE_OK;
    auto stmt = prepare(sql, params);
    if (!stmt) return std::move(stmt).error();
    for (;;) {
      const int rc = sqlite3_step(*stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        last_rc_ = rc;
        auto e = sqlite_error(db_, rc);
        sqlite3_reset(*stmt);
        return e;
      }
      auto& cols = row.values();
      cols.resize(static_cast<std::size_t>(sqlite3_column_count(*stmt)));
      for (std::size_t i = 0; i < cols.size(); ++i) {
        // The column's value once, then its type and content from it.
        sqlite3_value* value = sqlite3_column_value(*stmt, static_cast<int>(i));
        switch (sqlite3_value_type(value)) {
          case SQLITE_INTEGER:
            cols[i] = static_cast<std::int64_t>(sqlite3_value_int64(value));
            break;
          case SQLITE_FLOAT:
            cols[i] = sqlite3_value_double(value);
            break;
          case SQLITE_NULL:
            cols[i] = std::monostate{};
            break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
            const std::string_view v(text ? text : "",
                                     static_cast<std::size_t>(sqlite3_value_bytes(value)));
            if (auto* str = std::get_if<std::string>(&cols[i])) {
              str->assign(v);
            } else {
              cols[i] = std::string(v);
            }
          }
        }
      }
      got();
    }
    sqlite3_reset(*stmt);
    return {};
  }

  Result<sqlite3_stmt*> prepare(std::string_view sql, const sql::Params& params) {
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return sqlite_error(db_, rc);
      cache_.emplace(std::string(sql), stmt);
    }
    sqlite3_clear_bindings(stmt);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      const auto& v = params[i];
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, idx);
      }
      if (rc != SQLITE_OK) return sqlite_error(db_, rc);
    }
    return stmt;
  }

  sqlite3* db_ = nullptr;
  int last_rc_ = SQLITE_OK;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// A connection and, when OpenOptions::wrap_connection is set, the wrapper every statement
// goes through (transaction control included).
struct SqliteWrapped {
  std::unique_ptr<SqliteConnection> driver;
  std::unique_ptr<sql::Connection> wrapper;
  sql::Connection& use() { return wrapper ? *wrapper : *driver; }
};

Result<SqliteWrapped> open_wrapped(const std::string& path, bool read_only,
                             const OpenOptions& options) {
  auto c = SqliteConnection::open(path, read_only);
  if (!c) return std::move(c).error();
  SqliteWrapped w{std::move(*c), nullptr};
  if (options.wrap_connection) w.wrapper = options.wrap_connection(*w.driver);
  return w;
}

// The storage reserve of migration 0008 (sql_tx.h, StorageReserve), on the writer's
// connection. Used only under the writer's mutex.
class SqliteReserve final : public StorageReserve {
 public:
  // Pages freed for one more try: an audit entry and its index keys need a few at most.
  static constexpr int kReleasePages = 8;

  explicit SqliteReserve(SqliteConnection& driver) : driver_(driver) {}

  bool found_no_room() const override { return driver_.last_statement_found_no_room(); }

  // Frees kReleasePages pages of the reserve, in a transaction of its own on `c`: a delete
  // needs no new page. False when the reserve is empty or the delete failed.
  bool release(sql::Connection& c) {
    if (!c.exec_script("BEGIN IMMEDIATE")) return false;
    auto freed = c.exec(
        "DELETE FROM storage_reserve WHERE id IN (SELECT id FROM storage_reserve ORDER BY id "
        "LIMIT ?)",
        {std::int64_t{kReleasePages}});
    if (freed && *freed > 0 && c.exec_script("COMMIT")) {
      drawn_ = true;
      return true;
    }
    (void)c.exec_script("ROLLBACK");
    return false;
  }

  // After a write transaction has committed: when the reserve was drawn on, fills it up again
  // in a transaction of its own on `c` (the writer's connection as the store uses it). While
  // the database still cannot grow that fails and is left for the next commit.
  void refill(sql::Connection& c) {
    if (!drawn_) return;
    if (!c.exec_script("BEGIN IMMEDIATE")) return;
    auto added = c.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 256) "
        "INSERT INTO storage_reserve (filler) SELECT zeroblob(3900) FROM n "
        "LIMIT max(0, 256 - (SELECT COUNT(*) FROM storage_reserve))",
        {});
    if (added && c.exec_script("COMMIT")) {
      drawn_ = false;
      return;
    }
    (void)c.exec_script("ROLLBACK");
  }

 private:
  SqliteConnection& driver_;
  // Whether the reserve has been drawn on since it was last full.
  bool drawn_ = false;
};

// Folds the write-ahead log into the database file on a connection and thread of its own, so
// that no request waits for it. Left to the writer, SQLite folds the log inside the commit that
// takes it past 1,000 pages: that request, and every one queued behind it, waits for the copy
// and its fsync (the mix's 99th percentile, docs/performance.md). The writer keeps a far higher
// limit of its own as a backstop, should this thread fall behind.
class WalFolder {
 public:
  static constexpr auto kInterval = std::chrono::milliseconds(200);
  // The writer's own limit, in pages (4 KB each): reached only when the folder falls behind.
  static constexpr int kWriterBackstopPages = 16000;

  explicit WalFolder(std::unique_ptr<SqliteConnection> c)
      : c_(std::move(c)), thread_([this] { loop(); }) {}

  ~WalFolder() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  WalFolder(const WalFolder&) = delete;
  WalFolder& operator=(const WalFolder&) = delete;

 private:
  void loop() {
    std::unique_lock lock(mu_);
    bool warned = false;
    while (!cv_.wait_for(lock, kInterval, [this] { return stop_; })) {
      const int rc = c_->fold_wal_passive();
      // BUSY: another connection (a backup, a command beside the server) is folding it.
      if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY) {
        warned = false;
      } else if (!warned) {  // a full disk, say: said once until it works again
        log::warn("folding the database's write-ahead log into the file failed ({}); the "
                  "writer folds it itself past {} pages",
                  c_->error_message(), kWriterBackstopPages);
        warned = true;
      }
    }
  }

  std::unique_ptr<SqliteConnection> c_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest is ready
};

class SqliteStore final : public Store {
 public:
  SqliteStore(SqliteWrapped writer, std::vector<SqliteWrapped> readers, int version,
              std::unique_ptr<SqliteConnection> folder)
      : writer_(std::move(writer)),
        reserve_(*writer_.driver),
        readers_(std::move(readers)),
        version_(version) {
    for (auto& r : readers_) free_readers_.push_back(&r.use());
    if (folder) folder_ = std::make_unique<WalFolder>(std::move(folder));
  }

  // The folder's thread stops before the connections close.
  ~SqliteStore() override { folder_.reset(); }

  Status transact(TxMode mode, const std::function<Status(Tx&)>& body) override {
    if (mode == TxMode::kWrite) {
      bool wants_room = false;
      auto s = write_once(body, wants_room);
      // A statement recording an access found no room (a full disk): free part of the storage
      // reserve and run the transaction again (hazard H-093). SQLite may already have rolled the
      // whole transaction back, so it is run again from its start.
      for (int tries = 0; !s && wants_room && tries < 4 && release_reserve(); ++tries) {
        wants_room = false;
        s = write_once(body, wants_room);
      }
      return s;
    }
    sql::Connection* reader = nullptr;
    {
      std::unique_lock lock(readers_mu_);
      readers_cv_.wait(lock, [&] { return !free_readers_.empty(); });
      reader = free_readers_.back();
      free_readers_.pop_back();
    }
    struct Return {
      SqliteStore& s;
      sql::Connection* c;
      ~Return() {
        {
          std::lock_guard lock(s.readers_mu_);
          s.free_readers_.push_back(c);
        }
        s.readers_cv_.notify_one();
      }
    } give_back{*this, reader};
    return run(*reader, "BEGIN", body);
  }

  int schema_version() const override { return version_; }
  std::string backend() const override { return "sqlite"; }
  WriteCounts write_counts() const override { return {writes_, commits_}; }

  void set_group_commit(bool on) { group_commit_ = on; }

 private:
  Status write_once(const std::function<Status(Tx&)>& body, bool& wants_room) {
    return group_commit_ ? groups_.join(body, &wants_room) : write_alone(body, wants_room);
  }

  bool release_reserve() {
    std::lock_guard lock(writer_mu_);
    return reserve_.release(writer_.use());
  }

  Status write_alone(const std::function<Status(Tx&)>& body, bool& wants_room) {
    std::lock_guard lock(writer_mu_);
    ++writes_;
    auto s = run(writer_.use(), "BEGIN IMMEDIATE", body, &reserve_, &wants_room);
    ++commits_;  // or a rollback: one trip to the disk either way
    if (s) reserve_.refill(writer_.use());
    return s;
  }

  // Group commit (store/write_groups.h): the leader runs every write waiting at that moment.
  void run_group(const std::vector<PendingWrite*>& group) {
    std::lock_guard lock(writer_mu_);
    writes_ += static_cast<std::int64_t>(group.size());
    ++commits_;
    auto& c = writer_.use();
    if (group.size() == 1) {  // alone: exactly the transaction it would have had
      try {
        group.front()->result = run(c, "BEGIN IMMEDIATE", *group.front()->body, &reserve_,
                                    &group.front()->wants_room);
      } catch (...) {
        group.front()->thrown = std::current_exception();
      }
      if (group.front()->result && !group.front()->thrown) reserve_.refill(c);
      return;
    }
    const bool committed =
        run_in_savepoints(c, "BEGIN IMMEDIATE", &reserve_, group, [&](const Status& s) {
          (void)c.exec_script("ROLLBACK");
          return s;  // its change was not saved after all
        });
    if (committed) reserve_.refill(c);
  }

  static Status run(sql::Connection& c, const char* begin,
                    const std::function<Status(Tx&)>& body, StorageReserve* reserve = nullptr,
                    bool* wants_room = nullptr) {
    if (auto s = c.exec_script(begin); !s) return s;
    SqlTx tx(c, reserve);
    Status result;
    try {
      result = body(tx);
    } catch (...) {
      (void)c.exec_script("ROLLBACK");
      throw;
    }
    if (wants_room != nullptr) *wants_room = tx.wants_reserve();
    if (!result) {
      (void)c.exec_script("ROLLBACK");
      return result;
    }
    if (auto s = c.exec_script("COMMIT"); !s) {
      (void)c.exec_script("ROLLBACK");
      return s;
    }
    return {};
  }

  SqliteWrapped writer_;
  SqliteReserve reserve_;  // the writer's
  std::mutex writer_mu_;
  bool group_commit_ = true;
  WriteGroups groups_{[this](const std::vector<PendingWrite*>& group) { run_group(group); }};
  std::atomic<std::int64_t> writes_{0};
  std::atomic<std::int64_t> commits_{0};
  std::vector<SqliteWrapped> readers_;
  std::vector<sql::Connection*> free_readers_;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  int version_;
  std::unique_ptr<WalFolder> folder_;
};

}  // namespace

namespace {

// The version of an existing database (0 for a new file, which has no migrations table yet).
Result<int> version_before_migrating(sql::Connection& c) {
  auto rows = c.query(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", {});
  if (!rows) return std::move(rows).error();
  if (rows->front().i64(0) == 0) return 0;
  return current_version(c, "sqlite");
}

// "FILE.before-schema-7.20261204T031500Z.sqlite", with "-2", "-3"... if taken.
std::string backup_name(const std::string& path, int to) {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[20];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  const std::string stem = path + ".before-schema-" + std::to_string(to) + "." + stamp;
  std::string name = stem + ".sqlite";
  for (int i = 2; std::filesystem::exists(name); ++i) name = stem + "-" + std::to_string(i) + ".sqlite";
  return name;
}

// Before an existing database is migrated: an online copy of it as it stands, checked, beside
// it. Without one the migration does not start.
Status backup_before_migrating(const std::string& path, int from, int to) {
  const std::string backup = backup_name(path, to);
  auto refuse = [&](const std::string& why) {
    return Error{Errc::kUnavailable,
                 "The database was not upgraded from schema version " + std::to_string(from) +
                     " to " + std::to_string(to) + ": the backup vertebro takes first (" +
                     backup + ") " + why +
                     ". Nothing was changed. Free space or fix the folder's permissions, then "
                     "start vertebro again.",
                 {}, 0, 0};
  };
  if (auto s = sqlite_online_copy(path, backup); !s) {
    return refuse("could not be written: " + s.error().message);
  }
  auto problems = sqlite_file_problems(backup);
  if (!problems) return refuse("could not be checked: " + problems.error().message);
  if (!problems->empty()) return refuse("failed its check: " + problems->front());
  log::info("before upgrading the database from schema version {} to {}: a checked backup is "
            "at {}",
            from, to, backup);
  return {};
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, const OpenOptions& options) {
  auto writer = open_wrapped(path, false, options);
  if (!writer) return std::move(writer).error();
  int version = 0;
  if (options.migrate && options.backup_before_migrating) {
    auto from = version_before_migrating(writer->use());
    if (!from) return std::move(from).error();
    const int to = latest_version_for("sqlite");
    if (*from > 0 && *from < to) {
      if (auto s = backup_before_migrating(path, *from, to); !s) return std::move(s).error();
    }
  }
  if (options.migrate) {
    auto v = migrate(writer->use(), "sqlite", "BEGIN IMMEDIATE");
    if (!v) return std::move(v).error();
    version = *v;
  } else {
    auto v = current_version(writer->use(), "sqlite");
    if (!v) return std::move(v).error();
    version = *v;
  }
  std::vector<SqliteWrapped> readers;
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    auto r = open_wrapped(path, true, options);
    if (!r) return std::move(r).error();
    readers.push_back(std::move(*r));
  }
  std::unique_ptr<SqliteConnection> folder;
  if (options.fold_wal_in_background) {
    auto f = SqliteConnection::open(path, false);
    if (!f) return std::move(f).error();
    folder = std::move(*f);
    auto backstop = "PRAGMA wal_autocheckpoint = " + std::to_string(WalFolder::kWriterBackstopPages);
    if (auto s = writer->driver->exec_script(backstop); !s) return std::move(s).error();
  }
  auto store = std::make_unique<SqliteStore>(std::move(*writer), std::move(readers), version,
                                             std::move(folder));
  store->set_group_commit(options.group_commit);
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace vertebro::store
