#pragma once
// Who may use a SQLite database file at the same time, across processes: one `vertebro serve`
// per file, any number of short commands beside it, and a restore only when nobody else has the
// file open. The lock is an open-file-description lock (fcntl F_OFD_SETLK) on "<file>.lock"
// beside the database, so the kernel drops it when the holder exits, even after SIGKILL; the
// file itself may stay. PostgreSQL targets take no lock (several instances may share one).

#include <optional>
#include <string>

#include "base/result.h"

namespace vertebro::store {

// The SQLite file a --db target names, or nullopt for a PostgreSQL URI.
std::optional<std::string> sqlite_file_of(const std::string& target);

enum class LockUse {
  kServe,    // vertebro serve: the only server of this file
  kUse,      // a command that reads or writes the file briefly (init, user add, backup, ...)
  kReplace,  // vertebro restore: nobody else may have the file open
};

class DatabaseLock {
 public:
  // Takes the lock `use` needs without waiting. Errors: kBusy with a message naming who holds
  // the file (a server's process id) when another process's lock conflicts; kInternal when the
  // lock file cannot be created (a command of kind kUse then goes on without a lock when the
  // folder is read-only, as when verifying a copy on read-only media).
  static Result<DatabaseLock> acquire(const std::string& target, LockUse use);

  DatabaseLock(DatabaseLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DatabaseLock& operator=(DatabaseLock&& other) noexcept;
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;
  // Releases the lock.
  ~DatabaseLock();

 private:
  explicit DatabaseLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace vertebro::store
