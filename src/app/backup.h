#pragma once
// Backup and restore of a SQLite database (docs/reliability.md). A backup is an online,
// consistent copy taken with SQLite's backup API while the server goes on writing, then checked
// (integrity, foreign keys, the audit chain). A restore checks a backup the same way on a copy
// of it beside the database, and only then swaps the copy in with one rename, keeping the
// database it replaces. PostgreSQL databases are backed up with PostgreSQL's own tools.

#include <cstdint>
#include <string>

#include "app/audit_verify.h"
#include "base/result.h"

namespace vertebro::app {

struct CopyReport {
  int schema_version = 0;
  std::int64_t audit_entries = 0;  // entries in the copy's verified audit chain
  std::string kept_previous;       // restore: where the replaced database now is ("" if none)
};

// Copies the SQLite database `db` to the new file `out` (which must not exist) while other
// processes may be writing it, then checks the copy: integrity_check, foreign_key_check, a
// schema this binary knows, and the audit chain. The copy holds every transaction committed
// before it began. Errors: kInvalid naming "db" for a PostgreSQL target or "out" for a file
// that exists; kNotFound when `db` is not there; kInternal naming the first problem when the
// copy fails a check (the copy is left at `out` for inspection, but must not be relied on);
// kUnavailable when it cannot be written.
Result<CopyReport> backup_database(const std::string& db, const std::string& out);

// Replaces the SQLite database `db` with the backup `from`. The caller must hold
// store::DatabaseLock(db, kReplace), so that no vertebro process has `db` open. Copies `from`
// to a file beside `db`, checks that copy as backup_database does (with `options` for the
// audit chain, so signed checkpoints can be checked too), and only if every check passes keeps
// the current database as "<db>.before-restore-<time>" (hard links, no copy) and renames the
// checked copy over `db`. `from` is never changed. Errors: as backup_database, with kInvalid
// naming "from" when the backup fails a check (nothing replaced).
Result<CopyReport> restore_database(const std::string& from, const std::string& db,
                                    const ChainCheckOptions& options, const std::string& now);

}  // namespace vertebro::app
