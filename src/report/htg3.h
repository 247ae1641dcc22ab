#pragma once
// The HTG3 outcomes report's figures (issue 15; ../shared/domain/HTG3.md, "Published figures to
// audit against"): for each measure, how many procedures it counts, how many had the outcome,
// how many are missing, the rate with its Wilson 95% interval (stats/proportion.h), the
// guidance's figure, and a verdict worded so that it claims no more than the numbers allow.
// Pure: no I/O; safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stats/proportion.h"

namespace vertebro::report {

// The measures, in the report's order: efficacy at a follow-up time point first, then safety
// over everything recorded (app/measures.h says how each is judged for one episode).
enum class Measure {
  kPainRelief,           // HTG3-EFF-PAIN
  kReducedMedication,    // HTG3-EFF-MEDS
  kImprovedMobility,     // HTG3-EFF-MOBILITY
  kSatisfied,            // HTG3-EFF-SATISFIED
  kLeakage,              // HTG3-SAFE-LEAK
  kLeakageIntervention,  // HTG3-SAFE-LEAK-INTERVENTION
  kParaplegia,           // HTG3-SAFE-PARAPLEGIA
  kOtherHarm,            // HTG3-SAFE-OTHER
  kNewFracture,          // HTG3-SAFE-NEWFRACTURE, any level
  kNewFractureAdjacent,  // next to a treated level
  kNewFractureDistant,   // further away
};
const std::vector<Measure>& all_measures();
bool is_efficacy(Measure m);
// Whether more of the outcome is better (the efficacy measures) or worse (the safety ones).
bool higher_is_better(Measure m);
std::string_view measure_key(Measure m);          // "pain_relief", ..., "new_fracture_distant"
std::optional<Measure> parse_measure(std::string_view key);
std::string_view measure_requirement(Measure m);  // "HTG3-EFF-PAIN", ...
std::string_view measure_label(Measure m);        // "Some pain relief", ...

// What the guidance gives to compare with: a range (58% to 97%), a ceiling (up to 27%: low 0),
// one study's figure (93%: low == high), or nothing (exists false).
struct GuidanceFigure {
  bool exists = false;
  double low = 0;
  double high = 0;
  bool single_figure = false;  // one figure from one study, not a range
  std::string_view text;       // "58% to 97%", "listed as a risk, no figure"
};
GuidanceFigure guidance_figure(Measure m);

// One measure over the procedures of a report. For an efficacy measure, `not_expected` counts
// the procedures whose time point has not been reached without a visit yet, and those whose
// patient died or withdrew before it; for a safety measure it is 0. Missing = the rest without
// an answer.
struct MeasureCount {
  std::int64_t cases = 0;
  std::int64_t not_expected = 0;
  std::int64_t yes = 0;
  std::int64_t no = 0;

  std::int64_t denominator() const { return yes + no; }
  std::int64_t missing() const { return cases - not_expected - yes - no; }
};

enum class Verdict {
  kNoCases,       // nothing to count: no denominator
  kTooFew,        // fewer than kMinCasesForVerdict answers
  kNoFigure,      // the guidance gives no figure
  kWithin,        // the rate within the range, or the interval includes a single figure
  kBelowChance,   // below, but the interval reaches the range: could be chance
  kBelowExcluded, // below, and the interval excludes the range
  kAboveChance,
  kAboveExcluded,
};
// Below this many answers a verdict would overstate what the numbers show.
inline constexpr std::int64_t kMinCasesForVerdict = 10;

struct OutcomeRow {
  Measure measure = Measure::kPainRelief;
  MeasureCount count;
  std::optional<stats::Interval> rate;  // std::nullopt when the denominator is 0
  Verdict verdict = Verdict::kNoCases;
  std::string verdict_text;  // "Below the published range, and the interval excludes it"
  // The unit looks worse than the guidance beyond chance: efficacy below, safety above, with
  // the interval excluding the figure.
  bool concern = false;
};

OutcomeRow outcome_row(Measure m, const MeasureCount& count);

// "43.2%": a proportion as a percentage with one decimal.
std::string percent_text(double proportion);

}  // namespace vertebro::report
