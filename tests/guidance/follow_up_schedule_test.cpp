// The follow-up schedule (guidance/follow_up_schedule.h): due dates in calendar months clamped
// to the month's end, windows with both ends included, and the order of the nurses' list.

#include "guidance/follow_up_schedule.h"

#include <gtest/gtest.h>

#include "test_dates.h"

namespace vertebro::guidance {
namespace {

FollowUpTimePoint P(const char* text, int before = 0, int after = 0) {
  auto p = parse_time_point(text);
  EXPECT_TRUE(p.has_value()) << text;
  FollowUpTimePoint out = p.value_or(FollowUpTimePoint{});
  out.window_before_days = before;
  out.window_after_days = after;
  return out;
}

TEST(FollowUpScheduleTest, AddsCalendarMonthsClampedToTheMonthsEnd) {
  struct Row {
    const char* from;
    int months;
    const char* due;
  };
  const Row rows[] = {
      {"2026-01-15", 1, "2026-02-15"}, {"2026-01-31", 1, "2026-02-28"},
      {"2028-01-31", 1, "2028-02-29"},  // leap year
      {"2026-03-31", 1, "2026-04-30"}, {"2026-08-31", 3, "2026-11-30"},
      {"2026-08-30", 6, "2027-02-28"}, {"2026-12-31", 12, "2027-12-31"},
      {"2028-02-29", 12, "2029-02-28"}, {"2026-11-30", 3, "2027-02-28"},
      {"2026-02-28", 1, "2026-03-28"},  // the end of February is not carried to 31 March
  };
  for (const auto& r : rows) {
    EXPECT_EQ(add_months(D(r.from), r.months).iso(), r.due) << r.from << " + " << r.months;
  }
}

TEST(FollowUpScheduleTest, DueDatesOfTheDefaultSet) {
  const auto points = default_follow_up_time_points();
  ASSERT_EQ(points.size(), 6u);
  const char* names[] = {"1 day", "1 week", "1 month", "3 months", "6 months", "12 months"};
  const char* due[] = {"2026-02-01", "2026-02-07", "2026-02-28",
                       "2026-04-30", "2026-07-31", "2027-01-31"};
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(points[i].name(), names[i]);
    EXPECT_EQ(due_date(D("2026-01-31"), points[i]).iso(), due[i]) << names[i];
  }
  EXPECT_EQ(default_primary_follow_up(), "1 month");
}

TEST(FollowUpScheduleTest, WindowIncludesBothEnds) {
  const auto point = P("1 month", 7, 14);  // due 2026-02-15, open 02-08 to 03-01
  struct Row {
    const char* today;
    FollowUpStatus status;
  };
  const Row rows[] = {
      {"2026-02-07", FollowUpStatus::kUpcoming}, {"2026-02-08", FollowUpStatus::kDue},
      {"2026-02-15", FollowUpStatus::kDue},      {"2026-03-01", FollowUpStatus::kDue},
      {"2026-03-02", FollowUpStatus::kOverdue},
  };
  for (const auto& r : rows) {
    const auto d = follow_up_due(D("2026-01-15"), point, D(r.today));
    EXPECT_EQ(d.due.iso(), "2026-02-15");
    EXPECT_EQ(d.window_start.iso(), "2026-02-08");
    EXPECT_EQ(d.window_end.iso(), "2026-03-01");
    EXPECT_EQ(follow_up_status_name(d.status), follow_up_status_name(r.status)) << r.today;
  }
  // A window of no days is open on the due date only.
  const auto day = P("1 day");
  EXPECT_EQ(follow_up_due(D("2026-01-15"), day, D("2026-01-15")).status,
            FollowUpStatus::kUpcoming);
  EXPECT_EQ(follow_up_due(D("2026-01-15"), day, D("2026-01-16")).status, FollowUpStatus::kDue);
  EXPECT_EQ(follow_up_due(D("2026-01-15"), day, D("2026-01-17")).status,
            FollowUpStatus::kOverdue);
}

TEST(FollowUpScheduleTest, OutstandingListsOverdueFirstThenDueAndSkipsDone) {
  const std::vector<FollowUpTimePoint> schedule = {P("1 day", 0, 2), P("1 week", 2, 4),
                                                   P("1 month", 7, 14), P("3 months", 14, 28)};
  // Procedure 2026-01-01; on 2026-01-28: 1 day and 1 week overdue, 1 month due (from 01-25).
  auto out = outstanding_follow_ups(D("2026-01-01"), schedule, {}, D("2026-01-28"));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].point.name(), "1 day");
  EXPECT_EQ(out[0].status, FollowUpStatus::kOverdue);
  EXPECT_EQ(out[1].point.name(), "1 week");
  EXPECT_EQ(out[1].status, FollowUpStatus::kOverdue);
  EXPECT_EQ(out[2].point.name(), "1 month");
  EXPECT_EQ(out[2].status, FollowUpStatus::kDue);
  out = outstanding_follow_ups(D("2026-01-01"), schedule, {"1 day", "1 week"}, D("2026-01-28"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].point.name(), "1 month");
  EXPECT_TRUE(outstanding_follow_ups(D("2026-01-01"), schedule, {}, D("2026-01-01")).empty());
}

TEST(FollowUpScheduleTest, ParsesTimePointNames) {
  struct Row {
    const char* text;
    const char* name;  // nullptr: refused
  };
  const Row rows[] = {
      {"1 day", "1 day"},          {"2 days", "2 days"},     {" 1 Week ", "1 week"},
      {"3 month", "3 months"},     {"12 months", "12 months"}, {"120 months", "120 months"},
      {"0 months", nullptr},       {"121 days", nullptr},    {"months", nullptr},
      {"1 year", nullptr},         {"-1 day", nullptr},      {"1.5 months", nullptr},
      {"", nullptr},               {"1month", nullptr},
  };
  for (const auto& r : rows) {
    auto p = parse_time_point(r.text);
    if (r.name == nullptr) {
      EXPECT_FALSE(p.has_value()) << r.text;
    } else {
      ASSERT_TRUE(p.has_value()) << r.text;
      EXPECT_EQ(p->name(), r.name);
    }
  }
}

}  // namespace
}  // namespace vertebro::guidance
