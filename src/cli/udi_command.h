#pragma once
// `vertebro udi parse`: reads one scanned label per line on standard input and writes one JSON
// object per line, in order (docs/traceability.md). It opens no database.

#include <iosfwd>

namespace CLI {
class App;
}

namespace vertebro::cli {

// Adds `udi parse` to `cli`. Returns the `udi` subcommand; after parsing, it is true when chosen.
CLI::App* add_udi_command(CLI::App& cli);

// Runs `udi parse` over `in`, writing to `out`; `current_year` places two-digit years. Returns
// the exit code: 0 when every line was read (valid or not), 1 when the output failed.
int run_udi_parse(std::istream& in, std::ostream& out, int current_year);

// Runs the chosen `udi` subcommand on standard input and output, with this year from the system
// clock. Returns the exit code.
int run_udi_command();

}  // namespace vertebro::cli
