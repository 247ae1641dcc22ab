// SINS (REFERENCE.md 5.1) and Genant (REFERENCE.md 5.2) calculators, at every boundary.

#include "guidance/scores.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "test_dates.h"

namespace vertebro::guidance {
namespace {

// Location for every level vertebro records (the occiput is not one).
TEST(GuidanceSinsTest, LocationOfEveryLevel) {
  struct Row {
    const char* level;
    SinsLocation location;
  };
  const Row rows[] = {
      {"C1", SinsLocation::kJunctional},  {"C2", SinsLocation::kJunctional},
      {"C3", SinsLocation::kMobile},      {"C4", SinsLocation::kMobile},
      {"C5", SinsLocation::kMobile},      {"C6", SinsLocation::kMobile},
      {"C7", SinsLocation::kJunctional},  {"T1", SinsLocation::kJunctional},
      {"T2", SinsLocation::kJunctional},  {"T3", SinsLocation::kSemiRigid},
      {"T4", SinsLocation::kSemiRigid},   {"T5", SinsLocation::kSemiRigid},
      {"T6", SinsLocation::kSemiRigid},   {"T7", SinsLocation::kSemiRigid},
      {"T8", SinsLocation::kSemiRigid},   {"T9", SinsLocation::kSemiRigid},
      {"T10", SinsLocation::kSemiRigid},  {"T11", SinsLocation::kJunctional},
      {"T12", SinsLocation::kJunctional}, {"L1", SinsLocation::kJunctional},
      {"L2", SinsLocation::kMobile},      {"L3", SinsLocation::kMobile},
      {"L4", SinsLocation::kMobile},      {"L5", SinsLocation::kJunctional},
      {"S1", SinsLocation::kJunctional},  {"S2", SinsLocation::kRigid},
      {"S3", SinsLocation::kRigid},       {"S4", SinsLocation::kRigid},
      {"S5", SinsLocation::kRigid},
  };
  ASSERT_EQ(std::size(rows), static_cast<std::size_t>(domain::VertebralLevel::kCount));
  for (const auto& r : rows) {
    EXPECT_EQ(sins_location(Level(r.level)), r.location) << r.level;
  }
}

// Points of every component, as in Fisher et al.'s table.
TEST(GuidanceSinsTest, PointsOfEveryComponent) {
  EXPECT_EQ(sins_points(SinsLocation::kJunctional), 3);
  EXPECT_EQ(sins_points(SinsLocation::kMobile), 2);
  EXPECT_EQ(sins_points(SinsLocation::kSemiRigid), 1);
  EXPECT_EQ(sins_points(SinsLocation::kRigid), 0);
  EXPECT_EQ(sins_points(SinsPain::kMechanical), 3);
  EXPECT_EQ(sins_points(SinsPain::kOccasionalNonMechanical), 1);
  EXPECT_EQ(sins_points(SinsPain::kPainFree), 0);
  EXPECT_EQ(sins_points(SinsBoneLesion::kLytic), 2);
  EXPECT_EQ(sins_points(SinsBoneLesion::kMixed), 1);
  EXPECT_EQ(sins_points(SinsBoneLesion::kBlastic), 0);
  EXPECT_EQ(sins_points(SinsAlignment::kSubluxationTranslation), 4);
  EXPECT_EQ(sins_points(SinsAlignment::kDeNovoDeformity), 2);
  EXPECT_EQ(sins_points(SinsAlignment::kNormal), 0);
  EXPECT_EQ(sins_points(SinsCollapse::kOver50Percent), 3);
  EXPECT_EQ(sins_points(SinsCollapse::kUnder50Percent), 2);
  EXPECT_EQ(sins_points(SinsCollapse::kNoCollapseOver50PercentInvolved), 1);
  EXPECT_EQ(sins_points(SinsCollapse::kNone), 0);
  EXPECT_EQ(sins_points(SinsPosterolateral::kBilateral), 3);
  EXPECT_EQ(sins_points(SinsPosterolateral::kUnilateral), 1);
  EXPECT_EQ(sins_points(SinsPosterolateral::kNone), 0);
}

// Each component moves the total by its own points, from an all-zero lesion at S3 (rigid).
TEST(GuidanceSinsTest, EachComponentAddsItsPoints) {
  const SinsInput zero{.level = Level("S3")};
  EXPECT_EQ(sins_score(zero).total, 0);
  struct Row {
    const char* what;
    SinsInput input;
    int total;
  };
  const Row rows[] = {
      {"junctional T12", {.level = Level("T12")}, 3},
      {"mobile L3", {.level = Level("L3")}, 2},
      {"semi-rigid T7", {.level = Level("T7")}, 1},
      {"mechanical pain", {.level = Level("S3"), .pain = SinsPain::kMechanical}, 3},
      {"occasional pain", {.level = Level("S3"), .pain = SinsPain::kOccasionalNonMechanical}, 1},
      {"lytic", {.level = Level("S3"), .bone_lesion = SinsBoneLesion::kLytic}, 2},
      {"mixed", {.level = Level("S3"), .bone_lesion = SinsBoneLesion::kMixed}, 1},
      {"subluxation",
       {.level = Level("S3"), .alignment = SinsAlignment::kSubluxationTranslation},
       4},
      {"de novo deformity",
       {.level = Level("S3"), .alignment = SinsAlignment::kDeNovoDeformity},
       2},
      {"collapse over 50%", {.level = Level("S3"), .collapse = SinsCollapse::kOver50Percent}, 3},
      {"collapse under 50%", {.level = Level("S3"), .collapse = SinsCollapse::kUnder50Percent}, 2},
      {"no collapse, over 50% involved",
       {.level = Level("S3"), .collapse = SinsCollapse::kNoCollapseOver50PercentInvolved},
       1},
      {"bilateral", {.level = Level("S3"), .posterolateral = SinsPosterolateral::kBilateral}, 3},
      {"unilateral", {.level = Level("S3"), .posterolateral = SinsPosterolateral::kUnilateral}, 1},
  };
  for (const auto& r : rows) EXPECT_EQ(sins_score(r.input).total, r.total) << r.what;
}

// The maximum is 18 and the category boundaries fall at 6/7 and 12/13.
TEST(GuidanceSinsTest, CategoryBoundariesFromComponents) {
  const SinsInput max{.level = Level("T12"),
                      .pain = SinsPain::kMechanical,
                      .bone_lesion = SinsBoneLesion::kLytic,
                      .alignment = SinsAlignment::kSubluxationTranslation,
                      .collapse = SinsCollapse::kOver50Percent,
                      .posterolateral = SinsPosterolateral::kBilateral};
  EXPECT_EQ(sins_score(max).total, 18);
  EXPECT_EQ(sins_score(max).category, SinsCategory::kUnstable);

  // 6: junctional 3 + mechanical 3.
  const SinsInput six{.level = Level("L1"), .pain = SinsPain::kMechanical};
  EXPECT_EQ(sins_score(six).total, 6);
  EXPECT_EQ(sins_score(six).category, SinsCategory::kStable);
  EXPECT_FALSE(sins_score(six).surgical_consultation);
  // 7: one more point (mixed lesion).
  SinsInput seven = six;
  seven.bone_lesion = SinsBoneLesion::kMixed;
  EXPECT_EQ(sins_score(seven).total, 7);
  EXPECT_EQ(sins_score(seven).category, SinsCategory::kIndeterminate);
  EXPECT_TRUE(sins_score(seven).surgical_consultation);
  // 12 and 13.
  const SinsInput twelve{.level = Level("L1"),
                         .pain = SinsPain::kMechanical,
                         .bone_lesion = SinsBoneLesion::kLytic,
                         .alignment = SinsAlignment::kDeNovoDeformity,
                         .collapse = SinsCollapse::kUnder50Percent};
  EXPECT_EQ(sins_score(twelve).total, 12);
  EXPECT_EQ(sins_score(twelve).category, SinsCategory::kIndeterminate);
  SinsInput thirteen = twelve;
  thirteen.posterolateral = SinsPosterolateral::kUnilateral;
  EXPECT_EQ(sins_score(thirteen).total, 13);
  EXPECT_EQ(sins_score(thirteen).category, SinsCategory::kUnstable);
}

TEST(GuidanceSinsTest, CategoryOfEveryTotal) {
  for (int total = 0; total <= 18; ++total) {
    auto s = sins_from_total(total);
    ASSERT_TRUE(s.ok()) << total;
    const SinsCategory want = total <= 6    ? SinsCategory::kStable
                              : total <= 12 ? SinsCategory::kIndeterminate
                                            : SinsCategory::kUnstable;
    EXPECT_EQ(s->category, want) << total;
    EXPECT_EQ(s->surgical_consultation, total >= 7) << total;
  }
  EXPECT_EQ(sins_from_total(6)->category, SinsCategory::kStable);
  EXPECT_EQ(sins_from_total(7)->category, SinsCategory::kIndeterminate);
  EXPECT_EQ(sins_from_total(12)->category, SinsCategory::kIndeterminate);
  EXPECT_EQ(sins_from_total(13)->category, SinsCategory::kUnstable);
  EXPECT_EQ(sins_category_name(SinsCategory::kIndeterminate), "indeterminate");
}

TEST(GuidanceSinsTest, RefusesTotalsOutside0To18NamingTheField) {
  for (int total : {-1, 19, 100}) {
    auto s = sins_from_total(total);
    ASSERT_FALSE(s.ok()) << total;
    EXPECT_EQ(s.error().code, Errc::kInvalid);
    ASSERT_EQ(s.error().fields.size(), 1u);
    EXPECT_EQ(s.error().fields[0].field, "sins_total");
  }
}

// Boundaries as documented in scores.h: 20 and 25 are grade 1, 40 is grade 2.
TEST(GuidanceGenantTest, GradeAtEveryBoundary) {
  struct Row {
    double percent;
    GenantGrade grade;
  };
  const Row rows[] = {
      {0.0, GenantGrade::kNormal},    {19.99, GenantGrade::kNormal},
      {20.0, GenantGrade::kMild},     {22.5, GenantGrade::kMild},
      {25.0, GenantGrade::kMild},     {25.01, GenantGrade::kModerate},
      {30.0, GenantGrade::kModerate}, {40.0, GenantGrade::kModerate},
      {40.01, GenantGrade::kSevere},  {100.0, GenantGrade::kSevere},
  };
  for (const auto& r : rows) {
    auto g = genant_grade(r.percent);
    ASSERT_TRUE(g.ok()) << r.percent;
    EXPECT_EQ(*g, r.grade) << r.percent << "% gave " << genant_name(*g);
  }
}

TEST(GuidanceGenantTest, RefusesImpossiblePercentagesNamingTheField) {
  for (double p : {-0.01, -5.0, 100.01, std::numeric_limits<double>::quiet_NaN()}) {
    auto g = genant_grade(p);
    ASSERT_FALSE(g.ok()) << p;
    EXPECT_EQ(g.error().code, Errc::kInvalid);
    ASSERT_EQ(g.error().fields.size(), 1u);
    EXPECT_EQ(g.error().fields[0].field, "height_loss_percent");
  }
}

TEST(GuidanceGenantTest, Names) {
  EXPECT_EQ(genant_name(GenantGrade::kNormal), "normal");
  EXPECT_EQ(genant_name(GenantGrade::kMild), "mild");
  EXPECT_EQ(genant_name(GenantGrade::kModerate), "moderate");
  EXPECT_EQ(genant_name(GenantGrade::kSevere), "severe");
}

}  // namespace
}  // namespace vertebro::guidance
