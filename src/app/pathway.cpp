#include "app/pathway.h"

#include <algorithm>

#include "app/audit_trail.h"
#include "app/referrals.h"
#include "base/log.h"
#include "domain/text.h"

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

std::vector<PathwayState> exit_states() {
  return {PathwayState::kDeclined, PathwayState::kWithdrawn, PathwayState::kNotSuitable,
          PathwayState::kDeceased};
}

namespace {

struct MoveRule {
  PathwayState from;
  PathwayState to;
  Permission permission;
};

// The forward moves of the pathway and who may make them. Recording the procedure moves an
// episode from procedure to follow-up (save_form); follow-up and closing are later work.
const std::vector<MoveRule>& move_rules() {
  static const std::vector<MoveRule> rules = {
      {PathwayState::kReferral, PathwayState::kAssessment, Permission::kRecordAssessment},
      {PathwayState::kAssessment, PathwayState::kMdt, Permission::kRecordAssessment},
      {PathwayState::kMdt, PathwayState::kConsent, Permission::kManageMdt},
      {PathwayState::kMdt, PathwayState::kAssessment, Permission::kManageMdt},
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

// Everything the rules read, from the store.
struct Loaded {
  domain::Date referral_date;
  std::optional<StoredForm> assessment, consent, procedure;
  std::vector<EpisodeMdt> mdt;
  std::optional<store::SiteSurgeryRecord> surgery;
};

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
  return l;
}

SnapshotSources sources_of(const Loaded& l) {
  SnapshotSources src;
  src.referral_date = l.referral_date;
  if (l.assessment) src.assessment = l.assessment->document;
  if (l.consent) src.consent = l.consent->document;
  if (l.procedure) src.procedure = l.procedure->document;
  src.mdt = l.mdt;
  src.surgery = l.surgery;
  return src;
}

guidance::EpisodeSnapshot snapshot_of(const Loaded& l, domain::Date today) {
  return episode_snapshot(sources_of(l), today);
}

// The gate of the episode's next forward move (the first gated move from its state).
std::optional<std::pair<guidance::Gate, PathwayState>> next_gate_of(PathwayState s) {
  for (const auto& r : move_rules()) {
    if (r.from != s) continue;
    if (auto g = guidance::gate_into(r.to)) return std::pair{*g, r.to};
  }
  return std::nullopt;
}

GateCheck check_gate(guidance::Gate gate, PathwayState to, const guidance::EpisodeSnapshot& snap,
                     const UnitConfig& config, const Actor& actor) {
  GateCheck g;
  g.gate = gate;
  g.to = to;
  g.findings = guidance::evaluate(gate, snap, config.rules);
  g.blocked = guidance::blocks(g.findings);
  g.may_override = config.may_override(actor.user.role, gate);
  return g;
}

Status record_transition(store::Tx& tx, const Context& ctx, const Actor& actor,
                         const store::EpisodeRecord& before, const store::EpisodeRecord& after,
                         store::TransitionRecord t) {
  t.episode = before.id;
  t.from_state = std::string(domain::state_name(before.state));
  t.to_state = std::string(domain::state_name(after.state));
  t.at = after.state_changed_at;
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
  if (!t.override_reason.empty()) detail["override_reason"] = t.override_reason;
  if (!t.exit_reason.empty()) {
    detail["exit_reason"] = t.exit_reason;
    detail["exit_date"] = t.exit_date;
  }
  return audit(tx, ctx, actor, "transition",
               {"episode", before.id.value, before.patient.value, before.referral.site.value},
               detail.dump());
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

// Runs a write whose refusals (not found) must still commit their "denied" audit entry.
template <class Body>
Status write_with_refusal(const Context& ctx, Error& refused, bool& was_refused, Body body) {
  return ctx.write([&](store::Tx& tx) -> Status {
    auto s = body(tx);
    if (!s && s.error().code == Errc::kNotFound) {
      refused = s.error();
      was_refused = true;
      return {};
    }
    return s;
  });
}

}  // namespace

Result<PathwayView> view_pathway(const Context& ctx, const Actor& actor, EpisodeId id) {
  if (!role_allows(actor.user.role, Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  std::optional<PathwayView> view;
  Error refused;
  bool was_refused = false;
  auto s = write_with_refusal(ctx, refused, was_refused, [&](store::Tx& tx) -> Status {
    auto e = load_visible_episode(tx, ctx, actor, id);
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
    v.surgery = loaded->surgery;
    v.transitions = std::move(*transitions);
    for (const auto& r : move_rules()) {
      if (r.from == e->state && role_allows(actor.user.role, r.permission)) v.moves.push_back(r.to);
    }
    v.may_exit = !domain::is_final(e->state) && role_allows(actor.user.role, Permission::kRecordExit);
    for (auto k : {FormKind::kAssessment, FormKind::kConsent, FormKind::kProcedure}) {
      if (form_open(k, e->state) && role_allows(actor.user.role, form_permission(k))) {
        v.editable_forms.push_back(k);
      }
    }
    const auto snapshot = snapshot_of(*loaded, domain::Date::today(ctx.clock()));
    if (auto next = next_gate_of(e->state)) {
      v.next_gate = check_gate(next->first, next->second, snapshot, *config, actor);
    }
    v.window = guidance::refractory_window(snapshot, config->rules);
    view = std::move(v);
    return audit(tx, ctx, actor, "read",
                 {"episode", id.value, e->patient.value, e->referral.site.value},
                 R"({"view":"pathway"})");
  });
  if (!s) return std::move(s).error();
  if (was_refused) return refused;
  return std::move(*view);
}

Result<FormSaved> save_form(const Context& ctx, const Actor& actor, EpisodeId id, FormKind kind,
                            std::int64_t expected_version, const json& input) {
  const std::string kind_name(form_kind_name(kind));
  if (!role_allows(actor.user.role, form_permission(kind))) {
    return Error::forbidden("Your role cannot record the " + kind_name);
  }
  std::optional<FormSaved> saved;
  Error refused;
  bool was_refused = false;
  auto s = write_with_refusal(ctx, refused, was_refused, [&](store::Tx& tx) -> Status {
    auto e = load_visible_episode(tx, ctx, actor, id);
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
    const FormContext fc = form_context(sources_of(*loaded), domain::Date::today(ctx.clock()),
                                        (*p)->details.date_of_birth);
    auto valid = validate_form(kind, input, fc);
    if (!valid) return std::move(valid).error();
    if (stored_version != expected_version) {
      return Error::conflict("Someone else saved the " + kind_name +
                             " after you opened it. Your changes were not saved.");
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
    FormSaved out{StoredForm{valid->document, put->version, put->updated_at},
                  std::move(valid->warnings), *e};
    if (kind == FormKind::kProcedure && e->state == PathwayState::kProcedure) {
      auto moved = tx.set_episode_state(id, e->version, PathwayState::kFollowUp, ctx.now_text());
      if (!moved) return std::move(moved).error();
      if (auto t = record_transition(tx, ctx, actor, *e, *moved, {}); !t) return t;
      out.episode = *moved;
    }
    saved = std::move(out);
    return {};
  });
  if (!s) return std::move(s).error();
  if (was_refused) return refused;
  log::info("user {} saved the {} of episode {} (version {})", actor.user.username, kind_name,
            id.value, saved->form.version);
  return std::move(*saved);
}

Result<MoveResult> move_episode(const Context& ctx, const Actor& actor, EpisodeId id,
                                const MoveRequest& request) {
  auto to = domain::parse_state(request.to);
  if (!to) return Error::invalid({{"to", "Choose the state to move the episode to"}});
  std::vector<FieldError> errors;
  const std::string reason =
      domain::checked_text(request.override_reason, "override_reason", "reason for the override", 2000,
                           false, errors);
  if (!errors.empty()) return Error::invalid(std::move(errors));
  std::optional<MoveResult> result;
  Error refused;
  bool was_refused = false;
  auto s = write_with_refusal(ctx, refused, was_refused, [&](store::Tx& tx) -> Status {
    auto e = load_visible_episode(tx, ctx, actor, id);
    if (!e) return std::move(e).error();
    const MoveRule* rule = find_move(e->state, *to);
    if (rule == nullptr) {
      return Error::wrong_state("An episode at " + std::string(domain::state_label(e->state)) +
                             " cannot move to " + std::string(domain::state_label(*to)) + ".");
    }
    if (!role_allows(actor.user.role, rule->permission)) {
      return Error::forbidden("Your role cannot move an episode to " +
                              std::string(domain::state_label(*to)));
    }
    if (e->version != request.expected_version) {
      return Error::conflict(
          "Someone else changed this episode after you opened it. Nothing was moved.");
    }
    MoveResult r;
    store::TransitionRecord t;
    if (auto gate = guidance::gate_into(*to)) {
      auto config = load_unit_config(tx);
      if (!config) return std::move(config).error();
      auto loaded = load_all(tx, *e);
      if (!loaded) return std::move(loaded).error();
      auto check = check_gate(*gate, *to, snapshot_of(*loaded, domain::Date::today(ctx.clock())),
                              *config, actor);
      r.gate = gate;
      r.findings = check.findings;
      t.gate = std::string(guidance::gate_name(*gate));
      t.findings = findings_json(check.findings).dump();
      t.rule_pack_version = std::string(guidance::kRulePackVersion);
      t.blocked = check.blocked;
      if (check.blocked) {
        if (reason.empty()) {
          r.episode = *e;
          result = std::move(r);
          return audit(tx, ctx, actor, "gate_blocked",
                       {"episode", id.value, e->patient.value, e->referral.site.value},
                       json{{"gate", t.gate},
                            {"rule_pack_version", t.rule_pack_version},
                            {"findings", findings_json(check.findings)}}
                           .dump());
        }
        if (!check.may_override) {
          return Error::forbidden("Your role cannot override the " +
                                  std::string(guidance::gate_name(*gate)) +
                                  " gate. Ask a clinician whose role the unit allows.");
        }
        t.override_reason = reason;
        t.override_role = std::string(domain::role_name(actor.user.role));
        r.overridden = true;
      }
    }
    auto moved = tx.set_episode_state(id, e->version, *to, ctx.now_text());
    if (!moved) return std::move(moved).error();
    if (auto rec = record_transition(tx, ctx, actor, *e, *moved, t); !rec) return rec;
    r.moved = true;
    r.episode = *moved;
    result = std::move(r);
    return {};
  });
  if (!s) return std::move(s).error();
  if (was_refused) return refused;
  if (result->moved) {
    log::info("user {} moved episode {} to {}{}", actor.user.username, id.value, request.to,
              result->overridden ? " with an override" : "");
  }
  return std::move(*result);
}

Result<store::EpisodeRecord> exit_episode(const Context& ctx, const Actor& actor, EpisodeId id,
                                          const ExitRequest& request) {
  if (!role_allows(actor.user.role, Permission::kRecordExit)) {
    return Error::forbidden("Your role cannot end an episode");
  }
  std::vector<FieldError> errors;
  auto to = domain::parse_state(request.state);
  const auto exits = exit_states();
  if (!to || std::find(exits.begin(), exits.end(), *to) == exits.end()) {
    errors.push_back({"state", "Select how the episode ended"});
  }
  const std::string reason =
      domain::checked_text(request.reason, "reason", "reason", 2000, true, errors);
  std::optional<domain::Date> date;
  if (request.date.empty()) {
    errors.push_back({"date", "Enter the date"});
  } else if (auto d = domain::Date::parse(request.date, "date", "Date")) {
    date = *d;
    if (*d > domain::Date::today(ctx.clock())) {
      errors.push_back({"date", "Date must be today or in the past"});
    }
  } else {
    errors.push_back(d.error().fields.front());
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  std::optional<store::EpisodeRecord> result;
  Error refused;
  bool was_refused = false;
  auto s = write_with_refusal(ctx, refused, was_refused, [&](store::Tx& tx) -> Status {
    auto e = load_visible_episode(tx, ctx, actor, id);
    if (!e) return std::move(e).error();
    if (domain::is_final(e->state)) {
      return Error::wrong_state("This episode has already ended (" +
                             std::string(domain::state_label(e->state)) + ").");
    }
    if (*date < e->referral.referral_date) {
      return Error::invalid({{"date", "Date must be on or after the referral date (" +
                                          e->referral.referral_date.display() + ")"}});
    }
    if (e->version != request.expected_version) {
      return Error::conflict(
          "Someone else changed this episode after you opened it. Nothing was changed.");
    }
    auto moved = tx.set_episode_state(id, e->version, *to, ctx.now_text());
    if (!moved) return std::move(moved).error();
    store::TransitionRecord t;
    t.exit_reason = reason;
    t.exit_date = date->iso();
    if (auto rec = record_transition(tx, ctx, actor, *e, *moved, t); !rec) return rec;
    result = std::move(*moved);
    return {};
  });
  if (!s) return std::move(s).error();
  if (was_refused) return refused;
  log::info("user {} ended episode {} ({})", actor.user.username, id.value, request.state);
  return std::move(*result);
}

}  // namespace vertebro::app
