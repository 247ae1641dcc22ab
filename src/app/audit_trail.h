#pragma once
// Helpers that write the access and change log from inside a use case's transaction. The
// verification of the whole chain is in audit_verify.h.

#include <cstdint>
#include <string>

#include "app/context.h"

namespace vertebro::app {

struct AuditTarget {
  std::string record_type;
  std::int64_t record_id = 0;
  std::int64_t patient_id = 0;
  std::int64_t site_id = 0;
};

// Appends one entry for `actor` inside `tx`. `detail_json` is a JSON object as text (may be
// "{}"); it must not be written to logs.
Status audit(store::Tx& tx, const Context& ctx, const Actor& actor, const std::string& action,
             const AuditTarget& target, const std::string& detail_json = "{}");

}  // namespace vertebro::app
