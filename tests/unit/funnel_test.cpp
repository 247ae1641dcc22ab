// Funnel-plot limits (../shared/domain/REFERENCE.md section 9.1; Spiegelhalter DJ, Stat Med
// 2005;24:1185, appendix A.1.1) and the normal quantiles they use.
//
// Reference values were computed independently with python3's standard library, exactly, in
// rational arithmetic (fractions.Fraction, math.comb), following A.1.1 step by step:
//   def exact(n, th, p):
//       th, p, F = Fraction(th), Fraction(p), Fraction(0)
//       for r in range(n + 1):
//           f = comb(n, r) * th**r * (1 - th)**(n - r); F += f
//           if F >= p: return float((r - (F - p) / f) / n)
// and the normal ones with statistics.NormalDist().inv_cdf(p) as z:
//   th + NormalDist().inv_cdf(p) * sqrt(th * (1 - th) / n)

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "stats/funnel.h"
#include "stats/normal.h"

namespace vertebro::stats {
namespace {

TEST(NormalQuantileTest, MatchesPythonNormalDist) {
  // statistics.NormalDist().inv_cdf(p) in python3.
  EXPECT_NEAR(normal_quantile(0.975), 1.9599639845400536, 1e-13);
  EXPECT_NEAR(normal_quantile(0.025), -1.9599639845400538, 1e-13);
  EXPECT_NEAR(normal_quantile(0.999), 3.090232306167813, 1e-13);
  EXPECT_NEAR(normal_quantile(0.001), -3.090232306167813, 1e-13);
  EXPECT_NEAR(normal_quantile(0.995), 2.5758293035489, 1e-13);
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-11);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(z_for_level(0.95), 1.9599639845400536, 1e-13);
  EXPECT_NEAR(z_for_level(0.998), 3.090232306167813, 1e-13);
  EXPECT_TRUE(std::isinf(normal_quantile(0.0)));
  EXPECT_TRUE(std::isinf(normal_quantile(1.0)));
}

struct LimitCase {
  std::int64_t n;
  double target;
  double lower_95, upper_95, lower_998, upper_998;  // unclamped, from the python above
};

// r_p for each row (python's second return value): n=20, 0.1: r = 0, 5, 0, 7;
// n=100, 0.05: 1, 10, 0, 13; n=50, 0.3: 9, 22, 6, 25; n=1000, 0.02: 12, 29, 8, 35;
// n=5, 0.5: 0, 5, 0, 5 (by hand: F(0) = 1/32 >= 0.025, alpha = (1/32 - 0.025)/(1/32) = 0.2,
// limit = -0.2/5 = -0.04; F(5) = 1 >= 0.975, alpha = 0.025/(1/32) = 0.8, limit = 4.2/5 = 0.84).
const LimitCase kExact[] = {
    {20, 0.1, -0.03971842082503755, 0.2284676070299244, -0.0495887368330015, 0.3351718216852828},
    {100, 0.05, 0.006122931436071882, 0.09190734402387495, -0.008310961802932235,
     0.1246384954379701},
    {50, 0.3, 0.16613938031193448, 0.4201358867168804, 0.10312998454753805, 0.4990695885480359},
    {1000, 0.02, 0.011265613818237057, 0.02864682310579352, 0.007235451463027895,
     0.03452530338245552},
    {5, 0.5, -0.04, 0.84, -0.1936, 0.9936},
    // A large unit, where the sum starts 40 standard deviations below the mean (the python
    // loop here used the pmf recurrence f(r) = f(r-1) (n-r+1)/r th/(1-th), still exact).
    {20000, 0.02, 0.01805753792039595, 0.021938057418149293, 0.01698468539855738,
     0.023101455892973688},
};

double clamped(double v) { return v < 0 ? 0 : (v > 1 ? 1 : v); }

void expect_clamped_limits(const FunnelLimits& l, const LimitCase& c) {
  EXPECT_NEAR(l.lower_95, clamped(c.lower_95), 1e-12);
  EXPECT_NEAR(l.upper_95, clamped(c.upper_95), 1e-12);
  EXPECT_NEAR(l.lower_998, clamped(c.lower_998), 1e-12);
  EXPECT_NEAR(l.upper_998, clamped(c.upper_998), 1e-12);
}

TEST(FunnelTest, ExactLimitsMatchIndependentRationalArithmetic) {
  for (const auto& c : kExact) {
    SCOPED_TRACE(testing::Message() << "n=" << c.n << " target=" << c.target);
    EXPECT_NEAR(exact_binomial_limit(c.n, c.target, 0.025), c.lower_95, 1e-12);
    EXPECT_NEAR(exact_binomial_limit(c.n, c.target, 0.975), c.upper_95, 1e-12);
    EXPECT_NEAR(exact_binomial_limit(c.n, c.target, 0.001), c.lower_998, 1e-12);
    EXPECT_NEAR(exact_binomial_limit(c.n, c.target, 0.999), c.upper_998, 1e-12);
    expect_clamped_limits(funnel_limits(c.n, c.target), c);
  }
}

TEST(FunnelTest, NegativeLimitsAreClampedToExactlyZero) {
  const FunnelLimits l = funnel_limits(20, 0.1);
  EXPECT_EQ(l.lower_95, 0.0);
  EXPECT_EQ(l.lower_998, 0.0);
  EXPECT_FALSE(std::signbit(l.lower_95));  // prints as 0, not -0
}

TEST(FunnelTest, NormalApproximationMatchesPython) {
  const LimitCase kNormal[] = {
      {20, 0.1, -0.031478381086487206, 0.23147838108648722, -0.1072990850857152,
       0.30729908508571524},
      {100, 0.05, 0.007283575292052959, 0.09271642470794705, -0.017350051673250697,
       0.1173500516732507},
      {400, 0.2, 0.16080072030919892, 0.23919927969080107, 0.13819535387664375,
       0.2618046461233563},
  };
  for (const auto& c : kNormal) {
    SCOPED_TRACE(testing::Message() << "n=" << c.n << " target=" << c.target);
    expect_clamped_limits(funnel_limits(c.n, c.target, FunnelMethod::kNormal), c);
  }
}

// The interpolated limit is continuous in n's quantile: for large n it comes close to the
// normal approximation (both are about theta0 +/- z sqrt(theta0 (1 - theta0) / n)).
TEST(FunnelTest, ExactApproachesNormalForLargeN) {
  const FunnelLimits e = funnel_limits(100000, 0.1);
  const FunnelLimits n = funnel_limits(100000, 0.1, FunnelMethod::kNormal);
  EXPECT_NEAR(e.lower_95, n.lower_95, 5e-5);
  EXPECT_NEAR(e.upper_95, n.upper_95, 5e-5);
  EXPECT_NEAR(e.lower_998, n.lower_998, 5e-5);
  EXPECT_NEAR(e.upper_998, n.upper_998, 5e-5);
  EXPECT_LT(e.lower_998, e.lower_95);
  EXPECT_LT(e.lower_95, 0.1);
  EXPECT_GT(e.upper_95, 0.1);
  EXPECT_GT(e.upper_998, e.upper_95);
}

TEST(FunnelTest, LimitsNarrowAsTheUnitGrows) {
  double previous_width = 2.0;
  for (std::int64_t n : {10, 30, 100, 300, 1000, 3000}) {
    const FunnelLimits l = funnel_limits(n, 0.08);
    const double width = l.upper_998 - l.lower_998;
    EXPECT_LT(width, previous_width) << n;
    previous_width = width;
  }
}

TEST(FunnelTest, NoCasesGivesTheWholeRange) {
  const FunnelLimits l = funnel_limits(0, 0.1);
  EXPECT_EQ(l.lower_95, 0.0);
  EXPECT_EQ(l.upper_95, 1.0);
  EXPECT_EQ(l.lower_998, 0.0);
  EXPECT_EQ(l.upper_998, 1.0);
}

// Five units, pooled rate (2+10+1+12+5)/(20+50+40+60+30) = 30/200 = 0.15, computed in python3:
//   z = [(y/n - 0.15) / sqrt(0.15 * 0.85 / n) for y, n in units]
//     = [-0.62622429, 0.99014754, -2.21403721, 1.08465229, 0.25565500]
//   phi = mean(z^2) = 1.5032679738562096
// Winsorised at 20% (k = 1 of 5 at each end): the lowest, -2.214, becomes -0.626 and the
// highest, 1.085, becomes 0.990, so phi = 0.562091503267974 (below 1: no widening).
TEST(FunnelTest, OverdispersionFactorFromZScores) {
  const std::vector<UnitCount> units = {{2, 20}, {10, 50}, {1, 40}, {12, 60}, {5, 30}};
  EXPECT_NEAR(overdispersion_phi(units, 0.15), 1.5032679738562096, 1e-13);
  EXPECT_NEAR(overdispersion_phi(units, 0.15, 0.2), 0.562091503267974, 1e-13);
  // 10% of 5 units is less than one unit: nothing to Winsorise.
  EXPECT_NEAR(overdispersion_phi(units, 0.15, 0.1), 1.5032679738562096, 1e-13);
  EXPECT_EQ(overdispersion_phi({}, 0.15), 1.0);
  EXPECT_EQ(overdispersion_phi(units, 0.0), 1.0);
}

// With phi = 1.5032679738562096 the exact 95% upper limit for n = 20 at target 0.1 moves
// sqrt(phi) times as far from the target (python3): 0.1 + sqrt(phi) * (0.2284676070299244 - 0.1)
// = 0.2575113439815318. A phi at or below 1 leaves the limits as they are.
TEST(FunnelTest, OverdispersionWidensTheLimitsBySqrtPhi) {
  const double phi = 1.5032679738562096;
  const FunnelLimits wide = funnel_limits(20, 0.1, FunnelMethod::kExact, phi);
  EXPECT_NEAR(wide.upper_95, 0.2575113439815318, 1e-12);
  EXPECT_EQ(wide.lower_95, 0.0);
  const FunnelLimits plain = funnel_limits(20, 0.1);
  const FunnelLimits under = funnel_limits(20, 0.1, FunnelMethod::kExact, 0.5);
  EXPECT_EQ(under.upper_95, plain.upper_95);
  EXPECT_EQ(under.upper_998, plain.upper_998);
}

}  // namespace
}  // namespace vertebro::stats
