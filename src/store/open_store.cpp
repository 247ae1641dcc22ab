#include "store/migrate.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace vertebro::store {

Result<std::unique_ptr<Store>> open_store(const std::string& target, const OpenOptions& options) {
  if (target.empty()) return Error::invalid({{"db", "Name the database file"}});
  if (target.rfind("postgres://", 0) == 0 || target.rfind("postgresql://", 0) == 0) {
    return open_postgres(target, options);
  }
  std::string path = target;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  return open_sqlite(path, options);
}

int latest_schema_version() {
  // Both backends carry the same numbered migrations.
  return latest_version_for("sqlite");
}

}  // namespace vertebro::store
