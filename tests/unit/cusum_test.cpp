// Bernoulli CUSUM (../shared/domain/REFERENCE.md section 9.2; Steiner SH et al., Biostatistics
// 2000;1:441), checked against a sequence worked by hand.
//
// p0 = 0.1, p1 = 0.2, h = 1.5:
//   W(1) = ln(0.2 / 0.1) = ln 2 = 0.6931471805599453
//   W(0) = ln(0.8 / 0.9) = -0.11778303565638339
// Outcomes 0 1 0 0 0 0 0 0 1 1 1 0 1 1, S = max(0, S + W):
//   case 1  (0): max(0, 0 - 0.1178)        = 0          (held at zero)
//   case 2  (1): 0 + 0.6931                = 0.6931471805599453
//   case 3-7 (0): 0.6931 - k * 0.1178      = 0.5753641449035619, 0.4575811092471785,
//                                            0.3397980735907952, 0.2220150379344118,
//                                            0.1042320022780284
//   case 8  (0): max(0, 0.1042 - 0.1178)   = 0          (held at zero again)
//   case 9  (1): 0.6931471805599453
//   case 10 (1): 1.3862943611198906        (2 ln 2; below h)
//   case 11 (1): 2.0794415416798357        (3 ln 2 >= 1.5: signal)
// Without reset the chart stays high: case 12 (0) 1.9616585060234524, case 13 (1)
// 2.6548056865833978, case 14 (1) 3.347952867143343, all signalling.
// With reset it restarts at 0 after case 11: case 12 (0) max(0, 0 - 0.1178) = 0, case 13 (1)
// 0.6931471805599453, case 14 (1) 1.3862943611198906, none signalling.
// (The same numbers came out of a python3 loop: s = max(0, s + w); sig = s >= h.)

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "stats/cusum.h"

namespace vertebro::stats {
namespace {

const std::vector<int> kOutcomes = {0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1};
constexpr double kW1 = 0.6931471805599453;
constexpr double kW0 = -0.11778303565638339;

TEST(CusumTest, WeightsFromAcceptableAndUnacceptableRates) {
  const CusumDesign d{0.1, 0.2, 1.5, false};
  EXPECT_NEAR(cusum_weight(d, 1), kW1, 1e-15);
  EXPECT_NEAR(cusum_weight(d, 0), kW0, 1e-15);
}

TEST(CusumTest, HandWorkedSequenceWithoutReset) {
  const double expected[] = {0,
                             0.6931471805599453,
                             0.5753641449035619,
                             0.45758110924717854,
                             0.33979807359079517,
                             0.2220150379344118,
                             0.10423200227802841,
                             0,
                             0.6931471805599453,
                             1.3862943611198906,
                             2.0794415416798357,
                             1.9616585060234524,
                             2.6548056865833978,
                             3.347952867143343};
  const auto steps = bernoulli_cusum(kOutcomes, {0.1, 0.2, 1.5, false});
  ASSERT_EQ(steps.size(), kOutcomes.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "case " << i + 1);
    EXPECT_EQ(steps[i].outcome, kOutcomes[i]);
    EXPECT_NEAR(steps[i].w, kOutcomes[i] ? kW1 : kW0, 1e-15);
    EXPECT_NEAR(steps[i].s, expected[i], 1e-13);
    EXPECT_EQ(steps[i].signal, i >= 10) << "first signal at case 11";
  }
  // Held at zero, not negative.
  EXPECT_EQ(steps[0].s, 0.0);
  EXPECT_EQ(steps[7].s, 0.0);
}

TEST(CusumTest, HandWorkedSequenceWithReset) {
  const auto steps = bernoulli_cusum(kOutcomes, {0.1, 0.2, 1.5, true});
  ASSERT_EQ(steps.size(), kOutcomes.size());
  EXPECT_NEAR(steps[10].s, 2.0794415416798357, 1e-13);
  EXPECT_TRUE(steps[10].signal);
  EXPECT_EQ(steps[11].s, 0.0);  // restarted at 0, and held there by the success
  EXPECT_NEAR(steps[12].s, 0.6931471805599453, 1e-13);
  EXPECT_NEAR(steps[13].s, 1.3862943611198906, 1e-13);
  for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i].signal, i == 10) << i;
}

// The signal is at S >= h: exactly 2 ln 2 with h = 2 ln 2 signals on the second failure.
TEST(CusumTest, SignalsWhenTheScoreReachesTheLimit) {
  const CusumDesign d{0.1, 0.2, 2 * std::log(2.0), false};
  const auto steps = bernoulli_cusum(std::vector<int>{1, 1}, d);
  EXPECT_FALSE(steps[0].signal);
  EXPECT_TRUE(steps[1].signal);
}

TEST(CusumTest, NoCasesNoSteps) {
  EXPECT_TRUE(bernoulli_cusum(std::vector<int>{}, {0.1, 0.2, 1.5, false}).empty());
}

}  // namespace
}  // namespace vertebro::stats
