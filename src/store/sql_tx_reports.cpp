// SqlTx, reports part: the audit reports' derived rows (migrations 0017 to 0019) and the
// passes over them. Same rules as sql_tx.cpp: portable SQL with every value bound as a `?`
// parameter. The figures are counted here while the rows of the report's date range stream
// past in (procedure date, episode) order, each pass one read of the table in its own order
// (migration 0019), with no sort and no clinical document read.

#include <algorithm>
#include <functional>
#include <map>
#include <string_view>
#include <tuple>
#include <unordered_map>
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

// An episode's checks as report_check_sets.checks (migration 0019): "kind|name|result" of
// each, in byte order, joined by ";". Kinds, gate names, requirement ids and results have
// neither separator.
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

// Calls fn(kind, name, result) for each check of a summary made by checks_summary.
template <typename Fn>
void for_each_check(std::string_view summary, Fn fn) {
  std::size_t start = 0;
  while (start < summary.size()) {
    std::size_t end = summary.find(';', start);
    if (end == std::string_view::npos) end = summary.size();
    const std::string_view check = summary.substr(start, end - start);
    const auto a = check.find('|');
    const auto b = a == std::string_view::npos ? a : check.find('|', a + 1);
    if (b != std::string_view::npos) {
      fn(check.substr(0, a), check.substr(a + 1, b - a - 1), check.substr(b + 1));
    }
    start = end + 1;
  }
}

// A flag column as a count: 1 for yes, 0 for no or not known.
std::int64_t report_yes(const sql::Row& r, std::size_t i) {
  return r.is_null(i) ? 0 : r.i64(i) != 0;
}
std::int64_t report_no(const sql::Row& r, std::size_t i) {
  return r.is_null(i) ? 0 : r.i64(i) == 0;
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
  // The episode's set of checks, made the first time any episode has it.
  const std::string summary = checks_summary(checks);
  auto made = c_.exec(
      "INSERT INTO report_check_sets (checks) VALUES (?) ON CONFLICT (checks) DO NOTHING",
      {summary});
  if (!made) return std::move(made).error();
  auto set = c_.query("SELECT id FROM report_check_sets WHERE checks = ?", {summary});
  if (!set) return std::move(set).error();
  if (set->empty()) return Error::internal("The report's check set was not saved");
  auto n = c_.exec(
      "INSERT INTO report_episodes (procedure_date, episode_id, site_id, operator_id, "
      "indication, state, leakage, leakage_intervention, paraplegia, other_harm, new_fracture, "
      "new_fracture_adjacent, new_fracture_distant, new_fracture_days, followed_days, "
      "check_set) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {row.procedure_date, row.episode.value, row.site.value, op, row.indication, row.state,
       report_flag(row.leakage), std::int64_t{row.leakage_intervention},
       std::int64_t{row.paraplegia}, std::int64_t{row.other_harm},
       std::int64_t{row.new_fracture}, std::int64_t{row.new_fracture_adjacent},
       std::int64_t{row.new_fracture_distant}, fracture_days, std::int64_t{row.followed_days},
       set->front().i64(0)});
  if (!n) return std::move(n).error();
  for (const auto& v : visits) {
    auto m = c_.exec(
        "INSERT INTO report_visits (time_point, procedure_date, episode_id, site_id, "
        "operator_id, indication, pain_relief, reduced_medication, improved_mobility, "
        "satisfied, exited) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {v.time_point, row.procedure_date, row.episode.value, row.site.value, op,
         row.indication, report_flag(v.pain_relief), report_flag(v.reduced_medication),
         report_flag(v.improved_mobility), report_flag(v.satisfied), std::int64_t{v.exited}});
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

Result<ReportPass> SqlTx::report_pass(const ReportFilter& f,
                                     const std::vector<SiteId>& compared_sites,
                                     const std::string& time_point,
                                     const std::string& due_cutoff) {
  ReportFilter all = f;
  for (const auto& site : compared_sites) {
    if (std::find(all.sites.begin(), all.sites.end(), site) == all.sites.end()) {
      all.sites.push_back(site);
    }
  }
  auto chosen = [&](std::int64_t site) {
    return std::find(f.sites.begin(), f.sites.end(), SiteId{site}) != f.sites.end();
  };
  // By (operator, site): the counts, and of the procedures dated after the cut-off, how many
  // there are and how many have a visit row (recorded or exited); the rest are not due yet.
  struct Group {
    ReportCounts counts;
    std::int64_t late_procedures = 0;
    std::int64_t late_visits = 0;
  };
  std::map<std::pair<std::int64_t, std::int64_t>, Group> groups;
  // The groups by operator and site again, for the look-up of each row (a few hundred).
  struct PairHash {
    std::size_t operator()(const std::pair<std::int64_t, std::int64_t>& k) const {
      return std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(k.first) * 1000003u +
                                        static_cast<std::uint64_t>(k.second));
    }
  };
  std::unordered_map<std::pair<std::int64_t, std::int64_t>, Group*, PairHash> index;
  auto group_of = [&](const sql::Row& r) -> Group& {
    const std::pair key{r.is_null(0) ? std::int64_t{0} : r.i64(0), r.i64(1)};
    auto& g = index[key];
    if (g == nullptr) g = &groups[key];
    return *g;
  };
  // Columns 0 to 2 of both passes: operator, site, dated after the cut-off (1 or 0).
  const std::string keys =
      "SELECT r.operator_id, r.site_id, CASE WHEN r.procedure_date > ? THEN 1 ELSE 0 END";
  ReportPass out;
  std::unordered_map<std::int64_t, std::vector<ReportCaseRow>> cases;  // each in date order
  std::unordered_map<std::int64_t, std::int64_t> per_set;    // procedures by check set

  // The procedures, in date order: the safety measures; and of the chosen sites, each
  // operator's cases, the survival times and the sets of checks. The six yes-or-no measures
  // come as the bits of one number (fewer columns to read per row).
  sql::Params params = {due_cutoff};
  std::string sql = keys +
                    ", r.leakage, r.leakage_intervention + 2 * r.paraplegia + 4 * r.other_harm + "
                    "8 * r.new_fracture + 16 * r.new_fracture_adjacent + "
                    "32 * r.new_fracture_distant, r.new_fracture_days, r.followed_days, "
                    "r.check_set FROM report_episodes r" +
                    report_where(all, params) + " ORDER BY r.procedure_date, r.episode_id";
  auto s = c_.each(sql, params, [&](const sql::Row& r) {
    auto& g = group_of(r);
    auto& c = g.counts;
    const std::int64_t flags = r.i64(4);
    ++c.cases;
    g.late_procedures += r.i64(2);
    c.leakage += report_yes(r, 3);
    c.leakage_known += r.is_null(3) ? 0 : 1;
    c.leakage_intervention += flags & 1;
    c.paraplegia += (flags >> 1) & 1;
    c.other_harm += (flags >> 2) & 1;
    c.new_fracture += (flags >> 3) & 1;
    c.new_fracture_adjacent += (flags >> 4) & 1;
    c.new_fracture_distant += (flags >> 5) & 1;
    if (!chosen(r.i64(1))) return;
    ReportSurvivalRow time;
    if (!r.is_null(5)) time.new_fracture_days = static_cast<int>(r.i64(5));
    time.followed_days = static_cast<int>(r.i64(6));
    out.survival.push_back(time);
    ++per_set[r.i64(7)];
    if (r.is_null(0)) return;
    ReportCaseRow k;
    k.primary_operator = domain::OperatorId{r.i64(0)};
    k.leakage = report_flag_of(r, 3);
    k.leakage_intervention = (flags & 1) != 0;
    k.paraplegia = (flags & 2) != 0;
    k.other_harm = (flags & 4) != 0;
    k.new_fracture = (flags & 8) != 0;
    cases[k.primary_operator.value].push_back(k);
  });
  if (!s) return std::move(s).error();

  // The efficacy measures at the time point: its visit rows.
  params = {due_cutoff};
  sql = keys +
        ", r.exited, r.pain_relief, r.reduced_medication, r.improved_mobility, r.satisfied "
        "FROM report_visits r" +
        report_where(all, params) + " AND r.time_point = ?";
  params.emplace_back(time_point);
  s = c_.each(sql, params, [&](const sql::Row& r) {
    auto& g = group_of(r);
    auto& c = g.counts;
    g.late_visits += r.i64(2);
    if (r.i64(3) != 0) {
      ++c.exited;
      return;
    }
    ++c.recorded;
    c.pain_yes += report_yes(r, 4);
    c.pain_no += report_no(r, 4);
    c.meds_yes += report_yes(r, 5);
    c.meds_no += report_no(r, 5);
    c.mobility_yes += report_yes(r, 6);
    c.mobility_no += report_no(r, 6);
    c.satisfied_yes += report_yes(r, 7);
    c.satisfied_no += report_no(r, 7);
  });
  if (!s) return std::move(s).error();

  out.groups.reserve(groups.size());
  for (auto& [key, g] : groups) {
    g.counts.key = key.first;
    g.counts.site = key.second;
    g.counts.not_due = g.late_procedures - g.late_visits;
    out.groups.push_back(g.counts);
    if (chosen(key.second)) add_counts(out.total, g.counts);
  }
  std::vector<std::int64_t> operators;
  std::size_t n = 0;
  for (const auto& [op, list] : cases) {
    operators.push_back(op);
    n += list.size();
  }
  std::sort(operators.begin(), operators.end());
  out.cases.reserve(n);
  for (auto op : operators) {
    const auto& list = cases[op];
    out.cases.insert(out.cases.end(), list.begin(), list.end());
  }

  // Each set's checks, counted as many times as procedures have the set.
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> counts;
  s = c_.each("SELECT id, checks FROM report_check_sets", {}, [&](const sql::Row& r) {
    const auto procedures = per_set.find(r.i64(0));
    if (procedures == per_set.end()) return;
    for_each_check(r.view(1), [&](std::string_view kind, std::string_view name,
                                  std::string_view result) {
      counts[{std::string(kind), std::string(name), std::string(result)}] += procedures->second;
    });
  });
  if (!s) return std::move(s).error();
  out.checks.reserve(counts.size());
  for (const auto& [key, count] : counts) {
    out.checks.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
  }
  return out;
}

Result<std::vector<ReportShortfallRow>> SqlTx::report_shortfalls(const ReportFilter& f,
                                                                 const std::string& time_point,
                                                                 const std::string& due_cutoff,
                                                                 int limit) {
  // One (kind, name) at a time, in the order they are listed, until `limit` rows: each is read
  // from the index on report_checks (result, kind, name) or, for the missing follow-ups, by
  // procedure date, so a long list costs no more than the rows it keeps. The (kind, name)
  // pairs that fell short somewhere come from the sets of checks (a few hundred texts, not
  // every check row).
  std::vector<std::pair<std::string, std::string>> order;
  auto sets = c_.each("SELECT checks FROM report_check_sets", {}, [&](const sql::Row& r) {
    for_each_check(r.view(0), [&](std::string_view kind, std::string_view name,
                                  std::string_view result) {
      if (result == "after_block" || result == "overridden" || result == "not_met") {
        order.emplace_back(kind, name);
      }
    });
  });
  if (!sets) return std::move(sets).error();
  order.emplace_back("follow_up", time_point);
  std::sort(order.begin(), order.end());
  order.erase(std::unique(order.begin(), order.end()), order.end());
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

}  // namespace vertebro::store
