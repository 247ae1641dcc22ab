// Outcome definitions at follow-up (guidance/outcomes.h): pain relief, reduced medication and
// improved mobility, as tables of cases at each boundary of the default definitions.

#include "guidance/outcomes.h"

#include <gtest/gtest.h>

namespace vertebro::guidance {
namespace {

TEST(OutcomesTest, PainReliefNeedsBothTwoPointsAndThirtyPercent) {
  struct Row {
    int pre;
    int now;
    bool relief;
  };
  const Row rows[] = {
      {10, 7, true},   // exactly 30%, 3 points
      {10, 8, false},  // 20%
      {8, 6, false},   // 2 points but 25%
      {7, 5, false},   // 2 points but 28.6%
      {6, 4, true},    // 2 points, 33.3%
      {2, 1, false},   // 50% but 1 point
      {2, 0, true},    // 2 points, 100%
      {0, 0, false},
      {5, 6, false},
  };
  const OutcomeDefinitions d;
  for (const auto& r : rows) {
    EXPECT_EQ(pain_relief(r.pre, r.now, d), std::optional<bool>(r.relief))
        << r.pre << " -> " << r.now;
  }
}

TEST(OutcomesTest, PainReliefFollowsTheUnitsDefinition) {
  OutcomeDefinitions d;
  d.pain_min_fall_points = 3;
  d.pain_min_fall_percent = 50;
  EXPECT_EQ(pain_relief(8, 5, d), false);  // 3 points, 37.5%
  EXPECT_EQ(pain_relief(6, 3, d), true);   // 3 points, 50%
  EXPECT_EQ(pain_relief(4, 2, d), false);  // 50% but 2 points
}

TEST(OutcomesTest, PainReliefUnknownWhenAScoreIsMissingOrOutOfRange) {
  const OutcomeDefinitions d;
  EXPECT_FALSE(pain_relief(std::nullopt, 3, d).has_value());
  EXPECT_FALSE(pain_relief(8, std::nullopt, d).has_value());
  EXPECT_FALSE(pain_relief(11, 3, d).has_value());
  EXPECT_FALSE(pain_relief(8, -1, d).has_value());
}

TEST(OutcomesTest, ReducedMedicationIsALowerClassOrStopped) {
  using A = AnalgesicClass;
  struct Row {
    A before;
    A now;
    bool reduced;
  };
  const Row rows[] = {
      {A::kStrongOpioid, A::kWeakOpioid, true}, {A::kStrongOpioid, A::kNone, true},
      {A::kWeakOpioid, A::kNonOpioid, true},       {A::kNonOpioid, A::kNone, true},
      {A::kNonOpioid, A::kNonOpioid, false},          {A::kNone, A::kNone, false},
      {A::kNonOpioid, A::kStrongOpioid, false},    {A::kNone, A::kNonOpioid, false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(reduced_medication(r.before, r.now), std::optional<bool>(r.reduced))
        << analgesic_class_name(r.before) << " -> " << analgesic_class_name(r.now);
  }
  EXPECT_FALSE(reduced_medication(std::nullopt, A::kNone).has_value());
}

TEST(OutcomesTest, ImprovedMobilityIsOneOrMoreStepsUp) {
  using M = Mobility;
  struct Row {
    M before;
    M now;
    bool improved;
  };
  const Row rows[] = {
      {M::kBedBound, M::kChairBound, true},
      {M::kBedBound, M::kUnaided, true},
      {M::kWalkingWithStick, M::kUnaided, true},
      {M::kUnaided, M::kUnaided, false},
      {M::kChairBound, M::kChairBound, false},
      {M::kWalkingWithFrame, M::kChairBound, false},
  };
  const OutcomeDefinitions d;
  for (const auto& r : rows) {
    EXPECT_EQ(improved_mobility(r.before, r.now, d), std::optional<bool>(r.improved))
        << mobility_name(r.before) << " -> " << mobility_name(r.now);
  }
  OutcomeDefinitions two;
  two.mobility_min_steps = 2;
  EXPECT_EQ(improved_mobility(M::kBedBound, M::kChairBound, two), false);
  EXPECT_EQ(improved_mobility(M::kBedBound, M::kWalkingWithFrame, two), true);
  EXPECT_FALSE(improved_mobility(M::kBedBound, std::nullopt, d).has_value());
}

TEST(OutcomesTest, MobilityNamesRoundTrip) {
  for (auto m : {Mobility::kBedBound, Mobility::kChairBound, Mobility::kWalkingWithFrame,
                 Mobility::kWalkingWithStick, Mobility::kUnaided}) {
    EXPECT_EQ(parse_mobility(mobility_name(m)), m);
  }
  EXPECT_FALSE(parse_mobility("").has_value());
}

}  // namespace
}  // namespace vertebro::guidance
