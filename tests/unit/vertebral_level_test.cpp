// Vertebral levels C1-C7, T1-T12, L1-L5, S1-S5 and lists of them.

#include "domain/vertebral_level.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vertebro::domain {
namespace {

TEST(VertebralLevelTest, ParsesEveryLevelInAnatomicalOrder) {
  struct Region {
    char letter;
    int count;
  };
  const Region kRegions[] = {{'C', 7}, {'T', 12}, {'L', 5}, {'S', 5}};
  int expected_index = 0;
  for (const auto& r : kRegions) {
    for (int i = 1; i <= r.count; ++i) {
      const std::string name = std::string(1, r.letter) + std::to_string(i);
      SCOPED_TRACE(name);
      auto level = VertebralLevel::parse(name);
      ASSERT_TRUE(level.has_value());
      EXPECT_EQ(level->index(), expected_index);
      EXPECT_EQ(level->name(), name);
      ++expected_index;
    }
  }
  EXPECT_EQ(expected_index, VertebralLevel::kCount);
}

TEST(VertebralLevelTest, AllListsTwentyNineLevelsFromC1ToS5) {
  const auto all = VertebralLevel::all();
  ASSERT_EQ(all.size(), 29u);
  EXPECT_EQ(all.front().name(), "C1");
  EXPECT_EQ(all[7].name(), "T1");
  EXPECT_EQ(all[18].name(), "T12");
  EXPECT_EQ(all[19].name(), "L1");
  EXPECT_EQ(all[24].name(), "S1");
  EXPECT_EQ(all.back().name(), "S5");
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1], all[i]);
}

TEST(VertebralLevelTest, RejectsLevelsThatDoNotExist) {
  const char* kBad[] = {"T13", "L6", "C0",  "C8",  "S6",  "X1",  "T",    "",     "T01",
                        "L05", "12", "TT1", "T-1", "T1.", "T 1", "L1L2", "T120", "   "};
  for (const char* text : kBad) {
    EXPECT_FALSE(VertebralLevel::parse(text).has_value()) << '"' << text << '"';
  }
}

TEST(VertebralLevelTest, ParseIsCaseInsensitiveAndTrims) {
  struct Case {
    const char* text;
    const char* name;
  };
  const Case kCases[] = {
      {"t12", "T12"}, {" L1 ", "L1"}, {"\tS5\n", "S5"}, {"c7", "C7"}, {"  l5", "L5"}};
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    auto level = VertebralLevel::parse(c.text);
    ASSERT_TRUE(level.has_value());
    EXPECT_EQ(level->name(), c.name);
  }
}

TEST(VertebralLevelTest, ParseLevelsSortsAndRemovesDuplicates) {
  struct Case {
    const char* text;
    const char* formatted;
  };
  const Case kCases[] = {
      {"L1, T12, L1", "T12, L1"}, {"T12 L1", "T12, L1"},        {"T12;L1", "T12, L1"},
      {"T12,,L1", "T12, L1"},     {"  T12 ,  L1  ", "T12, L1"}, {"T12\nL1", "T12, L1"},
      {"s1 c1", "C1, S1"},        {"L5 S1 L4", "L4, L5, S1"},   {"T12", "T12"},
      {"t12 T12 t12", "T12"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    auto levels = parse_levels(c.text, "levels");
    ASSERT_TRUE(levels.ok());
    EXPECT_EQ(format_levels(*levels), c.formatted);
  }
}

TEST(VertebralLevelTest, ParseLevelsErrorNamesFieldAndBadLevel) {
  struct Case {
    const char* text;
    const char* shown;  // the text the message should quote
  };
  const Case kCases[] = {{"T12, T13", "T13"}, {"L6", "L6"}, {"T12 X1 L1", "X1"}, {"T1 2", "\"2\""}};
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    auto levels = parse_levels(c.text, "episode_levels");
    ASSERT_FALSE(levels.ok());
    EXPECT_EQ(levels.error().code, Errc::kInvalid);
    ASSERT_EQ(levels.error().fields.size(), 1u);
    EXPECT_EQ(levels.error().fields[0].field, "episode_levels");
    EXPECT_NE(levels.error().fields[0].message.find(c.shown), std::string::npos)
        << levels.error().fields[0].message;
  }
}

TEST(VertebralLevelTest, ParseLevelsRejectsEmptyList) {
  for (const char* text : {"", "   ", " , ; ,"}) {
    SCOPED_TRACE(text);
    auto levels = parse_levels(text, "levels");
    ASSERT_FALSE(levels.ok());
    ASSERT_EQ(levels.error().fields.size(), 1u);
    EXPECT_EQ(levels.error().fields[0].field, "levels");
    EXPECT_NE(levels.error().fields[0].message.find("at least one"), std::string::npos);
  }
}

TEST(VertebralLevelTest, ParseLevelsQuotesOnlyTheStartOfALongBadToken) {
  const std::string junk(5000, 'x');
  auto levels = parse_levels("T12 " + junk, "levels");
  ASSERT_FALSE(levels.ok());
  const auto& message = levels.error().fields.at(0).message;
  EXPECT_LT(message.size(), 200u);
  EXPECT_NE(message.find("..."), std::string::npos);
}

TEST(VertebralLevelTest, FormatLevels) {
  EXPECT_EQ(format_levels({}), "");
  EXPECT_EQ(format_levels({VertebralLevel::from_index(18)}), "T12");
  EXPECT_EQ(format_levels({VertebralLevel::from_index(0), VertebralLevel::from_index(28)}),
            "C1, S5");
}

}  // namespace
}  // namespace vertebro::domain
