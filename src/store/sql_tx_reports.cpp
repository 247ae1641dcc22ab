// SqlTx, reports part: the audit reports' derived rows (migration 0017) and the aggregate
// queries over them. Same rules as sql_tx.cpp: portable SQL with every value bound as a `?`
// parameter. The figures are sums over narrow rows selected by the procedure-date index, so a
// report reads no clinical document.

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
      "new_fracture_adjacent, new_fracture_distant, new_fracture_days, followed_days) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {row.episode.value, row.site.value, op, row.indication, row.procedure_date, row.state,
       report_flag(row.leakage), std::int64_t{row.leakage_intervention},
       std::int64_t{row.paraplegia}, std::int64_t{row.other_harm},
       std::int64_t{row.new_fracture}, std::int64_t{row.new_fracture_adjacent},
       std::int64_t{row.new_fracture_distant}, fracture_days, std::int64_t{row.followed_days}});
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
  const char* key = group == ReportGroup::kSite       ? "r.site_id"
                    : group == ReportGroup::kOperator ? "COALESCE(r.operator_id, 0)"
                                                      : "0";
  sql::Params params = {due_cutoff, time_point};
  std::string sql = std::string("SELECT ") + key +
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
  if (group != ReportGroup::kNone) sql += std::string(" GROUP BY ") + key + " ORDER BY 1";
  auto rows = c_.query(sql, params);
  if (!rows) return std::move(rows).error();
  std::vector<ReportCounts> out;
  for (const auto& r : *rows) {
    ReportCounts c;
    std::size_t i = 0;
    for (std::int64_t* field :
         {&c.key, &c.cases, &c.not_due, &c.exited, &c.recorded, &c.pain_yes, &c.pain_no, &c.meds_yes,
          &c.meds_no, &c.mobility_yes, &c.mobility_no, &c.satisfied_yes, &c.satisfied_no,
          &c.leakage, &c.leakage_known, &c.leakage_intervention, &c.paraplegia, &c.other_harm,
          &c.new_fracture, &c.new_fracture_adjacent, &c.new_fracture_distant}) {
      *field = r.i64(i++);  // SUM over no rows is NULL: 0
    }
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
  sql::Params params;
  const std::string sql =
      "SELECT c.kind, c.name, c.result, COUNT(*) FROM report_episodes r JOIN report_checks c ON "
      "c.episode_id = r.episode_id" +
      report_where(f, params) + " GROUP BY c.kind, c.name, c.result ORDER BY 1, 2, 3";
  auto rows = c_.query(sql, params);
  if (!rows) return std::move(rows).error();
  std::vector<ReportCheckCount> out;
  for (const auto& r : *rows) out.push_back({r.str(0), r.str(1), r.str(2), r.i64(3)});
  return out;
}

Result<std::vector<ReportShortfallRow>> SqlTx::report_shortfalls(const ReportFilter& f,
                                                                 const std::string& time_point,
                                                                 const std::string& due_cutoff,
                                                                 int limit) {
  sql::Params params;
  std::string sql =
      "SELECT r.episode_id, e.patient_id, r.site_id, r.procedure_date, r.operator_id, c.kind, "
      "c.name, c.gate, c.result, c.reason FROM report_episodes r "
      "JOIN report_checks c ON c.episode_id = r.episode_id "
      "JOIN episodes e ON e.id = r.episode_id" +
      report_where(f, params) + " AND c.result IN ('after_block', 'overridden', 'not_met')";
  sql += " UNION ALL SELECT r.episode_id, e.patient_id, r.site_id, r.procedure_date, "
         "r.operator_id, 'follow_up', CAST(? AS TEXT), '', 'missing', '' FROM report_episodes r "
         "JOIN episodes e ON e.id = r.episode_id "
         "LEFT JOIN report_visits v ON v.episode_id = r.episode_id AND v.time_point = ?";
  params.emplace_back(time_point);
  params.emplace_back(time_point);
  sql += report_where(f, params) + " AND v.episode_id IS NULL AND r.procedure_date <= ?";
  params.emplace_back(due_cutoff);
  sql += " ORDER BY 6, 7, 4, 1 LIMIT ?";
  params.emplace_back(std::int64_t{limit});
  auto rows = c_.query(sql, params);
  if (!rows) return std::move(rows).error();
  std::vector<ReportShortfallRow> out;
  for (const auto& r : *rows) {
    ReportShortfallRow s;
    s.episode = EpisodeId{r.i64(0)};
    s.patient = PatientId{r.i64(1)};
    s.site = SiteId{r.i64(2)};
    s.procedure_date = r.str(3);
    if (!r.is_null(4)) s.primary_operator = domain::OperatorId{r.i64(4)};
    s.kind = r.str(5);
    s.name = r.str(6);
    s.gate = r.str(7);
    s.result = r.str(8);
    s.reason = r.str(9);
    out.push_back(std::move(s));
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
