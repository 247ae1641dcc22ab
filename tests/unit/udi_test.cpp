// Reading device labels (src/trace): GS1 element strings and HIBC LIC, as scanners type them.
// GS1 facts: REFERENCE.md 7.2; HIBC examples: ANSI/HIBC 2.6 (its worked examples, with their
// published check characters). Two-digit years are placed as in 2026 (GS1 GenSpecs 7.12).

#include "trace/udi.h"

#include <gtest/gtest.h>

#include <string>

namespace vertebro::trace {
namespace {

constexpr int kYear = 2026;

std::string date_or_empty(const std::optional<std::chrono::year_month_day>& d) {
  return d ? iso_date(*d) : "";
}

struct Valid {
  const char* scan;
  Scheme scheme;
  const char* gtin;
  const char* lot;
  const char* expiry;
  const char* production;
  const char* serial;
};

// "" for a member the label does not carry.
const Valid kValid[] = {
    // GTIN alone; GS1 DataMatrix order 01 17 10 21 (REFERENCE.md 7.2), GS after the lot.
    {"0109506000134352", Scheme::kGs1, "09506000134352", "", "", "", ""},
    {"]d2010950600013435217250131107A12\x1d" "21SN0042", Scheme::kGs1, "09506000134352", "7A12",
     "2025-01-31", "", "SN0042"},
    // Every AI, each symbology prefix, the last variable field without a separator.
    {"]C10109506000134352112406151017X\x1d" "21S1", Scheme::kGs1, "09506000134352", "17X", "",
     "2024-06-15", "S1"},
    {"]Q301095060001343521728113010LOT-1/2", Scheme::kGs1, "09506000134352", "LOT-1/2",
     "2028-11-30", "", ""},
    {"]e0010950600013435221ABC", Scheme::kGs1, "09506000134352", "", "", "", "ABC"},
    // FNC1 in first position transmitted as GS; a GS after a fixed-length field is tolerated.
    {"\x1d" "0109506000134352\x1d" "17270315", Scheme::kGs1, "09506000134352", "", "2027-03-15",
     "", ""},
    // DD = 00: the last day of the month, February in a leap year and not.
    {"010950600013435217280200", Scheme::kGs1, "09506000134352", "", "2028-02-29", "", ""},
    {"010950600013435217270200", Scheme::kGs1, "09506000134352", "", "2027-02-28", "", ""},
    {"010950600013435211250400", Scheme::kGs1, "09506000134352", "", "", "2025-04-30", ""},
    // A lot of exactly 20 characters.
    {"010950600013435210ABCDEFGHIJ0123456789", Scheme::kGs1, "09506000134352",
     "ABCDEFGHIJ0123456789", "", "", ""},
    // Bracketed human-readable form, with spaces between elements.
    {"(01)09506000134352(17)250100(10)A1", Scheme::kGs1, "09506000134352", "A1", "2025-01-31",
     "", ""},
    {"(01) 09506000134352 (11) 240229 (21) X-9", Scheme::kGs1, "09506000134352", "", "",
     "2024-02-29", "X-9"},
    // Two-digit years around 2026: 76 is 2076 (50 ahead), 77 is 1977 (49 behind the next).
    {"010950600013435217761231", Scheme::kGs1, "09506000134352", "", "2076-12-31", "", ""},
    {"010950600013435211770101", Scheme::kGs1, "09506000134352", "", "", "1977-01-01", ""},
    // HIBC: ANSI/HIBC 2.6 worked examples (primary, secondary, concatenated).
    {"+A123BJC5D6E71G", Scheme::kHibc, "", "", "", "", ""},
    {"]A0+H123ABC01234567890D", Scheme::kHibc, "", "", "", "", ""},
    {"+$A1234GU", Scheme::kHibc, "", "A1234", "", "", ""},
    {"+$$52001510X3GD", Scheme::kHibc, "", "10X3", "2020-01-15", "", ""},
    {"]d1+A99912345/$$52001510X33", Scheme::kHibc, "", "10X3", "2020-01-15", "", ""},
    {"+A99912345/$$52001510X3/16D20111212/S77DEFG457", Scheme::kHibc, "", "10X3", "2020-01-15",
     "2011-12-12", "77DEFG45"},
    {"+A99912345/$10X3/16D20111231/14D202001313", Scheme::kHibc, "", "10X3", "2020-01-31",
     "2011-12-31", ""},
    {"+A99912349/$10X3/16D20111231/14D20200131/Q500Z", Scheme::kHibc, "", "10X3", "2020-01-31",
     "2011-12-31", ""},
    {"]C0+J123AQ3451/$$3231231BC34567/S4012R", Scheme::kHibc, "", "BC34567", "2023-12-31", "",
     "4012"},
};

TEST(UdiTest, ReadsValidLabels) {
  for (const auto& c : kValid) {
    SCOPED_TRACE(c.scan);
    const auto r = parse_udi(c.scan, kYear);
    ASSERT_TRUE(r.valid()) << r.error;
    ASSERT_TRUE(r.scheme);
    EXPECT_EQ(*r.scheme, c.scheme);
    EXPECT_EQ(r.udi->gtin.value_or(""), c.gtin);
    EXPECT_EQ(r.udi->lot.value_or(""), c.lot);
    EXPECT_EQ(date_or_empty(r.udi->expiry), c.expiry);
    EXPECT_EQ(date_or_empty(r.udi->production_date), c.production);
    EXPECT_EQ(r.udi->serial.value_or(""), c.serial);
  }
}

TEST(UdiTest, ReadsHibcPrimaryData) {
  const auto r = parse_udi("+J123AQ3451/$$3231231BC34567/S4012R", kYear);
  ASSERT_TRUE(r.valid()) << r.error;
  EXPECT_EQ(r.udi->hibc_labeler.value_or(""), "J123");
  EXPECT_EQ(r.udi->hibc_product.value_or(""), "AQ345");
  EXPECT_EQ(r.udi->hibc_unit_of_measure.value_or(' '), '1');
}

TEST(UdiTest, ReadsEveryHibcSecondaryFormat) {
  // ANSI/HIBC 2.6 Appendix F, Table F1: each format with "L" as the link character; the check
  // character is computed.
  struct Case {
    const char* data;
    const char* expiry;
    const char* lot;
    const char* serial;
  };
  const Case kCases[] = {
      {"+05271L", "2005-09-28", "", ""},           {"+$3C001L", "", "3C001", ""},
      {"+$$09053C001L", "2005-09-30", "3C001", ""}, {"+$$20928053C001L", "2005-09-28", "3C001", ""},
      {"+$$30509283C001L", "2005-09-28", "3C001", ""},
      {"+$$4050928223C001L", "2005-09-28", "3C001", ""},
      {"+$$5052713C001L", "2005-09-28", "3C001", ""},
      {"+$$605271223C001L", "2005-09-28", "3C001", ""}, {"+$$73C001L", "", "3C001", ""},
      {"+$+0001L", "", "", "0001"},                 {"+$$+09050001L", "2005-09-30", "", "0001"},
      {"+$$+5052710001L", "2005-09-28", "", "0001"}, {"+$$+70001L", "", "", "0001"},
      {"+$$8240905ABCL", "2005-09-30", "ABC", ""},  {"+$$9001005052713C001L","2005-09-28","3C001",""},
  };
  for (const auto& c : kCases) {
    const std::string scan = std::string(c.data) + hibc_check_character(c.data);
    SCOPED_TRACE(scan);
    const auto r = parse_udi(scan, kYear);
    ASSERT_TRUE(r.valid()) << r.error;
    EXPECT_EQ(date_or_empty(r.udi->expiry), c.expiry);
    EXPECT_EQ(r.udi->lot.value_or(""), c.lot);
    EXPECT_EQ(r.udi->serial.value_or(""), c.serial);
  }
}

struct Invalid {
  const char* scan;
  const char* error;  // the whole message
};

const Invalid kInvalid[] = {
    {"0109506000134353", "the GTIN check digit should be 2"},
    {"]d2010629104150021417250131", "the GTIN check digit should be 3"},
    {"(01)09506000134351", "the GTIN check digit should be 2"},
    {"010950600013435", "the GTIN (01) should be 14 digits, not \"0950600013435\""},
    {"0109506000134352\x1d" "\x1d" "10A", "two separators (GS) in a row at character 18"},
    {"010950600013435210ABCDEFGHIJ0123456789K", "lot is longer than 20 characters"},
    {"010950600013435221ABCDEFGHIJ0123456789KL", "serial is longer than 20 characters"},
    {"010950600013435210LOT1234567890123451725013121X",
     "missing separator after the lot: a GS (FNC1) should end it before \"1725013121X\""},
    {"010950600013435210AB\x1d", ""},  // valid: a trailing separator is tolerated (see below)
    {"010950600013435217251301", "expiry: 13 is not a month"},
    {"010950600013435217250230", "expiry: day 30 is not a day of 2025-02"},
    {"010950600013435211270229", "production date: day 29 is not a day of 2027-02"},
    {"010950600013435217250", "the expiry (17) should be 6 digits (YYMMDD), not \"250\""},
    {"0109506000134352991234", "unknown application identifier 99 (vertebro reads 01, 10, 11, "
                               "17 and 21)"},
    {"01095060001343522401234", "unknown application identifier 240 (vertebro reads 01, 10, "
                                "11, 17 and 21)"},
    {"(01)09506000134352(99)1", "unknown application identifier 99 (vertebro reads 01, 10, 11, "
                                "17 and 21)"},
    {"010950600013435217250131XYZ", "unexpected characters after the expiry (17): \"XYZ\""},
    {"(01)09506000134352(17)250131XYZ", "unexpected characters after the expiry (17): \"XYZ\""},
    {"01095060001343521725013", "the expiry (17) should be 6 digits (YYMMDD), not \"25013\""},
    {"0109506000134352107#1", "the lot (10) contains \"#\", which GS1 does not allow"},
    {"(01)09506000134352(10)", "the lot (10) is empty"},
    {"(01)09506000134352(10)A(10)B", "the lot (10) appears twice"},
    {"1725013110ABC", "the GTIN (01) is missing: a lot, expiry, production date or serial is "
                      "read only with the GTIN of the product it belongs to"},
    {"", "the scan is empty"},
    {"]d2", "nothing follows the symbology identifier ]d2"},
    {"]d", "the symbology identifier \"]d\" is cut short (it has 3 characters, such as ]d2)"},
    {"]X90109506000134352", "unknown symbology identifier \"]X9\" (GS1: ]C1, ]d2, ]Q3, ]e0; "
                            "HIBC: ]A0, ]C0, ]d1, ]Q1)"},
    {"]d2+A123BJC5D6E71G", "the symbology identifier says GS1 but the data is HIBC"},
    {"]A00109506000134352", "the symbology identifier says HIBC but the data is GS1"},
    {"LOT 1234", "this is not a GS1 or HIBC label: it starts with \"L\" where an application "
                 "identifier such as 01, or + for HIBC, should be"},
    // HIBC
    {"+A99912345/$$52001510X3/16D20111212/S77DEFG45Z", "the HIBC check character should be 7"},
    {"+A123BJC5D6E71", "the HIBC check character should be F"},
    {"+a123", "HIBC allows only A-Z, 0-9, space and - . $ / + %; the scan has \"a\""},
    {"+/EO5232013", "this HIBC label is provider data (+/), not a device label"},
};

TEST(UdiTest, NamesWhatIsWrong) {
  for (const auto& c : kInvalid) {
    if (std::string(c.error).empty()) continue;
    SCOPED_TRACE(c.scan);
    const auto r = parse_udi(c.scan, kYear);
    EXPECT_FALSE(r.valid());
    EXPECT_FALSE(r.udi);
    EXPECT_EQ(r.error, c.error);
  }
}

TEST(UdiTest, ToleratesOneTrailingSeparator) {
  const auto r = parse_udi("010950600013435210AB\x1d", kYear);
  ASSERT_TRUE(r.valid()) << r.error;
  EXPECT_EQ(r.udi->lot.value_or(""), "AB");
}

TEST(UdiTest, KeepsTheSchemeOfAnInvalidScan) {
  EXPECT_EQ(parse_udi("0109506000134353", kYear).scheme, Scheme::kGs1);
  EXPECT_EQ(parse_udi("+A123BJC5D6E71", kYear).scheme, Scheme::kHibc);
  EXPECT_FALSE(parse_udi("hello", kYear).scheme);
}

TEST(UdiTest, RejectsBadHibcData) {
  // Each made valid in its check character, so the data itself is what is refused.
  const Invalid kCases[] = {
      {"+A1231", "the HIBC primary data has no product number"},
      {"+1A23BC1", "the HIBC secondary data should start with $ or a date YYJJJ"},
      {"+A123BJC5D6E7A", "the HIBC unit of measure should be a digit, not \"A\""},
      {"+A123BJC5D6E7123456789012", "the HIBC product number should be 1 to 18 letters or "
                                    "digits, not \"BJC5D6E712345678901\""},
      {"+$$X123L", "the HIBC date format \"X\" is not one of 0 to 9"},
      {"+$$5ABCDE3C001L", "the HIBC expiry should be 5 digits (YYJJJ)"},
      {"+$$51336612L", "HIBC expiry: day 366 is not a day of 2013"},
      {"+$$32513013C001L", "HIBC expiry: 13 is not a month"},
      {"+$$505271ABCDEFGHIJKLMNOPQRSTL", "HIBC lot is longer than 18 characters"},
      {"+$L", "the HIBC lot is empty"},
      {"+A99912345/", "the HIBC secondary data is empty"},
      {"+A99912345/$10X3/", "the HIBC data ends with / and no field after it"},
      {"+A99912345/$10X3/17D20111231", "unknown HIBC supplemental field \"17D\" (vertebro "
                                       "reads 14D, 16D, S and Q)"},
      {"+A99912345/$10X3/16D2011123", "HIBC production date should be 8 digits (YYYYMMDD)"},
      {"+A99912345/$10X3/16D20110231", "HIBC production date: day 31 is not a day of 2011-02"},
      {"+A99912345/$10X3/14D20200131/14D20200131", "HIBC expiry appears twice"},
  };
  for (const auto& c : kCases) {
    const std::string scan = std::string(c.scan) + hibc_check_character(c.scan);
    SCOPED_TRACE(scan);
    const auto r = parse_udi(scan, kYear);
    EXPECT_FALSE(r.valid());
    EXPECT_EQ(r.error, c.error);
  }
}

TEST(UdiTest, QuotesControlCharactersAsHex) {
  const auto r = parse_udi("010950600013435210A\x01" "B", kYear);
  EXPECT_EQ(r.error, "the lot (10) contains \"\\x01\", which GS1 does not allow");
}

TEST(UdiTest, ComputesCheckDigitsAsPublished) {
  EXPECT_EQ(gs1_check_digit("629104150021"), 3);  // GS1 GenSpecs 7.9.1 example
  EXPECT_EQ(gs1_check_digit("0950600013435"), 2);
  EXPECT_EQ(gs1_check_digit(""), -1);
  EXPECT_EQ(gs1_check_digit("12a"), -1);
  EXPECT_EQ(hibc_check_character("+A99912345/$$52001510X3"), '3');
  EXPECT_EQ(hibc_check_character("+a"), '\0');
}

}  // namespace
}  // namespace vertebro::trace
