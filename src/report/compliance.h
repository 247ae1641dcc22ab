#pragma once
// The compliance report's figures (issue 15): for the procedures of a report, how often each of
// HTG3's conditions was met (HTG3.md, "Recommendations"): each pathway gate passed first time,
// after a block or by an override; each requirement the recorded procedure's check judged
// (HTG3-1.2-MDT, HTG3-1.1, HTG3-1.2-SURGERY, HTG3-1.2-TRAINING, HTG3-1.2-CEMENT), met or not;
// follow-up completeness at a time point. Each share with its Wilson 95% interval. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stats/proportion.h"

namespace vertebro::report {

// "Assessment to MDT", ... for a gate's name ("assessment_to_mdt"); the name itself otherwise.
std::string gate_label(std::string_view gate);
// "MDT with a radiologist and a spinal surgeon before the procedure" for "HTG3-1.2-MDT", ...;
// the id itself for any other requirement.
std::string requirement_label(std::string_view requirement);

// One condition over a report's procedures: `met` of `total` met it (first time, for a gate),
// `otherwise` did so after a block (gates only) and `overridden` passed by an override (gates)
// or did not meet it (requirements: not met).
struct ComplianceRow {
  std::string key;    // the gate's name or the requirement's id
  std::string label;  // gate_label / requirement_label
  std::int64_t met = 0;
  std::int64_t after_block = 0;
  std::int64_t not_met = 0;  // overridden (gate), not met (requirement), missing (follow-up)
  std::int64_t total() const { return met + after_block + not_met; }
  std::optional<stats::Interval> share;  // met / total with its Wilson interval; none at 0
};

// Fills `share` from the counts.
ComplianceRow with_share(ComplianceRow row);

}  // namespace vertebro::report
