#pragma once
// Kaplan-Meier estimate of the survival function with Greenwood's standard error (Kaplan EL,
// Meier P, JASA 1958;53:457-481; Greenwood M, 1926). Pure.
//
// At each time t at which at least one event happened: n_risk = the cases whose time is >= t
// (still followed just before t), d = the events at t, S(t) = product over event times u <= t
// of (1 - d_u / n_u), and se(t) = S(t) * sqrt(sum over u <= t of d_u / (n_u (n_u - d_u))).
// Ties: a case censored at an event's time counts as at risk at that time (events before
// censorings). When every case at risk has the event, S falls to 0 and se is given as 0 (the
// Greenwood sum is infinite there, and the estimate stays 0 from then on).

#include <cstdint>
#include <span>
#include <vector>

namespace vertebro::stats {

struct SurvivalTime {
  double time = 0;     // finite, >= 0
  bool event = false;  // true: the event; false: censored (followed until `time`, no event)
};

struct KaplanMeierRow {
  double time = 0;
  std::int64_t n_risk = 0;
  std::int64_t events = 0;
  double survival = 1;
  double se = 0;
};

// One row per distinct event time, ascending. The input may be in any order.
std::vector<KaplanMeierRow> kaplan_meier(std::span<const SurvivalTime> data);

}  // namespace vertebro::stats
