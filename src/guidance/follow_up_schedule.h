#pragma once
// The follow-up schedule (issue 12): the time points after a procedure at which a follow-up is
// due, each with a window around its due date, and where an episode stands against them on a
// given day. Pure: no I/O; safe from any thread. The unit's time points are a setting
// (app/unit_config.h, docs/settings.md); the default is the VERTOS IV set with windows that are
// vertebro's own default, not a published standard.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"

namespace vertebro::guidance {

enum class IntervalUnit { kDay, kWeek, kMonth };

// One time point: `amount` units after the procedure, due on that date and open from
// `window_before_days` before it to `window_after_days` after it, both ends included.
struct FollowUpTimePoint {
  int amount = 1;
  IntervalUnit unit = IntervalUnit::kMonth;
  int window_before_days = 0;
  int window_after_days = 0;

  // "1 day", "1 week", "3 months": the stored and displayed name, unique within a schedule.
  std::string name() const;
  // A length in days used only to order time points: days, weeks of 7, months of 30.
  int nominal_days() const;
  friend bool operator==(const FollowUpTimePoint&, const FollowUpTimePoint&) = default;
};

// Reads "1 day", "2 weeks", "3 months" (singular or plural, any case, surrounding spaces
// ignored); amount 1 to 120. std::nullopt for anything else.
std::optional<FollowUpTimePoint> parse_time_point(std::string_view text);

// The VERTOS IV set (1 day, 1 week, 1, 3, 6 and 12 months) with vertebro's default windows.
std::vector<FollowUpTimePoint> default_follow_up_time_points();
// The default primary time point for audit: "1 month".
std::string default_primary_follow_up();

// `months` calendar months after `date`, clamped to the last day of the month when that month
// is shorter: 31 January + 1 month = 28 (or 29) February.
domain::Date add_months(domain::Date date, int months);

// The due date of a time point after a procedure on `procedure`.
domain::Date due_date(domain::Date procedure, const FollowUpTimePoint& point);

enum class FollowUpStatus {
  kUpcoming,  // before the window opens
  kDue,       // inside the window, both ends included
  kOverdue,   // after the window closed
};
std::string_view follow_up_status_name(FollowUpStatus s);  // "upcoming", "due", "overdue"

struct FollowUpDue {
  FollowUpTimePoint point;
  domain::Date due{};
  domain::Date window_start{};
  domain::Date window_end{};
  FollowUpStatus status = FollowUpStatus::kUpcoming;
};

// One time point's dates and where `today` falls against them.
FollowUpDue follow_up_due(domain::Date procedure, const FollowUpTimePoint& point,
                          domain::Date today);

// The time points of `schedule` that are due or overdue on `today` and not among `done`
// (names of time points that already have a visit): overdue first, then due, each in due-date
// order.
std::vector<FollowUpDue> outstanding_follow_ups(domain::Date procedure,
                                                const std::vector<FollowUpTimePoint>& schedule,
                                                const std::vector<std::string>& done,
                                                domain::Date today);

}  // namespace vertebro::guidance
