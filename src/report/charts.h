#pragma once
// The audit reports' charts as accessible SVG (issue 15; report/README.md): funnel plots of the
// units' rates (../shared/domain/REFERENCE.md section 9.1), one operator's CUSUM learning curve
// (section 9.2) and Kaplan-Meier curves. Pure: each function returns one <svg> element as text
// and does no I/O. Thread-safe: no shared state.
//
// Every chart is one <svg> element with xmlns, a viewBox and no fixed width (it scales to its
// container), role="img" and aria-labelledby naming its <title> ("<id>-title") and a <desc>
// ("<id>-desc"). The <desc> says in words what the chart shows (counts, limits, who is outside
// them, when a curve signalled), so nothing is lost to a screen reader or a text-only copy. The
// visible chart repeats the title on a white background, has axis titles, tick labels (font
// size 11 and up) and a legend, and stays readable in print and greyscale: lines differ by dash
// pattern, points by marker shape and fill.
//
// All caller text is XML-escaped (& < > " '); ASCII control characters become spaces and bytes
// that are not UTF-8 become U+FFFD, so the output is well-formed for any input. The id is meant
// to be letters, digits and hyphens, unique in the page; any other character in it is replaced
// by a hyphen, and an empty id becomes "chart". Same input, same bytes: coordinates and rates
// are written with fixed decimals. No function throws for any input (short of running out of
// memory): counts <= 0 are skipped and non-finite numbers are clamped or left out as each says.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stats/cusum.h"
#include "stats/funnel.h"
#include "stats/kaplan_meier.h"

namespace vertebro::report {

// One unit on a funnel plot (an operator, a site): `events` of `n` procedures. Events outside
// 0..n are clamped into it.
struct FunnelUnit {
  std::string label;  // "Dr A": shown next to its marker when outside the 95% limits
  std::int64_t events = 0;
  std::int64_t n = 0;
};

// Where a unit's rate lies against the limits at its own n. A rate exactly on a limit counts as
// inside it: kAbove95 is above the upper 95% limit but not above the upper 99.8% one.
enum class FunnelPosition { kInside, kAbove95, kAbove998, kBelow95, kBelow998 };

// "within the 95% limits", "above the 95% limit", "above the 99.8% limit (an outlier)",
// "below the 95% limit", "below the 99.8% limit".
std::string_view funnel_position_text(FunnelPosition p);

// The unit's position against stats::funnel_limits(u.n, target, method, phi), with three
// guards: a target outside 0..1 is clamped into it (NaN counts as 0); at a target of 0 or 1 all
// limits equal the target (no spread, so a unit at 0% or 100% is inside, where the exact
// method's interpolation would put 100% just above a limit of (n - 0.001) / n); above a million
// cases the normal approximation stands in for the exact limits (they agree there to within 1e-5,
// and the exact sum would be slow). A non-finite phi counts as 1. A unit with n <= 0 is kInside.
FunnelPosition funnel_position(const FunnelUnit& u, double target, stats::FunnelMethod method,
                               double phi);

struct FunnelSpec {
  std::string id;          // "leakage-by-operator": prefixes the title and desc element ids
  std::string title;       // "Cement leakage by operator"
  std::string rate_label;  // "Cement leakage": the y axis reads "Cement leakage (%)"
  std::string unit_noun;   // "operator": the x axis reads "Procedures per operator"
  double target = 0;       // the pooled rate, 0..1
  stats::FunnelMethod method = stats::FunnelMethod::kExact;
  double phi = 1.0;               // overdispersion factor; above 1 it widens the limits
  std::vector<FunnelUnit> units;  // units with n <= 0 are left out (the desc counts them)
};

// A funnel plot: each unit's rate against its n, the target as a solid line, the 95% limits
// dashed and the 99.8% limits dotted, drawn from the smallest plotted n to 1.05 times the
// largest (as funnel_position computes them). Markers: an open circle inside the 95% limits, an
// open triangle (up or down) between the 95% and 99.8% limits, a filled triangle beyond the
// 99.8% limits; units outside the 95% limits are labelled (labels over 28 characters are cut
// with an ellipsis; every marker also has a tooltip title with the full label). The desc names
// every unit outside the 95% limits with its count and rate. With no unit to plot the chart
// says so, in the desc and as visible text.
std::string funnel_svg(const FunnelSpec& spec);

// One operator's Bernoulli CUSUM learning curve, one step per case in order (as
// stats::bernoulli_cusum returns them).
struct CusumChart {
  std::string id;
  std::string title;          // "Learning curve: Dr A"
  std::string outcome_label;  // "Cement leakage"
  stats::CusumDesign design;
  std::vector<stats::CusumStep> steps;
};

// The score path from 0 over the case numbers, filled markers for cases with the outcome and
// open ones without, signals ringed, and the decision limit h dashed and labelled (left out
// when h is not a finite number above 0). With design.reset the path restarts at 0 after each
// signal. Non-finite scores are drawn at 0 (NaN) or at the top of the chart (infinity). The desc
// gives the cases, the outcomes, the design and the case numbers of the signals. With no steps
// the chart shows "No cases".
std::string cusum_svg(const CusumChart& chart);

struct SurvivalChart {
  std::string id;
  std::string title;                      // "Freedom from new vertebral fracture"
  std::string event_label;                // "New vertebral fracture"
  std::string time_unit;                  // "days"
  std::vector<stats::SurvivalTime> data;  // times that are not finite or are below 0 are left out
};

// The Kaplan-Meier estimate (stats::kaplan_meier) as a step function from 100% at time 0 to
// the last follow-up time, a shaded 95% confidence band (S +/- 1.96 se, clamped to 0..1), a
// tick at each censoring time, and a "Number at risk" row under the x axis giving, at each x
// tick t, the cases whose time is >= t. The desc gives the cases, the events, the censored
// cases, the estimate at the last event time and the numbers at risk. With no valid case the
// chart says so.
std::string kaplan_meier_svg(const SurvivalChart& chart);

}  // namespace vertebro::report
