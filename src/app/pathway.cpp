#include "app/pathway.h"

#include <algorithm>

#include "app/access.h"
#include "app/audit_trail.h"
#include "app/learning_curves.h"
#include "app/pathway_detail.h"
#include "app/procedure_cement.h"
#include "app/referrals.h"
#include "base/log.h"
#include "domain/text.h"
#include "store/store.h"

namespace vertebro::app {

using domain::PathwayState;
using domain::Permission;
using nlohmann::json;

json finding_json(const guidance::Finding& f) {
  return {{"requirement", f.requirement},
          {"outcome", std::string(guidance::outcome_name(f.outcome))},
          {"message", f.message},
          {"pack", f.pack},
          {"evidence", f.evidence},
          {"required", f.required}};
}

json findings_json(const guidance::Findings& findings) {
  json out = json::array();
  for (const auto& f : findings) out.push_back(finding_json(f));
  return out;
}

namespace pathway_detail {

// The forward moves of the pathway and who may make them. Recording the procedure moves an
// episode from procedure to follow-up (save_form); follow-up and closing are later work.
const std::vector<MoveRule>& move_rules() {
  static const std::vector<MoveRule> rules = {
      {PathwayState::kReferral, PathwayState::kAssessment, Permission::kRecordAssessment},
      {PathwayState::kAssessment, PathwayState::kMdt, Permission::kRecordAssessment},
      {PathwayState::kMdt, PathwayState::kConsent, Permission::kManageMdt},
      {PathwayState::kConsent, PathwayState::kProcedure, Permission::kRecordConsent},
  };
  return rules;
}

const MoveRule* find_move(PathwayState from, PathwayState to) {
  for (const auto& r : move_rules()) {
    if (r.from == from && r.to == to) return &r;
  }
  return nullptr;
}

// The recorded steps back: each by the roles that may make the forward move it undoes. From
// MDT also by those who manage the MDT: returning a case for more information is the MDT's.
const std::vector<StepBackRule>& step_back_rules() {
  static const std::vector<StepBackRule> rules = {
      {PathwayState::kMdt, PathwayState::kAssessment,
       {Permission::kRecordAssessment, Permission::kManageMdt}},
      {PathwayState::kConsent, PathwayState::kMdt, {Permission::kManageMdt}},
      {PathwayState::kProcedure, PathwayState::kConsent, {Permission::kRecordConsent}},
  };
  return rules;
}

const StepBackRule* find_step_back(PathwayState from, PathwayState to) {
  for (const auto& r : step_back_rules()) {
    if (r.from == from && r.to == to) return &r;
  }
  return nullptr;
}

bool may_step_back(domain::Role role, const StepBackRule& rule) {
  return std::any_of(rule.permissions.begin(), rule.permissions.end(),
                     [&](Permission p) { return role_allows(role, p); });
}

namespace {

Result<std::optional<StoredForm>> load_form(store::Tx& tx, EpisodeId id, FormKind kind) {
  auto f = tx.find_episode_form(id, std::string(form_kind_name(kind)));
  if (!f) return std::move(f).error();
  std::optional<StoredForm> out;
  if (f->has_value()) {
    auto doc = json::parse((*f)->data, nullptr, false);
    if (doc.is_discarded()) return Error::internal("A stored form cannot be read");
    out.emplace(StoredForm{std::move(doc), (*f)->version, (*f)->updated_at});
  }
  return out;
}

Result<std::vector<EpisodeMdt>> load_mdt(store::Tx& tx, EpisodeId id) {
  auto cases = tx.episode_mdt_cases(id);
  if (!cases) return std::move(cases).error();
  std::vector<EpisodeMdt> out;
  for (auto& c : *cases) {
    auto m = tx.find_meeting(c.meeting);
    if (!m) return std::move(m).error();
    if (!m->has_value()) return Error::internal("An MDT listing refers to a missing meeting");
    auto a = tx.meeting_attendees(c.meeting);
    if (!a) return std::move(a).error();
    out.push_back({std::move(**m), std::move(c), std::move(*a)});
  }
  return out;
}

}  // namespace

std::optional<domain::Date> iso_date(const std::string& s) {
  if (s.empty()) return std::nullopt;
  auto d = domain::Date::parse(s, "date", "Date");
  if (!d) return std::nullopt;
  return *d;
}

// The operator profiles active at `site` (the procedure form's choices), by name.
static Result<std::vector<SiteOperator>> site_operators(store::Tx& tx, SiteId site) {
  auto all = tx.list_operators();
  if (!all) return std::move(all).error();
  std::vector<SiteOperator> out;
  for (const auto& op : *all) {
    if (op.active && std::find(op.sites.begin(), op.sites.end(), site) != op.sites.end()) {
      out.push_back({op.id.value, op.display_name});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const SiteOperator& a, const SiteOperator& b) { return a.name < b.name; });
  return out;
}

Result<Loaded> load_all(store::Tx& tx, const store::EpisodeRecord& e) {
  Loaded l;
  l.referral_date = e.referral.referral_date;
  for (auto [kind, slot] : {std::pair{FormKind::kAssessment, &l.assessment},
                            std::pair{FormKind::kConsent, &l.consent},
                            std::pair{FormKind::kProcedure, &l.procedure}}) {
    auto f = load_form(tx, e.id, kind);
    if (!f) return std::move(f).error();
    *slot = std::move(*f);
  }
  auto mdt = load_mdt(tx, e.id);
  if (!mdt) return std::move(mdt).error();
  l.mdt = std::move(*mdt);
  auto s = tx.find_site_surgery(e.referral.site);
  if (!s) return std::move(s).error();
  l.surgery = std::move(*s);
  auto ops = site_operators(tx, e.referral.site);
  if (!ops) return std::move(ops).error();
  l.site_operators = std::move(*ops);
  if (l.procedure) {
    auto r = procedure_cement::recalls(tx, l.procedure->document);
    if (!r) return std::move(r).error();
    l.cement_recalls = std::move(*r);
    auto signed_off = procedure_sign_offs(tx, l.procedure->document);
    if (!signed_off) return std::move(signed_off).error();
    l.operator_sign_offs = std::move(*signed_off);
  }
  return l;
}

Result<std::map<std::int64_t, std::vector<domain::SignOffRecord>>> procedure_sign_offs(
    store::Tx& tx, const json& document) {
  std::map<std::int64_t, std::vector<domain::SignOffRecord>> out;
  for (const char* key : {"primary_operator_id", "supervisor_id"}) {
    const auto id = document.find(key);
    if (id == document.end() || !id->is_number_integer()) continue;
    auto found = tx.operator_sign_offs(domain::OperatorId{id->get<std::int64_t>()});
    if (!found) return std::move(found).error();
    out[id->get<std::int64_t>()] = std::move(*found);
  }
  return out;
}

SnapshotSources sources_of(const Loaded& l) {
  SnapshotSources src;
  src.referral_date = l.referral_date;
  if (l.assessment) src.assessment = l.assessment->document;
  if (l.consent) src.consent = l.consent->document;
  if (l.procedure) src.procedure = l.procedure->document;
  src.mdt = l.mdt;
  src.surgery = l.surgery;
  src.cement_recalls = l.cement_recalls;
  src.operator_sign_offs = l.operator_sign_offs;
  return src;
}

guidance::EpisodeSnapshot snapshot_of(const Loaded& l, domain::Date today) {
  return episode_snapshot(sources_of(l), today);
}

GateCheck check_gate(guidance::Gate gate, PathwayState to, const guidance::EpisodeSnapshot& snap,
                     const UnitConfig& config, const Actor& actor) {
  GateCheck g;
  g.gate = gate;
  g.to = to;
  g.findings = guidance::evaluate(gate, snap, config.rules);
  g.blocked = guidance::blocks(g.findings);
  g.may_override = config.may_override(actor.user.role, gate);
  g.procedure_date = snap.procedure_date;
  return g;
}

void put_check(store::TransitionRecord& t, const GateCheck& check) {
  t.gate = std::string(guidance::gate_name(check.gate));
  t.findings = findings_json(check.findings).dump();
  t.rule_pack_version = std::string(guidance::kRulePackVersion);
  t.blocked = check.blocked;
}

Status record_transition(store::Tx& tx, const Context& ctx, const Actor& actor,
                         const store::EpisodeRecord& before, const store::EpisodeRecord& after,
                         store::TransitionRecord t) {
  t.episode = before.id;
  t.from_state = std::string(domain::state_name(before.state));
  t.to_state = std::string(domain::state_name(after.state));
  t.at = ctx.now_text();
  t.user = actor.user.id;
  t.username = actor.user.username;
  if (t.findings.empty()) t.findings = "[]";
  auto id = tx.insert_transition(t);
  if (!id) return std::move(id).error();
  json detail = {{"from", t.from_state}, {"to", t.to_state}, {"transition_id", *id},
                 {"version", after.version}};
  if (!t.gate.empty()) {
    detail["gate"] = t.gate;
    detail["rule_pack_version"] = t.rule_pack_version;
    detail["blocked"] = t.blocked;
  }
  if (!t.procedure_date.empty()) detail["procedure_date"] = t.procedure_date;
  if (!t.override_reason.empty()) detail["override_reason"] = t.override_reason;
  if (!t.step_back_reason.empty()) detail["step_back_reason"] = t.step_back_reason;
  if (!t.exit_reason.empty()) {
    detail["exit_reason"] = t.exit_reason;
    detail["exit_date"] = t.exit_date;
  }
  return audit(tx, ctx, actor, "transition",
               {"episode", before.id.value, before.patient.value, before.referral.site.value},
               detail.dump());
}

Status audit_gate_blocked(store::Tx& tx, const Context& ctx, const Actor& actor,
                          const store::EpisodeRecord& e, const store::TransitionRecord& t,
                          const guidance::Findings& findings) {
  json detail = {{"gate", t.gate},
                 {"rule_pack_version", t.rule_pack_version},
                 {"findings", findings_json(findings)}};
  if (!t.procedure_date.empty()) detail["procedure_date"] = t.procedure_date;
  return audit(tx, ctx, actor, "gate_blocked",
               {"episode", e.id.value, e.patient.value, e.referral.site.value}, detail.dump());
}

json top_level_changes(const json& before, const json& after) {
  json changes = json::object();
  for (const auto& [key, value] : after.items()) {
    if (!before.contains(key) || before[key] != value) {
      changes[key] = {{"from", before.contains(key) ? before[key] : json()}, {"to", value}};
    }
  }
  for (const auto& [key, value] : before.items()) {
    if (!after.contains(key)) changes[key] = {{"from", value}, {"to", nullptr}};
  }
  return changes;
}

}  // namespace pathway_detail

namespace {

using namespace pathway_detail;

bool form_open(FormKind kind, PathwayState s) {
  switch (kind) {
    case FormKind::kAssessment:
      return s == PathwayState::kReferral || s == PathwayState::kAssessment ||
             s == PathwayState::kMdt;
    case FormKind::kConsent:
      return s == PathwayState::kConsent || s == PathwayState::kProcedure;
    case FormKind::kProcedure:
      return s == PathwayState::kProcedure || s == PathwayState::kFollowUp;
  }
  return false;
}

Permission form_permission(FormKind kind) {
  switch (kind) {
    case FormKind::kAssessment: return Permission::kRecordAssessment;
    case FormKind::kConsent: return Permission::kRecordConsent;
    case FormKind::kProcedure: return Permission::kRecordProcedure;
  }
  return Permission::kRecordProcedure;
}

// The gate of the episode's next forward move (the first gated move from its state).
std::optional<std::pair<guidance::Gate, PathwayState>> next_gate_of(PathwayState s) {
  for (const auto& r : move_rules()) {
    if (r.from != s) continue;
    if (auto g = guidance::gate_into(r.to)) return std::pair{*g, r.to};
  }
  return std::nullopt;
}

// The planned procedure date of the latest move to procedure, if it recorded one.
std::optional<domain::Date> planned_date_of(const std::vector<store::TransitionRecord>& ts) {
  for (auto it = ts.rbegin(); it != ts.rend(); ++it) {
    if (it->to_state == domain::state_name(PathwayState::kProcedure) &&
        it->from_state != it->to_state) {
      return iso_date(it->procedure_date);
    }
  }
  return std::nullopt;
}

// The findings (as stored) of the last recorded-procedure check, if any.
std::optional<std::string> last_procedure_check(const std::vector<store::TransitionRecord>& ts) {
  const std::string gate(guidance::gate_name(guidance::Gate::kProcedureRecorded));
  for (auto it = ts.rbegin(); it != ts.rend(); ++it) {
    if (it->gate == gate) return it->findings;
  }
  return std::nullopt;
}

}  // namespace

Result<PathwayView> view_pathway(const Context& ctx, const Actor& actor, EpisodeId id) {
  if (!role_allows(actor.user.role, Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  std::optional<PathwayView> view;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto e = load_visible_episode(tx, refusals, actor, id);
    if (!e) return std::move(e).error();
    auto loaded = load_all(tx, *e);
    if (!loaded) return std::move(loaded).error();
    auto transitions = tx.episode_transitions(id);
    if (!transitions) return std::move(transitions).error();
    auto config = load_unit_config(tx);
    if (!config) return std::move(config).error();
    auto patient = tx.find_patient(e->patient);
    if (!patient) return std::move(patient).error();
    if (!patient->has_value()) return Error::internal("An episode refers to a missing patient");
    auto sites = tx.list_sites();
    if (!sites) return std::move(sites).error();
    PathwayView v;
    v.episode = *e;
    v.patient = std::move(**patient);
    for (const auto& site : *sites) {
      if (site.id == e->referral.site) v.site_name = site.name;
    }
    v.assessment = loaded->assessment;
    v.consent = loaded->consent;
    v.procedure = loaded->procedure;
    v.mdt = loaded->mdt;
    v.site_operators = loaded->site_operators;
    v.surgery = loaded->surgery;
    v.transitions = std::move(*transitions);
    const domain::Role role = actor.user.role;
    for (const auto& r : move_rules()) {
      if (r.from == e->state && role_allows(role, r.permission)) v.moves.push_back(r.to);
    }
    for (const auto& r : step_back_rules()) {
      if (r.from == e->state && may_step_back(role, r)) v.step_back = r.to;
    }
    v.may_exit = !domain::is_final(e->state) && role_allows(role, Permission::kRecordExit);
    for (auto k : {FormKind::kAssessment, FormKind::kConsent, FormKind::kProcedure}) {
      if (form_open(k, e->state) && role_allows(role, form_permission(k))) {
        v.editable_forms.push_back(k);
      }
    }
    auto snap = snapshot_of(*loaded, domain::Date::today(ctx.clock()));
    if (auto next = next_gate_of(e->state)) {
      v.next_gate = check_gate(next->first, next->second, snap, *config, actor);
      // A role the unit allows to override the gate may make the move, as an override.
      const bool listed = std::find(v.moves.begin(), v.moves.end(), next->second) != v.moves.end();
      if (!listed && v.next_gate->blocked && v.next_gate->may_override) {
        v.moves.push_back(next->second);
      }
    } else if (e->state == PathwayState::kProcedure) {
      v.planned_procedure_date = planned_date_of(v.transitions);
      if (v.planned_procedure_date) {
        snap.procedure_date = v.planned_procedure_date;
        snap.procedure_date_planned = true;
      }
      v.next_gate = check_gate(guidance::Gate::kProcedureRecorded, PathwayState::kFollowUp, snap,
                               *config, actor);
    }
    v.window = guidance::refractory_window(snap, config->rules);
    if (loaded->procedure) {
      auto visits = tx.episode_follow_up_visits(id);
      if (!visits) return std::move(visits).error();
      guidance::EpisodeSnapshot recorded;
      fill_from_procedure(loaded->procedure->document, recorded);
      v.follow_ups = follow_up_slots(config->follow_up_time_points, config->primary_follow_up,
                                     recorded.procedure_date, *visits,
                                     domain::Date::today(ctx.clock()));
      v.may_record_follow_up = e->state == PathwayState::kFollowUp &&
                               role_allows(role, Permission::kRecordFollowUp);
      auto complications = tx.episode_complications(id);
      if (!complications) return std::move(complications).error();
      v.complications = std::move(*complications);
      v.may_record_complication = role_allows(role, Permission::kRecordFollowUp);
      auto reports = tx.episode_yellow_card_reports(id);
      if (!reports) return std::move(reports).error();
      for (auto& r : *reports) v.yellow_cards.emplace(r.complication, std::move(r));
      v.may_report_device_incidents = role_allows(role, Permission::kReportDeviceIncidents);
      const Baseline baseline =
          loaded->assessment ? baseline_of(loaded->assessment->document) : Baseline{};
      std::vector<std::pair<std::string, VisitOutcomes>> judged;
      for (const auto& visit : *visits) {
        const json doc = json::parse(visit.data, nullptr, false);
        judged.emplace_back(visit.time_point,
                            judge_visit(doc, baseline, recorded.treated_levels,
                                        config->outcome_definitions));
      }
      std::vector<json> events;
      for (const auto& c : v.complications) events.push_back(json::parse(c.data, nullptr, false));
      v.measures = measure_episode(loaded->procedure->document, judged, events,
                                   config->primary_follow_up);
    }
    view = std::move(v);
    return audit(tx, ctx, actor, "read",
                 {"episode", id.value, e->patient.value, e->referral.site.value},
                 R"({"view":"pathway"})");
  });
  if (!s) return std::move(s).error();
  return std::move(*view);
}

namespace {

// The recorded-procedure check of a procedure form about to be saved: runs gate
// procedure_recorded at the form's own date. Returns whether the check must be recorded (always
// when the procedure is first recorded; on a correction, only when its findings differ from the
// last stored check), with `t` filled for the transition.
Result<bool> check_recorded_procedure(store::Tx& tx, const store::EpisodeRecord& e, Loaded loaded,
                                      const json& document, const Context& ctx, const Actor& actor,
                                      GateCheck& check, store::TransitionRecord& t,
                                      UnitConfig& config) {
  auto c = load_unit_config(tx);
  if (!c) return std::move(c).error();
  config = std::move(*c);
  loaded.procedure = StoredForm{document, 0, ""};
  auto recalls = procedure_cement::recalls(tx, document);
  if (!recalls) return std::move(recalls).error();
  loaded.cement_recalls = std::move(*recalls);
  auto signed_off = procedure_sign_offs(tx, document);
  if (!signed_off) return std::move(signed_off).error();
  loaded.operator_sign_offs = std::move(*signed_off);
  auto snap = snapshot_of(loaded, domain::Date::today(ctx.clock()));
  snap.procedure_date_planned = false;
  check = check_gate(guidance::Gate::kProcedureRecorded, PathwayState::kFollowUp, snap, config,
                     actor);
  put_check(t, check);
  if (snap.procedure_date) t.procedure_date = snap.procedure_date->iso();
  if (e.state != PathwayState::kFollowUp) return true;
  auto transitions = tx.episode_transitions(e.id);
  if (!transitions) return std::move(transitions).error();
  return last_procedure_check(*transitions) != t.findings;
}

// Rewrites the procedure_operators index of the episode from its saved procedure document: the
// profiles it names as primary operator and supervisor (a visiting operator has no profile).
Status index_operators(store::Tx& tx, EpisodeId id, const json& document) {
  const std::string date = document.value("date", "");
  const bool supervised = document.contains("supervisor") || document.contains("supervisor_id");
  bool leakage = false, symptomatic = false;
  if (const auto levels = document.find("levels"); levels != document.end() && levels->is_array()) {
    for (const auto& level : *levels) {
      const auto leak = level.find("leakage");
      if (leak == level.end() || !leak->is_array() || leak->empty()) continue;
      leakage = true;
      symptomatic = symptomatic || level.value("leakage_symptomatic", false);
    }
  }
  std::vector<store::ProcedureOperatorRow> rows;
  for (const auto& [key, role] : {std::pair{"primary_operator_id", "primary"},
                                  std::pair{"supervisor_id", "supervisor"}}) {
    const auto op = document.find(key);
    if (op == document.end() || !op->is_number_integer()) continue;
    const bool primary = std::string(role) == "primary";
    rows.push_back({role, domain::OperatorId{op->get<std::int64_t>()}, primary && supervised, date,
                    primary && leakage, primary && symptomatic});
  }
  return tx.put_procedure_operators(id, rows);
}

// Records the signals the saved procedure raised on its primary operator's learning curve, and
// on the curve of the primary operator it named before a correction (one fewer case can also
// raise a curve).
Status record_signals(store::Tx& tx, const Context& ctx, const Actor& actor,
                      const json& document, const json* before) {
  std::vector<std::int64_t> ops;
  for (const json* doc : {&document, before}) {
    if (doc == nullptr) continue;
    const auto op = doc->find("primary_operator_id");
    if (op == doc->end() || !op->is_number_integer()) continue;
    const std::int64_t id = op->get<std::int64_t>();
    if (std::find(ops.begin(), ops.end(), id) == ops.end()) ops.push_back(id);
  }
  if (ops.empty()) return {};
  auto settings = load_training_settings(tx);
  if (!settings) return std::move(settings).error();
  for (const std::int64_t id : ops) {
    auto n = record_learning_curve_signals(tx, ctx, actor, domain::OperatorId{id}, *settings);
    if (!n) return std::move(n).error();
  }
  return {};
}

}  // namespace

Result<FormSaved> save_form(const Context& ctx, const Actor& actor, EpisodeId id, FormKind kind,
                            std::int64_t expected_version, const json& input,
                            const std::string& override_reason) {
  const std::string kind_name(form_kind_name(kind));
  if (!role_allows(actor.user.role, form_permission(kind))) {
    return Error::forbidden("Your role cannot record the " + kind_name);
  }
  std::vector<FieldError> reason_errors;
  const std::string reason = domain::checked_text(override_reason, "override_reason",
                                                  "reason for the override", 2000, false,
                                                  reason_errors);
  if (!reason.empty() && kind != FormKind::kProcedure) {
    reason_errors.push_back({"override_reason", "Only the procedure is checked when it is saved"});
  }
  if (!reason_errors.empty()) return Error::invalid(std::move(reason_errors));
  std::optional<FormSaved> saved;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto e = load_visible_episode(tx, refusals, actor, id);
    if (!e) return std::move(e).error();
    if (!form_open(kind, e->state)) {
      return Error::wrong_state("The " + kind_name + " cannot be recorded while the episode is at " +
                             std::string(domain::state_label(e->state)) + ".");
    }
    auto p = tx.find_patient(e->patient);
    if (!p) return std::move(p).error();
    if (!p->has_value()) return Error::internal("An episode refers to a missing patient");
    auto loaded = load_all(tx, *e);
    if (!loaded) return std::move(loaded).error();
    const std::optional<StoredForm>& current = kind == FormKind::kAssessment ? loaded->assessment
                                               : kind == FormKind::kConsent  ? loaded->consent
                                                                             : loaded->procedure;
    const std::int64_t stored_version = current ? current->version : 0;
    FormContext fc = form_context(sources_of(*loaded), domain::Date::today(ctx.clock()),
                                  (*p)->details.date_of_birth);
    fc.site_operators = loaded->site_operators;
    if (kind == FormKind::kProcedure) {
      if (auto r = procedure_cement::resolve_packs(tx, ctx, input, fc); !r) return r;
    }
    auto valid = validate_form(kind, input, fc);
    if (!valid) return std::move(valid).error();
    if (stored_version != expected_version) {
      return Error::conflict("Someone else saved the " + kind_name +
                             " after you opened it. Your changes were not saved.");
    }
    FormSaved out;
    store::TransitionRecord t;
    bool record_check = false;
    if (kind == FormKind::kProcedure) {
      GateCheck check;
      UnitConfig config;
      auto record = check_recorded_procedure(tx, *e, *loaded, valid->document, ctx, actor, check,
                                             t, config);
      if (!record) return std::move(record).error();
      record_check = *record;
      if (record_check && check.blocked) {
        if (reason.empty()) {
          saved = FormSaved{false, {}, {}, *e, check, false};
          return audit_gate_blocked(tx, ctx, actor, *e, t, check.findings);
        }
        if (!check.may_override) return Error::forbidden(override_refusal(config, check.gate));
        t.override_reason = reason;
        t.override_role = std::string(domain::role_name(actor.user.role));
        out.overridden = true;
      }
      if (record_check) out.check = std::move(check);
      if (auto r = procedure_cement::register_new_lots(tx, ctx, actor, valid->document); !r) {
        return r;
      }
      if (auto r = procedure_cement::index_packs(tx, id, valid->document); !r) return r;
      if (auto r = index_operators(tx, id, valid->document); !r) return r;
      if (auto r = record_signals(tx, ctx, actor, valid->document,
                                  current ? &current->document : nullptr);
          !r) {
        return r;
      }
    }
    auto put = tx.put_episode_form(id, kind_name, expected_version, valid->document.dump(),
                                   actor.user.id, ctx.now_text());
    if (!put) return std::move(put).error();
    const json before = current ? current->document : json::object();
    if (auto a = audit(tx, ctx, actor, current ? "update" : "create",
                       {"episode", id.value, e->patient.value, e->referral.site.value},
                       json{{"form", kind_name},
                            {"form_version", put->version},
                            {"changes", top_level_changes(before, valid->document)}}
                           .dump());
        !a) {
      return a;
    }
    out.form = StoredForm{valid->document, put->version, put->updated_at};
    out.warnings = std::move(valid->warnings);
    out.episode = *e;
    if (kind == FormKind::kProcedure && e->state == PathwayState::kProcedure) {
      auto moved = tx.set_episode_state(id, e->version, PathwayState::kFollowUp, ctx.now_text());
      if (!moved) return std::move(moved).error();
      if (auto r = record_transition(tx, ctx, actor, *e, *moved, t); !r) return r;
      out.episode = *moved;
    } else if (record_check) {
      // A correction in follow-up whose check differs from the last one stored: kept as a
      // re-check, follow-up to follow-up.
      if (auto r = record_transition(tx, ctx, actor, *e, *e, t); !r) return r;
    }
    saved = std::move(out);
    return {};
  });
  if (!s) return std::move(s).error();
  if (saved->saved) {
    log::info("user {} saved the {} of episode {} (version {}){}", actor.user.username, kind_name,
              id.value, saved->form.version, saved->overridden ? " with an override" : "");
  }
  return std::move(*saved);
}

}  // namespace vertebro::app
