#include "store/migrate.h"

#include <charconv>
#include <string_view>
#include <utility>
#include <vector>

namespace vertebro::embedded::migrations {
const std::vector<std::pair<std::string_view, std::string_view>>& files();
}

namespace vertebro::store {

namespace {
struct Migration {
  int version;
  std::string_view sql;
};

std::vector<Migration> migrations_for(const std::string& backend) {
  std::vector<Migration> out;
  const std::string prefix = backend + "/";
  for (const auto& [name, sql] : embedded::migrations::files()) {
    if (name.substr(0, prefix.size()) != prefix) continue;
    const auto file = name.substr(prefix.size());
    int v = 0;
    std::from_chars(file.data(), file.data() + file.size(), v);
    if (v > 0) out.push_back({v, sql});
  }
  return out;  // files() is sorted by name, and names start with zero-padded numbers
}
}  // namespace

int latest_version_for(const std::string& backend) {
  const auto all = migrations_for(backend);
  return all.empty() ? 0 : all.back().version;
}

namespace {
Error too_new(int current, int latest) {
  return Error{Errc::kSchemaTooNew,
               "The database is at schema version " + std::to_string(current) +
                   " but this vertebro knows only up to " + std::to_string(latest) +
                   ". Use a newer vertebro.",
               {}, 0, 0};
}
}  // namespace

Result<int> current_version(sql::Connection& c, const std::string& backend) {
  auto rows = c.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
  if (!rows) return std::move(rows).error();
  const int current = static_cast<int>(rows->front().i64(0));
  const int latest = latest_version_for(backend);
  if (current > latest) return too_new(current, latest);
  return current;
}

Result<int> migrate(sql::Connection& c, const std::string& backend, const std::string& begin) {
  if (auto s = c.exec_script(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "applied_at TEXT NOT NULL)");
      !s) {
    return std::move(s).error();
  }
  auto rows = c.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
  if (!rows) return std::move(rows).error();
  int current = static_cast<int>(rows->front().i64(0));
  const auto all = migrations_for(backend);
  const int latest = all.empty() ? 0 : all.back().version;
  if (current > latest) return too_new(current, latest);
  for (const auto& m : all) {
    if (m.version <= current) continue;
    if (auto s = c.exec_script(begin); !s) return std::move(s).error();
    auto applied = c.exec_script(m.sql);
    if (applied) {
      auto rec = c.exec(
          "INSERT INTO schema_migrations (version, applied_at) VALUES (?, CURRENT_TIMESTAMP)",
          {std::int64_t{m.version}});
      if (!rec) applied = std::move(rec).error();
    }
    if (!applied) {
      (void)c.exec_script("ROLLBACK");
      Error e = std::move(applied).error();
      e.message = "Migration " + std::to_string(m.version) + " failed: " + e.message +
                  ". It was rolled back: the database stays at schema version " +
                  std::to_string(current) + ", as it was. Fix the cause and start vertebro again.";
      return e;
    }
    if (auto s = c.exec_script("COMMIT"); !s) return std::move(s).error();
    current = m.version;
  }
  return current;
}

}  // namespace vertebro::store
