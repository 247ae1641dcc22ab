#include "store/sqlite/sqlite_files.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/sqlite/sqlite_error.h"

namespace vertebro::store {

namespace {

// One connection, closed on scope exit.
class Handle {
 public:
  ~Handle() {
    if (db_ != nullptr) sqlite3_close_v2(db_);
  }
  Status open(const std::string& path, int flags) {
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc);
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
    return {};
  }
  Status exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status{} : Status(sqlite_error(db_, rc));
  }
  // The first column of every row of `sql`, as text.
  Result<std::vector<std::string>> column(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc);
    std::vector<std::string> out;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::string line;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        if (i > 0) line += " ";
        line += text != nullptr ? text : "NULL";
      }
      out.push_back(std::move(line));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return sqlite_error(db_, rc);
    return out;
  }
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

Status sync_folder_of(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error::internal("Cannot open the folder " + dir.string() + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) {
    return Error{Errc::kUnavailable, "The folder " + dir.string() + " could not be synced to disk",
                 {}, 0, 0};
  }
  return {};
}

Status sqlite_online_copy(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(from, ec)) {
    return Error::not_found("There is no database file at " + from);
  }
  if (std::filesystem::exists(to, ec)) {
    return Error::invalid({{"out", "A file is already there; name a new file"}},
                          "The backup would overwrite " + to);
  }
  Handle source;
  // Read-write without create: a WAL reader writes the shared-memory index; query_only keeps
  // this connection from changing the database.
  if (auto s = source.open(from, SQLITE_OPEN_READWRITE); !s) return s;
  if (auto s = source.exec("PRAGMA query_only = ON"); !s) return s;

  // Written beside the destination and linked into place only when complete and synced.
  const std::string partial = to + ".partial-" + std::to_string(::getpid());
  std::filesystem::remove(partial, ec);
  Status copied = [&]() -> Status {
    Handle dest;
    if (auto s = dest.open(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE); !s) return s;
    if (auto s = dest.exec("PRAGMA synchronous = FULL"); !s) return s;
    sqlite3_backup* b = sqlite3_backup_init(dest.get(), "main", source.get(), "main");
    if (b == nullptr) return sqlite_error(dest.get(), sqlite3_errcode(dest.get()));
    // All pages in one step: one read transaction on the source, so the copy is one consistent
    // snapshot; writers go on meanwhile (WAL) and never restart the copy.
    int rc = SQLITE_OK;
    for (int attempt = 0; attempt < 50; ++attempt) {
      rc = sqlite3_backup_step(b, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      sqlite3_sleep(100);
    }
    const int finish = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return sqlite_error(dest.get(), rc);
    if (finish != SQLITE_OK) return sqlite_error(dest.get(), finish);
    return {};
  }();
  if (copied) {
    // link() refuses to replace a file that appeared meanwhile.
    if (::link(partial.c_str(), to.c_str()) != 0) {
      const int err = errno;
      copied = err == EEXIST
                   ? Status(Error::invalid({{"out", "A file is already there; name a new file"}},
                                           "The backup would overwrite " + to))
                   : Status(Error{Errc::kUnavailable,
                                  "The backup could not be put in place at " + to + ": " +
                                      std::strerror(err),
                                  {}, 0, 0});
    }
  }
  std::filesystem::remove(partial, ec);
  std::filesystem::remove(partial + "-journal", ec);
  if (!copied) return copied;
  return sync_folder_of(to);
}

Result<std::vector<std::string>> sqlite_file_problems(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error::not_found("There is no database file at " + path);
  }
  Handle db;
  if (auto s = db.open(path, SQLITE_OPEN_READWRITE); !s) return std::move(s).error();
  if (auto s = db.exec("PRAGMA query_only = ON"); !s) {
    return Error::internal(path + " is not a readable SQLite database: " + s.error().message);
  }
  auto integrity = db.column("PRAGMA integrity_check");
  if (!integrity) {
    return std::vector<std::string>{"not a readable SQLite database: " + integrity.error().message};
  }
  std::vector<std::string> problems;
  if (!(integrity->size() == 1 && integrity->front() == "ok")) {
    for (auto& line : *integrity) problems.push_back("integrity_check: " + line);
  }
  auto keys = db.column("PRAGMA foreign_key_check");
  if (!keys) return std::move(keys).error();
  // Rows: table, rowid, referenced table, foreign key index.
  for (auto& line : *keys) problems.push_back("foreign_key_check: " + line);
  return problems;
}

Status sqlite_fold_wal(const std::string& path) {
  Handle db;
  if (auto s = db.open(path, SQLITE_OPEN_READWRITE); !s) return s;
  auto r = db.column("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!r) return std::move(r).error();
  // Columns: busy, log frames, checkpointed frames. Busy means another connection is using it.
  if (!r->empty() && r->front().rfind("0 ", 0) != 0) {
    return Error{Errc::kBusy, "Another connection is using the database " + path, {}, 0, 0};
  }
  return {};
}

}  // namespace vertebro::store
