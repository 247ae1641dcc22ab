#pragma once
// The access and change log of one record, for administrators and governance leads: every
// entry about the record, and every list view (worklist page, MDT meeting) that showed it.

#include <string>
#include <vector>

#include "app/context.h"
#include "domain/audit.h"

namespace vertebro::app {

struct RecordLogRequest {
  std::string record_type;  // "patient" or "episode"
  std::int64_t record_id = 0;
  std::int64_t before_seq = 0;  // paging: entries older than this
};

struct RecordLog {
  std::vector<domain::AuditEntry> entries;  // newest first
  std::int64_t next_before = 0;             // 0 when there are no older entries
  std::int64_t patient_id = 0;
};

// Errors: kForbidden (role), kNotFound (record absent or not at the actor's sites), kInvalid.
// The viewing itself is audited.
Result<RecordLog> view_record_log(const Context& ctx, const Actor& actor,
                                  const RecordLogRequest& request);

}  // namespace vertebro::app
