#include "report/tabular.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace vertebro::report {
namespace {

// A table with a column of every kind and the awkward cells a CSV writer must handle.
Table every_kind_table() {
  Table t;
  t.name = "outcomes";
  t.caption = "HTG3 outcomes at 1 month";
  t.columns = {{"site", "Site", ColumnKind::kText},
               {"n", "Patients", ColumnKind::kInteger},
               {"rate", "Rate", ColumnKind::kProportion},
               {"since", "Since", ColumnKind::kDate}};
  t.rows = {
      {std::string("Leeds, General"), std::int64_t{12}, 1.0 / 3, std::string("2026-03-01")},
      {std::string("He said \"no\""), std::int64_t{0}, 0.0, std::monostate{}},
      {std::string("two\nlines"), std::int64_t{-3}, 1.0, std::string("2026-01-31")},
      {std::string("=SUM(A1:A2)"), std::monostate{}, std::monostate{}, std::string("not a date")},
  };
  return t;
}

Table one_column_table(std::vector<Cell> cells, ColumnKind kind = ColumnKind::kText) {
  Table t;
  t.name = "t";
  t.caption = "T";
  t.columns = {{"v", "V", kind}};
  for (Cell& c : cells) t.rows.push_back({std::move(c)});
  return t;
}

TEST(TableCsvTest, WritesHeaderAndEveryKind) {
  EXPECT_EQ(table_csv(every_kind_table()),
            "site,n,rate,since\r\n"
            "\"Leeds, General\",12,0.3333333333,2026-03-01\r\n"
            "\"He said \"\"no\"\"\",0,0,\r\n"
            "\"two\nlines\",-3,1,2026-01-31\r\n"
            "'=SUM(A1:A2),,,not a date\r\n");
}

TEST(TableCsvTest, QuotesFieldsWithCommasAndQuotes) {
  struct Case {
    std::string text;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"plain", "plain"},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"\"", "\"\"\"\""},
      {"cr\rhere", "\"cr\rhere\""},
      {"lf\nhere", "\"lf\nhere\""},
      {"crlf\r\n", "\"crlf\r\n\""},
      {"", ""},
      {"it's", "it's"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(table_csv(one_column_table({c.text})), "v\r\n" + c.field + "\r\n") << c.text;
  }
}

TEST(TableCsvTest, GuardsTextThatLooksLikeAFormula) {
  struct Case {
    std::string text;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"=1+2", "'=1+2"},
      {"+1", "'+1"},
      {"-1", "'-1"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"\tx", "'\tx"},
      {"\rx", "\"'\rx\""},        // guarded, then quoted for the CR
      {"=A1,B1", "\"'=A1,B1\""},  // guarded, then quoted for the comma
      {"a=b", "a=b"},
      {" =1", " =1"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(table_csv(one_column_table({c.text})), "v\r\n" + c.field + "\r\n") << c.text;
  }
}

TEST(TableCsvTest, DoesNotGuardNumbers) {
  EXPECT_EQ(table_csv(one_column_table({std::int64_t{-3}}, ColumnKind::kInteger)), "v\r\n-3\r\n");
  EXPECT_EQ(table_csv(one_column_table({-0.25}, ColumnKind::kProportion)), "v\r\n-0.25\r\n");
}

TEST(TableCsvTest, WritesIntegersWhole) {
  EXPECT_EQ(table_csv(one_column_table({std::int64_t{0}, std::int64_t{1234567890123}},
                                       ColumnKind::kInteger)),
            "v\r\n0\r\n1234567890123\r\n");
}

TEST(TableCsvTest, WritesProportionsWithTenSignificantDigits) {
  struct Case {
    double value;
    std::string field;
  };
  const std::vector<Case> cases = {
      {1.0 / 3, "0.3333333333"},
      {19.0 / 44, "0.4318181818"},
      {0.0, "0"},
      {-0.0, "0"},
      {1.0, "1"},
      {0.5, "0.5"},
      {2.0 / 3, "0.6666666667"},
      {0.9999999999999, "1"},
      {2.5e-5, "0.000025"},  // no exponent
      {1.0 / 30000, "0.00003333333333"},
      {std::numeric_limits<double>::quiet_NaN(), ""},
      {std::numeric_limits<double>::infinity(), ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(table_csv(one_column_table({c.value}, ColumnKind::kProportion)),
              "v\r\n" + c.field + "\r\n")
        << c.value;
  }
}

TEST(TableCsvTest, WritesATableWithoutRowsAsItsHeader) {
  Table t = every_kind_table();
  t.rows.clear();
  EXPECT_EQ(table_csv(t), "site,n,rate,since\r\n");
}

TEST(DocumentCsvTest, WritesTitleFactsThenEachTable) {
  Document d;
  d.title = "HTG3 outcomes";
  d.facts = {{"From", "2026-01-01"}, {"To", "2026-03-31"}, {"Sites", "Leeds, York"}};
  d.tables.push_back(every_kind_table());
  d.tables.push_back(one_column_table({std::int64_t{7}}, ColumnKind::kInteger));
  EXPECT_EQ(document_csv(d),
            "report,HTG3 outcomes\r\n"
            "From,2026-01-01\r\n"
            "To,2026-03-31\r\n"
            "Sites,\"Leeds, York\"\r\n"
            "\r\n"
            "table,outcomes\r\n"
            "caption,HTG3 outcomes at 1 month\r\n"
            "site,n,rate,since\r\n"
            "\"Leeds, General\",12,0.3333333333,2026-03-01\r\n"
            "\"He said \"\"no\"\"\",0,0,\r\n"
            "\"two\nlines\",-3,1,2026-01-31\r\n"
            "'=SUM(A1:A2),,,not a date\r\n"
            "\r\n"
            "table,t\r\n"
            "caption,T\r\n"
            "v\r\n"
            "7\r\n");
}

TEST(DocumentCsvTest, GuardsTheTitleAndFacts) {
  Document d;
  d.title = "=title";
  d.facts = {{"Note", "+1"}};
  EXPECT_EQ(document_csv(d), "report,'=title\r\nNote,'+1\r\n");
}

Document sample_document() {
  Document d;
  d.title = "HTG3 outcomes";
  d.facts = {{"From", "2026-01-01"}, {"To", "2026-03-31"}};
  d.tables.push_back(every_kind_table());
  Table counts = one_column_table({std::int64_t{7}}, ColumnKind::kInteger);
  counts.name = "counts";
  d.tables.push_back(counts);
  return d;
}

TEST(DocumentXlsxTest, WritesAZipWithTheWorkbookAndOneSheetPerTable) {
  const Result<std::string> xlsx = document_xlsx(sample_document());
  ASSERT_TRUE(xlsx.ok()) << xlsx.error().message;
  ASSERT_GE(xlsx->size(), 4U);
  EXPECT_EQ(xlsx->substr(0, 4), std::string("PK\x03\x04", 4));
  // A zip's central directory stores entry names uncompressed.
  EXPECT_NE(xlsx->find("xl/workbook.xml"), std::string::npos);
  EXPECT_NE(xlsx->find("xl/worksheets/sheet1.xml"), std::string::npos);  // Report
  EXPECT_NE(xlsx->find("xl/worksheets/sheet2.xml"), std::string::npos);  // outcomes
  EXPECT_NE(xlsx->find("xl/worksheets/sheet3.xml"), std::string::npos);  // counts
  EXPECT_EQ(xlsx->find("xl/worksheets/sheet4.xml"), std::string::npos);
}

TEST(DocumentXlsxTest, WritesTheSameBytesForTheSameDocument) {
  const Result<std::string> first = document_xlsx(sample_document());
  const Result<std::string> second = document_xlsx(sample_document());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(*first == *second);
}

TEST(DocumentXlsxTest, WritesADocumentWithoutTables) {
  Document d;
  d.title = "Empty";
  const Result<std::string> xlsx = document_xlsx(d);
  ASSERT_TRUE(xlsx.ok()) << xlsx.error().message;
  EXPECT_NE(xlsx->find("xl/worksheets/sheet1.xml"), std::string::npos);
  EXPECT_EQ(xlsx->find("xl/worksheets/sheet2.xml"), std::string::npos);
}

TEST(DocumentXlsxTest, RefusesTableNamesThatCannotNameASheet) {
  const std::vector<std::string> names = {
      "bad/name", std::string(32, 'a'), "", "with space", "a:b", "Report", "history",
  };
  for (const std::string& name : names) {
    Document d = sample_document();
    d.tables[1].name = name;
    const Result<std::string> xlsx = document_xlsx(d);
    ASSERT_FALSE(xlsx.ok()) << name;
    EXPECT_EQ(xlsx.error().code, Errc::kInvalid) << name;
    EXPECT_NE(xlsx.error().message.find("\"" + name + "\""), std::string::npos)
        << xlsx.error().message;
  }
}

TEST(DocumentXlsxTest, AcceptsANameOfThirtyOneCharacters) {
  Document d = sample_document();
  d.tables[1].name = std::string(31, 'a');
  const Result<std::string> xlsx = document_xlsx(d);
  EXPECT_TRUE(xlsx.ok()) << xlsx.error().message;
}

TEST(DocumentXlsxTest, RefusesTwoTablesOfTheSameNameInAnyCase) {
  Document d = sample_document();
  d.tables[1].name = "OUTCOMES";
  const Result<std::string> xlsx = document_xlsx(d);
  ASSERT_FALSE(xlsx.ok());
  EXPECT_EQ(xlsx.error().code, Errc::kInvalid);
  EXPECT_NE(xlsx.error().message.find("OUTCOMES"), std::string::npos) << xlsx.error().message;
}

TEST(DocumentXlsxTest, RefusesARaggedRow) {
  for (std::size_t cells : {3U, 5U}) {
    Document d = sample_document();
    d.tables[0].rows[1].resize(cells);
    const Result<std::string> xlsx = document_xlsx(d);
    ASSERT_FALSE(xlsx.ok()) << cells;
    EXPECT_EQ(xlsx.error().code, Errc::kInvalid);
    EXPECT_NE(xlsx.error().message.find("\"outcomes\""), std::string::npos) << xlsx.error().message;
    EXPECT_NE(xlsx.error().message.find("row 2"), std::string::npos) << xlsx.error().message;
  }
}

TEST(DocumentXlsxTest, ReportsALibxlsxwriterErrorAsInternal) {
  // A cell holds at most 32,767 characters; libxlsxwriter refuses a longer text.
  Document d = sample_document();
  d.tables[0].rows[0][0] = std::string(40000, 'x');
  const Result<std::string> xlsx = document_xlsx(d);
  ASSERT_FALSE(xlsx.ok());
  EXPECT_EQ(xlsx.error().code, Errc::kInternal);
  EXPECT_NE(xlsx.error().message.find("\"outcomes\""), std::string::npos) << xlsx.error().message;
}

}  // namespace
}  // namespace vertebro::report
