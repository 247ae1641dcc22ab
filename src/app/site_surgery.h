#pragma once
// Each site's access to a spinal surgery service (HTG3-1.2-SURGERY), kept by administrators:
// on site, or a named arrangement with another service with a date for its review. Every
// change is audited with its before and after values.

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "domain/records.h"

namespace vertebro::app {

struct SurgeryInput {
  std::string access;       // "on_site", "arrangement", "none"
  std::string service;      // required for an arrangement
  std::string review_date;  // ISO date; required for an arrangement
};

struct SiteSurgeryView {
  domain::Site site;
  std::optional<domain::SiteSurgeryRecord> surgery;  // nullopt: never recorded
  bool lapsed = false;  // the review date has passed
};

// Every site, for any signed-in user who may see patients or manage settings.
Result<std::vector<SiteSurgeryView>> list_site_surgery(const Context& ctx, const Actor& actor);

// Errors: kForbidden, kNotFound (site), kInvalid (access, service, review_date).
Result<domain::SiteSurgeryRecord> set_site_surgery(const Context& ctx, const Actor& actor,
                                                   SiteId site, const SurgeryInput& input);

}  // namespace vertebro::app
