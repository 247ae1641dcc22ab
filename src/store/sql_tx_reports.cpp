// SqlTx, reports part: the audit reports' derived rows (migration 0017) and the aggregate
// queries over them. Same rules as sql_tx.cpp: portable SQL with every value bound as a `?`
// parameter. The figures are sums over narrow rows selected by the procedure-date index, so a
// report reads no clinical document.

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>
#include <utility>

#include "store/sql_tx.h"

namespace vertebro::store {

namespace {

sql::Value report_flag(std::optional<bool> b) {
  if (!b) return std::monostate{};
  return std::int64_t{*b ? 1 : 0};
}

std::optional<bool> report_flag_of(const sql::Row& r, std::size_t i) {
  if (r.is_null(i)) return std::nullopt;
  return r.i64(i) != 0;
}

// " WHERE ..." of a filter over report_episodes r, with its parameters appended.
std::string report_where(const ReportFilter& f, sql::Params& params) {
  std::string where = " WHERE r.procedure_date >= ? AND r.procedure_date <= ? AND r.site_id IN (";
  params.emplace_back(f.from);
  params.emplace_back(f.to);
  for (std::size_t i = 0; i < f.sites.size(); ++i) {
    where += i ? ", ?" : "?";
    params.emplace_back(f.sites[i].value);
  }
  if (f.sites.empty()) where += "NULL";
  where += ")";
  if (f.primary_operator) {
    where += " AND r.operator_id = ?";
    params.emplace_back(f.primary_operator->value);
  }
  if (f.indication) {
    where += " AND r.indication = ?";
    params.emplace_back(*f.indication);
  }
  return where;
}

// An episode's checks as report_episodes.checks (migration 0018): "kind|name|result" of each,
// in byte order, joined by ";". Kinds, gate names, requirement ids and results have neither
// separator.
std::string checks_summary(const std::vector<ReportCheckRow>& checks) {
  std::vector<std::string> parts;
  parts.reserve(checks.size());
  for (const auto& c : checks) parts.push_back(c.kind + "|" + c.name + "|" + c.result);
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ';';
    out += p;
  }
  return out;
}

}  // namespace

Result<std::vector<EpisodeId>> SqlTx::report_stale_episodes(int limit) {
  auto rows = c_.query("SELECT episode_id FROM report_stale ORDER BY episode_id LIMIT ?",
                       {std::int64_t{limit}});
  if (!rows) return std::move(rows).error();
  std::vector<EpisodeId> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(EpisodeId{r.i64(0)});
  return out;
}

Status SqlTx::mark_all_report_stale() {
  auto n = c_.exec(
      "INSERT INTO report_stale (episode_id) SELECT episode_id FROM episode_forms "
      "WHERE kind = 'procedure' ON CONFLICT (episode_id) DO NOTHING",
      {});
  if (!n) return std::move(n).error();
  return {};
}

Status SqlTx::put_report_episode(const ReportEpisodeRow& row,
                                 const std::vector<ReportVisitRow>& visits,
                                 const std::vector<ReportCheckRow>& checks) {
  if (auto d = drop_report_episode(row.episode); !d) return d;
  sql::Value op = std::monostate{};
  if (row.primary_operator) op = row.primary_operator->value;
  sql::Value fracture_days = std::monostate{};
  if (row.new_fracture_days) fracture_days = std::int64_t{*row.new_fracture_days};
  auto n = c_.exec(
      "INSERT INTO report_episodes (episode_id, site_id, operator_id, indication, procedure_date, "
      "state, leakage, leakage_intervention, paraplegia, other_harm, new_fracture, "
      "new_fracture_adjacent, new_fracture_distant, new_fracture_days, followed_days, checks) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {row.episode.value, row.site.value, op, row.indication, row.procedure_date, row.state,
       report_flag(row.leakage), std::int64_t{row.leakage_intervention},
       std::int64_t{row.paraplegia}, std::int64_t{row.other_harm},
       std::int64_t{row.new_fracture}, std::int64_t{row.new_fracture_adjacent},
       std::int64_t{row.new_fracture_distant}, fracture_days, std::int64_t{row.followed_days},
       checks_summary(checks)});
  if (!n) return std::move(n).error();
  for (const auto& v : visits) {
    auto m = c_.exec(
        "INSERT INTO report_visits (episode_id, time_point, pain_relief, reduced_medication, "
        "improved_mobility, satisfied, exited) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {row.episode.value, v.time_point, report_flag(v.pain_relief),
         report_flag(v.reduced_medication), report_flag(v.improved_mobility),
         report_flag(v.satisfied), std::int64_t{v.exited}});
    if (!m) return std::move(m).error();
  }
  for (const auto& c : checks) {
    auto m = c_.exec(
        "INSERT INTO report_checks (episode_id, kind, name, gate, result, reason) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        {row.episode.value, c.kind, c.name, c.gate, c.result, c.reason});
    if (!m) return std::move(m).error();
  }
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> SqlTx::episode_gate_blocks(
    EpisodeId episode) {
  auto rows = c_.query(
      "SELECT at, detail FROM audit_log WHERE record_type = 'episode' AND record_id = ? AND "
      "action = 'gate_blocked' ORDER BY seq",
      {episode.value});
  if (!rows) return std::move(rows).error();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : *rows) out.emplace_back(r.str(0), r.str(1));
  return out;
}

Status SqlTx::drop_report_episode(EpisodeId episode) {
  for (const char* sql : {"DELETE FROM report_checks WHERE episode_id = ?",
                          "DELETE FROM report_visits WHERE episode_id = ?",
                          "DELETE FROM report_episodes WHERE episode_id = ?",
                          "DELETE FROM report_stale WHERE episode_id = ?"}) {
    auto n = c_.exec(sql, {episode.value});
    if (!n) return std::move(n).error();
  }
  return {};
}

Result<std::vector<ReportCounts>> SqlTx::report_counts(const ReportFilter& f,
                                                       const std::string& time_point,
                                                       const std::string& due_cutoff,
                                                       ReportGroup group) {
  const bool by_site = group == ReportGroup::kSite || group == ReportGroup::kSiteOperator;
  const bool by_operator = group == ReportGroup::kOperator || group == ReportGroup::kSiteOperator;
  // key, site: kSite keys its rows by the site as well.
  const std::string keys =
      std::string(by_operator ? "COALESCE(r.operator_id, 0)" : by_site ? "r.site_id" : "0") +
      (by_site ? ", r.site_id" : ", 0");
  sql::Params params = {due_cutoff, time_point};
  std::string sql = "SELECT " + keys +
                    ", COUNT(*), "
                    "SUM(CASE WHEN v.episode_id IS NULL AND r.procedure_date > ? THEN 1 ELSE 0 "
                    "END), "
                    "SUM(CASE WHEN v.exited = 1 THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN v.exited = 0 THEN 1 ELSE 0 END)";
  for (const char* col : {"pain_relief", "reduced_medication", "improved_mobility", "satisfied"}) {
    sql += std::string(", SUM(CASE WHEN v.") + col + " = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN v." +
           col + " = 0 THEN 1 ELSE 0 END)";
  }
  sql +=
      ", SUM(CASE WHEN r.leakage = 1 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN r.leakage IS NULL THEN 0 ELSE 1 END), SUM(r.leakage_intervention), "
      "SUM(r.paraplegia), SUM(r.other_harm), SUM(r.new_fracture), SUM(r.new_fracture_adjacent), "
      "SUM(r.new_fracture_distant) "
      "FROM report_episodes r LEFT JOIN report_visits v ON v.episode_id = r.episode_id AND "
      "v.time_point = ?";
  sql += report_where(f, params);
  if (group != ReportGroup::kNone) sql += " GROUP BY 1, 2 ORDER BY 1, 2";
  auto rows = c_.query(sql, params);
  if (!rows) return std::move(rows).error();
  std::vector<ReportCounts> out;
  for (const auto& r : *rows) {
    ReportCounts c;
    c.key = r.i64(0);
    c.site = r.i64(1);
    std::size_t i = 2;
    for (auto field : kReportCountFields) c.*field = r.i64(i++);  // SUM over no rows is NULL: 0
    out.push_back(c);
  }
  if (group == ReportGroup::kNone && out.empty()) out.emplace_back();
  return out;
}

Result<std::vector<ReportSurvivalRow>> SqlTx::report_survival(const ReportFilter& f) {
  sql::Params params;
  const std::string sql = "SELECT r.new_fracture_days, r.followed_days FROM report_episodes r" +
                          report_where(f, params) + " ORDER BY r.episode_id";
  auto rows = c_.query(sql, params);
  if (!rows) return std::move(rows).error();
  std::vector<ReportSurvivalRow> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    ReportSurvivalRow s;
    if (!r.is_null(0)) s.new_fracture_days = static_cast<int>(r.i64(0));
    s.followed_days = static_cast<int>(r.i64(1));
    out.push_back(s);
  }
  return out;
}

Result<std::vector<ReportCheckCount>> SqlTx::report_check_counts(const ReportFilter& f) {
  // One pass over the procedures, grouped by their checks summary (few distinct values: most
  // procedures pass everything first time), then each summary's checks counted here.
  sql::Params params;
  const std::string sql = "SELECT r.checks, COUNT(*) FROM report_episodes r" +
                          report_where(f, params) + " GROUP BY r.checks";
  auto rows = c_.query(sql, params);
  if (!rows) return std::move(rows).error();
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> counts;
  for (const auto& r : *rows) {
    const std::string summary = r.str(0);
    const std::int64_t n = r.i64(1);
    std::size_t start = 0;
    while (start < summary.size()) {
      std::size_t end = summary.find(';', start);
      if (end == std::string::npos) end = summary.size();
      const std::string_view check(summary.data() + start, end - start);
      const auto a = check.find('|');
      const auto b = a == std::string_view::npos ? a : check.find('|', a + 1);
      if (b != std::string_view::npos) {
        counts[{std::string(check.substr(0, a)), std::string(check.substr(a + 1, b - a - 1)),
                std::string(check.substr(b + 1))}] += n;
      }
      start = end + 1;
    }
  }
  std::vector<ReportCheckCount> out;
  out.reserve(counts.size());
  for (const auto& [key, n] : counts) {
    out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
  }
  return out;
}

Result<std::vector<ReportShortfallRow>> SqlTx::report_shortfalls(const ReportFilter& f,
                                                                 const std::string& time_point,
                                                                 const std::string& due_cutoff,
                                                                 int limit) {
  // One (kind, name) at a time, in the order they are listed, until `limit` rows: each is read
  // from the index on report_checks (result, kind, name) or, for the missing follow-ups, by
  // procedure date, so a long list costs no more than the rows it keeps.
  auto names = c_.query(
      "SELECT DISTINCT kind, name FROM report_checks "
      "WHERE result IN ('after_block', 'overridden', 'not_met')",
      {});
  if (!names) return std::move(names).error();
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& r : *names) order.emplace_back(r.str(0), r.str(1));
  order.emplace_back("follow_up", time_point);
  std::sort(order.begin(), order.end());
  std::vector<ReportShortfallRow> out;
  for (const auto& [kind, name] : order) {
    if (std::cmp_greater_equal(out.size(), limit)) break;
    sql::Params params;
    std::string sql;
    if (kind == "follow_up") {
      sql = "SELECT r.episode_id, e.patient_id, r.site_id, r.procedure_date, r.operator_id, '', "
            "'missing', '' FROM report_episodes r JOIN episodes e ON e.id = r.episode_id "
            "LEFT JOIN report_visits v ON v.episode_id = r.episode_id AND v.time_point = ?";
      params.emplace_back(time_point);
      sql += report_where(f, params) + " AND v.episode_id IS NULL AND r.procedure_date <= ?";
      params.emplace_back(due_cutoff);
    } else {
      sql = "SELECT r.episode_id, e.patient_id, r.site_id, r.procedure_date, r.operator_id, "
            "c.gate, c.result, c.reason FROM report_checks c "
            "JOIN report_episodes r ON r.episode_id = c.episode_id "
            "JOIN episodes e ON e.id = r.episode_id";
      sql += report_where(f, params) +
             " AND c.result IN ('after_block', 'overridden', 'not_met') AND c.kind = ? AND "
             "c.name = ?";
      params.emplace_back(kind);
      params.emplace_back(name);
    }
    sql += " ORDER BY r.procedure_date, r.episode_id LIMIT ?";
    params.emplace_back(std::int64_t{limit - static_cast<int>(out.size())});
    auto rows = c_.query(sql, params);
    if (!rows) return std::move(rows).error();
    for (const auto& r : *rows) {
      ReportShortfallRow row;
      row.episode = EpisodeId{r.i64(0)};
      row.patient = PatientId{r.i64(1)};
      row.site = SiteId{r.i64(2)};
      row.procedure_date = r.str(3);
      if (!r.is_null(4)) row.primary_operator = domain::OperatorId{r.i64(4)};
      row.kind = kind;
      row.name = name;
      row.gate = r.str(5);
      row.result = r.str(6);
      row.reason = r.str(7);
      out.push_back(std::move(row));
    }
  }
  return out;
}

Result<std::vector<ReportCaseRow>> SqlTx::report_cases(const ReportFilter& f) {
  sql::Params params;
  const std::string sql =
      "SELECT r.operator_id, r.leakage, r.leakage_intervention, r.paraplegia, r.other_harm, "
      "r.new_fracture FROM report_episodes r" +
      report_where(f, params) +
      " AND r.operator_id IS NOT NULL ORDER BY r.operator_id, r.procedure_date, r.episode_id";
  auto rows = c_.query(sql, params);
  if (!rows) return std::move(rows).error();
  std::vector<ReportCaseRow> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    ReportCaseRow c;
    c.primary_operator = domain::OperatorId{r.i64(0)};
    c.leakage = report_flag_of(r, 1);
    c.leakage_intervention = r.i64(2) != 0;
    c.paraplegia = r.i64(3) != 0;
    c.other_harm = r.i64(4) != 0;
    c.new_fracture = r.i64(5) != 0;
    out.push_back(c);
  }
  return out;
}

}  // namespace vertebro::store
