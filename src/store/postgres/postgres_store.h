#pragma once
// The PostgreSQL backend, for several stateless vertebro instances sharing one database. A
// pool of libpq connections; writes run at READ COMMITTED, where the audit chain's head row
// lock orders appends and versioned updates re-check their version after waiting. Refuses to
// start when fsync or full_page_writes is off; warns when synchronous_commit is off.

#include <memory>
#include <string>

#include "base/result.h"
#include "store/store.h"

namespace vertebro::store {

// `conninfo` is a libpq connection string or URI ("postgresql://user@host:5432/db").
Result<std::unique_ptr<Store>> open_postgres(const std::string& conninfo,
                                             const OpenOptions& options);

}  // namespace vertebro::store
