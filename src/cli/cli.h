#pragma once
// The `vertebro` command line (CLI11): serve, init, demo-data, site add, user add|disable,
// audit verify|keygen|checkpoint, backup, restore, stats. Returns the process exit code: 0 success, 1 failure, 2 bad
// usage, 3 a broken audit chain.

namespace vertebro::cli {

int run(int argc, char** argv);

}  // namespace vertebro::cli
