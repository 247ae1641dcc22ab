// Treatment days counted inclusively, and the window of an osteoporotic fracture in which the
// pain counts as refractory while the fracture still counts as recent (guidance/windows.h).

#include "guidance/windows.h"

#include <gtest/gtest.h>

#include "test_dates.h"

namespace vertebro::guidance {
namespace {

ConservativeTreatment T(const char* start, const char* end = nullptr) {
  ConservativeTreatment t;
  t.kind = ConservativeKind::kAnalgesics;
  t.start = D(start);
  if (end != nullptr) t.end = D(end);
  return t;
}

TEST(ConservativeDaysTest, CountsTheFirstAndLastDays) {
  struct Row {
    const char* what;
    std::vector<ConservativeTreatment> treatments;
    const char* through;
    long days;
  };
  const Row rows[] = {
      {"10 to 20 September is 11 days", {T("2026-09-10", "2026-09-20")}, "2026-09-30", 11},
      {"a one-day course is 1 day", {T("2026-09-10", "2026-09-10")}, "2026-09-30", 1},
      {"started today: 1 day", {T("2026-09-10")}, "2026-09-10", 1},
      {"still going: up to the day judged", {T("2026-09-10")}, "2026-09-30", 21},
      {"ending after the day judged counts up to it", {T("2026-09-10", "2026-10-31")},
       "2026-09-30", 21},
      {"starting after the day judged counts nothing", {T("2026-10-01")}, "2026-09-30", 0},
      {"overlapping courses count their shared days once",
       {T("2026-09-01", "2026-09-10"), T("2026-09-10", "2026-09-20")}, "2026-09-30", 20},
      {"back-to-back courses add up", {T("2026-09-01", "2026-09-10"), T("2026-09-11", "2026-09-20")},
       "2026-09-30", 20},
      {"a gap is not counted", {T("2026-09-01", "2026-09-05"), T("2026-09-21", "2026-09-25")},
       "2026-09-30", 10},
      {"nothing recorded", {}, "2026-09-30", 0},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(conservative_days(r.treatments, D(r.through)), r.days) << r.what;
  }
}

EpisodeSnapshot Osteoporotic(const char* fracture) {
  EpisodeSnapshot s;
  s.indication = domain::Indication::kOsteoporotic;
  s.fracture_date = D(fracture);
  s.today = D("2026-09-30");
  return s;
}

// The default settings leave a three-week window: 21 days of treatment from the fracture day
// reach the minimum on day 20, and the fracture counts as recent up to day 42.
TEST(RefractoryWindowTest, DefaultsLeaveThreeWeeks) {
  EpisodeSnapshot s = Osteoporotic("2026-09-01");
  s.conservative_treatments = {T("2026-09-01")};
  const auto w = refractory_window(s, UnitSettings{});
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->fracture, D("2026-09-01"));
  EXPECT_FALSE(w->from_onset);
  ASSERT_TRUE(w->refractory_from.has_value());
  EXPECT_EQ(*w->refractory_from, D("2026-09-21"));
  EXPECT_EQ(conservative_days(s.conservative_treatments, *w->refractory_from), 21);
  EXPECT_EQ(conservative_days(s.conservative_treatments, D("2026-09-20")), 20);
  EXPECT_EQ(w->recent_until, D("2026-10-13"));  // 42 days after the fracture
  EXPECT_FALSE(w->treatment_assumed);
  EXPECT_TRUE(w->open());
  EXPECT_EQ(w->min_days, 21);
  EXPECT_EQ(w->window_days, 42);
}

TEST(RefractoryWindowTest, FollowsTheTreatmentRecorded) {
  EpisodeSnapshot s = Osteoporotic("2026-09-01");
  // Analgesics from day 5 to day 14, then physiotherapy from day 20, still going: 10 days, then
  // 11 more reach 21 on 30 September.
  s.conservative_treatments = {T("2026-09-05", "2026-09-14"), T("2026-09-20")};
  auto w = refractory_window(s, UnitSettings{});
  ASSERT_TRUE(w && w->refractory_from);
  EXPECT_EQ(*w->refractory_from, D("2026-09-30"));
  EXPECT_TRUE(w->open());

  // Every course ended short of the minimum: never refractory on this record.
  s.conservative_treatments = {T("2026-09-05", "2026-09-14")};
  w = refractory_window(s, UnitSettings{});
  ASSERT_TRUE(w.has_value());
  EXPECT_FALSE(w->refractory_from.has_value());
  EXPECT_FALSE(w->open());

  // Treatment begun late: refractory only after the fracture stops counting as recent.
  s.conservative_treatments = {T("2026-10-01")};
  w = refractory_window(s, UnitSettings{});
  ASSERT_TRUE(w && w->refractory_from);
  EXPECT_EQ(*w->refractory_from, D("2026-10-21"));
  EXPECT_FALSE(w->open());

  // A minimum of 0 days is met on the first day of treatment.
  UnitSettings none;
  none.min_conservative_days = 0;
  w = refractory_window(s, none);
  ASSERT_TRUE(w && w->refractory_from);
  EXPECT_EQ(*w->refractory_from, D("2026-10-01"));
}

TEST(RefractoryWindowTest, WithNoTreatmentRecordedCountsFromTheFracture) {
  const auto w = refractory_window(Osteoporotic("2026-09-01"), UnitSettings{});
  ASSERT_TRUE(w && w->refractory_from);
  EXPECT_TRUE(w->treatment_assumed);
  EXPECT_EQ(*w->refractory_from, D("2026-09-21"));
}

TEST(RefractoryWindowTest, UsesTheOnsetOfPainWhenTheFractureDateIsUnknown) {
  EpisodeSnapshot s = Osteoporotic("2026-09-01");
  s.fracture_date.reset();
  s.onset_date = D("2026-09-03");
  const auto w = refractory_window(s, UnitSettings{});
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->from_onset);
  EXPECT_EQ(w->recent_until, D("2026-10-15"));
}

TEST(RefractoryWindowTest, OnlyForOsteoporoticFracturesUnderTa279OrEbi) {
  EpisodeSnapshot s = Osteoporotic("2026-09-01");
  UnitSettings htg3_only;
  htg3_only.enabled_packs = {Pack::kHtg3};
  EXPECT_FALSE(refractory_window(s, htg3_only).has_value());
  UnitSettings ebi;
  ebi.enabled_packs = {Pack::kHtg3, Pack::kEbi};
  EXPECT_TRUE(refractory_window(s, ebi).has_value());
  s.indication = domain::Indication::kHaemangioma;
  EXPECT_FALSE(refractory_window(s, UnitSettings{}).has_value());
  s = Osteoporotic("2026-09-01");
  s.fracture_date.reset();
  EXPECT_FALSE(refractory_window(s, UnitSettings{}).has_value());
}

}  // namespace
}  // namespace vertebro::guidance
