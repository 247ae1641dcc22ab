#pragma once
// Test-only: a date from "YYYY-MM-DD" (a test failure, and 1970-01-01, for anything else).

#include <gtest/gtest.h>

#include "domain/date.h"

namespace vertebro::guidance {

inline domain::Date D(const char* iso) {
  auto d = domain::Date::parse(iso, "date", "date");
  EXPECT_TRUE(d.ok()) << iso;
  return d.ok() ? *d : domain::Date();
}

}  // namespace vertebro::guidance
