#pragma once
// Runs a program (the shipped vertebro binary, in practice) to completion, as a shell would.

#include <string>
#include <vector>

namespace vertebro::test_support {

struct CliRun {
  int exit_code = -1;   // -1 when it did not exit normally
  std::string output;   // standard output and error together
};

// Runs `program args...`, each argument quoted for the shell, with standard input from the file
// `stdin_file` when it is not empty. Throws std::runtime_error when it cannot be started.
CliRun run_command(const std::string& program, const std::vector<std::string>& args,
                   const std::string& stdin_file = "");

}  // namespace vertebro::test_support
