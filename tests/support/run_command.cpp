#include "support/run_command.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <stdexcept>

namespace vertebro::test_support {

CliRun run_command(const std::string& program, const std::vector<std::string>& args,
                   const std::string& stdin_file) {
  std::string command = "'" + program + "'";
  for (const auto& a : args) command += " '" + a + "'";
  if (!stdin_file.empty()) command += " < '" + stdin_file + "'";
  command += " 2>&1";
  CliRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace vertebro::test_support
