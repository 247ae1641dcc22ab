#include "app/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/clock.h"
#include "store/database_lock.h"
#include "store/sqlite/sqlite_files.h"
#include "store/store.h"

namespace vertebro::app {

namespace {

namespace fs = std::filesystem;

Error not_sqlite(const std::string& field) {
  return Error::invalid({{field, "Give a SQLite database file"}},
                        "vertebro backs up and restores SQLite databases; back up a PostgreSQL "
                        "database with pg_dump or pg_basebackup (docs/reliability.md)");
}

// Checks the database file at `path` (a copy no one else uses): the file's own checks, a schema
// this binary knows, and the audit chain. kInternal naming the first problem.
Result<CopyReport> check_copy(const std::string& path, const ChainCheckOptions& options) {
  auto problems = store::sqlite_file_problems(path);
  if (!problems) return std::move(problems).error();
  if (!problems->empty()) {
    return Error::internal("The copy fails SQLite's checks (" +
                           std::to_string(problems->size()) +
                           " problem(s)); the first: " + problems->front());
  }
  store::OpenOptions open;
  open.readers = 1;
  open.migrate = false;
  auto store = store::open_store(path, open);
  if (!store) return std::move(store).error();
  SystemClock clock;
  Context ctx(**store, clock);
  auto chain = verify_chain(ctx, options);
  if (!chain) return std::move(chain).error();
  if (!chain->ok) {
    return Error::internal("The copy's audit chain is broken at entry " +
                           std::to_string(chain->bad_seq) + ": " + chain->problem);
  }
  return CopyReport{(*store)->schema_version(), chain->checked, ""};
}

void remove_sqlite_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
}

// Hard-links `from` (and its write-ahead log, when there is one) to `to`: the replaced database
// stays whole, committed log frames included, without copying it.
Status keep_as(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", "-wal"}) {
    const std::string src = from + suffix;
    std::error_code ec;
    if (*suffix != '\0' && !fs::exists(src, ec)) continue;
    if (::link(src.c_str(), (to + suffix).c_str()) != 0) {
      return Error::internal("Cannot keep the current database as " + to + suffix + ": " +
                             std::strerror(errno) + "; nothing was replaced");
    }
  }
  return {};
}

}  // namespace

Result<CopyReport> backup_database(const std::string& db, const std::string& out) {
  const auto path = store::sqlite_file_of(db);
  if (!path) return not_sqlite("db");
  if (auto s = store::sqlite_online_copy(*path, out); !s) return std::move(s).error();
  auto checked = check_copy(out, {});
  if (!checked) {
    Error e = std::move(checked).error();
    e.message = "The backup at " + out + " must not be relied on. " + e.message;
    return e;
  }
  return checked;
}

Result<CopyReport> restore_database(const std::string& from, const std::string& db,
                                    const ChainCheckOptions& options, const std::string& now) {
  const auto path = store::sqlite_file_of(db);
  if (!path) return not_sqlite("db");
  std::error_code ec;
  if (!fs::is_regular_file(from, ec)) {
    return Error::invalid({{"from", "There is no backup file there"}},
                          "There is no backup at " + from);
  }
  // The copy lives beside the database, so that the final rename stays on one filesystem.
  const std::string staged = *path + ".restoring-" + std::to_string(::getpid());
  remove_sqlite_files(staged);
  Result<CopyReport> checked = CopyReport{};
  if (auto s = store::sqlite_online_copy(from, staged); !s) {
    // A full disk is this machine's problem; anything else is the backup's.
    if (s.error().code == Errc::kUnavailable) {
      remove_sqlite_files(staged);
      return std::move(s).error();
    }
    checked = std::move(s).error();
  } else {
    checked = check_copy(staged, options);
  }
  if (checked) {
    if (auto s = store::sqlite_fold_wal(staged); !s) checked = std::move(s).error();
  }
  if (!checked) {
    remove_sqlite_files(staged);
    return Error::invalid({{"from", "The backup failed its checks"}},
                          "The backup at " + from + " was not restored: " +
                              checked.error().message + ". Nothing was replaced.");
  }
  std::error_code gone;
  fs::remove(staged + "-wal", gone);
  fs::remove(staged + "-shm", gone);

  if (fs::exists(*path, ec)) {
    // Fold the current database's log into it when it can be read; a damaged one is kept as
    // it is, with its log, by the links below.
    (void)store::sqlite_fold_wal(*path);
    std::string stamp = now;
    std::erase(stamp, ':');
    const std::string kept = *path + ".before-restore-" + stamp;
    if (auto s = keep_as(*path, kept); !s) {
      remove_sqlite_files(staged);
      return std::move(s).error();
    }
    checked->kept_previous = kept;
    // The old log belongs to the old file (kept above): left here, SQLite would replay it
    // into the restored one.
    fs::remove(*path + "-wal", gone);
    fs::remove(*path + "-shm", gone);
  }
  if (::rename(staged.c_str(), path->c_str()) != 0) {
    const std::string why = std::strerror(errno);
    remove_sqlite_files(staged);
    return Error::internal("Cannot put the restored database in place: " + why);
  }
  if (auto s = store::sync_folder_of(*path); !s) return std::move(s).error();
  return checked;
}

}  // namespace vertebro::app
