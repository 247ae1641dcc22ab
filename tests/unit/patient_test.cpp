// Patient details validation: every field checked, all errors returned at once.

#include "domain/patient.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace vertebro::domain {
namespace {

Date Today() {
  auto d = Date::parse("2026-11-25", "today", "today");
  EXPECT_TRUE(d.ok());
  return *d;
}

PatientInput Valid() { return {"943 476 5919", "Smith", "Ann", "1950-06-15", "female"}; }

// A string of `n` copies of the UTF-8 encoding `unit`.
std::string Repeat(const std::string& unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

TEST(PatientValidationTest, AcceptsValidDetails) {
  auto p = validate_patient(Valid(), Today());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->nhs_number.digits(), "9434765919");
  EXPECT_EQ(p->family_name, "Smith");
  EXPECT_EQ(p->given_name, "Ann");
  EXPECT_EQ(p->date_of_birth.iso(), "1950-06-15");
  EXPECT_EQ(p->sex, Sex::kFemale);
}

TEST(PatientValidationTest, AcceptsBoundaryValues) {
  struct Case {
    const char* what;
    std::function<void(PatientInput&)> change;
  };
  const Case kCases[] = {
      {"100-character family name",
       [](PatientInput& in) { in.family_name = std::string(100, 'a'); }},
      {"100 two-byte characters",
       [](PatientInput& in) { in.given_name = Repeat("\xC3\xA9", 100); }},
      {"100 four-byte characters",
       [](PatientInput& in) { in.given_name = Repeat("\xF0\x9F\x98\x80", 100); }},
      {"name with tab and newline",
       [](PatientInput& in) { in.family_name = "O'Brien\tJones\nSmith"; }},
      {"born today", [](PatientInput& in) { in.date_of_birth = "2026-11-25"; }},
      {"born 1900-01-01", [](PatientInput& in) { in.date_of_birth = "1900-01-01"; }},
      {"sex other", [](PatientInput& in) { in.sex = "other"; }},
      {"sex unknown", [](PatientInput& in) { in.sex = "unknown"; }},
      {"test-range NHS number", [](PatientInput& in) { in.nhs_number = "999 000 0018"; }},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.what);
    PatientInput in = Valid();
    c.change(in);
    auto p = validate_patient(in, Today());
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().fields.at(0).message);
  }
}

TEST(PatientValidationTest, TrimsNames) {
  PatientInput in = Valid();
  in.family_name = "  Smith \n";
  in.given_name = "\tAnn ";
  auto p = validate_patient(in, Today());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->family_name, "Smith");
  EXPECT_EQ(p->given_name, "Ann");
}

struct FieldCase {
  const char* what;
  std::function<void(PatientInput&)> change;
  const char* field;
};

void ExpectOnlyFieldError(const FieldCase& c) {
  SCOPED_TRACE(c.what);
  PatientInput in = Valid();
  c.change(in);
  auto p = validate_patient(in, Today());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kInvalid);
  ASSERT_EQ(p.error().fields.size(), 1u);
  EXPECT_EQ(p.error().fields[0].field, c.field);
  EXPECT_FALSE(p.error().fields[0].message.empty());
}

TEST(PatientValidationTest, EachFieldReportsItsOwnError) {
  const FieldCase kCases[] = {
      {"empty NHS number", [](PatientInput& in) { in.nhs_number = ""; }, "nhs_number"},
      {"wrong check digit", [](PatientInput& in) { in.nhs_number = "9434765918"; }, "nhs_number"},
      {"empty family name", [](PatientInput& in) { in.family_name = ""; }, "family_name"},
      {"blank family name", [](PatientInput& in) { in.family_name = " \t\n "; }, "family_name"},
      {"empty given name", [](PatientInput& in) { in.given_name = ""; }, "given_name"},
      {"101-character family name",
       [](PatientInput& in) { in.family_name = std::string(101, 'a'); }, "family_name"},
      {"101 two-byte characters", [](PatientInput& in) { in.given_name = Repeat("\xC3\xA9", 101); },
       "given_name"},
      {"100,000-character given name",
       [](PatientInput& in) { in.given_name = std::string(100000, 'a'); }, "given_name"},
      {"NUL in name", [](PatientInput& in) { in.family_name = std::string("Sm\0th", 5); },
       "family_name"},
      {"SOH in name", [](PatientInput& in) { in.family_name = "Sm\x01th"; }, "family_name"},
      {"escape sequence in name", [](PatientInput& in) { in.given_name = "\x1b[31mAnn"; },
       "given_name"},
      {"DEL in name", [](PatientInput& in) { in.given_name = "An\x7fn"; }, "given_name"},
      {"lone byte 0xFF", [](PatientInput& in) { in.given_name = "Ann\xFF"; }, "given_name"},
      {"truncated two-byte sequence", [](PatientInput& in) { in.family_name = "Smith\xC3"; },
       "family_name"},
      {"bad continuation byte", [](PatientInput& in) { in.family_name = "Sm\xC3\x28th"; },
       "family_name"},
      {"stray continuation byte", [](PatientInput& in) { in.family_name = "\x80Smith"; },
       "family_name"},
      {"date of birth tomorrow", [](PatientInput& in) { in.date_of_birth = "2026-11-26"; },
       "date_of_birth"},
      {"date of birth next year", [](PatientInput& in) { in.date_of_birth = "2027-01-01"; },
       "date_of_birth"},
      {"date of birth 29 Feb 2023", [](PatientInput& in) { in.date_of_birth = "2023-02-29"; },
       "date_of_birth"},
      {"date of birth 1899", [](PatientInput& in) { in.date_of_birth = "1899-12-31"; },
       "date_of_birth"},
      {"date of birth as d/m/y", [](PatientInput& in) { in.date_of_birth = "15/06/1950"; },
       "date_of_birth"},
      {"empty date of birth", [](PatientInput& in) { in.date_of_birth = ""; }, "date_of_birth"},
      {"empty sex", [](PatientInput& in) { in.sex = ""; }, "sex"},
      {"sex as letter", [](PatientInput& in) { in.sex = "F"; }, "sex"},
      {"sex as label", [](PatientInput& in) { in.sex = "Female"; }, "sex"},
      {"sex unrecognised", [](PatientInput& in) { in.sex = "unspecified"; }, "sex"},
  };
  for (const auto& c : kCases) ExpectOnlyFieldError(c);
}

// RFC 3629: overlong forms, UTF-16 surrogates and code points above U+10FFFF are not valid
// UTF-8. The header promises "not valid UTF-8" is refused; an overlong NUL ("\xC0\x80") would
// also slip past the control-character check.
TEST(PatientValidationTest, RejectsOverlongSurrogateAndOutOfRangeUtf8) {
  const FieldCase kCases[] = {
      {"overlong NUL C0 80", [](PatientInput& in) { in.family_name = "Sm\xC0\x80th"; },
       "family_name"},
      {"overlong '/' C0 AF", [](PatientInput& in) { in.family_name = "Sm\xC0\xAFth"; },
       "family_name"},
      {"overlong three-byte E0 80 80",
       [](PatientInput& in) { in.family_name = "Sm\xE0\x80\x80th"; }, "family_name"},
      {"surrogate U+D800 ED A0 80", [](PatientInput& in) { in.family_name = "Sm\xED\xA0\x80th"; },
       "family_name"},
      {"above U+10FFFF F4 90 80 80",
       [](PatientInput& in) { in.family_name = "Sm\xF4\x90\x80\x80th"; }, "family_name"},
      {"lead byte F5", [](PatientInput& in) { in.family_name = "Sm\xF5\x80\x80\x80th"; },
       "family_name"},
  };
  for (const auto& c : kCases) ExpectOnlyFieldError(c);
}

// The header refuses "control characters other than tab and newline". Unicode's control
// characters (general category Cc) include C1, U+0080-U+009F; U+009B is a terminal CSI.
TEST(PatientValidationTest, RejectsC1ControlCharacters) {
  const FieldCase kCases[] = {
      {"U+0085 next line", [](PatientInput& in) { in.family_name = "Sm\xC2\x85th"; },
       "family_name"},
      {"U+009B CSI",
       [](PatientInput& in) {
         in.given_name =
             "\xC2\x9B"
             "31mAnn";
       },
       "given_name"},
  };
  for (const auto& c : kCases) ExpectOnlyFieldError(c);
}

TEST(PatientValidationTest, ReturnsEveryErrorAtOnceInFieldOrder) {
  const PatientInput in{"123", "", std::string(101, 'x'), "2030-01-01", "x"};
  auto p = validate_patient(in, Today());
  ASSERT_FALSE(p.ok());
  ASSERT_EQ(p.error().fields.size(), 5u);
  EXPECT_EQ(p.error().fields[0].field, "nhs_number");
  EXPECT_EQ(p.error().fields[1].field, "family_name");
  EXPECT_EQ(p.error().fields[2].field, "given_name");
  EXPECT_EQ(p.error().fields[3].field, "date_of_birth");
  EXPECT_EQ(p.error().fields[4].field, "sex");
}

TEST(PatientValidationTest, MessagesNeverEchoTheIdentifiers) {
  const PatientInput in{"9434765918", "Zebedee\x01", "Quixotic\xFF", "2030-01-01", "x"};
  auto p = validate_patient(in, Today());
  ASSERT_FALSE(p.ok());
  for (const auto& f : p.error().fields) {
    SCOPED_TRACE(f.field);
    EXPECT_EQ(f.message.find("943"), std::string::npos);
    EXPECT_EQ(f.message.find("Zebedee"), std::string::npos);
    EXPECT_EQ(f.message.find("Quixotic"), std::string::npos);
    EXPECT_EQ(f.message.find("2030"), std::string::npos);
  }
}

TEST(SexTest, NamesRoundTripAndLabelsAreForPeople) {
  struct Case {
    Sex sex;
    const char* name;
    const char* label;
  };
  const Case kCases[] = {{Sex::kFemale, "female", "Female"},
                         {Sex::kMale, "male", "Male"},
                         {Sex::kOther, "other", "Other"},
                         {Sex::kUnknown, "unknown", "Not known"}};
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(sex_name(c.sex), c.name);
    EXPECT_EQ(sex_label(c.sex), c.label);
    auto parsed = parse_sex(c.name);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, c.sex);
  }
  EXPECT_FALSE(parse_sex("Female").has_value());
}

}  // namespace
}  // namespace vertebro::domain
