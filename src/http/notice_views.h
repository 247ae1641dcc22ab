#pragma once
// View data for device safety notices, shared by the notices pages and a cement product's page
// (web/templates/_notice_table.mustache). Internal to http/.

#include <nlohmann/json.hpp>
#include <vector>

#include "app/cement.h"
#include "domain/device_notice.h"

namespace vertebro::http {

// A row of _notice_table: href, reference, title, issued, concerns (product names from
// `catalogue`), unconfirmed, acknowledgement{on, by, what[]} or null.
nlohmann::json notice_row(const domain::DeviceNotice& n,
                          const std::vector<app::CementCatalogueRow>& catalogue);

}  // namespace vertebro::http
