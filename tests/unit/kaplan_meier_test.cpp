// Kaplan-Meier with Greenwood's standard error, checked against a published worked example:
// the 6-MP arm of the leukaemia remission trial (Freireich EJ et al., Blood 1963;21:699), weeks
// in remission, + = censored:
//   6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+
// Its Kaplan-Meier table (Kleinbaum DG, Klein M, Survival Analysis, 3rd ed., chapter 2; the
// same figures as R's summary(survfit(...))) to three or four places:
//   time n.risk n.event survival std.err
//      6     21       3    0.857  0.0764
//      7     17       1    0.807  0.0869
//     10     15       1    0.753  0.0963
//     13     12       1    0.690  0.1068
//     16     11       1    0.627  0.1141
//     22      7       1    0.538  0.1282
//     23      6       1    0.448  0.1346
// Both ties are in it: at week 6 three events and one censoring (the censored case is at risk
// at 6, so 17 remain at 7), and at week 10 one of each. Full-precision values were recomputed
// in python3 from the same definition:
//   S *= 1 - d/n; g += d / (n * (n - d)); se = S * sqrt(g)

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "stats/kaplan_meier.h"

namespace vertebro::stats {
namespace {

TEST(KaplanMeierTest, MatchesThePublishedSixMpTable) {
  std::vector<SurvivalTime> data = {
      {6, true},   {6, true},   {6, true},   {6, false},  {7, true},  {9, false},  {10, true},
      {10, false}, {11, false}, {13, true},  {16, true},  {17, false}, {19, false}, {20, false},
      {22, true},  {23, true},  {25, false}, {32, false}, {32, false}, {34, false}, {35, false}};
  // Any order in, the same table out.
  std::reverse(data.begin(), data.end());
  const auto rows = kaplan_meier(data);
  struct Expected {
    double time;
    std::int64_t n_risk, events;
    double survival, se;
  };
  const Expected kTable[] = {
      {6, 21, 3, 0.8571428571428572, 0.07636035483212125},
      {7, 17, 1, 0.8067226890756303, 0.0869352851800572},
      {10, 15, 1, 0.7529411764705882, 0.09634965299432051},
      {13, 12, 1, 0.6901960784313725, 0.10681470777500983},
      {16, 11, 1, 0.6274509803921569, 0.11405386525675254},
      {22, 7, 1, 0.5378151260504203, 0.12823375169303403},
      {23, 6, 1, 0.44817927170868355, 0.13459145675576048},
  };
  ASSERT_EQ(rows.size(), std::size(kTable));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "week " << kTable[i].time);
    EXPECT_EQ(rows[i].time, kTable[i].time);
    EXPECT_EQ(rows[i].n_risk, kTable[i].n_risk);
    EXPECT_EQ(rows[i].events, kTable[i].events);
    EXPECT_NEAR(rows[i].survival, kTable[i].survival, 1e-13);
    EXPECT_NEAR(rows[i].se, kTable[i].se, 1e-13);
  }
}

// By hand: times 1, 2, 2, 2+, 3, 3: at 1, n = 6, d = 1, S = 5/6; at 2, n = 5, d = 2,
// S = 5/6 * 3/5 = 1/2, se = 0.5 * sqrt(1/30 + 2/15) = 0.5 * sqrt(1/6) = 0.2041241452319315;
// at 3 both remaining have the event: n = 2, d = 2, S = 0, se given as 0.
TEST(KaplanMeierTest, SurvivalFallsToZeroWhenAllAtRiskHaveTheEvent) {
  const std::vector<SurvivalTime> data = {{1, true}, {2, true},  {2, true},
                                          {2, false}, {3, true}, {3, true}};
  const auto rows = kaplan_meier(data);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NEAR(rows[0].survival, 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(rows[0].se, 5.0 / 6.0 * std::sqrt(1.0 / 30.0), 1e-15);
  EXPECT_EQ(rows[1].n_risk, 5);
  EXPECT_EQ(rows[1].events, 2);
  EXPECT_NEAR(rows[1].survival, 0.5, 1e-15);
  EXPECT_NEAR(rows[1].se, 0.2041241452319315, 1e-15);
  EXPECT_EQ(rows[2].n_risk, 2);
  EXPECT_EQ(rows[2].survival, 0.0);
  EXPECT_EQ(rows[2].se, 0.0);
}

TEST(KaplanMeierTest, OnlyCensoredCasesGiveNoRows) {
  EXPECT_TRUE(kaplan_meier(std::vector<SurvivalTime>{{1, false}, {2, false}}).empty());
  EXPECT_TRUE(kaplan_meier(std::vector<SurvivalTime>{}).empty());
}

}  // namespace
}  // namespace vertebro::stats
