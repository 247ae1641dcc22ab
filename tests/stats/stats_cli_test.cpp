// `vertebro stats wilson|funnel|cusum|km` (docs/statistics.md), run as a child process with a
// CSV on standard input. The figures are the reference values of the unit tests
// (tests/unit/proportion_test.cpp, funnel_test.cpp, cusum_test.cpp, kaplan_meier_test.cpp),
// which state their sources; here the command must print them, to at least 10 significant
// digits, and refuse a malformed row with its line number and nothing else.

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/run_command.h"

#ifndef VERTEBRO_BINARY
#error "VERTEBRO_BINARY names the vertebro executable under test"
#endif

namespace vertebro {
namespace {

using test_support::CliRun;

// Runs `vertebro stats args...` with `input` on standard input.
CliRun stats(const std::vector<std::string>& args, const std::string& input) {
  const std::string file = testing::TempDir() + "stats_cli_" +
                           testing::UnitTest::GetInstance()->current_test_info()->name() + ".csv";
  std::ofstream(file, std::ios::binary) << input;
  std::vector<std::string> all = {"stats"};
  all.insert(all.end(), args.begin(), args.end());
  CliRun run = test_support::run_command(VERTEBRO_BINARY, all, file);
  std::remove(file.c_str());
  return run;
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::istringstream l(line);
    std::string f;
    while (std::getline(l, f, ',')) fields.push_back(f);
    rows.push_back(fields);
  }
  return rows;
}

// Significant digits written in a number such as 0.000123456 or 2.5e-05.
int significant_digits(const std::string& s) {
  const std::string mantissa = s.substr(0, s.find('e'));
  int digits = 0;
  bool leading = true;
  for (char c : mantissa) {
    if (c < '0' || c > '9') continue;
    if (c == '0' && leading) continue;
    leading = false;
    ++digits;
  }
  return digits;
}

// Checks one output field against its reference value: close, and written with at least 10
// significant digits unless it is a short exact value (0, 1, 0.5).
void expect_number(const std::string& field, double expected) {
  SCOPED_TRACE(field);
  EXPECT_NEAR(std::stod(field), expected, 1e-12);
  if (field.size() > 4) {
    EXPECT_GE(significant_digits(field), 10);
  }
}

TEST(StatsCliTest, WilsonAtTheDefaultAndAChosenLevel) {
  // python3: z = NormalDist().inv_cdf(0.975); the formula of REFERENCE.md 9.3.
  CliRun run = stats({"wilson"}, "x,n\n81,263\n0,10\n10,10\n");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto rows = parse_csv(run.output);
  ASSERT_EQ(rows.size(), 4u) << run.output;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"x", "n", "p", "lower", "upper"}));
  EXPECT_EQ(rows[1][0], "81");
  EXPECT_EQ(rows[1][1], "263");
  expect_number(rows[1][2], 0.30798479087452474);
  expect_number(rows[1][3], 0.2552885198782743);
  expect_number(rows[1][4], 0.3662095769828001);
  EXPECT_EQ(rows[2][3], "0");  // exactly 0 with no events
  expect_number(rows[2][4], 0.27753279986288915);
  expect_number(rows[3][3], 0.7224672001371109);
  EXPECT_EQ(rows[3][4], "1");

  run = stats({"wilson", "--level", "0.99"}, "x,n\n81,263\n");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  rows = parse_csv(run.output);
  ASSERT_EQ(rows.size(), 2u);
  expect_number(rows[1][3], 0.24013690268760773);
  expect_number(rows[1][4], 0.38528250231822986);
}

TEST(StatsCliTest, FunnelExactAndNormal) {
  CliRun run = stats({"funnel", "--target", "0.1"}, "n\n20\n");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto rows = parse_csv(run.output);
  ASSERT_EQ(rows.size(), 2u) << run.output;
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"n", "lower_95", "upper_95", "lower_998", "upper_998"}));
  EXPECT_EQ(rows[1][0], "20");
  EXPECT_EQ(rows[1][1], "0");  // -0.0397 clamped
  expect_number(rows[1][2], 0.2284676070299244);
  EXPECT_EQ(rows[1][3], "0");
  expect_number(rows[1][4], 0.3351718216852828);

  run = stats({"funnel", "--target", "0.2", "--method", "normal"}, "n\n400\n");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  rows = parse_csv(run.output);
  ASSERT_EQ(rows.size(), 2u) << run.output;
  expect_number(rows[1][1], 0.16080072030919892);
  expect_number(rows[1][2], 0.23919927969080107);
  expect_number(rows[1][3], 0.13819535387664375);
  expect_number(rows[1][4], 0.2618046461233563);
}

TEST(StatsCliTest, CusumWithAndWithoutReset) {
  const std::string input = "outcome\n0\n1\n0\n0\n0\n0\n0\n0\n1\n1\n1\n0\n1\n1\n";
  const std::vector<std::string> design = {"cusum", "--p0", "0.1", "--p1", "0.2", "--h", "1.5"};
  CliRun run = stats(design, input);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto rows = parse_csv(run.output);
  ASSERT_EQ(rows.size(), 15u) << run.output;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"case", "outcome", "w", "s", "signal"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "0", rows[1][2], "0", "0"}));
  expect_number(rows[1][2], -0.11778303565638339);
  expect_number(rows[2][2], 0.6931471805599453);
  expect_number(rows[11][3], 2.0794415416798357);
  EXPECT_EQ(rows[10][4], "0");
  EXPECT_EQ(rows[11][4], "1");
  expect_number(rows[12][3], 1.9616585060234524);
  EXPECT_EQ(rows[12][4], "1");

  auto with_reset = design;
  with_reset.push_back("--reset");
  run = stats(with_reset, input);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  rows = parse_csv(run.output);
  ASSERT_EQ(rows.size(), 15u) << run.output;
  EXPECT_EQ(rows[11][0], "11");
  EXPECT_EQ(rows[11][4], "1");
  EXPECT_EQ(rows[12][3], "0");  // restarted after the signal
  EXPECT_EQ(rows[12][4], "0");
  expect_number(rows[14][3], 1.3862943611198906);
  EXPECT_EQ(rows[14][4], "0");
}

TEST(StatsCliTest, KaplanMeierSixMpTable) {
  const std::string input =
      "time,event\n6,1\n6,1\n6,1\n6,0\n7,1\n9,0\n10,1\n10,0\n11,0\n13,1\n16,1\n17,0\n19,0\n"
      "20,0\n22,1\n23,1\n25,0\n32,0\n32,0\n34,0\n35,0\n";
  CliRun run = stats({"km"}, input);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto rows = parse_csv(run.output);
  ASSERT_EQ(rows.size(), 8u) << run.output;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"time", "n_risk", "events", "survival", "se"}));
  EXPECT_EQ(rows[1][0], "6");
  EXPECT_EQ(rows[1][1], "21");
  EXPECT_EQ(rows[1][2], "3");
  expect_number(rows[1][3], 0.8571428571428572);
  expect_number(rows[1][4], 0.07636035483212125);
  EXPECT_EQ(rows[2][1], "17");  // the case censored at 6 was at risk at 6, not at 7
  EXPECT_EQ(rows[7][0], "23");
  expect_number(rows[7][3], 0.44817927170868355);
  expect_number(rows[7][4], 0.13459145675576048);
}

TEST(StatsCliTest, BlankLinesAndSpacesAreAccepted) {
  const CliRun run = stats({"wilson"}, "x, n\r\n 5 , 10 \r\n\r\n");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto rows = parse_csv(run.output);
  ASSERT_EQ(rows.size(), 2u) << run.output;
  EXPECT_EQ(rows[1][2], "0.5");
}

// A malformed row: its line number, the reason, and nothing else (no partial CSV).
TEST(StatsCliTest, MalformedRowsAreRefusedWithTheirLineNumber) {
  struct Case {
    std::vector<std::string> args;
    std::string input, output;
  };
  const std::vector<Case> kCases = {
      {{"wilson"}, "x,n\n1,10\n5,3\n", "vertebro: line 3: x must be a whole number from 0 to n\n"},
      {{"wilson"}, "x,n\n1,10\n2,0\n", "vertebro: line 3: n must be a whole number of at least 1\n"},
      {{"wilson"}, "x,n\n1.5,10\n", "vertebro: line 2: x must be a whole number from 0 to n\n"},
      {{"wilson"}, "x,n\n1,10\n4\n", "vertebro: line 3: expected 2 values (x,n), found 1\n"},
      {{"wilson"}, "n,x\n1,10\n", "vertebro: line 1: expected the header row \"x,n\"\n"},
      {{"wilson"}, "", "vertebro: line 1: expected the header row \"x,n\"\n"},
      {{"funnel", "--target", "0.1"}, "n\n20\nabc\n",
       "vertebro: line 3: n must be a whole number from 1 to 100000000\n"},
      {{"cusum", "--p0", "0.1", "--p1", "0.2", "--h", "2"}, "outcome\n0\n1\n2\n",
       "vertebro: line 4: outcome must be 1 (the adverse outcome) or 0\n"},
      {{"km"}, "time,event\n3,1\n-1,0\n", "vertebro: line 3: time must be a number of at least 0\n"},
      {{"km"}, "time,event\n3,yes\n",
       "vertebro: line 2: event must be 1 (the event) or 0 (censored)\n"},
      {{"km"}, "time,event\nnan,1\n", "vertebro: line 2: time must be a number of at least 0\n"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.input);
    const CliRun run = stats(c.args, c.input);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(run.output, c.output);
  }
}

TEST(StatsCliTest, BadOptionsAreRefused) {
  struct Case {
    std::vector<std::string> args;
    std::string output;
  };
  const std::vector<Case> kCases = {
      {{"wilson", "--level", "95"}, "vertebro: --level must be between 0 and 1, e.g. 0.95\n"},
      {{"funnel", "--target", "1.5"}, "vertebro: --target must be between 0 and 1, e.g. 0.05\n"},
      {{"cusum", "--p0", "0.1", "--p1", "0.1", "--h", "2"},
       "vertebro: --p0 and --p1 must be different rates between 0 and 1\n"},
      {{"cusum", "--p0", "0.1", "--p1", "0.2", "--h", "0"}, "vertebro: --h must be above 0\n"},
  };
  for (const auto& c : kCases) {
    const CliRun run = stats(c.args, "x\n");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(run.output, c.output);
  }
  // CLI11 refuses a missing required option or an unknown method before any input is read.
  EXPECT_EQ(stats({"funnel"}, "n\n20\n").exit_code, 2);
  EXPECT_EQ(stats({"funnel", "--target", "0.1", "--method", "poisson"}, "n\n20\n").exit_code, 2);
}

}  // namespace
}  // namespace vertebro
