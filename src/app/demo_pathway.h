#pragma once
// The demonstration pathway: twenty-three patients taken through the HTG3 pathway by the demo users,
// through the same use cases a person would use, on a clock that walks through the past year:
// every state has an example with its real forms, MDT meetings, listings, decisions, gate
// findings and transitions, each dated and timed as a unit's working days would leave them.
// Before them, when asked for, a historical cohort of ninety patients treated 13 to 24 months
// ago, followed up for a year and closed, gives the HTG3 outcomes report enough procedures to
// judge.
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

// How many patients load_demo_pathway registers: its stories, and with the historical cohort
// that many more.
inline constexpr int kDemoPathwayPatients = 23;
inline constexpr int kDemoCohortPatients = 90;

// The day of the pathway's first step, counted from today (before: negative). The unit's sites
// and users must be set up before it, so that the audit trail stays in time order.
inline constexpr int kDemoPathwayFirstDay = -800;

// Runs once, on a new demonstration database, after its sites and users exist. `sites` are the
// two demo sites (RVB01, RVB02); `next_nhs_number` yields unused 999 test numbers;
// `with_cohort` adds the historical cohort.
Status load_demo_pathway(const Context& ctx, const std::vector<SiteId>& sites,
                         const std::function<std::string()>& next_nhs_number, bool with_cohort);

}  // namespace vertebro::app
