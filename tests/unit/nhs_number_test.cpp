// NHS number parsing and the modulus-11 check (../shared/domain/REFERENCE.md section 7.1).

#include "domain/nhs_number.h"

#include <gtest/gtest.h>

#include <string>

namespace vertebro::domain {
namespace {

// Each valid number below was computed by hand from section 7.1: weights 10..2 over the
// first nine digits, c = 11 - (sum mod 11), 11 -> 0. For example 401 023 213:
// 4*10 + 0*9 + 1*8 + 0*7 + 2*6 + 3*5 + 2*4 + 1*3 + 3*2 = 92; 92 mod 11 = 4; c = 7.
TEST(NhsNumberTest, AcceptsValidNumbers) {
  const char* kValid[] = {
      "9434765919",  // the NHS Data Dictionary's example
      "4010232137", "4505577104", "4857773457", "1234567806",
      "9876543210",  // sum 297 = 27 * 11, so c = 11 -> 0
      "9990000018", "9990000026", "9998765439",
  };
  for (const char* text : kValid) {
    SCOPED_TRACE(text);
    auto n = NhsNumber::parse(text);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->digits(), text);
  }
}

TEST(NhsNumberTest, AcceptsDigitsGroupedWithSpacesOrDashes) {
  const char* kGrouped[] = {"943 476 5919", "943-476-5919", " 9434765919 ", "943 4765919",
                            "943-476 5919"};
  for (const char* text : kGrouped) {
    SCOPED_TRACE(text);
    auto n = NhsNumber::parse(text);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->digits(), "9434765919");
  }
}

TEST(NhsNumberTest, RejectsWrongCheckDigit) {
  // 943 476 591 has check digit 9; every other final digit must be refused.
  for (char last = '0'; last <= '8'; ++last) {
    const std::string text = std::string("943476591") + last;
    SCOPED_TRACE(text);
    auto n = NhsNumber::parse(text);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().code, Errc::kInvalid);
    ASSERT_EQ(n.error().fields.size(), 1u);
    EXPECT_EQ(n.error().fields[0].field, "nhs_number");
  }
}

TEST(NhsNumberTest, RejectsEveryNumberWhoseCheckValueIsTen) {
  // 123456789: 1*10 + 2*9 + 3*8 + 4*7 + 5*6 + 6*5 + 7*4 + 8*3 + 9*2 = 210; 210 mod 11 = 1;
  // c = 10, so no tenth digit makes a valid number (section 7.1 step 5). Likewise
  // 999000000 (9*10 + 9*9 + 9*8 = 243, mod 11 = 1) and 400000008 (40 + 16 = 56, mod 11 = 1).
  for (const char* prefix : {"123456789", "999000000", "400000008"}) {
    EXPECT_EQ(NhsNumber::check_digit(prefix), -1) << prefix;
    for (char last = '0'; last <= '9'; ++last) {
      const std::string text = std::string(prefix) + last;
      SCOPED_TRACE(text);
      auto n = NhsNumber::parse(text);
      ASSERT_FALSE(n.ok());
      EXPECT_EQ(n.error().fields[0].field, "nhs_number");
    }
  }
}

TEST(NhsNumberTest, RejectsWrongLength) {
  const char* kWrongLength[] = {"943476591",     "94347659190", "943 476 591",
                                "943 476 59190", "9",           "943476591900000000000"};
  for (const char* text : kWrongLength) {
    SCOPED_TRACE(text);
    auto n = NhsNumber::parse(text);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().fields[0].field, "nhs_number");
    EXPECT_NE(n.error().fields[0].message.find("10 digits"), std::string::npos);
  }
}

TEST(NhsNumberTest, RejectsLettersAndOtherCharacters) {
  const char* kBad[] = {"943476591X",   "X434765919",    "ABCDEFGHIJ",   "943.476.5919",
                        "943/476/5919", "+449434765919", "943_476_5919", "9434765919\n"};
  for (const char* text : kBad) {
    SCOPED_TRACE(text);
    auto n = NhsNumber::parse(text);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().fields[0].field, "nhs_number");
  }
}

TEST(NhsNumberTest, RejectsEmptyAsking) {
  for (const char* text : {"", "   ", "---"}) {
    SCOPED_TRACE(text);
    auto n = NhsNumber::parse(text);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().fields[0].message, "Enter the NHS number");
  }
}

TEST(NhsNumberTest, ErrorNamesTheCallersFieldAndNeverEchoesTheDigits) {
  auto n = NhsNumber::parse("9434765918", "patient_nhs");
  ASSERT_FALSE(n.ok());
  ASSERT_EQ(n.error().fields.size(), 1u);
  EXPECT_EQ(n.error().fields[0].field, "patient_nhs");
  EXPECT_EQ(n.error().fields[0].message.find("943"), std::string::npos);
  EXPECT_EQ(n.error().message.find("943"), std::string::npos);
}

TEST(NhsNumberTest, FormattedGroupsThreeThreeFour) {
  auto n = NhsNumber::parse("943-4765919");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->formatted(), "943 476 5919");
  auto m = NhsNumber::parse("9876543210");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->formatted(), "987 654 3210");
}

TEST(NhsNumberTest, IsTestNumberOnlyInThe999Range) {
  struct Case {
    const char* text;
    bool test_range;
  };
  const Case kCases[] = {
      {"9990000018", true},  {"9998765439", true},  {"9434765919", false},
      {"9876543210", false}, {"4010232137", false}, {"0999000004", false},  // 999 not at the start
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    auto n = NhsNumber::parse(c.text);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->is_test_number(), c.test_range);
  }
  EXPECT_FALSE(NhsNumber().is_test_number());
}

TEST(NhsNumberTest, CheckDigitMatchesHandComputation) {
  struct Case {
    const char* nine;
    int check;
  };
  const Case kCases[] = {
      {"943476591", 9},  {"401023213", 7}, {"450557710", 4},
      {"485777345", 7},  {"987654321", 0},  // c = 11 becomes 0
      {"000000000", 0},  {"999999999", 9}, {"100000000", 1},
      {"100000001", -1},  // 10 + 2 = 12, mod 11 = 1, c = 10
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(NhsNumber::check_digit(c.nine), c.check) << c.nine;
  }
}

TEST(NhsNumberTest, EqualityComparesDigits) {
  auto a = NhsNumber::parse("943 476 5919");
  auto b = NhsNumber::parse("9434765919");
  auto c = NhsNumber::parse("4010232137");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_FALSE(*a == *c);
}

}  // namespace
}  // namespace vertebro::domain
