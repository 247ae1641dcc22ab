#include "stats/funnel.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "stats/normal.h"

namespace vertebro::stats {

namespace {

// Stirling's error log(n!) - log(sqrt(2 pi n) (n/e)^n), to full precision (Loader C, "Fast and
// accurate computation of binomial probabilities", 2000): the asymptotic series above 15, and
// lgamma below, where the numbers are small enough for its rounding not to matter.
double stirling_error(double n) {
  if (n > 15.0) {
    const double n2 = n * n;
    constexpr double kS0 = 1.0 / 12, kS1 = 1.0 / 360, kS2 = 1.0 / 1260, kS3 = 1.0 / 1680,
                     kS4 = 1.0 / 1188;
    return (kS0 - (kS1 - (kS2 - (kS3 - kS4 / n2) / n2) / n2) / n2) / n;
  }
  return std::lgamma(n + 1.0) - (n + 0.5) * std::log(n) + n - 0.5 * std::log(2.0 * std::numbers::pi);
}

// x log(x / np) + np - x, without the cancellation of the direct form when x is near np (Loader).
double deviance_term(double x, double np) {
  if (std::fabs(x - np) < 0.1 * (x + np)) {
    double v = (x - np) / (x + np);
    double sum = (x - np) * v;
    double term = 2.0 * x * v;
    v *= v;
    for (int j = 1; j < 1000; ++j) {
      term *= v;
      const double next = sum + term / (2 * j + 1);
      if (next == sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * std::log(x / np) + np - x;
}

// Binomial(n, theta) probability mass at r, by Loader's saddle-point form (relative error near
// 1e-15 even for large n, where log-gamma differences lose ten digits); exact at theta 0 and 1.
double binomial_pmf(std::int64_t n, double theta, std::int64_t r) {
  if (theta <= 0.0) return r == 0 ? 1.0 : 0.0;
  if (theta >= 1.0) return r == n ? 1.0 : 0.0;
  const double nn = static_cast<double>(n);
  const double x = static_cast<double>(r);
  const double q = 1.0 - theta;
  if (r == 0) {
    return std::exp(theta < 0.1 ? -deviance_term(nn, nn * q) - nn * theta : nn * std::log(q));
  }
  if (r == n) {
    return std::exp(q < 0.1 ? -deviance_term(nn, nn * theta) - nn * q : nn * std::log(theta));
  }
  const double lc = stirling_error(nn) - stirling_error(x) - stirling_error(nn - x) -
                    deviance_term(x, nn * theta) - deviance_term(nn - x, nn * q);
  const double lf = std::log(2.0 * std::numbers::pi) + std::log(x) + std::log1p(-x / nn);
  return std::exp(lc - 0.5 * lf);
}

double clamp_unit(double v) {
  if (!(v > 0.0)) return 0.0;  // also turns -0 into 0
  return v < 1.0 ? v : 1.0;
}

}  // namespace

double exact_binomial_limit(std::int64_t n, double target, double p) {
  // Counts more than 40 standard deviations below the mean carry less than 1e-300 of the mass
  // (a Chernoff bound), so the sum starts there: a large n costs O(sqrt(n)), not O(n).
  const double nn = static_cast<double>(n);
  const double sd = std::sqrt(nn * target * (1.0 - target));
  const double start = std::floor(nn * target - 40.0 * sd - 10.0);
  double cumulative = 0.0;
  for (std::int64_t r = start > 0.0 ? static_cast<std::int64_t>(start) : 0; r <= n; ++r) {
    const double f = binomial_pmf(n, target, r);
    cumulative += f;
    if (f > 0.0 && cumulative >= p) {
      const double alpha = (cumulative - p) / f;
      return (static_cast<double>(r) - alpha) / static_cast<double>(n);
    }
  }
  // Rounding left the sum of the masses just below p (p within 1e-16 of 1).
  return 1.0;
}

double normal_limit(std::int64_t n, double target, double p) {
  return target + normal_quantile(p) * std::sqrt(target * (1.0 - target) / static_cast<double>(n));
}

FunnelLimits funnel_limits(std::int64_t n, double target, FunnelMethod method, double phi) {
  if (n <= 0) return {};
  const double widen = phi > 1.0 ? std::sqrt(phi) : 1.0;
  auto limit = [&](double p) {
    const double raw = method == FunnelMethod::kExact ? exact_binomial_limit(n, target, p)
                                                      : normal_limit(n, target, p);
    return clamp_unit(target + widen * (raw - target));
  };
  return {limit(0.025), limit(0.975), limit(0.001), limit(0.999)};
}

double overdispersion_phi(std::span<const UnitCount> units, double target,
                          double winsor_fraction) {
  if (!(target > 0.0 && target < 1.0)) return 1.0;
  std::vector<double> z;
  for (const auto& u : units) {
    if (u.n <= 0) continue;
    const double n = static_cast<double>(u.n);
    const double y = static_cast<double>(u.events) / n;
    z.push_back((y - target) / std::sqrt(target * (1.0 - target) / n));
  }
  if (z.empty()) return 1.0;
  if (winsor_fraction > 0.0) {
    std::sort(z.begin(), z.end());
    const auto k = static_cast<std::size_t>(std::floor(winsor_fraction * static_cast<double>(z.size())));
    if (k > 0 && 2 * k < z.size()) {
      const double low = z[k], high = z[z.size() - 1 - k];
      for (auto& v : z) v = std::clamp(v, low, high);
    }
  }
  double sum = 0.0;
  for (double v : z) sum += v * v;
  return sum / static_cast<double>(z.size());
}

}  // namespace vertebro::stats
