#pragma once
// The demonstration pathway: twenty-three patients taken through the HTG3 pathway by the demo users,
// through the same use cases a person would use, on a clock that walks through the past year:
// every state has an example with its real forms, MDT meetings, listings, decisions, gate
// findings and transitions, each dated and timed as a unit's working days would leave them.
// With the default settings the textbook cases pass every gate; the three overrides each have
// a clinical reason (a contraindicated MRI, an old but unhealed fracture, a renewal agreed but
// not yet recorded); one episode stepped back; one gate blocks (a site whose spinal surgery
// arrangement lapsed two weeks ago), and one procedure planned before that lapse, postponed,
// will be blocked when it is recorded; there are the four exits; and a trainee's six
// supervised procedures, whose learning curve has signalled.

#include <functional>
#include <string>
#include <vector>

#include "app/context.h"

namespace vertebro::app {

// How many patients load_demo_pathway registers.
inline constexpr int kDemoPathwayPatients = 23;

// Runs once, on a new demonstration database, after its sites and users exist. `sites` are the
// two demo sites (RVB01, RVB02); `next_nhs_number` yields unused 999 test numbers.
Status load_demo_pathway(const Context& ctx, const std::vector<SiteId>& sites,
                         const std::function<std::string()>& next_nhs_number);

}  // namespace vertebro::app
