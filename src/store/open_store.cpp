#include "store/database_lock.h"
#include "store/migrate.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace vertebro::store {

Result<std::unique_ptr<Store>> open_store(const std::string& target, const OpenOptions& options) {
  if (target.empty()) return Error::invalid({{"db", "Name the database file"}});
  const auto path = sqlite_file_of(target);
  if (!path) return open_postgres(target, options);
  return open_sqlite(*path, options);
}

int latest_schema_version() {
  // Both backends carry the same numbered migrations.
  return latest_version_for("sqlite");
}

}  // namespace vertebro::store
