#include "pg_schema.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <utility>

namespace vertebro::test_support {

namespace {
std::string run(const std::string& uri, const std::string& sql) {
  PGconn* c = PQconnectdb(uri.c_str());
  std::string err;
  if (PQstatus(c) != CONNECTION_OK) {
    err = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, ("SET client_min_messages = warning; " + sql).c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) err = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  return err;
}
}  // namespace

std::string test_cluster_uri(const char* env_value) {
  if (env_value == nullptr || *env_value == '\0') {
    throw std::runtime_error(
        "VERTEBRO_TEST_PG is not set: run these tests through ctest, whose postgres fixture "
        "starts a throwaway cluster");
  }
  std::string value = env_value;
  if (value.front() != '@') return value;
  std::ifstream in(value.substr(1));
  std::string uri;
  std::getline(in, uri);
  if (uri.empty()) {
    throw std::runtime_error("no PostgreSQL test cluster URI in " + value.substr(1) +
                             " (did the postgres_start fixture run?)");
  }
  return uri;
}

PgSchema::PgSchema(std::string base_uri) : base_(std::move(base_uri)) {
  base_ = test_cluster_uri(base_.empty() ? std::getenv("VERTEBRO_TEST_PG") : base_.c_str());
  static std::atomic<int> counter{0};
  name_ = "h" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  if (auto err = run(base_, "CREATE SCHEMA " + name_); !err.empty()) {
    throw std::runtime_error("cannot create schema " + name_ + ": " + err);
  }
  target_ = base_ + (base_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + name_;
}

PgSchema::~PgSchema() { run(base_, "DROP SCHEMA " + name_ + " CASCADE"); }

}  // namespace vertebro::test_support
