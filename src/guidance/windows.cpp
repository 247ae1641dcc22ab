#include "guidance/windows.h"

#include <algorithm>
#include <utility>

namespace vertebro::guidance {

domain::Date add_days(domain::Date date, long days) {
  return domain::Date::from_days(date.days() + std::chrono::days(days));
}

long conservative_days(const std::vector<ConservativeTreatment>& treatments,
                       domain::Date through) {
  std::vector<std::pair<domain::Date, domain::Date>> spans;  // first and last day, inclusive
  for (const auto& t : treatments) {
    const domain::Date last = t.end ? std::min(*t.end, through) : through;
    if (t.start <= last) spans.emplace_back(t.start, last);
  }
  std::sort(spans.begin(), spans.end());
  long days = 0;
  std::optional<std::pair<domain::Date, domain::Date>> current;
  for (const auto& span : spans) {
    if (current && span.first <= current->second) {  // overlapping: count the shared days once
      current->second = std::max(current->second, span.second);
      continue;
    }
    if (current) days += current->first.days_until(current->second) + 1;
    current = span;
  }
  if (current) days += current->first.days_until(current->second) + 1;
  return days;
}

std::optional<RefractoryWindow> refractory_window(const EpisodeSnapshot& s,
                                                  const UnitSettings& settings) {
  if (s.indication != domain::Indication::kOsteoporotic) return std::nullopt;
  if (!settings.enabled_packs.contains(Pack::kTa279) &&
      !settings.enabled_packs.contains(Pack::kEbi)) {
    return std::nullopt;
  }
  const std::optional<domain::Date>& fracture = s.fracture_date ? s.fracture_date : s.onset_date;
  if (!fracture) return std::nullopt;
  RefractoryWindow w;
  w.fracture = *fracture;
  w.from_onset = !s.fracture_date;
  w.recent_until = add_days(*fracture, settings.recent_fracture_window_days);
  w.min_days = settings.min_conservative_days;
  w.window_days = settings.recent_fracture_window_days;
  const long minimum = settings.min_conservative_days;
  if (s.conservative_treatments.empty()) {
    w.treatment_assumed = true;
    w.refractory_from = add_days(*fracture, std::max(minimum - 1, 0L));
    return w;
  }
  // conservative_days never falls as the day moves on, so the first day it reaches the minimum
  // is found by bisection. Treatment can add at most one day per day, so if it has not reached
  // the minimum `minimum` days after the last start, it never will.
  domain::Date lo = s.conservative_treatments.front().start;
  domain::Date last_start = lo;
  for (const auto& t : s.conservative_treatments) {
    lo = std::min(lo, t.start);
    last_start = std::max(last_start, t.start);
  }
  domain::Date hi = add_days(last_start, minimum);
  if (conservative_days(s.conservative_treatments, hi) < minimum) return w;
  while (lo < hi) {
    const domain::Date mid = add_days(lo, lo.days_until(hi) / 2);
    if (conservative_days(s.conservative_treatments, mid) >= minimum) {
      hi = mid;
    } else {
      lo = add_days(mid, 1);
    }
  }
  w.refractory_from = lo;
  return w;
}

}  // namespace vertebro::guidance
