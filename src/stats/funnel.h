#pragma once
// Funnel-plot control limits for a proportion (../shared/domain/REFERENCE.md section 9.1;
// Spiegelhalter DJ, Stat Med 2005;24:1185-1202, appendix A.1.1). Pure.
//
// For a target rate theta0 (usually the pooled rate) and a unit with n cases, the limits are
// the proportions inside which the unit's observed rate would fall with probability 95% and
// 99.8% if its true rate were theta0. They are clamped to 0..1.

#include <cstdint>
#include <span>

namespace vertebro::stats {

enum class FunnelMethod {
  kExact,   // binomial quantiles with interpolation (the default)
  kNormal,  // theta0 +/- z * sqrt(theta0 (1 - theta0) / n)
};

struct FunnelLimits {
  double lower_95 = 0;   // at probability 0.025
  double upper_95 = 1;   // at 0.975
  double lower_998 = 0;  // at 0.001
  double upper_998 = 1;  // at 0.999
};

// The interpolated Binomial(n, target) quantile at probability p, as a proportion, unclamped:
// r = the smallest count with F(r) >= p, alpha = (F(r) - p) / f(r), limit = (r - alpha) / n,
// where F is the cumulative distribution and f the probability mass. Requires n >= 1,
// 0 <= target <= 1, 0 < p < 1.
double exact_binomial_limit(std::int64_t n, double target, double p);

// target + Phi^-1(p) * sqrt(target (1 - target) / n), unclamped. Requires n >= 1.
double normal_limit(std::int64_t n, double target, double p);

// The four limits for n cases. phi is the multiplicative overdispersion factor
// (overdispersion_phi): when it is above 1 each limit's distance from the target is multiplied
// by sqrt(phi) (Spiegelhalter 2005, section 6); at 1 or below the limits are unadjusted.
// n <= 0 gives the whole range 0..1.
FunnelLimits funnel_limits(std::int64_t n, double target, FunnelMethod method = FunnelMethod::kExact,
                           double phi = 1.0);

// One unit on the plot: `events` of `n` cases.
struct UnitCount {
  std::int64_t events = 0;
  std::int64_t n = 0;
};

// Spiegelhalter's multiplicative overdispersion factor phi = mean(z_i^2), with
// z_i = (y_i - target) / sqrt(target (1 - target) / n_i) and y_i = events_i / n_i. Units with
// n <= 0 are left out. With winsor_fraction f > 0 (Spiegelhalter uses 0.1), the z-scores are
// Winsorised first: sorted, k = floor(f * I) of them at each end are set to the (k+1)-th
// lowest and (k+1)-th highest value. Returns 1 when no unit counts or the target is 0 or 1.
double overdispersion_phi(std::span<const UnitCount> units, double target,
                          double winsor_fraction = 0.0);

}  // namespace vertebro::stats
