// UTC timestamps as text "YYYY-MM-DDTHH:MM:SSZ", and the injectable clock.

#include "base/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace vertebro {
namespace {

using std::chrono::seconds;

TEST(ClockTest, FormatsTheEpochAndKnownInstants) {
  EXPECT_EQ(format_timestamp(TimePoint{}), "1970-01-01T00:00:00Z");
  // 1 000 000 000 s after the epoch is 2001-09-09 01:46:40 UTC.
  EXPECT_EQ(format_timestamp(TimePoint{seconds(1000000000)}), "2001-09-09T01:46:40Z");
  // Before the epoch the day is floored, not truncated toward zero.
  EXPECT_EQ(format_timestamp(TimePoint{seconds(-1)}), "1969-12-31T23:59:59Z");
}

TEST(ClockTest, ParseAndFormatRoundTrip) {
  const char* kStamps[] = {"2026-11-25T11:48:48Z", "2024-02-29T00:00:00Z", "1999-12-31T23:59:59Z",
                           "1970-01-01T00:00:00Z", "2199-12-31T23:59:59Z", "1900-01-01T00:00:01Z"};
  for (const char* text : kStamps) {
    SCOPED_TRACE(text);
    TimePoint t;
    ASSERT_TRUE(parse_timestamp(text, t));
    EXPECT_EQ(format_timestamp(t), text);
  }
}

TEST(ClockTest, ParseGivesTheRightInstant) {
  TimePoint t;
  ASSERT_TRUE(parse_timestamp("2001-09-09T01:46:40Z", t));
  EXPECT_EQ(t.time_since_epoch().count(), 1000000000);
}

TEST(ClockTest, ParseRejectsOtherShapesAndImpossibleTimes) {
  const char* kBad[] = {
      "",
      "2026-11-25",
      "2026-11-25 11:48:48Z",
      "2026-11-25T11:48:48",
      "2026-11-25T11:48:48+00:00",
      "2026-11-25T11:48:48.000Z",
      "2026-11-25t11:48:48z",
      "2026-11-25T11:48:48z",
      "2026-13-01T00:00:00Z",
      "2026-02-29T00:00:00Z",
      "2026-04-31T00:00:00Z",
      "2026-11-25T24:00:00Z",
      "2026-11-25T23:60:00Z",
      "2026-11-25T23:59:60Z",
      "2026-11-25T-1:00:00Z",
      "2026/11/25T11:48:48Z",
      "XXXX-11-25T11:48:48Z",
  };
  for (const char* text : kBad) {
    TimePoint t{seconds(42)};
    EXPECT_FALSE(parse_timestamp(text, t)) << '"' << text << '"';
  }
}

// The header promises that only what format_timestamp writes is accepted. Timestamps are
// compared as text, so a second spelling of the same instant would sort in the wrong place.
TEST(ClockTest, ParseRejectsNonCanonicalSpellings) {
  const char* kBad[] = {
      "2026-11-25T+1:48:48Z",  // sign instead of a leading zero
      "2026-11-25T 1:48:48Z",  // space instead of a leading zero
      "+026-11-25T11:48:48Z",  // signed three-digit year
      "2026-1-25T11:48:48Zx",  // one-digit month, then junk after the Z
      "2026-11-25T11:48:8Z!",  // one-digit second, then junk after the Z
  };
  for (const char* text : kBad) {
    TimePoint t{seconds(42)};
    EXPECT_FALSE(parse_timestamp(text, t)) << '"' << text << '"';
  }
}

TEST(ClockTest, FixedClockStandsStillUntilMoved) {
  TimePoint start;
  ASSERT_TRUE(parse_timestamp("2026-11-25T11:48:48Z", start));
  FixedClock clock(start);
  EXPECT_EQ(clock.now(), start);
  EXPECT_EQ(clock.now(), start);
  clock.advance(seconds(3600));
  EXPECT_EQ(format_timestamp(clock.now()), "2026-11-25T12:48:48Z");
  clock.set(TimePoint{});
  EXPECT_EQ(format_timestamp(clock.now()), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace vertebro
