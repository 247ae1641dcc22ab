#include "stats/normal.h"

#include <cmath>
#include <limits>
#include <numbers>

namespace vertebro::stats {

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double normal_quantile(double p) {
  if (!(p > 0.0)) return -std::numeric_limits<double>::infinity();
  if (!(p < 1.0)) return std::numeric_limits<double>::infinity();
  // Phi is increasing: halve [-40, 40] until it is narrower than rounding, then polish with
  // Newton's method on Phi(x) - p (the density is the derivative).
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  double x = 0.5 * (lo + hi);
  for (int i = 0; i < 2; ++i) {
    const double density = std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi);
    if (density <= 0.0) break;
    x -= (normal_cdf(x) - p) / density;
  }
  return x;
}

double z_for_level(double level) { return normal_quantile(1.0 - (1.0 - level) / 2.0); }

}  // namespace vertebro::stats
