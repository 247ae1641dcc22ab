#pragma once
// Bernoulli CUSUM for a run of cases, one outcome each (../shared/domain/REFERENCE.md section
// 9.2; Steiner SH et al., Biostatistics 2000;1:441-452, without risk adjustment). Pure.
//
// p0 is the acceptable rate of the adverse outcome, p1 the unacceptable rate to detect. Each
// case adds its weight W to the running score: W = ln(p1/p0) for an adverse outcome (1) and
// ln((1-p1)/(1-p0)) for none (0). S = max(0, S_previous + W), starting at 0. The chart
// signals when S >= h.

#include <cstdint>
#include <span>
#include <vector>

namespace vertebro::stats {

struct CusumDesign {
  double p0 = 0;       // acceptable rate, 0 < p0 < 1
  double p1 = 0;       // unacceptable rate, 0 < p1 < 1, p1 != p0
  double h = 0;        // decision limit, > 0
  bool reset = false;  // restart at S = 0 after each signal
};

struct CusumStep {
  int outcome = 0;  // 1 = the adverse outcome
  double w = 0;     // this case's weight
  double s = 0;     // the score after this case (before any reset)
  bool signal = false;
};

// The weight of one case.
double cusum_weight(const CusumDesign& design, int outcome);

// One step per outcome, in order. Outcomes other than 0 count as 1.
std::vector<CusumStep> bernoulli_cusum(std::span<const int> outcomes, const CusumDesign& design);

}  // namespace vertebro::stats
