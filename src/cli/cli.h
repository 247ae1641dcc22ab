#pragma once
// The `vertebro` command line (CLI11): serve, init, demo-data, site add, user add|disable,
// audit verify. Returns the process exit code: 0 success, 1 failure, 2 bad usage.

namespace vertebro::cli {

int run(int argc, char** argv);

}  // namespace vertebro::cli
