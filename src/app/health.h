#pragma once
// The instance's health, for load balancers (GET /healthz): whether the database answers a
// read, and what the instance serves. No permission check and no audit entry: it reads no
// record.

#include <string>

#include "app/context.h"

namespace vertebro::app {

struct Health {
  bool database_ok = false;  // a read transaction of the audit chain's head succeeded
  int schema_version = 0;
  std::string backend;  // "sqlite" or "postgresql"
};

// Never fails: a database that does not answer is database_ok = false. Thread-safe.
Health check_health(const Context& ctx);

}  // namespace vertebro::app
