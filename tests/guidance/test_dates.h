#pragma once
// Test-only: a date from "YYYY-MM-DD" (a test failure, and 1970-01-01, for anything else), and a
// vertebral level from its name (a test failure, and C1, for anything else).

#include <gtest/gtest.h>

#include "domain/date.h"
#include "domain/vertebral_level.h"

namespace vertebro::guidance {

inline domain::Date D(const char* iso) {
  auto d = domain::Date::parse(iso, "date", "date");
  EXPECT_TRUE(d.ok()) << iso;
  return d.ok() ? *d : domain::Date();
}

inline domain::VertebralLevel Level(const char* name) {
  auto l = domain::VertebralLevel::parse(name);
  EXPECT_TRUE(l.has_value()) << name;
  return l.value_or(domain::VertebralLevel::from_index(0));
}

}  // namespace vertebro::guidance
