// Wilson score interval (../shared/domain/REFERENCE.md section 9.3), checked against published
// values: Newcombe RG, Stat Med 1998;17:857-872, worked examples, method 3 (Wilson, no continuity
// correction), 95% (z = 1.96).

#include "stats/proportion.h"

#include <gtest/gtest.h>

namespace vertebro::stats {
namespace {

// Each row was recomputed by hand from section 9.3, with z^2 = 3.8416:
//   x=0,  n=10:  centre = 0.19208/1.38416 = 0.138770, half = 1.416022*sqrt(0.00960400)
//                = 0.138770, so [0 (clamped from -3e-17), 0.277540].
//   x=5,  n=10:  centre = 0.5, half = 1.416022*sqrt(0.025+0.009604) = 0.263410,
//                so [0.236590, 0.763410].
//   x=81, n=263: p = 0.307985, denom = 1.014607, centre = 0.310749, half = 0.055462,
//                so [0.255288, 0.366211] (Newcombe: 0.2553, 0.3662).
//   x=15, n=148: [0.062386, 0.160489]   (Newcombe: 0.0624, 0.1605)
//   x=0,  n=20:  [0, 0.161130]          (Newcombe: 0.0000, 0.1611)
//   x=1,  n=29:  [0.006113, 0.171759]   (Newcombe: 0.0061, 0.1718)
//   x=29, n=29:  [0.883026, 1]          (Newcombe: 0.8830, 1.0000)
TEST(WilsonTest, MatchesPublishedReferenceValues) {
  struct Case {
    std::int64_t x, n;
    double lower, upper;
  };
  const Case kCases[] = {
      {0, 10, 0.0000, 0.2775},   {5, 10, 0.2366, 0.7634}, {81, 263, 0.2553, 0.3662},
      {15, 148, 0.0624, 0.1605}, {0, 20, 0.0000, 0.1611}, {1, 29, 0.0061, 0.1718},
      {29, 29, 0.8830, 1.0000},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(testing::Message() << c.x << "/" << c.n);
    const Interval i = wilson(c.x, c.n);
    EXPECT_DOUBLE_EQ(i.estimate, static_cast<double>(c.x) / static_cast<double>(c.n));
    EXPECT_NEAR(i.lower, c.lower, 0.5e-4);
    EXPECT_NEAR(i.upper, c.upper, 0.5e-4);
  }
}

// With no events the exact lower bound is 0 (p = 0 makes centre and half-width equal), and
// with every event the exact upper bound is 1 (centre + half = (1 + z^2/n)/(1 + z^2/n)).
// Rounding must not push them inside: an interval that excludes its own estimate would show a
// unit with 0 of 11 complications as "above 0", or 6 of 6 satisfied as below a published 100%
// (HTG3-EFF-SATISFIED).
TEST(WilsonTest, IsExactlyZeroOrOneAtTheExtremes) {
  for (std::int64_t n = 1; n <= 200; ++n) {
    EXPECT_EQ(wilson(0, n).lower, 0.0) << "0/" << n;
    EXPECT_EQ(wilson(n, n).upper, 1.0) << n << "/" << n;
  }
}

TEST(WilsonTest, StaysWithinTheUnitInterval) {
  for (std::int64_t n : {1, 2, 10, 263, 100000}) {
    for (std::int64_t x : {std::int64_t{0}, n / 2, n}) {
      const Interval i = wilson(x, n);
      EXPECT_GE(i.lower, 0.0) << x << "/" << n;
      EXPECT_LE(i.upper, 1.0) << x << "/" << n;
    }
  }
}

TEST(WilsonTest, WiderAtHigherConfidence) {
  // z = 2.5758 (99%) for 81/263 gives [0.240138, 0.385282] by the same formula.
  const Interval i95 = wilson(81, 263);
  const Interval i99 = wilson(81, 263, 2.5758);
  EXPECT_NEAR(i99.lower, 0.240138, 1e-5);
  EXPECT_NEAR(i99.upper, 0.385282, 1e-5);
  EXPECT_LT(i99.lower, i95.lower);
  EXPECT_GT(i99.upper, i95.upper);
}

TEST(WilsonTest, NoTrialsGivesZeroToOne) {
  const Interval i = wilson(0, 0);
  EXPECT_EQ(i.estimate, 0.0);
  EXPECT_EQ(i.lower, 0.0);
  EXPECT_EQ(i.upper, 1.0);
}

}  // namespace
}  // namespace vertebro::stats
