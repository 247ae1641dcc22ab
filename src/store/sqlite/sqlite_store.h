#pragma once
// The embedded SQLite backend: one file, WAL, synchronous=FULL, foreign keys on; one writer
// connection (BEGIN IMMEDIATE) and a small pool of read-only reader connections.

#include <memory>
#include <string>

#include "base/result.h"
#include "store/store.h"

namespace vertebro::store {

Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, const OpenOptions& options);

}  // namespace vertebro::store
