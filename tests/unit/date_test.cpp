// Calendar dates: parsing, ages and intervals, display.

#include "domain/date.h"

#include <gtest/gtest.h>

#include <string>

namespace vertebro::domain {
namespace {

Date D(const char* iso) {
  auto d = Date::parse(iso, "d", "date");
  EXPECT_TRUE(d.ok()) << iso;
  return d.ok() ? *d : Date();
}

TEST(DateTest, AcceptsRealCalendarDatesFrom1900To2199) {
  const char* kValid[] = {"2024-02-29",  // leap year
                          "2000-02-29",  // divisible by 400
                          "2023-02-28", "2026-11-25", "2026-12-31",
                          "1900-01-01", "2199-12-31", "1970-01-01"};
  for (const char* text : kValid) {
    SCOPED_TRACE(text);
    auto d = Date::parse(text, "date_of_birth", "date of birth");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->iso(), text);
  }
}

TEST(DateTest, TrimsSurroundingSpaces) {
  auto d = Date::parse("  2024-02-29 ", "d", "date");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->iso(), "2024-02-29");
}

TEST(DateTest, RejectsDatesNotOnTheCalendar) {
  const char* kUnreal[] = {"2023-02-29",  // not a leap year
                           "1900-02-29",  // century not divisible by 400
                           "2024-13-01", "2024-00-10", "2024-04-31", "2024-01-32",
                           "2024-01-00", "1899-12-31", "2200-01-01", "0000-01-01"};
  for (const char* text : kUnreal) {
    SCOPED_TRACE(text);
    auto d = Date::parse(text, "date_of_birth", "date of birth");
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().code, Errc::kInvalid);
    ASSERT_EQ(d.error().fields.size(), 1u);
    EXPECT_EQ(d.error().fields[0].field, "date_of_birth");
    EXPECT_EQ(d.error().fields[0].message, "Date of birth must be a real date");
  }
}

TEST(DateTest, RejectsOtherFormats) {
  const char* kWrongFormat[] = {"2024-2-29",   "29/02/2024",           "2024/02/29",
                                "20240229",    "2024-02-29T00:00:00Z", "24-02-29",
                                "2024-0a-01",  "-024-02-01",           "2024-02-2 ",
                                "29 Feb 2024", "2024-02-29x",          "2024 02 29"};
  for (const char* text : kWrongFormat) {
    SCOPED_TRACE(text);
    auto d = Date::parse(text, "referral_date", "referral date");
    ASSERT_FALSE(d.ok());
    ASSERT_EQ(d.error().fields.size(), 1u);
    EXPECT_EQ(d.error().fields[0].field, "referral_date");
    EXPECT_EQ(d.error().fields[0].message, "referral date must be a date in the form YYYY-MM-DD");
  }
}

TEST(DateTest, EmptyAsksForTheDate) {
  for (const char* text : {"", "   "}) {
    auto d = Date::parse(text, "date_of_birth", "date of birth");
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().fields.at(0).message, "Enter the date of birth");
  }
}

TEST(DateTest, YearsUntilCountsWholeYearsAcrossBirthdays) {
  struct Case {
    const char* from;
    const char* on;
    int years;
  };
  const Case kCases[] = {
      {"1950-06-15", "2026-06-14", 75},  // the day before the birthday
      {"1950-06-15", "2026-06-15", 76},  // on the birthday
      {"1950-06-15", "2026-06-16", 76},
      {"1950-06-15", "2026-05-20", 75},  // earlier month, later day
      {"1950-06-15", "2026-07-01", 76},  // later month, earlier day
      {"2000-02-29", "2001-02-28", 0},   // leap-day birthday: the birthday counts from 1 March
      {"2000-02-29", "2001-03-01", 1},
      {"2000-02-29", "2004-02-29", 4},
      {"2026-11-25", "2026-11-25", 0},
      {"1999-12-31", "2000-01-01", 0},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(D(c.from).years_until(D(c.on)), c.years) << c.from << " -> " << c.on;
  }
}

TEST(DateTest, DaysUntilCountsCalendarDays) {
  struct Case {
    const char* from;
    const char* on;
    long days;
  };
  const Case kCases[] = {
      {"2024-02-28", "2024-03-01", 2},  // through 29 Feb
      {"2023-02-28", "2023-03-01", 1},   {"2026-11-25", "2026-11-25", 0},
      {"2026-11-25", "2026-11-24", -1},  {"2025-01-01", "2026-01-01", 365},
      {"2024-01-01", "2025-01-01", 366}, {"1900-01-01", "1970-01-01", 25567},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(D(c.from).days_until(D(c.on)), c.days) << c.from << " -> " << c.on;
  }
}

TEST(DateTest, DisplayUsesDayShortMonthYear) {
  struct Case {
    const char* iso;
    const char* shown;
  };
  const Case kCases[] = {{"2026-11-25", "25 Nov 2026"},
                         {"2000-01-01", "1 Jan 2000"},
                         {"2024-02-29", "29 Feb 2024"},
                         {"1950-06-05", "5 Jun 1950"},
                         {"2199-12-31", "31 Dec 2199"}};
  for (const auto& c : kCases) EXPECT_EQ(D(c.iso).display(), c.shown);
}

TEST(DateTest, TodayIsTheUtcDateOfTheClock) {
  TimePoint t;
  ASSERT_TRUE(parse_timestamp("2026-11-25T23:59:59Z", t));
  FixedClock clock(t);
  EXPECT_EQ(Date::today(clock).iso(), "2026-11-25");
  clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(Date::today(clock).iso(), "2026-11-26");
}

TEST(DateTest, OrdersChronologically) {
  EXPECT_LT(D("2023-12-31"), D("2024-01-01"));
  EXPECT_EQ(D("2024-02-29"), D("2024-02-29"));
  EXPECT_GT(D("2024-03-01"), D("2024-02-29"));
}

}  // namespace
}  // namespace vertebro::domain
