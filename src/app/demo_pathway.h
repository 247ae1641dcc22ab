#pragma once
// The demonstration pathway: a dozen patients taken through the HTG3 pathway by the demo users,
// through the same use cases a person would use, so every state has an example with its real
// forms, MDT listings, gate findings and transitions — including overrides with their reasons,
// blocked gates, the four exits, and a site whose spinal surgery arrangement has lapsed.

#include <functional>
#include <string>
#include <vector>

#include "app/context.h"

namespace vertebro::app {

// How many patients load_demo_pathway registers.
inline constexpr int kDemoPathwayPatients = 13;

// Runs once, on a new demonstration database, after its sites and users exist. `sites` are the
// two demo sites (RVB01, RVB02); `next_nhs_number` yields unused 999 test numbers.
Status load_demo_pathway(const Context& ctx, const std::vector<SiteId>& sites,
                         const std::function<std::string()>& next_nhs_number);

}  // namespace vertebro::app
