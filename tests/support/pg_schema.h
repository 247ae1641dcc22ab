#pragma once
// A fresh schema on the throwaway PostgreSQL test cluster (started by ctest's `postgres`
// fixture, which sets VERTEBRO_TEST_PG), dropped with everything in it when destroyed.

#include <functional>
#include <string>

namespace vertebro::test_support {

// The cluster URI from an environment value: the URI itself, or "@FILE" naming a file that
// holds it (what ctest passes). Throws std::runtime_error when unset or unreadable.
std::string test_cluster_uri(const char* env_value);

class PgSchema {
 public:
  // On the cluster at `base_uri`, or at $VERTEBRO_TEST_PG when empty. Throws
  // std::runtime_error if there is no cluster to use or the schema cannot be created.
  explicit PgSchema(std::string base_uri = "");
  ~PgSchema();
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  // A connection URI whose search_path is this schema: give it to store::open_store.
  const std::string& target() const { return target_; }
  // The same, with synchronous_commit off for the connections opened through it: commits do
  // not wait for the WAL flush, so a crash of the cluster could lose the last ones. For suites
  // that test behaviour rather than durability (the HTTP tests); the store logs a warning.
  std::string target_without_commit_flush() const;

 private:
  std::string base_;
  std::string name_;
  std::string target_;
};

// `uri` with its database name replaced by `database` (the query, if any, kept).
std::string with_database(const std::string& uri, const std::string& database);

// The name of a database on the cluster at `base_uri` made once for the whole cluster: the
// first caller (in any process) runs `build` on the URI of an empty new database, which then
// takes the name `name`; later callers wait for it and use it as it is. Throws
// std::runtime_error when the cluster cannot be used.
std::string pg_template_once(const std::string& base_uri, const std::string& name,
                             const std::function<void(const std::string& target)>& build);

// A fresh database on the test cluster copied from a template database (CREATE DATABASE ...
// TEMPLATE), dropped when destroyed: far quicker than migrating and filling a schema.
class PgDatabase {
 public:
  PgDatabase(const std::string& base_uri, const std::string& template_name);
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  const std::string& target() const { return target_; }
  // As PgSchema's: synchronous_commit off, for tests of behaviour rather than durability.
  std::string target_without_commit_flush() const;

 private:
  std::string base_;
  std::string name_;
  std::string target_;
};

}  // namespace vertebro::test_support
