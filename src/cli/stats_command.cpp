#include "cli/stats_command.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <istream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string_view>
#include <vector>

#include "stats/cusum.h"
#include "stats/funnel.h"
#include "stats/kaplan_meier.h"
#include "stats/normal.h"
#include "stats/proportion.h"

namespace vertebro::cli {

namespace {

// A refused input line: its number (1 = the header) and why.
struct Refusal {
  std::size_t line = 0;
  std::string message;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    const auto comma = line.find(',');
    fields.push_back(trim(line.substr(0, comma)));
    if (comma == std::string_view::npos) return fields;
    line.remove_prefix(comma + 1);
  }
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

// Reads the header (which must name `columns`, in order) and then every non-blank row, each
// handed to `row` with its line number; `row` returns an error message for a bad row.
template <typename RowFn>
std::optional<Refusal> read_csv(std::istream& in, std::string_view columns, RowFn row) {
  std::string line;
  std::size_t number = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++number;
    const std::string_view text = trim(line);
    if (!header) {
      std::string names;
      for (auto f : split(text)) names += (names.empty() ? "" : ",") + std::string(f);
      if (names != columns) {
        return Refusal{number, "expected the header row \"" + std::string(columns) + "\""};
      }
      header = true;
      continue;
    }
    if (text.empty()) continue;
    const auto fields = split(text);
    const auto expected = split(columns).size();
    if (fields.size() != expected) {
      return Refusal{number, "expected " + std::to_string(expected) + " values (" +
                                 std::string(columns) + "), found " +
                                 std::to_string(fields.size())};
    }
    if (auto message = row(fields)) return Refusal{number, *message};
  }
  if (!header) return Refusal{1, "expected the header row \"" + std::string(columns) + "\""};
  return std::nullopt;
}

// Numbers to 15 significant digits; -0 is written as 0.
std::string number(double v) {
  std::ostringstream s;
  s << std::setprecision(15) << (v == 0.0 ? 0.0 : v);
  return s.str();
}

std::optional<bool> parse_flag(std::string_view s) {
  if (s == "0") return false;
  if (s == "1") return true;
  return std::nullopt;
}

}  // namespace

StatsCommand::StatsCommand(CLI::App& parent) {
  stats_ = parent.add_subcommand(
      "stats", "The report statistics on a CSV (with a header row) from standard input, as CSV");
  stats_->require_subcommand(1);
  wilson_ = stats_->add_subcommand("wilson", "Wilson score interval: in x,n; out x,n,p,lower,upper");
  wilson_->add_option("--level", level_, "Confidence level, between 0 and 1")->capture_default_str();
  funnel_ = stats_->add_subcommand(
      "funnel", "Funnel-plot limits: in n; out n,lower_95,upper_95,lower_998,upper_998");
  funnel_->add_option("--target", target_, "Target rate P0, between 0 and 1 (the pooled rate)")
      ->required();
  funnel_->add_option("--method", method_, "exact (binomial with interpolation) or normal")
      ->check(CLI::IsMember({"exact", "normal"}))
      ->capture_default_str();
  cusum_ = stats_->add_subcommand(
      "cusum", "Bernoulli CUSUM: in outcome (1 = adverse), one row per case in order; "
               "out case,outcome,w,s,signal");
  cusum_->add_option("--p0", p0_, "Acceptable rate of the adverse outcome")->required();
  cusum_->add_option("--p1", p1_, "Unacceptable rate to detect")->required();
  cusum_->add_option("--h", h_, "Decision limit: signal when S >= H")->required();
  cusum_->add_flag("--reset", reset_, "Restart at 0 after each signal");
  km_ = stats_->add_subcommand(
      "km", "Kaplan-Meier: in time,event (1 event, 0 censored); out time,n_risk,events,survival,se");
}

StatsCommand::operator bool() const { return stats_->parsed(); }

int StatsCommand::run(std::istream& in, std::ostream& out, std::ostream& err) const {
  auto bad_option = [&](const std::string& message) {
    err << "vertebro: " << message << "\n";
    return 2;
  };
  auto is_rate = [](double v) { return v > 0.0 && v < 1.0; };
  std::string result;
  std::optional<Refusal> refusal;

  if (wilson_->parsed()) {
    if (!is_rate(level_)) return bad_option("--level must be between 0 and 1, e.g. 0.95");
    const double z = stats::z_for_level(level_);
    result = "x,n,p,lower,upper\n";
    refusal = read_csv(in, "x,n", [&](const auto& f) -> std::optional<std::string> {
      const auto x = parse_int(f[0]);
      const auto n = parse_int(f[1]);
      if (!n || *n < 1) return "n must be a whole number of at least 1";
      if (!x || *x < 0 || *x > *n) return "x must be a whole number from 0 to n";
      const auto i = stats::wilson(*x, *n, z);
      result += std::to_string(*x) + "," + std::to_string(*n) + "," + number(i.estimate) + "," +
                number(i.lower) + "," + number(i.upper) + "\n";
      return std::nullopt;
    });
  } else if (funnel_->parsed()) {
    if (!is_rate(target_)) return bad_option("--target must be between 0 and 1, e.g. 0.05");
    const auto method = method_ == "normal" ? stats::FunnelMethod::kNormal
                                            : stats::FunnelMethod::kExact;
    result = "n,lower_95,upper_95,lower_998,upper_998\n";
    refusal = read_csv(in, "n", [&](const auto& f) -> std::optional<std::string> {
      const auto n = parse_int(f[0]);
      if (!n || *n < 1 || *n > 100'000'000) {
        return "n must be a whole number from 1 to 100000000";
      }
      const auto l = stats::funnel_limits(*n, target_, method);
      result += std::to_string(*n) + "," + number(l.lower_95) + "," + number(l.upper_95) + "," +
                number(l.lower_998) + "," + number(l.upper_998) + "\n";
      return std::nullopt;
    });
  } else if (cusum_->parsed()) {
    if (!is_rate(p0_) || !is_rate(p1_) || p0_ == p1_) {
      return bad_option("--p0 and --p1 must be different rates between 0 and 1");
    }
    if (!(h_ > 0.0) || !std::isfinite(h_)) return bad_option("--h must be above 0");
    std::vector<int> outcomes;
    refusal = read_csv(in, "outcome", [&](const auto& f) -> std::optional<std::string> {
      const auto y = parse_flag(f[0]);
      if (!y) return "outcome must be 1 (the adverse outcome) or 0";
      outcomes.push_back(*y ? 1 : 0);
      return std::nullopt;
    });
    result = "case,outcome,w,s,signal\n";
    const auto steps = stats::bernoulli_cusum(outcomes, {p0_, p1_, h_, reset_});
    for (std::size_t i = 0; i < steps.size(); ++i) {
      result += std::to_string(i + 1) + "," + std::to_string(steps[i].outcome) + "," +
                number(steps[i].w) + "," + number(steps[i].s) + "," +
                (steps[i].signal ? "1" : "0") + "\n";
    }
  } else if (km_->parsed()) {
    std::vector<stats::SurvivalTime> data;
    refusal = read_csv(in, "time,event", [&](const auto& f) -> std::optional<std::string> {
      const auto t = parse_number(f[0]);
      if (!t || *t < 0) return "time must be a number of at least 0";
      const auto e = parse_flag(f[1]);
      if (!e) return "event must be 1 (the event) or 0 (censored)";
      data.push_back({*t, *e});
      return std::nullopt;
    });
    result = "time,n_risk,events,survival,se\n";
    for (const auto& r : stats::kaplan_meier(data)) {
      result += number(r.time) + "," + std::to_string(r.n_risk) + "," + std::to_string(r.events) +
                "," + number(r.survival) + "," + number(r.se) + "\n";
    }
  } else {
    return 2;
  }
  if (refusal) {
    err << "vertebro: line " << refusal->line << ": " << refusal->message << "\n";
    return 2;
  }
  out << result << std::flush;
  return out ? 0 : 1;
}

}  // namespace vertebro::cli
