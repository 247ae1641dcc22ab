#pragma once
// Confidence intervals for proportions (../shared/domain/REFERENCE.md section 9.3). Pure.

#include <cstdint>

namespace vertebro::stats {

struct Interval {
  double estimate = 0;  // x / n
  double lower = 0;
  double upper = 0;
};

// Wilson score interval for x events in n trials, at the normal quantile z (1.96 for 95%).
// n == 0 gives {0, 0, 1}. Requires 0 <= x <= n.
Interval wilson(std::int64_t x, std::int64_t n, double z = 1.96);

}  // namespace vertebro::stats
