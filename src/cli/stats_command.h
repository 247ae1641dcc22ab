#pragma once
// `vertebro stats wilson|funnel|cusum|km`: the statistics of the audit reports (stats/) on a
// small CSV read from standard input, written as CSV, so an analyst can check a report's figures
// by hand (docs/statistics.md). The input has a header row naming its columns; a malformed row
// is refused with its line number and nothing is written to standard output.

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace vertebro::cli {

class StatsCommand {
 public:
  // Adds the `stats` subcommand and its four subcommands to `parent`.
  explicit StatsCommand(CLI::App& parent);
  StatsCommand(const StatsCommand&) = delete;
  StatsCommand& operator=(const StatsCommand&) = delete;

  // True when the command line chose `stats`.
  explicit operator bool() const;

  // Runs the chosen subcommand: 0 on success, 2 on bad input or options (a message on `err`,
  // nothing on `out`).
  int run(std::istream& in, std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* stats_ = nullptr;
  CLI::App* wilson_ = nullptr;
  CLI::App* funnel_ = nullptr;
  CLI::App* cusum_ = nullptr;
  CLI::App* km_ = nullptr;
  double level_ = 0.95;
  double target_ = 0;
  std::string method_ = "exact";
  double p0_ = 0, p1_ = 0, h_ = 0;
  bool reset_ = false;
};

}  // namespace vertebro::cli
