#pragma once
// Numbered migrations, embedded in the binary, applied in order at start. Internal to store/.

#include <string>

#include "base/result.h"
#include "store/sql_connection.h"

namespace vertebro::store {

// Migrations for one backend ("sqlite", "postgresql"), named NNNN_*.sql; the highest NNNN.
int latest_version_for(const std::string& backend);

// Brings the database up to the latest version, one migration per transaction. Returns the
// version reached. kSchemaTooNew if the database has a version this binary lacks.
// `begin`/`commit` are the backend's statements for a write transaction.
Result<int> migrate(sql::Connection& c, const std::string& backend, const std::string& begin);

// The database's version without changing it. kSchemaTooNew if this binary lacks it.
Result<int> current_version(sql::Connection& c, const std::string& backend);

}  // namespace vertebro::store
