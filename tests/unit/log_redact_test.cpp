// The logger's second line of defence: anything shaped like an NHS number is masked.
// Documented shapes (base/log.h, log.cpp): exactly ten digits in a row, or 3-3-4 digits with
// one space or dash between groups, with no digit immediately before or after.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "base/log.h"

namespace vertebro::log {
namespace {

struct Case {
  const char* text;
  const char* redacted;
};

TEST(LogRedactTest, MasksNhsNumberShapes) {
  const Case kCases[] = {
      {"9434765919", "[redacted]"},
      {"943 476 5919", "[redacted]"},
      {"943-476-5919", "[redacted]"},
      {"943 476-5919", "[redacted]"},
      {"patient 9434765919 viewed", "patient [redacted] viewed"},
      {"nhs=943 476 5919;", "nhs=[redacted];"},
      {"(943-476-5919)", "([redacted])"},
      {"x9434765919y", "x[redacted]y"},
      {"9434765919 and 4010232137", "[redacted] and [redacted]"},
      {"a 943 476 5919 b 401-023-2137", "a [redacted] b [redacted]"},
      // The shape is masked whether or not the check digit is valid.
      {"1234567890", "[redacted]"},
      {"at 2026-11-25T11:48:48Z user 9434765919 read",
       "at 2026-11-25T11:48:48Z user [redacted] read"},
  };
  for (const auto& c : kCases) EXPECT_EQ(redact(c.text), c.redacted) << c.text;
}

TEST(LogRedactTest, LeavesOtherDigitsAlone) {
  const char* kUnchanged[] = {
      "",
      "no digits here",
      "2026-11-25T11:48:48Z",
      "episode 12345",
      "943476591",      // nine digits
      "94347659190",    // eleven digits
      "943476591900",   // twelve digits
      "19434765919",    // eleven digits containing a valid number
      "943 476 591",    // 3-3-3
      "943 476 59190",  // 3-3-5
      "1943 476 5919",  // 4-3-4
      "943  476 5919",  // two spaces
      "943.476.5919",   // dots are not a documented separator
      "943 4765 919",   // 3-4-3
      "session 3f9a2c, 200 OK in 12 ms",
  };
  for (const char* text : kUnchanged) EXPECT_EQ(redact(text), text) << '"' << text << '"';
}

// Every sink redacts, so an identifier passed to the logger by mistake never reaches the file.
TEST(LogRedactTest, FileSinkReceivesRedactedLines) {
  const std::string path = testing::TempDir() + "vertebro_unit_log_redact.log";
  std::remove(path.c_str());
  configure(path, "info");
  info("opened patient {} for episode {}", "9434765919", 12345);
  warn("lookup by {} failed", "943 476 5919");
  flush();
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  const std::string logged = text.str();
  EXPECT_NE(logged.find("opened patient [redacted] for episode 12345"), std::string::npos)
      << logged;
  EXPECT_NE(logged.find("lookup by [redacted] failed"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("9434765919"), std::string::npos);
  EXPECT_EQ(logged.find("5919"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace vertebro::log
