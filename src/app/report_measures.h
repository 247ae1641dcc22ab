#pragma once
// The audit reports' derived rows (issue 15; migration 0017): each episode with a recorded
// procedure reduced to what a report counts (site, primary operator, indication, procedure date,
// the HTG3 safety measures of app/measures.h, the efficacy measures at each recorded time
// point, the time to a new fracture), so that a report is one aggregate query.
//
// The database marks an episode stale by trigger whenever anything its row is made from
// changes; refresh_report_rows works out the marked episodes again before a report reads the
// rows, in the report's own transaction. When the unit's outcome definitions or follow-up
// schedule differ from those the rows were made with (meta "report_basis"), every episode is
// worked out again. catch_up_report_rows does the same in transactions of their own, a batch at
// a time, so that many marked episodes (after an upgrade, or a changed definition) do not hold
// every other write back for the whole of one long transaction.

#include <cstdint>

#include "app/context.h"
#include "app/unit_config.h"

namespace vertebro::app {

// Within a transaction. Returns how many episodes were worked out. Errors: the store's.
Result<std::int64_t> refresh_report_rows(store::Tx& tx, const UnitConfig& config);

// Works out the marked episodes in write transactions of up to `batch` episodes each (about
// 0.1 s at 500), until fewer than that were left. Returns how many were worked out. Errors:
// the store's.
Result<std::int64_t> catch_up_report_rows(const Context& ctx, int batch = 500);

}  // namespace vertebro::app
