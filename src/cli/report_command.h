#pragma once
// `vertebro report htg3`: the HTG3 outcomes report of a database as a file, the same figures as
// the web page's downloads (http/report_files.h; docs/reports.md). It reads as an audit lead of
// every site, and its reading is audited like the page's.

#include <string>

#include "app/context.h"
#include "base/result.h"

namespace CLI {
class App;
}

namespace vertebro::cli {

class ReportCommand {
 public:
  // Adds `report htg3` to `cli`, with --db bound to `db`.
  ReportCommand(CLI::App& cli, std::string& db);
  // Whether `report htg3` was chosen (after parsing).
  explicit operator bool() const;
  // Writes the report to --out and returns a line saying what was written. Errors: kInvalid
  // naming the option (from, to, site, operator, indication, time_point, measure, method,
  // format); kInternal when the file cannot be written or Chromium cannot print; the store's.
  Result<std::string> run(const app::Context& ctx) const;

 private:
  CLI::App* htg3_ = nullptr;
  std::string from_, to_, site_, operator_, indication_, time_point_, measure_, method_;
  bool overdispersion_ = false;
  std::string format_ = "html";
  std::string out_;
  std::string chromium_ = "/usr/bin/chromium";
};

}  // namespace vertebro::cli
