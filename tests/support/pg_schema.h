#pragma once
// A fresh schema on the throwaway PostgreSQL test cluster (started by ctest's `postgres`
// fixture, which sets VERTEBRO_TEST_PG), dropped with everything in it when destroyed.

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

 private:
  std::string base_;
  std::string name_;
  std::string target_;
};

}  // namespace vertebro::test_support
