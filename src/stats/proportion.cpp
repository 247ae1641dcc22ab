#include "stats/proportion.h"

#include <algorithm>
#include <cmath>

namespace vertebro::stats {

Interval wilson(std::int64_t x, std::int64_t n, double z) {
  if (n <= 0) return {0.0, 0.0, 1.0};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(x) / nn;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double centre = (p + z2 / (2.0 * nn)) / denom;
  const double half = (z / denom) * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  // At the extremes the bound equals the estimate exactly (rounding would leave 1e-17 off).
  const double lower = x == 0 ? 0.0 : std::max(0.0, centre - half);
  const double upper = x == n ? 1.0 : std::min(1.0, centre + half);
  return {p, lower, upper};
}

}  // namespace vertebro::stats
