// The report charts as SVG (src/report/charts.h): funnel positions at and around the limits,
// the text alternatives, escaping, empty and degenerate inputs, the CUSUM path's restart after a
// signal and the Kaplan-Meier numbers at risk.
//
// The funnel limits quoted below are stats::funnel_limits' values, checked against python's exact
// rational arithmetic in tests/unit/funnel_test.cpp: n=20, target 0.1: upper 95% 0.22847, upper
// 99.8% 0.33517, lower limits below 0 (clamped to 0); n=100, 0.05: lower 95% 0.00612, upper 95%
// 0.09191, upper 99.8% 0.12464; n=1000, 0.02: lower 99.8% 0.00724, lower 95% 0.01127, upper 95%
// 0.02865, upper 99.8% 0.03453.

#include <cmath>
#include <cstdint>
#include <limits>
#include <regex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "report/charts.h"
#include "stats/cusum.h"
#include "stats/funnel.h"

namespace vertebro::report {
namespace {

using stats::FunnelMethod;

std::size_t count_of(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// The text between the first `from` and the next `to` after it; empty when either is missing.
std::string between(std::string_view text, std::string_view from, std::string_view to) {
  const auto start = text.find(from);
  if (start == std::string_view::npos) return "";
  const auto end = text.find(to, start + from.size());
  if (end == std::string_view::npos) return "";
  return std::string(text.substr(start + from.size(), end - start - from.size()));
}

std::string desc_of(const std::string& svg, std::string_view id) {
  return between(svg, "<desc id=\"" + std::string(id) + "-desc\">", "</desc>");
}

// The contents of the <text> elements inside <g class="name">, in order.
std::vector<std::string> texts_in_group(const std::string& svg, std::string_view name) {
  const std::string group =
      between(svg, "<g class=\"" + std::string(name) + "\">", std::string_view("</g>"));
  std::vector<std::string> texts;
  for (auto at = group.find("<text"); at != std::string::npos; at = group.find("<text", at + 1)) {
    const auto open_end = group.find('>', at);
    const auto close = group.find("</text>", open_end);
    texts.push_back(group.substr(open_end + 1, close - open_end - 1));
  }
  return texts;
}

// One <svg> element with the accessible name and description, balanced elements, no fixed width
// and every & starting an entity.
void expect_well_formed(const std::string& svg, std::string_view id) {
  SCOPED_TRACE(svg);
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_TRUE(svg.ends_with("</svg>"));
  EXPECT_EQ(count_of(svg, "<svg"), 1u);
  EXPECT_EQ(count_of(svg, "</svg>"), 1u);
  const std::string start_tag = svg.substr(0, svg.find('>') + 1);
  EXPECT_NE(start_tag.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(start_tag.find("viewBox=\"0 0 "), std::string::npos);
  EXPECT_NE(start_tag.find("role=\"img\""), std::string::npos);
  EXPECT_EQ(start_tag.find(" width="), std::string::npos);
  const std::string ids(id);
  EXPECT_NE(start_tag.find("aria-labelledby=\"" + ids + "-title " + ids + "-desc\""),
            std::string::npos);
  EXPECT_EQ(count_of(svg, "<title id=\"" + ids + "-title\">"), 1u);
  EXPECT_EQ(count_of(svg, "<desc id=\"" + ids + "-desc\">"), 1u);
  EXPECT_FALSE(desc_of(svg, id).empty());
  for (std::string_view tag : {"text", "title", "desc", "g"}) {
    EXPECT_EQ(
        count_of(svg, "<" + std::string(tag) + ">") + count_of(svg, "<" + std::string(tag) + " "),
        count_of(svg, "</" + std::string(tag) + ">"))
        << tag;
  }
  for (auto at = svg.find('&'); at != std::string::npos; at = svg.find('&', at + 1)) {
    const std::string_view rest = std::string_view(svg).substr(at);
    EXPECT_TRUE(rest.starts_with("&amp;") || rest.starts_with("&lt;") || rest.starts_with("&gt;") ||
                rest.starts_with("&quot;") || rest.starts_with("&apos;"))
        << rest.substr(0, 10);
  }
  // No number written as nan or inf (as fmt writes them) in an attribute, a path or a text.
  EXPECT_FALSE(std::regex_search(svg, std::regex(R"([-\s,">ML](nan|inf)\b)")));
}

// --- Funnel positions ----------------------------------------------------------------------------

struct PositionCase {
  std::int64_t events, n;
  double target;
  FunnelMethod method;
  double phi;
  FunnelPosition expected;
};

TEST(FunnelChartPositionTest, ClassifiesCountsAroundTheLimits) {
  constexpr auto kExact = FunnelMethod::kExact, kNormal = FunnelMethod::kNormal;
  const PositionCase cases[] = {
      // n=20, 0.1: 4/20 = 0.20 and 5/20 = 0.25 either side of the upper 95% limit 0.22847;
      // 6/20 = 0.30 and 7/20 = 0.35 either side of the upper 99.8% limit 0.33517.
      {4, 20, 0.1, kExact, 1, FunnelPosition::kInside},
      {5, 20, 0.1, kExact, 1, FunnelPosition::kAbove95},
      {6, 20, 0.1, kExact, 1, FunnelPosition::kAbove95},
      {7, 20, 0.1, kExact, 1, FunnelPosition::kAbove998},
      // 0/20 lies exactly on the lower limits, clamped to 0: inside.
      {0, 20, 0.1, kExact, 1, FunnelPosition::kInside},
      // n=100, 0.05: 0 below the lower 95% limit 0.00612 (but on the 99.8% one, 0); 9 and 10
      // either side of 0.09191; 12 and 13 either side of 0.12464.
      {0, 100, 0.05, kExact, 1, FunnelPosition::kBelow95},
      {1, 100, 0.05, kExact, 1, FunnelPosition::kInside},
      {9, 100, 0.05, kExact, 1, FunnelPosition::kInside},
      {10, 100, 0.05, kExact, 1, FunnelPosition::kAbove95},
      {12, 100, 0.05, kExact, 1, FunnelPosition::kAbove95},
      {13, 100, 0.05, kExact, 1, FunnelPosition::kAbove998},
      // n=1000, 0.02: 7 and 8 either side of the lower 99.8% limit 0.00724, 11 and 12 of the
      // lower 95% limit 0.01127, 28 and 29 of 0.02865, 34 and 35 of 0.03453.
      {7, 1000, 0.02, kExact, 1, FunnelPosition::kBelow998},
      {8, 1000, 0.02, kExact, 1, FunnelPosition::kBelow95},
      {11, 1000, 0.02, kExact, 1, FunnelPosition::kBelow95},
      {12, 1000, 0.02, kExact, 1, FunnelPosition::kInside},
      {28, 1000, 0.02, kExact, 1, FunnelPosition::kInside},
      {29, 1000, 0.02, kExact, 1, FunnelPosition::kAbove95},
      {34, 1000, 0.02, kExact, 1, FunnelPosition::kAbove95},
      {35, 1000, 0.02, kExact, 1, FunnelPosition::kAbove998},
      // Normal, n=100, 0.05: 0.05 +/- z sqrt(0.0475 / 100): upper 95% 0.09272, upper 99.8%
      // 0.11735, lower 95% 0.00728.
      {0, 100, 0.05, kNormal, 1, FunnelPosition::kBelow95},
      {9, 100, 0.05, kNormal, 1, FunnelPosition::kInside},
      {10, 100, 0.05, kNormal, 1, FunnelPosition::kAbove95},
      {11, 100, 0.05, kNormal, 1, FunnelPosition::kAbove95},
      {12, 100, 0.05, kNormal, 1, FunnelPosition::kAbove998},
      // phi 4 doubles each limit's distance from the target: n=20, 0.1: upper 95% 0.35694,
      // upper 99.8% 0.57034.
      {7, 20, 0.1, kExact, 4, FunnelPosition::kInside},
      {8, 20, 0.1, kExact, 4, FunnelPosition::kAbove95},
      {11, 20, 0.1, kExact, 4, FunnelPosition::kAbove95},
      {12, 20, 0.1, kExact, 4, FunnelPosition::kAbove998},
      // Target 0 or 1: no spread, so only the target itself is inside.
      {0, 30, 0.0, kExact, 1, FunnelPosition::kInside},
      {1, 30, 0.0, kExact, 1, FunnelPosition::kAbove998},
      {30, 30, 1.0, kExact, 1, FunnelPosition::kInside},
      {29, 30, 1.0, kExact, 1, FunnelPosition::kBelow998},
      {30, 30, 1.0, kNormal, 1, FunnelPosition::kInside},
      // No cases: nothing to say. Events beyond n count as n.
      {3, 0, 0.1, kExact, 1, FunnelPosition::kInside},
      {3, -5, 0.1, kExact, 1, FunnelPosition::kInside},
      {25, 20, 0.1, kExact, 1, FunnelPosition::kAbove998},
      {-4, 100, 0.05, kExact, 1, FunnelPosition::kBelow95},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(funnel_position({"u", c.events, c.n}, c.target, c.method, c.phi), c.expected)
        << c.events << " of " << c.n << " at " << c.target << ", phi " << c.phi;
  }
}

// Every count of a few units, against stats::funnel_limits classified here by hand.
TEST(FunnelChartPositionTest, AgreesWithTheStatsLimitsForEveryCount) {
  for (const auto& [n, target, method, phi] :
       std::vector<std::tuple<std::int64_t, double, FunnelMethod, double>>{
           {20, 0.1, FunnelMethod::kExact, 1.0},
           {57, 0.18, FunnelMethod::kExact, 1.0},
           {240, 0.07, FunnelMethod::kExact, 1.7},
           {75, 0.3, FunnelMethod::kNormal, 1.0}}) {
    const auto limits = stats::funnel_limits(n, target, method, phi);
    for (std::int64_t e = 0; e <= n; ++e) {
      const double rate = static_cast<double>(e) / static_cast<double>(n);
      FunnelPosition expected = FunnelPosition::kInside;
      if (rate < limits.lower_95) expected = FunnelPosition::kBelow95;
      if (rate < limits.lower_998) expected = FunnelPosition::kBelow998;
      if (rate > limits.upper_95) expected = FunnelPosition::kAbove95;
      if (rate > limits.upper_998) expected = FunnelPosition::kAbove998;
      EXPECT_EQ(funnel_position({"u", e, n}, target, method, phi), expected)
          << e << " of " << n << " at " << target;
    }
  }
}

TEST(FunnelChartPositionTest, NonFiniteTargetAndPhiAreGuarded) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  // A NaN target counts as 0; a non-finite phi as 1.
  EXPECT_EQ(funnel_position({"u", 0, 10}, nan, FunnelMethod::kExact, 1), FunnelPosition::kInside);
  EXPECT_EQ(funnel_position({"u", 1, 10}, nan, FunnelMethod::kExact, 1), FunnelPosition::kAbove998);
  EXPECT_EQ(funnel_position({"u", 5, 20}, 0.1, FunnelMethod::kExact, nan),
            FunnelPosition::kAbove95);
  EXPECT_EQ(funnel_position({"u", 7, 20}, 0.1, FunnelMethod::kExact, inf),
            FunnelPosition::kAbove998);
  EXPECT_EQ(funnel_position({"u", 10, 10}, 7.0, FunnelMethod::kExact, 1), FunnelPosition::kInside);
}

TEST(FunnelChartPositionTest, TextsNameTheLimits) {
  EXPECT_EQ(funnel_position_text(FunnelPosition::kInside), "within the 95% limits");
  EXPECT_EQ(funnel_position_text(FunnelPosition::kAbove95), "above the 95% limit");
  EXPECT_EQ(funnel_position_text(FunnelPosition::kAbove998), "above the 99.8% limit (an outlier)");
  EXPECT_EQ(funnel_position_text(FunnelPosition::kBelow95), "below the 95% limit");
  EXPECT_EQ(funnel_position_text(FunnelPosition::kBelow998), "below the 99.8% limit");
}

// --- Funnel plot ---------------------------------------------------------------------------------

FunnelSpec leakage_spec() {
  FunnelSpec spec;
  spec.id = "leakage-funnel";
  spec.title = "Cement leakage by operator";
  spec.rate_label = "Cement leakage";
  spec.unit_noun = "operator";
  spec.target = 0.1;
  spec.units = {
      {"Dr A", 7, 20}, {"Dr B", 5, 20}, {"Dr C", 2, 20}, {"Dr D", 10, 100}, {"Dr E", 0, 0}};
  return spec;
}

TEST(FunnelChartTest, NamesTheOutlierAboveTheLimit) {
  const std::string svg = funnel_svg(leakage_spec());
  expect_well_formed(svg, "leakage-funnel");
  EXPECT_EQ(desc_of(svg, "leakage-funnel"),
            "4 operators; pooled rate 10.0%; 95% and 99.8% exact binomial limits. Above the 99.8% "
            "limit (an outlier): Dr A (7 of 20, 35.0%). Above the 95% limit: Dr B (5 of 20, "
            "25.0%). Within the 95% limits: the other 2 operators. 1 operator with no procedures "
            "is not plotted.");
  // The two outside the 95% limits are labelled beside their markers; the others are not.
  EXPECT_EQ(count_of(svg, ">Dr A</text>"), 1u);
  EXPECT_EQ(count_of(svg, ">Dr B</text>"), 1u);
  EXPECT_EQ(count_of(svg, ">Dr C</text>"), 0u);
  EXPECT_EQ(count_of(svg, "class=\"unit-label\""), 2u);
  // Every plotted unit has a marker with a tooltip; Dr E (no procedures) has none.
  EXPECT_EQ(count_of(svg, "<g class=\"unit\">"), 4u);
  EXPECT_NE(svg.find("<title>Dr A: 7 of 20 (35.0%), above the 99.8% limit (an outlier)</title>"),
            std::string::npos);
  EXPECT_EQ(svg.find("Dr E"), std::string::npos);
  // Axis titles, percentage ticks and the legend.
  EXPECT_NE(svg.find(">Procedures per operator</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Cement leakage (%)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">20%</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Pooled rate 10.0%</text>"), std::string::npos);
  EXPECT_NE(svg.find(">99.8% limits</text>"), std::string::npos);
}

TEST(FunnelChartTest, DrawsMarkersByPositionNotOnlyColour) {
  const std::string svg = funnel_svg(leakage_spec());
  const std::string units = svg.substr(svg.find("<g class=\"unit\">"));
  // Dr C and Dr D: open circles; Dr B: an open triangle; Dr A: a filled red triangle.
  EXPECT_EQ(count_of(units, "<circle"), 2u + 1u);  // the legend's circle too
  EXPECT_NE(svg.find("fill=\"#d5281b\" stroke=\"#d5281b\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#ffffff\" stroke=\"#005eb8\""), std::string::npos);
  // The 95% limits dashed, the 99.8% limits dotted, the target solid.
  EXPECT_EQ(count_of(svg, "class=\"limit-95\""), 2u);
  EXPECT_EQ(count_of(svg, "class=\"limit-998\""), 2u);
  EXPECT_NE(svg.find("stroke-dasharray=\"7 4\""), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray=\"2 3\""), std::string::npos);
  EXPECT_EQ(count_of(svg, "class=\"target\""), 1u);
}

TEST(FunnelChartTest, SamplesTheLimitsFromTheSmallestToBeyondTheLargestN) {
  FunnelSpec spec = leakage_spec();
  spec.units = {{"Small", 1, 5}, {"Large", 40, 400}};
  const std::string svg = funnel_svg(spec);
  expect_well_formed(svg, "leakage-funnel");
  const std::string points = between(svg, "class=\"limit-95\" points=\"", "\"");
  // Every n from 5 to 99 (95 points), then steps of about 3% from 100 to 420 = 1.05 * 400
  // (about 49 more): x(n) = 64 + 632 n / 420.
  EXPECT_GE(count_of(points, ","), 95u + 45u);
  EXPECT_LE(count_of(points, ","), 95u + 52u);
  EXPECT_TRUE(points.starts_with("71.5,")) << points.substr(0, 20);
  EXPECT_NE(points.find(" 73.0,"), std::string::npos);   // n=6
  EXPECT_NE(points.find(" 214.5,"), std::string::npos);  // n=100
}

TEST(FunnelChartTest, EscapesUserText) {
  FunnelSpec spec = leakage_spec();
  spec.title = "Leakage \"all\" 'sites' <2026>";
  spec.units = {{"A & B <x>", 7, 20},
                {"Bad\x01"
                 "byte\xff \xc3\xa9 \xed\xa0\x80",
                 6, 20},
                {"C", 1, 20}};
  const std::string svg = funnel_svg(spec);
  expect_well_formed(svg, "leakage-funnel");
  EXPECT_NE(svg.find(">A &amp; B &lt;x&gt;</text>"), std::string::npos);
  EXPECT_EQ(svg.find("<x>"), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"leakage-funnel-title\">Leakage &quot;all&quot; &apos;sites&apos; "
                     "&lt;2026&gt;</title>"),
            std::string::npos);
  // A control character becomes a space, and each byte that is not UTF-8 (here 0xff and an
  // encoded surrogate) the replacement character; an e acute stays.
  EXPECT_NE(svg.find(">Bad byte\xef\xbf\xbd \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd</text>"),
            std::string::npos);
  // Ids keep letters, digits and hyphens only.
  spec.id = "a\"b c";
  expect_well_formed(funnel_svg(spec), "a-b-c");
}

TEST(FunnelChartTest, CutsLongLabelsButNamesThemInFull) {
  FunnelSpec spec = leakage_spec();
  const std::string name = "Dr Bartholomew-Smythe and Partners (locum)";  // 42 characters
  spec.units[0].label = name;
  const std::string svg = funnel_svg(spec);
  EXPECT_NE(svg.find(">Dr Bartholomew-Smythe and P\xe2\x80\xa6</text>"), std::string::npos);
  EXPECT_NE(desc_of(svg, "leakage-funnel").find(name + " (7 of 20, 35.0%)"), std::string::npos);
  EXPECT_NE(svg.find("<title>" + name + ": 7 of 20"), std::string::npos);
}

TEST(FunnelChartTest, EmptyUnitListSaysThereIsNothingToPlot) {
  FunnelSpec spec = leakage_spec();
  spec.units.clear();
  std::string svg = funnel_svg(spec);
  expect_well_formed(svg, "leakage-funnel");
  EXPECT_EQ(desc_of(svg, "leakage-funnel"), "Nothing to plot: no operators had any procedures.");
  EXPECT_NE(svg.find(">Nothing to plot: no operators had any procedures.</text>"),
            std::string::npos);
  spec.units = {{"Dr E", 0, 0}, {"Dr F", 3, -2}};
  svg = funnel_svg(spec);
  expect_well_formed(svg, "leakage-funnel");
  EXPECT_EQ(desc_of(svg, "leakage-funnel"),
            "Nothing to plot: no operators had any procedures. 2 operators with no procedures are "
            "not plotted.");
}

TEST(FunnelChartTest, TargetZeroAndOneDoNotCrash) {
  FunnelSpec spec = leakage_spec();
  spec.target = 0;
  spec.units = {{"None", 0, 30}, {"Some", 2, 30}};
  std::string svg = funnel_svg(spec);
  expect_well_formed(svg, "leakage-funnel");
  EXPECT_NE(desc_of(svg, "leakage-funnel")
                .find("Above the 99.8% limit (an outlier): Some (2 of 30, 6.7%). Within the 95% "
                      "limits: the other 1 operator."),
            std::string::npos);
  spec.target = 1;
  spec.units = {{"All", 30, 30}, {"Also all", 4, 4}};
  svg = funnel_svg(spec);
  expect_well_formed(svg, "leakage-funnel");
  EXPECT_NE(desc_of(svg, "leakage-funnel").find("pooled rate 100.0%"), std::string::npos);
  EXPECT_NE(desc_of(svg, "leakage-funnel").find("All are within the 95% limits."),
            std::string::npos);
  EXPECT_NE(svg.find(">100%</text>"), std::string::npos);
}

TEST(FunnelChartTest, NonFiniteAndHugeInputsStayWellFormed) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  FunnelSpec spec = leakage_spec();
  for (double target : {nan, inf, -inf, -0.5, 2.0}) {
    spec.target = target;
    spec.phi = target;
    expect_well_formed(funnel_svg(spec), "leakage-funnel");
  }
  spec.target = 0.1;
  spec.phi = 1;
  spec.units = {{"Huge", 1'000'000'000'000, 10'000'000'000'000}, {"Tiny", 1, 1}};
  expect_well_formed(funnel_svg(spec), "leakage-funnel");
}

TEST(FunnelChartTest, DescribesTheMethodAndOverdispersion) {
  FunnelSpec spec = leakage_spec();
  spec.method = FunnelMethod::kNormal;
  spec.phi = 1.5;
  const std::string desc = desc_of(funnel_svg(spec), "leakage-funnel");
  EXPECT_NE(desc.find("95% and 99.8% normal approximation limits, widened for overdispersion "
                      "(phi 1.50)."),
            std::string::npos);
}

TEST(FunnelChartTest, ListsUnitsBelowTheLimits) {
  FunnelSpec spec = leakage_spec();
  spec.target = 0.02;
  spec.unit_noun = "site";
  spec.units = {{"North", 7, 1000}, {"South", 11, 1000}, {"East", 20, 1000}};
  const std::string desc = desc_of(funnel_svg(spec), "leakage-funnel");
  EXPECT_NE(desc.find("Below the 95% limit: South (11 of 1000, 1.1%). Below the 99.8% limit: "
                      "North (7 of 1000, 0.7%). Within the 95% limits: the other 1 site."),
            std::string::npos);
}

TEST(FunnelChartTest, IsDeterministic) {
  EXPECT_EQ(funnel_svg(leakage_spec()), funnel_svg(leakage_spec()));
}

// --- CUSUM ---------------------------------------------------------------------------------------

CusumChart cusum_chart(bool reset) {
  // p0 5%, p1 20%: W = ln 4 = 1.386 with the outcome, ln(0.8 / 0.95) = -0.172 without. With
  // h = 2 the score passes h at the second of two outcomes in a row: cases 2 and 6 here.
  const stats::CusumDesign design{0.05, 0.20, 2.0, reset};
  const std::vector<int> outcomes = {1, 1, 0, 0, 1, 1};
  return {"curve", "Learning curve: Dr A", "Cement leakage", design,
          stats::bernoulli_cusum(outcomes, design)};
}

TEST(CusumChartTest, RestartsThePathAfterASignalWhenReset) {
  const std::string svg = cusum_svg(cusum_chart(true));
  expect_well_formed(svg, "curve");
  const std::string path = between(svg, "class=\"score\" d=\"", "\"");
  // x(i) = 56 + 640 i / 6, y(0) = 290: after the signal at case 2 the path moves back to 0.
  EXPECT_TRUE(path.starts_with("M56.0 290.0 L162.7 "));
  EXPECT_EQ(count_of(path, "M"), 2u);
  EXPECT_NE(path.find(" M269.3 290.0 L376.0 290.0"), std::string::npos);
  EXPECT_EQ(count_of(svg, "class=\"signal\""), 2u);
  EXPECT_EQ(desc_of(svg, "curve"),
            "CUSUM of cement leakage over 6 cases in order: 4 had it. Acceptable rate p0 5.0%, "
            "unacceptable rate p1 20.0%, decision limit h = 2.00. The chart signalled 2 times at "
            "cases 2 and 6, restarting from 0 after each signal.");
}

TEST(CusumChartTest, ContinuesThePathWithoutReset) {
  const std::string svg = cusum_svg(cusum_chart(false));
  expect_well_formed(svg, "curve");
  const std::string path = between(svg, "class=\"score\" d=\"", "\"");
  EXPECT_EQ(count_of(path, "M"), 1u);
  // Without reset the score stays above h from case 2 on, so every case from 2 signals.
  EXPECT_EQ(count_of(svg, "class=\"signal\""), 5u);
  EXPECT_NE(desc_of(svg, "curve").find("The chart signalled 5 times at cases 2, 3, 4, 5 and 6."),
            std::string::npos);
}

TEST(CusumChartTest, FillsTheMarkersOfCasesWithTheOutcome) {
  const std::string svg = cusum_svg(cusum_chart(true));
  EXPECT_EQ(count_of(svg, "r=\"3.5\" fill=\"#005eb8\""), 4u);
  EXPECT_EQ(count_of(svg, "r=\"3.5\" fill=\"#ffffff\""), 2u);
  EXPECT_EQ(count_of(svg, "class=\"decision-limit\""), 1u);
  EXPECT_NE(svg.find(">h = 2.00</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Case with cement leakage</text>"), std::string::npos);
}

TEST(CusumChartTest, NoCasesIsAValidChartSayingSo) {
  CusumChart chart = cusum_chart(true);
  chart.steps.clear();
  const std::string svg = cusum_svg(chart);
  expect_well_formed(svg, "curve");
  EXPECT_NE(svg.find(">No cases</text>"), std::string::npos);
  EXPECT_EQ(desc_of(svg, "curve"),
            "No cases yet: the CUSUM of cement leakage has nothing to plot. Acceptable rate p0 "
            "5.0%, unacceptable rate p1 20.0%, decision limit h = 2.00.");
}

TEST(CusumChartTest, ASingleSignalAndNoSignalAreWorded) {
  CusumChart chart = cusum_chart(true);
  chart.steps.resize(3);
  EXPECT_NE(desc_of(cusum_svg(chart), "curve").find("The chart signalled once at case 2, "),
            std::string::npos);
  chart.steps.resize(1);
  EXPECT_NE(desc_of(cusum_svg(chart), "curve").find("The chart did not signal."),
            std::string::npos);
}

TEST(CusumChartTest, NonFiniteScoresAndLimitStayWellFormed) {
  CusumChart chart = cusum_chart(false);
  chart.design.h = std::numeric_limits<double>::quiet_NaN();
  chart.steps[1].s = std::numeric_limits<double>::infinity();
  chart.steps[2].s = std::numeric_limits<double>::quiet_NaN();
  const std::string svg = cusum_svg(chart);
  expect_well_formed(svg, "curve");
  EXPECT_EQ(svg.find("class=\"decision-limit\""), std::string::npos);
}

// --- Kaplan-Meier --------------------------------------------------------------------------------

SurvivalChart fracture_chart() {
  // Times 1, 2, 2, 3, 5; the second 2 and the 5 censored. At risk: 5 at 0 and 1, 4 at 2, 2 at
  // 3, 1 at 4 and 5. S = 4/5 = 0.8 at 1, 0.8 * 3/4 = 0.6 at 2, 0.6 * 1/2 = 0.3 at 3; Greenwood:
  // se(3) = 0.3 sqrt(1/20 + 1/12 + 1/2) = 0.23875, so 0.3 +/- 0.46795 is 0% to 76.8%.
  return {"fracture",
          "Freedom from new vertebral fracture",
          "New vertebral fracture",
          "days",
          {{1, true}, {2, true}, {2, false}, {3, true}, {5, false}}};
}

TEST(KaplanMeierChartTest, PrintsTheNumbersAtRiskUnderTheTicks) {
  const std::string svg = kaplan_meier_svg(fracture_chart());
  expect_well_formed(svg, "fracture");
  EXPECT_EQ(texts_in_group(svg, "at-risk"),
            (std::vector<std::string>{"Number at risk", "5", "5", "4", "2", "1", "1"}));
  EXPECT_EQ(desc_of(svg, "fracture"),
            "Kaplan-Meier estimate of freedom from new vertebral fracture: 5 cases, 3 with new "
            "vertebral fracture, 2 censored. At 3 days, the last event time, 30.0% were free of "
            "it (95% confidence interval 0.0% to 76.8%). Number at risk: 5 at 0, 5 at 1, 4 at 2, "
            "2 at 3, 1 at 4, 1 at 5 days.");
  EXPECT_NE(svg.find(">Time (days)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Free of new vertebral fracture (%)</text>"), std::string::npos);
  EXPECT_EQ(count_of(svg, "class=\"censored\""), 2u);
}

TEST(KaplanMeierChartTest, DrawsTheStepFunction) {
  const std::string svg = kaplan_meier_svg(fracture_chart());
  // x(t) = 64 + 634 t / 5, y(S) = 328 - 266 S: flat at 100% to t=1, down to 80%, and so on,
  // flat at 30% from t=3 to the last follow-up at t=5.
  EXPECT_EQ(between(svg, "class=\"survival\" d=\"", "\""),
            "M64.0 62.0 L190.4 62.0 L190.4 115.2 L316.8 115.2 L316.8 168.4 L443.2 168.4 "
            "L443.2 248.2 L696.0 248.2");
  EXPECT_EQ(count_of(svg, "class=\"band\""), 1u);
}

TEST(KaplanMeierChartTest, CountsAtRiskAtFractionalTicks) {
  // Ticks every 0.05 to 0.3; 6 * 0.05 is a hair above 0.3 in binary, and the case at 0.3 still
  // counts as at risk there.
  SurvivalChart chart = fracture_chart();
  chart.time_unit = "years";
  chart.data = {{0.1, true}, {0.2, false}, {0.3, true}};
  const std::string svg = kaplan_meier_svg(chart);
  expect_well_formed(svg, "fracture");
  EXPECT_EQ(texts_in_group(svg, "at-risk"),
            (std::vector<std::string>{"Number at risk", "3", "3", "3", "2", "2", "1", "1"}));
  EXPECT_NE(svg.find(">0.15</text>"), std::string::npos);
}

TEST(KaplanMeierChartTest, NoDataIsAValidChartSayingSo) {
  SurvivalChart chart = fracture_chart();
  chart.data.clear();
  std::string svg = kaplan_meier_svg(chart);
  expect_well_formed(svg, "fracture");
  EXPECT_EQ(desc_of(svg, "fracture"), "Nothing to plot: no cases.");
  EXPECT_NE(svg.find(">Nothing to plot: no cases</text>"), std::string::npos);
  chart.data = {{std::numeric_limits<double>::quiet_NaN(), true},
                {-1, false},
                {std::numeric_limits<double>::infinity(), true}};
  svg = kaplan_meier_svg(chart);
  expect_well_formed(svg, "fracture");
  EXPECT_EQ(desc_of(svg, "fracture"),
            "Nothing to plot: no cases. 3 cases with no valid time are left out.");
}

TEST(KaplanMeierChartTest, NoEventsKeepsTheEstimateAt100) {
  SurvivalChart chart = fracture_chart();
  chart.data = {{10, false}, {4, false}, {0, false}};
  const std::string svg = kaplan_meier_svg(chart);
  expect_well_formed(svg, "fracture");
  EXPECT_NE(desc_of(svg, "fracture")
                .find("3 cases, 0 with new vertebral fracture, 3 censored. No case had new "
                      "vertebral fracture; the estimate stays at 100% to 10 days."),
            std::string::npos);
}

TEST(KaplanMeierChartTest, IsDeterministic) {
  EXPECT_EQ(kaplan_meier_svg(fracture_chart()), kaplan_meier_svg(fracture_chart()));
}

}  // namespace
}  // namespace vertebro::report
