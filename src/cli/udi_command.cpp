#include "cli/udi_command.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "base/clock.h"
#include "trace/udi.h"

namespace vertebro::cli {

namespace {

using Json = nlohmann::ordered_json;

Json text_or_null(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json date_or_null(const std::optional<std::chrono::year_month_day>& value) {
  return value ? Json(trace::iso_date(*value)) : Json(nullptr);
}

// The shape issue 16 gives, members in its order; those that do not apply are null.
Json to_json(const trace::ScanResult& r) {
  Json j;
  j["valid"] = r.valid();
  j["scheme"] = r.scheme ? Json(trace::scheme_name(*r.scheme)) : Json(nullptr);
  const trace::Udi empty;
  const trace::Udi& u = r.udi ? *r.udi : empty;
  j["gtin"] = text_or_null(u.gtin);
  j["lot"] = text_or_null(u.lot);
  j["expiry"] = date_or_null(u.expiry);
  j["production_date"] = date_or_null(u.production_date);
  j["serial"] = text_or_null(u.serial);
  j["error"] = r.valid() ? Json(nullptr) : Json(r.error);
  return j;
}

}  // namespace

CLI::App* add_udi_command(CLI::App& cli) {
  auto* udi = cli.add_subcommand("udi", "Read device labels (GS1 and HIBC barcodes)");
  udi->require_subcommand(1);
  udi->add_subcommand("parse",
                      "Read one scanned label per line on standard input; write one JSON object "
                      "per line");
  return udi;
}

int run_udi_parse(std::istream& in, std::ostream& out, int current_year) {
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto result = trace::parse_udi(line, current_year);
    // Error messages escape what is not printable ASCII; replace guards the rest.
    out << to_json(result).dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
  }
  out.flush();
  return out ? 0 : 1;
}

int run_udi_command() {
  const SystemClock clock;
  const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(clock.now())};
  return run_udi_parse(std::cin, std::cout, static_cast<int>(today.year()));
}

}  // namespace vertebro::cli
