// The log sink escapes control characters, so text from a request (a user name, a path) can
// never start a line of its own that passes for one vertebro wrote (base/log.h).

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/log.h"

namespace vertebro::log {
namespace {

TEST(LogEscapeTest, EscapesControlCharactersAndLineBreaks) {
  struct Case {
    std::string text;
    std::string escaped;
  };
  const std::vector<Case> cases = {
      {"plain text, 200 OK", "plain text, 200 OK"},
      {"a\r\nb", "a\\r\\nb"},
      {"tab\there", "tab\\there"},
      {std::string("nul\0x", 5), "nul\\x00x"},
      {"bell\x07 esc\x1b[31m del\x7f", "bell\\x07 esc\\x1b[31m del\\x7f"},
      {"back\\slash", "back\\\\slash"},
      {"already \\n escaped", "already \\\\n escaped"},
      {"nel\xc2\x85 ls\xe2\x80\xa8 ps\xe2\x80\xa9", "nel\\u0085 ls\\u2028 ps\\u2029"},
      {"caf\xc3\xa9 \xe2\x80\x94 \xc2\xa0", "caf\xc3\xa9 \xe2\x80\x94 \xc2\xa0"},  // other UTF-8 kept
      {"cut \xe2\x80", "cut \xe2\x80"},  // a truncated sequence is left as it is
  };
  for (const auto& c : cases) EXPECT_EQ(escape_controls(c.text), c.escaped) << c.text;
}

// What reaches the file: one line per message whatever the message holds.
TEST(LogEscapeTest, FileSinkWritesOneLinePerMessage) {
  const std::string path = testing::TempDir() + "vertebro_unit_log_escape.log";
  std::remove(path.c_str());
  configure(path, "info");
  info("sign-in failed for account '{}'", "x\r\n[2026-11-25 10:00:00.000] [info] user admin signed in");
  info("GET {} 404", "/a\nforged");
  flush();
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("account 'x\\r\\n[2026-11-25 10:00:00.000] [info] user admin signed in'"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("GET /a\\nforged 404"), std::string::npos) << lines[1];
  std::remove(path.c_str());
}

}  // namespace
}  // namespace vertebro::log
