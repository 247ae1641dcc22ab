#pragma once
// The unit's worklist: open episodes at the user's sites in waiting order, filtered by state
// and site, a page at a time (keyset pagination: cost does not grow with the page number).

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "domain/records.h"

namespace vertebro::app {

struct WorklistRequest {
  std::string state;   // "" = all open episodes, "all" = every state, or a state name
  std::string site;    // "" = all the user's sites, or a site id
  std::string after;   // cursor from the previous page, or ""
  std::string limit;   // rows per page, 1 to kMaxWorklistLimit; "" = the unit's page size
};

inline constexpr int kMaxWorklistLimit = 200;

struct WorklistPage {
  std::vector<domain::WorklistRow> rows;
  std::string next_cursor;  // "" on the last page
};

// Errors: kForbidden (role), kInvalid (fields "state", "site", "after", "limit").
Result<WorklistPage> list_worklist(const Context& ctx, const Actor& actor,
                                   const WorklistRequest& request);

}  // namespace vertebro::app
