#pragma once
// Internal to store/sqlite/: a SQLite result code as an Error (busy -> kBusy, unique key ->
// kDuplicate, disk full or I/O error -> kUnavailable, anything else kInternal).

#include "base/result.h"

struct sqlite3;

namespace vertebro::store {

Error sqlite_error(sqlite3* db, int rc);

}  // namespace vertebro::store
