#pragma once
// The standard normal distribution (quantiles for confidence levels and funnel limits). Pure.

namespace vertebro::stats {

// Phi(x): the standard normal cumulative distribution function.
double normal_cdf(double x);

// Phi^-1(p) for 0 < p < 1, to full double precision (bisection on Phi, then Newton steps):
// normal_quantile(0.975) = 1.959963985, normal_quantile(0.999) = 3.090232306.
// Returns -infinity at p <= 0 and +infinity at p >= 1.
double normal_quantile(double p);

// The two-sided z for a confidence level, e.g. 0.95 -> 1.959963985: Phi^-1(1 - (1 - level)/2).
double z_for_level(double level);

}  // namespace vertebro::stats
