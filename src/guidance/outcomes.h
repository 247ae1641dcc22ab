#pragma once
// Outcome definitions at a follow-up visit (issue 12): whether the patient had pain relief, a
// reduced analgesic need and improved mobility, judged against the pre-procedure findings. The
// thresholds are vertebro's documented defaults (pain relief: a fall of at least 2 NRS points
// AND at least 30% of the pre-procedure score; mobility: at least one step up the scale); they
// are not a published standard. Pure: no I/O; safe from any thread.

#include <optional>
#include <string_view>

#include "guidance/snapshot.h"  // AnalgesicClass, the pre-procedure analgesic class

namespace vertebro::guidance {

// Mobility in increasing independence, from bed-bound to walking unaided.
enum class Mobility { kBedBound, kChairBound, kWalkingWithFrame, kWalkingWithStick, kUnaided };
std::string_view mobility_name(Mobility m);  // "bed_bound", ..., "unaided"
std::optional<Mobility> parse_mobility(std::string_view name);

struct OutcomeDefinitions {
  int pain_min_fall_points = 2;    // NRS points, 1 to 10
  int pain_min_fall_percent = 30;  // of the pre-procedure NRS, 0 to 100
  int mobility_min_steps = 1;      // steps up the mobility scale, 1 to 4
};

// Pain relief: pre - now >= min points AND (pre - now) * 100 >= min percent * pre. Scores are
// NRS 0 to 10; std::nullopt if either is missing or out of range.
std::optional<bool> pain_relief(std::optional<int> pre_nrs, std::optional<int> now_nrs,
                                const OutcomeDefinitions& d);
// Reduced medication: a lower analgesic class (snapshot.h, ordered none < non-opioid < weak
// opioid < strong opioid) than before; stopped (none) counts. std::nullopt if
// either is unknown.
std::optional<bool> reduced_medication(std::optional<AnalgesicClass> before,
                                       std::optional<AnalgesicClass> now);
// Improved mobility: at least `mobility_min_steps` steps up the scale.
std::optional<bool> improved_mobility(std::optional<Mobility> before, std::optional<Mobility> now,
                                      const OutcomeDefinitions& d);

}  // namespace vertebro::guidance
