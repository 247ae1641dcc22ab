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
// Runs `sql` on an open connection; "" or the error.
std::string exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  std::string err;
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) err = PQresultErrorMessage(r);
  PQclear(r);
  return err;
}

// Runs one statement on a connection of its own, outside any transaction block (as CREATE and
// DROP DATABASE must be); "" or the error.
std::string run_alone(const std::string& uri, const std::string& sql) {
  PGconn* c = PQconnectdb(uri.c_str());
  std::string err = PQstatus(c) == CONNECTION_OK ? exec(c, sql) : PQerrorMessage(c);
  PQfinish(c);
  return err;
}

std::string unique_name(const char* stem) {
  static std::atomic<int> counter{0};
  return stem + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

std::string no_flush(const std::string& target) {
  const bool has_options = target.find("options=") != std::string::npos;
  if (has_options) return target + "%20-csynchronous_commit%3Doff";
  return target + (target.find('?') == std::string::npos ? "?" : "&") +
         "options=-csynchronous_commit%3Doff";
}
}  // namespace

std::string with_database(const std::string& uri, const std::string& database) {
  const auto scheme = uri.find("://");
  const auto slash = uri.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) throw std::runtime_error("no database name in " + uri);
  const auto query = uri.find('?', slash);
  return uri.substr(0, slash + 1) + database +
         (query == std::string::npos ? std::string() : uri.substr(query));
}

std::string pg_template_once(const std::string& base_uri, const std::string& name,
                             const std::function<void(const std::string& target)>& build) {
  PGconn* c = PQconnectdb(base_uri.c_str());
  struct Closer {
    PGconn* c;
    ~Closer() { PQfinish(c); }
  } closer{c};
  if (PQstatus(c) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c));
  // Every process of the run queues here; the lock goes with the connection.
  if (auto err = exec(c, "SELECT pg_advisory_lock(hashtext('" + name + "'))"); !err.empty()) {
    throw std::runtime_error("cannot lock for template " + name + ": " + err);
  }
  PGresult* r = PQexec(c, ("SELECT 1 FROM pg_database WHERE datname = '" + name + "'").c_str());
  const bool exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
  PQclear(r);
  if (exists) return name;
  const std::string building = unique_name("b");
  if (auto err = exec(c, "CREATE DATABASE " + building); !err.empty()) {
    throw std::runtime_error("cannot create database " + building + ": " + err);
  }
  build(with_database(base_uri, building));
  if (auto err = exec(c, "ALTER DATABASE " + building + " RENAME TO " + name); !err.empty()) {
    throw std::runtime_error("cannot name template " + name + ": " + err);
  }
  return name;
}

PgDatabase::PgDatabase(const std::string& base_uri, const std::string& template_name)
    : base_(base_uri), name_(unique_name("d")) {
  if (auto err = run_alone(base_, "CREATE DATABASE " + name_ + " TEMPLATE " + template_name);
      !err.empty()) {
    throw std::runtime_error("cannot create database " + name_ + ": " + err);
  }
  target_ = with_database(base_, name_);
}

PgDatabase::~PgDatabase() {
  run_alone(base_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

std::string PgDatabase::target_without_commit_flush() const { return no_flush(target_); }

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
  name_ = unique_name("h");
  if (auto err = run(base_, "CREATE SCHEMA " + name_); !err.empty()) {
    throw std::runtime_error("cannot create schema " + name_ + ": " + err);
  }
  target_ = base_ + (base_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + name_;
}

std::string PgSchema::target_without_commit_flush() const { return no_flush(target_); }

PgSchema::~PgSchema() { run(base_, "DROP SCHEMA " + name_ + " CASCADE"); }

}  // namespace vertebro::test_support
