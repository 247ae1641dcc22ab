// New vertebral fractures at follow-up classed against the treated levels
// (guidance/new_fracture.h; REFERENCE.md §4): treated, adjacent (directly above or below a
// treated level) or distant.

#include "guidance/new_fracture.h"

#include <gtest/gtest.h>

#include "test_dates.h"

namespace vertebro::guidance {
namespace {

std::vector<domain::VertebralLevel> levels(const char* text) {
  auto l = domain::parse_levels(text, "levels");
  EXPECT_TRUE(l.ok()) << text;
  return l.ok() ? *l : std::vector<domain::VertebralLevel>{};
}

TEST(NewFractureTest, ClassesEachLevelAgainstTheTreatedLevels) {
  struct Row {
    const char* treated;
    const char* fracture;
    const char* relation;
  };
  const Row rows[] = {
      {"T12", "T12", "treated"},  {"T12", "T11", "adjacent"}, {"T12", "L1", "adjacent"},
      {"T12", "T10", "distant"},  {"T12", "L2", "distant"},   {"T12", "C7", "distant"},
      // Across the junctions between regions.
      {"L1", "T12", "adjacent"},  {"T1", "C7", "adjacent"},   {"L5", "S1", "adjacent"},
      // Two treated levels with one between: that level is adjacent to both.
      {"T11, L1", "T12", "adjacent"}, {"T11, L1", "T10", "adjacent"},
      {"T11, L1", "L2", "adjacent"},  {"T11, L1", "L3", "distant"},
      {"T11, L1", "L1", "treated"},   {"T12, L1", "L1", "treated"},
      {"C1", "C2", "adjacent"},       {"S5", "S4", "adjacent"},
  };
  for (const auto& r : rows) {
    auto rel = fracture_relation(Level(r.fracture), levels(r.treated));
    ASSERT_TRUE(rel.has_value()) << r.treated << " / " << r.fracture;
    EXPECT_EQ(fracture_relation_name(*rel), r.relation) << r.treated << " / " << r.fracture;
  }
}

TEST(NewFractureTest, NothingToSayWithoutTreatedLevels) {
  EXPECT_FALSE(fracture_relation(Level("T12"), {}).has_value());
}

}  // namespace
}  // namespace vertebro::guidance
