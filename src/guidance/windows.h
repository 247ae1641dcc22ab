#pragma once
// HTG3-1.2-REFRACTORY and the TA279/EBI recency criteria as dates: how many days of
// conservative treatment an episode records by a given day, and, for an osteoporotic fracture,
// the window in which the pain counts as refractory while the fracture still counts as recent
// (HTG3-1.2-REFRACTORY-WINDOW). The rules and the pathway page both use these, so the dates a
// clinician sees are the dates the rules judge. Pure: no I/O; safe from any thread.

#include <optional>
#include <vector>

#include "domain/date.h"
#include "guidance/snapshot.h"

namespace vertebro::guidance {

// `date` plus `days` (negative: earlier).
domain::Date add_days(domain::Date date, long days);

// Days on which at least one conservative treatment was under way up to and including
// `through`, counting a treatment's first and last days: 10 to 20 September is 11 days, a
// one-day course is 1 day. A treatment with no end date, or ending after `through`, counts up to
// `through`; one starting after `through` counts nothing; overlapping treatments count once.
long conservative_days(const std::vector<ConservativeTreatment>& treatments, domain::Date through);

// For an osteoporotic fracture: from when the pain counts as refractory (the unit's minimum of
// conservative treatment reached) to the last day the fracture counts as recent (the unit's
// recent-fracture window). A procedure inside it can meet HTG3-1.2-REFRACTORY and
// TA279-SEVERE-RECENT / EBI-VA-PAIN together.
struct RefractoryWindow {
  domain::Date fracture{};  // the fracture date, or the onset of pain when that is not recorded
  bool from_onset = false;  // true: `fracture` is the date the pain began
  // The first day on which the conservative treatment reaches the unit's minimum, counting a
  // treatment still under way as continuing; std::nullopt when every recorded treatment ended
  // short of it.
  std::optional<domain::Date> refractory_from{};
  // No conservative treatment is recorded: refractory_from counts from the fracture, as if
  // optimal pain management began that day.
  bool treatment_assumed = false;
  domain::Date recent_until{};  // the last day the fracture counts as recent
  int min_days = 0;             // the unit's minimum of conservative treatment used
  int window_days = 0;          // the unit's recent-fracture window used

  // True when at least one day meets both.
  bool open() const { return refractory_from && *refractory_from <= recent_until; }
};

// std::nullopt unless the indication is an osteoporotic fracture, TA279 or EBI is enabled, and
// the fracture date (or the onset of pain) is recorded.
std::optional<RefractoryWindow> refractory_window(const EpisodeSnapshot& snapshot,
                                                  const UnitSettings& settings);

}  // namespace vertebro::guidance
