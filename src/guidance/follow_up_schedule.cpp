#include "guidance/follow_up_schedule.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "guidance/windows.h"

namespace vertebro::guidance {

std::string FollowUpTimePoint::name() const {
  std::string_view word;
  switch (unit) {
    case IntervalUnit::kDay: word = "day"; break;
    case IntervalUnit::kWeek: word = "week"; break;
    case IntervalUnit::kMonth: word = "month"; break;
  }
  return std::to_string(amount) + " " + std::string(word) + (amount == 1 ? "" : "s");
}

int FollowUpTimePoint::nominal_days() const {
  switch (unit) {
    case IntervalUnit::kDay: return amount;
    case IntervalUnit::kWeek: return amount * 7;
    case IntervalUnit::kMonth: return amount * 30;
  }
  return amount;
}

std::optional<FollowUpTimePoint> parse_time_point(std::string_view text) {
  std::string t;
  for (char c : text) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto first = t.find_first_not_of(" \t");
  if (first == std::string::npos) return std::nullopt;
  t = t.substr(first, t.find_last_not_of(" \t") - first + 1);
  const auto space = t.find(' ');
  if (space == std::string::npos) return std::nullopt;
  int amount = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + space, amount);
  if (ec != std::errc() || p != t.data() + space || amount < 1 || amount > 120) {
    return std::nullopt;
  }
  const std::string word = t.substr(t.find_first_not_of(' ', space));
  FollowUpTimePoint point;
  point.amount = amount;
  if (word == "day" || word == "days") {
    point.unit = IntervalUnit::kDay;
  } else if (word == "week" || word == "weeks") {
    point.unit = IntervalUnit::kWeek;
  } else if (word == "month" || word == "months") {
    point.unit = IntervalUnit::kMonth;
  } else {
    return std::nullopt;
  }
  return point;
}

std::vector<FollowUpTimePoint> default_follow_up_time_points() {
  return {{1, IntervalUnit::kDay, 0, 2},     {1, IntervalUnit::kWeek, 2, 4},
          {1, IntervalUnit::kMonth, 7, 14},  {3, IntervalUnit::kMonth, 14, 28},
          {6, IntervalUnit::kMonth, 28, 42}, {12, IntervalUnit::kMonth, 28, 56}};
}

std::string default_primary_follow_up() { return "1 month"; }

domain::Date add_months(domain::Date date, int months) {
  using namespace std::chrono;
  const year_month_day ymd{date.days()};
  const year_month target = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
  const year_month_day_last last{target.year(), month_day_last{target.month()}};
  const day d = std::min(ymd.day(), last.day());
  return domain::Date::from_days(sys_days{target.year() / target.month() / d});
}

domain::Date due_date(domain::Date procedure, const FollowUpTimePoint& point) {
  switch (point.unit) {
    case IntervalUnit::kDay: return add_days(procedure, point.amount);
    case IntervalUnit::kWeek: return add_days(procedure, 7L * point.amount);
    case IntervalUnit::kMonth: return add_months(procedure, point.amount);
  }
  return procedure;
}

std::string_view follow_up_status_name(FollowUpStatus s) {
  switch (s) {
    case FollowUpStatus::kUpcoming: return "upcoming";
    case FollowUpStatus::kDue: return "due";
    case FollowUpStatus::kOverdue: return "overdue";
  }
  return "upcoming";
}

FollowUpDue follow_up_due(domain::Date procedure, const FollowUpTimePoint& point,
                          domain::Date today) {
  FollowUpDue d;
  d.point = point;
  d.due = due_date(procedure, point);
  d.window_start = add_days(d.due, -point.window_before_days);
  d.window_end = add_days(d.due, point.window_after_days);
  d.status = today < d.window_start ? FollowUpStatus::kUpcoming
             : today > d.window_end ? FollowUpStatus::kOverdue
                                    : FollowUpStatus::kDue;
  return d;
}

std::vector<FollowUpDue> outstanding_follow_ups(domain::Date procedure,
                                                const std::vector<FollowUpTimePoint>& schedule,
                                                const std::vector<std::string>& done,
                                                domain::Date today) {
  std::vector<FollowUpDue> out;
  for (const auto& point : schedule) {
    if (std::find(done.begin(), done.end(), point.name()) != done.end()) continue;
    auto d = follow_up_due(procedure, point, today);
    if (d.status != FollowUpStatus::kUpcoming) out.push_back(d);
  }
  std::stable_sort(out.begin(), out.end(), [](const FollowUpDue& a, const FollowUpDue& b) {
    const bool ao = a.status == FollowUpStatus::kOverdue;
    const bool bo = b.status == FollowUpStatus::kOverdue;
    if (ao != bo) return ao;
    return a.due < b.due;
  });
  return out;
}

}  // namespace vertebro::guidance
