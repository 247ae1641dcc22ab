#include "stats/cusum.h"

#include <algorithm>
#include <cmath>

namespace vertebro::stats {

double cusum_weight(const CusumDesign& d, int outcome) {
  return outcome != 0 ? std::log(d.p1 / d.p0) : std::log((1.0 - d.p1) / (1.0 - d.p0));
}

std::vector<CusumStep> bernoulli_cusum(std::span<const int> outcomes, const CusumDesign& design) {
  std::vector<CusumStep> steps;
  steps.reserve(outcomes.size());
  double s = 0.0;
  for (int outcome : outcomes) {
    const int y = outcome != 0 ? 1 : 0;
    const double w = cusum_weight(design, y);
    s = std::max(0.0, s + w);
    const bool signal = s >= design.h;
    steps.push_back({y, w, s, signal});
    if (signal && design.reset) s = 0.0;
  }
  return steps;
}

}  // namespace vertebro::stats
