#pragma once
// Whole-file operations on a SQLite database, for backup and restore (app/backup.h): an online
// copy through SQLite's backup API, the file's own consistency checks, and a clean close that
// folds the write-ahead log into the file. None of them goes through a Store.

#include <string>
#include <vector>

#include "base/result.h"

namespace vertebro::store {

// Copies the database at `from` into a new file `to` (which must not exist) with SQLite's online
// backup API, in one read transaction: the copy is the database exactly as it was when the copy
// began, with every transaction committed before then, while other connections and processes
// go on writing (WAL lets a reader and writers work side by side). The copy is synced to disk.
// Errors: kNotFound when `from` is not there; kInvalid when `to` exists; kUnavailable when the
// copy cannot be written (disk full, I/O error; nothing is left at `to`); kInternal otherwise.
// Thread-safe (uses its own connections).
Status sqlite_online_copy(const std::string& from, const std::string& to);

// What `PRAGMA integrity_check` and `PRAGMA foreign_key_check` find wrong in the file at
// `path`, one line each; empty when both are clean. Also fails a file that is not a SQLite
// database. Errors: kNotFound when the file is not there; kInternal when it cannot be read.
Result<std::vector<std::string>> sqlite_file_problems(const std::string& path);

// Opens `path`, checkpoints its write-ahead log into the main file and truncates the log, so
// that the file alone holds every committed transaction. For use only while no other
// connection has the database open (the restore holds the database lock, store/database_lock.h).
// Errors: kBusy when another connection still reads or writes it; kInternal otherwise.
Status sqlite_fold_wal(const std::string& path);

// fsyncs the folder that holds `path`, so that a file created or renamed there survives a
// power cut. Errors: kUnavailable.
Status sync_folder_of(const std::string& path);

}  // namespace vertebro::store
