// The HTG3 outcomes report's rows (report/htg3.h): the guidance's figures (HTG3.md, "Published
// figures to audit against") and the verdicts. The Wilson intervals quoted were computed
// independently with python3 (REFERENCE.md 9.3, z = 1.96 as the report uses):
//   p = x/n; c = (p + z*z/(2n)) / (1 + z*z/n)
//   h = z / (1 + z*z/n) * sqrt(p(1-p)/n + z*z/(4n*n)); interval (c - h, c + h)
// 40/80 -> 39.30% to 60.70%; 45/100 -> 35.61% to 54.76%; 70/100 -> 60.42% to 78.11%;
// 18/20 -> 69.90% to 97.21%; 0/50 -> 0% to 7.13%; 40/100 -> 30.94% to 49.80%;
// 5/200 -> 1.07% to 5.72%; 3/40 -> 2.58% to 19.86%.

#include <gtest/gtest.h>

#include <ostream>

#include "report/htg3.h"

namespace vertebro::report {
namespace {

MeasureCount answered(std::int64_t yes, std::int64_t n) { return {n, 0, yes, n - yes}; }

struct VerdictCase {
  Measure measure;
  std::int64_t yes;
  std::int64_t n;
  Verdict verdict;
  bool concern;
};

// Named in test output by its figures (gtest would otherwise print the struct's bytes,
// padding included, so the names would change from run to run).
void PrintTo(const VerdictCase& c, std::ostream* os) {
  *os << measure_key(c.measure) << ' ' << c.yes << '/' << c.n << " verdict "
      << static_cast<int>(c.verdict) << (c.concern ? " concern" : "");
}

class Htg3VerdictTest : public ::testing::TestWithParam<VerdictCase> {};

TEST_P(Htg3VerdictTest, ClaimsNoMoreThanTheIntervalAllows) {
  const auto& c = GetParam();
  const auto row = outcome_row(c.measure, answered(c.yes, c.n));
  EXPECT_EQ(row.verdict, c.verdict) << measure_key(c.measure) << " " << c.yes << "/" << c.n
                                    << ": " << row.verdict_text;
  EXPECT_EQ(row.concern, c.concern) << row.verdict_text;
}

INSTANTIATE_TEST_SUITE_P(
    Figures, Htg3VerdictTest,
    ::testing::Values(
        // HTG3-EFF-PAIN, 58% to 97%.
        VerdictCase{Measure::kPainRelief, 70, 100, Verdict::kWithin, false},
        VerdictCase{Measure::kPainRelief, 40, 80, Verdict::kBelowChance, false},
        VerdictCase{Measure::kPainRelief, 45, 100, Verdict::kBelowExcluded, true},
        VerdictCase{Measure::kPainRelief, 9, 9, Verdict::kTooFew, false},
        VerdictCase{Measure::kPainRelief, 0, 0, Verdict::kNoCases, false},
        // HTG3-EFF-MOBILITY, 93% from one study: the interval 69.9% to 97.2% includes it.
        VerdictCase{Measure::kImprovedMobility, 18, 20, Verdict::kWithin, false},
        // HTG3-SAFE-LEAK, up to 27%.
        VerdictCase{Measure::kLeakage, 20, 100, Verdict::kWithin, false},
        VerdictCase{Measure::kLeakage, 40, 100, Verdict::kAboveExcluded, true},
        // HTG3-SAFE-LEAK-INTERVENTION, 1% from one study.
        VerdictCase{Measure::kLeakageIntervention, 0, 50, Verdict::kWithin, false},
        VerdictCase{Measure::kLeakageIntervention, 5, 200, Verdict::kAboveExcluded, true},
        // HTG3-SAFE-PARAPLEGIA, below 5%: 7.5% but the interval starts at 2.6%.
        VerdictCase{Measure::kParaplegia, 3, 40, Verdict::kAboveChance, false},
        // HTG3-SAFE-OTHER has no figure.
        VerdictCase{Measure::kOtherHarm, 3, 40, Verdict::kNoFigure, false},
        // Ten answers are enough for a verdict; nine are not.
        VerdictCase{Measure::kLeakage, 1, 10, Verdict::kWithin, false}));

TEST(Htg3RowTest, GivesTheRateOnlyWithItsDenominator) {
  const auto none = outcome_row(Measure::kPainRelief, {12, 12, 0, 0});
  EXPECT_FALSE(none.rate.has_value());
  EXPECT_EQ(none.count.denominator(), 0);
  EXPECT_EQ(none.count.missing(), 0);
  EXPECT_EQ(none.verdict_text, "Nothing to count yet");

  const auto some = outcome_row(Measure::kPainRelief, {120, 10, 70, 30});
  ASSERT_TRUE(some.rate.has_value());
  EXPECT_DOUBLE_EQ(some.rate->estimate, 0.7);
  EXPECT_NEAR(some.rate->lower, 0.6041496156718804, 1e-12);
  EXPECT_NEAR(some.rate->upper, 0.7810524613377188, 1e-12);
  EXPECT_EQ(some.count.denominator(), 100);
  EXPECT_EQ(some.count.missing(), 10);
}

TEST(Htg3RowTest, WordsEachVerdictPlainly) {
  EXPECT_EQ(outcome_row(Measure::kPainRelief, answered(45, 100)).verdict_text,
            "Below the published range, and the interval excludes it");
  EXPECT_EQ(outcome_row(Measure::kPainRelief, answered(40, 80)).verdict_text,
            "Below the published range, but the interval reaches it: could be chance");
  EXPECT_EQ(outcome_row(Measure::kLeakageIntervention, answered(5, 200)).verdict_text,
            "Above the published figure, and the interval excludes it");
  EXPECT_EQ(outcome_row(Measure::kImprovedMobility, answered(18, 20)).verdict_text,
            "Consistent with the published figure: the interval includes it");
  EXPECT_EQ(outcome_row(Measure::kPainRelief, answered(3, 5)).verdict_text,
            "Too few answers to say (fewer than 10)");
}

TEST(Htg3MeasureTest, CitesTheGuidanceForEveryMeasure) {
  ASSERT_EQ(all_measures().size(), 11u);
  for (auto m : all_measures()) {
    EXPECT_EQ(parse_measure(measure_key(m)), m);
    EXPECT_EQ(measure_requirement(m).substr(0, 5), "HTG3-");
    EXPECT_FALSE(guidance_figure(m).text.empty());
  }
  EXPECT_EQ(measure_requirement(Measure::kPainRelief), "HTG3-EFF-PAIN");
  EXPECT_EQ(guidance_figure(Measure::kPainRelief).text, "58% to 97%");
  EXPECT_EQ(measure_requirement(Measure::kLeakageIntervention), "HTG3-SAFE-LEAK-INTERVENTION");
  EXPECT_FALSE(parse_measure("nonsense").has_value());
  EXPECT_TRUE(is_efficacy(Measure::kSatisfied));
  EXPECT_FALSE(is_efficacy(Measure::kLeakage));
}

TEST(Htg3MeasureTest, WritesPercentagesWithOneDecimal) {
  EXPECT_EQ(percent_text(0.4318181818), "43.2%");
  EXPECT_EQ(percent_text(0), "0.0%");
  EXPECT_EQ(percent_text(1), "100.0%");
}

}  // namespace
}  // namespace vertebro::report
