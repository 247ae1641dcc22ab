#include "app/report_measures.h"

#include <algorithm>
#include <array>
#include <tuple>

#include <nlohmann/json.hpp>

#include "app/follow_up_visits.h"
#include "app/measures.h"
#include "app/pathway_forms.h"
#include "guidance/rules.h"
#include "guidance/snapshot.h"
#include "store/store.h"

namespace vertebro::app {

namespace {

using nlohmann::json;

constexpr int kRefreshBatch = 500;

// What the rows are made with: the outcome definitions and the schedule with its windows.
std::string report_basis(const UnitConfig& config) {
  json points = json::array();
  for (const auto& p : config.follow_up_time_points) {
    points.push_back({p.name(), p.window_before_days, p.window_after_days});
  }
  const auto& d = config.outcome_definitions;
  return json{{"version", 1},
              {"pain", {d.pain_min_fall_points, d.pain_min_fall_percent}},
              {"mobility", d.mobility_min_steps},
              {"time_points", points}}
      .dump();
}

std::optional<domain::Date> report_date(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto d = domain::Date::parse(text, "date", "date");
  if (!d) return std::nullopt;
  return *d;
}

// The date a patient died or withdrew, for an episode ended so.
std::optional<domain::Date> exit_date_of(const domain::EpisodeRecord& e,
                                         const std::vector<domain::TransitionRecord>& transitions) {
  if (e.state != domain::PathwayState::kDeceased && e.state != domain::PathwayState::kWithdrawn) {
    return std::nullopt;
  }
  if (transitions.empty()) return std::nullopt;
  return report_date(transitions.back().exit_date);
}

// The requirements the compliance report reads from the recorded procedure's check: the MDT
// with both specialties before the procedure, consent, spinal surgery access, the operator's
// training and the cement's preparation (HTG3.md, "Recommendations").
constexpr std::array<const char*, 5> kComplianceRules = {
    "HTG3-1.2-MDT", "HTG3-1.1", "HTG3-1.2-SURGERY", "HTG3-1.2-TRAINING", "HTG3-1.2-CEMENT"};

bool finding_fails(const json& f) {
  const std::string outcome = f.value("outcome", "");
  return outcome == "fail" || outcome == "missing";
}

// The compliance rows of an episode (store::ReportCheckRow) from its transitions and its
// blocked gate attempts: each gate's first pass (first time, after a block, or overridden, with
// the requirements the override passed), and the recorded procedure's judgement of each
// HTG3 requirement in kComplianceRules.
std::vector<store::ReportCheckRow> compliance_of(
    const std::vector<domain::TransitionRecord>& transitions,
    const std::vector<std::pair<std::string, std::string>>& blocks) {
  std::vector<store::ReportCheckRow> out;
  for (const auto gate : guidance::all_gates()) {
    const std::string name(guidance::gate_name(gate));
    const auto pass = std::find_if(
        transitions.begin(), transitions.end(),
        [&](const domain::TransitionRecord& t) { return t.gate == name; });
    if (pass == transitions.end()) continue;
    store::ReportCheckRow row{"gate", name, "", "first_time", ""};
    if (!pass->override_reason.empty()) {
      row.result = "overridden";
      row.reason = pass->override_reason;
      const json findings = json::parse(pass->findings, nullptr, false);
      if (findings.is_array()) {
        for (const auto& f : findings) {
          if (!f.is_object() || !f.value("required", true) || !finding_fails(f)) continue;
          out.push_back({"override", f.value("requirement", ""), name, "overridden",
                         pass->override_reason});
        }
      }
    } else {
      const bool blocked_before = std::any_of(blocks.begin(), blocks.end(), [&](const auto& b) {
        const json detail = json::parse(b.second, nullptr, false);
        return b.first <= pass->at && detail.is_object() && detail.value("gate", "") == name;
      });
      if (blocked_before) row.result = "after_block";
    }
    out.push_back(std::move(row));
  }
  const std::string recorded(guidance::gate_name(guidance::Gate::kProcedureRecorded));
  const auto check = std::find_if(transitions.rbegin(), transitions.rend(),
                                  [&](const domain::TransitionRecord& t) { return t.gate == recorded; });
  if (check != transitions.rend()) {
    const json findings = json::parse(check->findings, nullptr, false);
    for (const char* rule : kComplianceRules) {
      if (!findings.is_array()) break;
      const auto f = std::find_if(findings.begin(), findings.end(), [&](const json& x) {
        return x.is_object() && x.value("requirement", "") == rule;
      });
      if (f == findings.end()) continue;
      out.push_back({"rule", rule, "", finding_fails(*f) ? "not_met" : "met", ""});
    }
  }
  // One row per (kind, name, gate): an override may name a requirement twice.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.kind, a.name, a.gate) < std::tie(b.kind, b.name, b.gate);
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& a, const auto& b) {
                          return a.kind == b.kind && a.name == b.name && a.gate == b.gate;
                        }),
            out.end());
  return out;
}

// Works out one episode's rows; drops them when it has no dated procedure.
Status refresh_one(store::Tx& tx, const UnitConfig& config, EpisodeId id) {
  auto episode = tx.find_episode(id);
  if (!episode) return std::move(episode).error();
  auto procedure_form = tx.find_episode_form(id, "procedure");
  if (!procedure_form) return std::move(procedure_form).error();
  if (!*episode || !*procedure_form) return tx.drop_report_episode(id);
  const auto& e = **episode;
  const json procedure = json::parse((*procedure_form)->data, nullptr, false);
  guidance::EpisodeSnapshot recorded;
  if (procedure.is_object()) fill_from_procedure(procedure, recorded);
  if (!recorded.procedure_date) return tx.drop_report_episode(id);
  const domain::Date done = *recorded.procedure_date;

  auto assessment = tx.find_episode_form(id, "assessment");
  if (!assessment) return std::move(assessment).error();
  const Baseline baseline =
      *assessment ? baseline_of(json::parse((*assessment)->data, nullptr, false)) : Baseline{};
  auto visits = tx.episode_follow_up_visits(id);
  if (!visits) return std::move(visits).error();
  auto complications = tx.episode_complications(id);
  if (!complications) return std::move(complications).error();
  auto transitions = tx.episode_transitions(id);
  if (!transitions) return std::move(transitions).error();
  auto blocks = tx.episode_gate_blocks(id);
  if (!blocks) return std::move(blocks).error();
  const auto ended = exit_date_of(e, *transitions);

  store::ReportEpisodeRow row;
  row.episode = id;
  row.site = e.referral.site;
  if (procedure.is_object()) {
    const auto op = procedure.find("primary_operator_id");
    if (op != procedure.end() && op->is_number_integer()) {
      row.primary_operator = domain::OperatorId{op->get<std::int64_t>()};
    }
  }
  row.indication = std::string(domain::indication_name(e.referral.indication));
  row.procedure_date = done.iso();
  row.state = std::string(domain::state_name(e.state));

  // The efficacy measures at each recorded visit; the time to the first new fracture and the
  // latest finding.
  std::vector<std::pair<std::string, VisitOutcomes>> judged;
  std::vector<store::ReportVisitRow> visit_rows;
  long followed = 0;
  std::optional<long> fracture_days;
  auto note_fracture = [&](long days) {
    if (!fracture_days || days < *fracture_days) fracture_days = days;
  };
  for (const auto& v : *visits) {
    const json doc = json::parse(v.data, nullptr, false);
    auto o = judge_visit(doc, baseline, recorded.treated_levels, config.outcome_definitions);
    store::ReportVisitRow r;
    r.time_point = v.time_point;
    r.pain_relief = o.pain_relief;
    r.reduced_medication = o.reduced_medication;
    r.improved_mobility = o.improved_mobility;
    r.satisfied = satisfied_and_would_again(o);
    visit_rows.push_back(r);
    if (auto d = report_date(v.visit_date)) {
      const long days = std::max(0L, done.days_until(*d));
      followed = std::max(followed, days);
      if (!o.new_fractures.empty()) note_fracture(days);
    }
    judged.emplace_back(v.time_point, std::move(o));
  }
  std::vector<json> events;
  for (const auto& c : *complications) {
    events.push_back(json::parse(c.data, nullptr, false));
    if (auto d = report_date(c.event_date)) {
      const long days = std::max(0L, done.days_until(*d));
      followed = std::max(followed, days);
      if (c.kind == "new_vertebral_fracture") note_fracture(days);
    }
  }
  // A patient who died or withdrew is not expected at a time point whose window had not closed.
  if (ended) {
    for (const auto& p : config.follow_up_time_points) {
      const auto name = p.name();
      const bool recorded_there =
          std::any_of(visit_rows.begin(), visit_rows.end(),
                      [&](const store::ReportVisitRow& r) { return r.time_point == name; });
      if (recorded_there) continue;
      const auto due = guidance::follow_up_due(done, p, done);
      if (*ended <= due.window_end) {
        store::ReportVisitRow r;
        r.time_point = name;
        r.exited = true;
        visit_rows.push_back(r);
      }
    }
  }
  const auto m = measure_episode(procedure, judged, events, config.primary_follow_up);
  row.leakage = m.leakage;
  row.leakage_intervention = m.leakage_needing_intervention;
  row.paraplegia = m.paraplegia;
  row.other_harm = m.other_harm;
  row.new_fracture = m.new_fracture;
  row.new_fracture_adjacent = m.new_fracture_adjacent;
  row.new_fracture_distant = m.new_fracture_distant;
  if (fracture_days) row.new_fracture_days = static_cast<int>(*fracture_days);
  row.followed_days = static_cast<int>(followed);
  return tx.put_report_episode(row, visit_rows, compliance_of(*transitions, *blocks));
}

// Works out marked episodes, `batch` at a time, until none is left or (one_batch) after one.
Result<std::int64_t> refresh_batches(store::Tx& tx, const UnitConfig& config, int batch_size,
                                     bool one_batch) {
  const std::string basis = report_basis(config);
  auto stored = tx.get_meta("report_basis");
  if (!stored) return std::move(stored).error();
  if (!*stored || **stored != basis) {
    if (auto s = tx.mark_all_report_stale(); !s) return std::move(s).error();
    if (auto s = tx.set_meta("report_basis", basis); !s) return std::move(s).error();
  }
  std::int64_t done = 0;
  while (true) {
    auto batch = tx.report_stale_episodes(batch_size);
    if (!batch) return std::move(batch).error();
    for (const auto id : *batch) {
      if (auto s = refresh_one(tx, config, id); !s) return std::move(s).error();
    }
    done += static_cast<std::int64_t>(batch->size());
    if (one_batch || batch->size() < static_cast<std::size_t>(batch_size)) break;
  }
  return done;
}

}  // namespace

Result<std::int64_t> refresh_report_rows(store::Tx& tx, const UnitConfig& config) {
  return refresh_batches(tx, config, kRefreshBatch, false);
}

Result<std::int64_t> catch_up_report_rows(const Context& ctx, int batch) {
  std::int64_t total = 0;
  for (;;) {
    std::int64_t done = 0;
    auto s = ctx.write([&](store::Tx& tx) -> Status {
      auto config = load_unit_config(tx);
      if (!config) return std::move(config).error();
      auto n = refresh_batches(tx, *config, batch, true);
      if (!n) return std::move(n).error();
      done = *n;
      return {};
    });
    if (!s) return std::move(s).error();
    total += done;
    if (done < batch) return total;
  }
}

}  // namespace vertebro::app
