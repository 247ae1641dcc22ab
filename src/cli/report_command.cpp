#include "cli/report_command.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <map>

#include "app/audit_reports.h"
#include "http/report_files.h"

namespace vertebro::cli {

ReportCommand::ReportCommand(CLI::App& cli, std::string& db) {
  auto* report = cli.add_subcommand("report", "Audit and governance reports as files");
  report->require_subcommand(1);
  htg3_ = report->add_subcommand(
      "htg3", "The HTG3 outcomes report: the unit against the guidance's figures");
  htg3_->add_option("--db", db, "SQLite database file")->required();
  htg3_->add_option("--from", from_, "First procedure date, YYYY-MM-DD (default: a year ago)");
  htg3_->add_option("--to", to_, "Last procedure date, YYYY-MM-DD (default: today)");
  htg3_->add_option("--site", site_, "Only this site, by its code (default: every site)");
  htg3_->add_option("--operator", operator_, "Only this primary operator's profile id");
  htg3_->add_option("--indication", indication_,
                    "Only this indication: osteoporotic, haemangioma, metastasis, myeloma, ...");
  htg3_->add_option("--time-point", time_point_,
                    "Read efficacy at this follow-up, e.g. \"3 months\" (default: the primary)");
  htg3_->add_option("--measure", measure_, "The funnel plots' measure (default: leakage)");
  htg3_->add_option("--method", method_, "Funnel limits: exact (default) or normal");
  htg3_->add_flag("--overdispersion", overdispersion_, "Widen the funnel limits for overdispersion");
  htg3_->add_option("--format", format_, "html, pdf, csv or xlsx")->capture_default_str();
  htg3_->add_option("--out", out_, "The file to write")->required();
  htg3_->add_option("--chromium", chromium_, "Chromium, which prints the PDF")
      ->capture_default_str();
}

ReportCommand::operator bool() const { return htg3_ && htg3_->parsed(); }

Result<std::string> ReportCommand::run(const app::Context& ctx) const {
  const auto format = http::parse_report_format(format_);
  if (!format) return Error::invalid({{"format", "Choose html, pdf, csv or xlsx"}});
  auto reader = app::reporting_actor(ctx, "cli");
  if (!reader) return std::move(reader).error();
  std::map<std::string, std::string> values = {
      {"from", from_},         {"to", to_},         {"operator", operator_},
      {"indication", indication_}, {"time_point", time_point_}, {"measure", measure_},
      {"method", method_},     {"overdispersion", overdispersion_ ? "1" : ""}};
  if (!site_.empty()) {
    const auto site = std::find_if(reader->sites.begin(), reader->sites.end(),
                                   [&](const domain::Site& s) { return s.code == site_; });
    if (site == reader->sites.end()) {
      return Error::invalid({{"site", "No site has the code " + site_}});
    }
    values["site"] = site->id.str();
  }
  auto query = app::parse_htg3_query(values, domain::Date::today(ctx.clock()));
  if (!query) return std::move(query).error();
  auto report = app::htg3_report(ctx, reader->actor, *query);
  if (!report) return std::move(report).error();
  auto file = http::htg3_report_file(*report, *format,
                                     http::PdfOptions{chromium_, std::chrono::seconds(120)}, false);
  if (!file) return std::move(file).error();
  std::ofstream out(out_, std::ios::binary | std::ios::trunc);
  out.write(file->bytes.data(), static_cast<std::streamsize>(file->bytes.size()));
  out.close();
  if (!out) return Error::internal("The report could not be written to " + out_);
  return "wrote " + out_ + ": HTG3 outcomes report, " + std::to_string(report->procedures) +
         " procedures from " + report->query.from.iso() + " to " + report->query.to.iso();
}

}  // namespace vertebro::cli
