#pragma once
// Helpers that write the access and change log from inside a use case's transaction. The
// verification of the whole chain is in audit_verify.h.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "app/context.h"
#include "domain/records.h"

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

// Appends one "list" entry for a view that showed several patients (a worklist page, an MDT
// meeting's list). The entry's detail is `detail` with "episodes" and "patients" added: the ids
// shown, in order. Each episode and patient shown is linked to the entry (Tx::link_shown), so
// their access logs find it.
Status audit_list(store::Tx& tx, const Context& ctx, const Actor& actor, const AuditTarget& target,
                  nlohmann::json detail, const std::vector<domain::ShownRecord>& shown);


}  // namespace vertebro::app
