#include "report/htg3.h"

#include <array>
#include <cmath>

#include <fmt/format.h>

namespace vertebro::report {

namespace {

struct MeasureInfo {
  Measure measure;
  std::string_view key;
  std::string_view requirement;
  std::string_view label;
  GuidanceFigure figure;
};

// HTG3.md, "Published figures to audit against" (HTG3 2.3, 2.4).
constexpr std::array<MeasureInfo, 11> kHtg3Measures = {{
    {Measure::kPainRelief, "pain_relief", "HTG3-EFF-PAIN", "Some pain relief",
     {true, 0.58, 0.97, false, "58% to 97%"}},
    {Measure::kReducedMedication, "reduced_medication", "HTG3-EFF-MEDS", "Reduced analgesic use",
     {true, 0.50, 0.91, false, "50% to 91%"}},
    {Measure::kImprovedMobility, "improved_mobility", "HTG3-EFF-MOBILITY", "Improved mobility",
     {true, 0.93, 0.93, true, "93% (one study)"}},
    {Measure::kSatisfied, "satisfied", "HTG3-EFF-SATISFIED",
     "Satisfied, and would have it again", {true, 1.0, 1.0, true, "100% (one study)"}},
    {Measure::kLeakage, "leakage", "HTG3-SAFE-LEAK", "Cement leakage",
     {true, 0.0, 0.27, false, "up to 27% (one study)"}},
    {Measure::kLeakageIntervention, "leakage_intervention", "HTG3-SAFE-LEAK-INTERVENTION",
     "Leakage needing further intervention", {true, 0.01, 0.01, true, "1% (one study)"}},
    {Measure::kParaplegia, "paraplegia", "HTG3-SAFE-PARAPLEGIA", "Paraplegia",
     {true, 0.0, 0.05, false, "below 5% (advisers' estimate)"}},
    {Measure::kOtherHarm, "other_harm", "HTG3-SAFE-OTHER",
     "Other complications (needle misplacement or cement migration, neurological or nerve root "
     "injury, infection)",
     {false, 0, 0, false, "listed as risks, no figure"}},
    {Measure::kNewFracture, "new_fracture", "HTG3-SAFE-NEWFRACTURE", "New vertebral fracture",
     {false, 0, 0, false, "a concern, no figure"}},
    {Measure::kNewFractureAdjacent, "new_fracture_adjacent", "HTG3-SAFE-NEWFRACTURE",
     "New fracture next to a treated level", {false, 0, 0, false, "a concern, no figure"}},
    {Measure::kNewFractureDistant, "new_fracture_distant", "HTG3-SAFE-NEWFRACTURE",
     "New fracture further away", {false, 0, 0, false, "a concern, no figure"}},
}};

const MeasureInfo& info(Measure m) {
  for (const auto& i : kHtg3Measures) {
    if (i.measure == m) return i;
  }
  return kHtg3Measures.front();
}

std::string verdict_sentence(Verdict v, bool single_figure) {
  const std::string_view what = single_figure ? "figure" : "range";
  switch (v) {
    case Verdict::kNoCases:
      return "Nothing to count yet";
    case Verdict::kTooFew:
      return fmt::format("Too few answers to say (fewer than {})", kMinCasesForVerdict);
    case Verdict::kNoFigure:
      return "No figure in the guidance to compare with: watch the unit's own rate over time";
    case Verdict::kWithin:
      return single_figure ? "Consistent with the published figure: the interval includes it"
                           : "Within the published range";
    case Verdict::kBelowChance:
      return fmt::format("Below the published {}, but the interval reaches it: could be chance",
                         what);
    case Verdict::kBelowExcluded:
      return fmt::format("Below the published {}, and the interval excludes it", what);
    case Verdict::kAboveChance:
      return fmt::format("Above the published {}, but the interval reaches it: could be chance",
                         what);
    case Verdict::kAboveExcluded:
      return fmt::format("Above the published {}, and the interval excludes it", what);
  }
  return {};
}

}  // namespace

const std::vector<Measure>& all_measures() {
  static const std::vector<Measure> measures = [] {
    std::vector<Measure> out;
    for (const auto& i : kHtg3Measures) out.push_back(i.measure);
    return out;
  }();
  return measures;
}

bool is_efficacy(Measure m) {
  return m == Measure::kPainRelief || m == Measure::kReducedMedication ||
         m == Measure::kImprovedMobility || m == Measure::kSatisfied;
}

bool higher_is_better(Measure m) { return is_efficacy(m); }

std::string_view measure_key(Measure m) { return info(m).key; }

std::optional<Measure> parse_measure(std::string_view key) {
  for (const auto& i : kHtg3Measures) {
    if (i.key == key) return i.measure;
  }
  return std::nullopt;
}

std::string_view measure_requirement(Measure m) { return info(m).requirement; }
std::string_view measure_label(Measure m) { return info(m).label; }
GuidanceFigure guidance_figure(Measure m) { return info(m).figure; }

OutcomeRow outcome_row(Measure m, const MeasureCount& count) {
  OutcomeRow row;
  row.measure = m;
  row.count = count;
  const auto figure = guidance_figure(m);
  const auto n = count.denominator();
  if (n > 0) row.rate = stats::wilson(count.yes, n);
  if (n == 0) {
    row.verdict = Verdict::kNoCases;
  } else if (n < kMinCasesForVerdict) {
    row.verdict = Verdict::kTooFew;
  } else if (!figure.exists) {
    row.verdict = Verdict::kNoFigure;
  } else {
    const auto& r = *row.rate;
    // A single figure is met when the interval includes it; a range when the rate is inside.
    const bool below = figure.single_figure ? r.upper < figure.low : r.estimate < figure.low;
    const bool above = figure.single_figure ? r.lower > figure.high : r.estimate > figure.high;
    if (below) {
      row.verdict = r.upper < figure.low ? Verdict::kBelowExcluded : Verdict::kBelowChance;
    } else if (above) {
      row.verdict = r.lower > figure.high ? Verdict::kAboveExcluded : Verdict::kAboveChance;
    } else {
      row.verdict = Verdict::kWithin;
    }
  }
  row.verdict_text = verdict_sentence(row.verdict, figure.single_figure);
  row.concern = higher_is_better(m) ? row.verdict == Verdict::kBelowExcluded
                                    : row.verdict == Verdict::kAboveExcluded;
  return row;
}

std::string percent_text(double proportion) {
  if (!std::isfinite(proportion)) return "-";
  return fmt::format("{:.1f}%", proportion * 100.0);
}

}  // namespace vertebro::report
