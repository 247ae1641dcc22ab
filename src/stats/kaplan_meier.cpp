#include "stats/kaplan_meier.h"

#include <algorithm>
#include <cmath>

namespace vertebro::stats {

std::vector<KaplanMeierRow> kaplan_meier(std::span<const SurvivalTime> data) {
  std::vector<SurvivalTime> sorted(data.begin(), data.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const SurvivalTime& a, const SurvivalTime& b) { return a.time < b.time; });
  std::vector<KaplanMeierRow> rows;
  double survival = 1.0;
  double greenwood = 0.0;  // running sum of d / (n (n - d))
  auto n_risk = static_cast<std::int64_t>(sorted.size());
  std::size_t i = 0;
  while (i < sorted.size()) {
    const double t = sorted[i].time;
    std::int64_t events = 0, leaving = 0;
    for (; i < sorted.size() && sorted[i].time == t; ++i) {
      ++leaving;
      if (sorted[i].event) ++events;
    }
    if (events > 0) {
      const auto n = static_cast<double>(n_risk), d = static_cast<double>(events);
      survival *= 1.0 - d / n;
      double se = 0.0;
      if (events < n_risk) {
        greenwood += d / (n * (n - d));
        se = survival * std::sqrt(greenwood);
      } else {
        survival = 0.0;
      }
      rows.push_back({t, n_risk, events, survival, se});
    }
    n_risk -= leaving;
  }
  return rows;
}

}  // namespace vertebro::stats
