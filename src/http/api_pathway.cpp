// The pathway through the JSON API: read an episode's pathway, read and save its clinical forms,
// move it through the guidance gates and end it. The conventions of api.cpp hold: a bearer
// token (or the page cookie plus X-CSRF-Token for changes), errors as
// {"error": {"code", "message", "fields"}}, versions as strong ETags, and If-Match on every
// change (428 without it, 412 when stale). docs/api.md, "Pathway", documents each route.

#include "app/pathway.h"
#include "app/unit_config.h"
#include "http/api_support.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

using app::FormKind;

// ---- Pathway JSON --------------------------------------------------------------------------

Json form_json(const std::optional<app::StoredForm>& f) {
  if (!f) return {{"document", nullptr}, {"version", 0}, {"updated_at", nullptr}};
  return {{"document", f->document}, {"version", f->version}, {"updated_at", f->updated_at}};
}

Json transition_json(const domain::TransitionRecord& t) {
  Json findings = Json::parse(t.findings, nullptr, false);
  if (!findings.is_array()) findings = Json::array();
  return {{"id", t.id},
          {"from", t.from_state},
          {"to", t.to_state},
          {"at", t.at},
          {"user_id", t.user.value},
          {"username", t.username},
          {"gate", text_or_null(t.gate)},
          {"rule_pack_version", text_or_null(t.rule_pack_version)},
          {"findings", findings},
          {"blocked", t.blocked},
          {"override_reason", text_or_null(t.override_reason)},
          {"override_role", text_or_null(t.override_role)},
          {"exit_reason", text_or_null(t.exit_reason)},
          {"exit_date", text_or_null(t.exit_date)},
          {"procedure_date", text_or_null(t.procedure_date)},
          {"step_back_reason", text_or_null(t.step_back_reason)}};
}

Json optional_date(const std::optional<domain::Date>& d) { return d ? Json(d->iso()) : Json(); }

// The 422 answer to a gate that blocks and was given no override reason: the move or save is
// refused and nothing changed.
Json blocked_body(const std::string& message, guidance::Gate gate,
                  const guidance::Findings& findings, bool may_override,
                  const std::optional<domain::Date>& procedure_date) {
  Json body = error_body("invalid", message,
                         {{"override_reason", "Enter a reason to override the guidance"}});
  body["gate"] = std::string(guidance::gate_name(gate));
  body["findings"] = app::findings_json(findings);
  body["may_override"] = may_override;
  body["rule_pack_version"] = std::string(guidance::kRulePackVersion);
  body["procedure_date"] = optional_date(procedure_date);
  return body;
}

// The episode's HTG3 measures (docs/api.md, "Pathway answer"), or null before the procedure.
Json measures_json(const std::optional<app::EpisodeMeasures>& m) {
  if (!m) return Json();
  auto opt = [](const std::optional<bool>& b) { return b ? Json(*b) : Json(); };
  return {{"primary_time_point", m->primary_time_point},
          {"primary_recorded", m->primary_recorded},
          {"pain_relief", opt(m->pain_relief)},
          {"reduced_medication", opt(m->reduced_medication)},
          {"improved_mobility", opt(m->improved_mobility)},
          {"satisfied", opt(m->satisfied)},
          {"leakage", opt(m->leakage)},
          {"leakage_needing_intervention", m->leakage_needing_intervention},
          {"paraplegia", m->paraplegia},
          {"other_harm", m->other_harm},
          {"new_fracture", m->new_fracture},
          {"new_fracture_adjacent", m->new_fracture_adjacent}};
}

Json pathway_json(const app::PathwayView& p) {
  const auto& e = p.episode;
  Json forms = Json::object();
  Json editable = Json::array();
  for (auto kind : {FormKind::kAssessment, FormKind::kConsent, FormKind::kProcedure}) {
    const auto& f = p.form(kind);
    forms[std::string(app::form_kind_name(kind))] = f ? form_json(f) : Json();
  }
  for (auto kind : p.editable_forms) editable.push_back(std::string(app::form_kind_name(kind)));
  Json mdt = Json::array();
  for (const auto& m : p.mdt) {
    Json attendees = Json::array();
    for (const auto& a : m.attendees) {
      attendees.push_back({{"name", a.name}, {"professional_role", a.professional_role}});
    }
    mdt.push_back({{"meeting_id", m.meeting.id},
                   {"meeting_date", m.meeting.meeting_date},
                   {"title", m.meeting.title},
                   {"site_id", m.meeting.site.value},
                   {"decision", text_or_null(m.listing.decision)},
                   {"rationale", text_or_null(m.listing.rationale)},
                   {"decided_at", text_or_null(m.listing.decided_at)},
                   {"attendees", attendees}});
  }
  Json surgery;
  if (p.surgery) {
    surgery = {{"access", p.surgery->access},
               {"service", text_or_null(p.surgery->service)},
               {"review_date", text_or_null(p.surgery->review_date)},
               {"updated_at", p.surgery->updated_at}};
  }
  Json transitions = Json::array();
  for (const auto& t : p.transitions) transitions.push_back(transition_json(t));
  Json moves = Json::array();
  for (auto s : p.moves) moves.push_back(std::string(domain::state_name(s)));
  Json next_gate;
  if (p.next_gate) {
    const auto& g = *p.next_gate;
    next_gate = {{"gate", std::string(guidance::gate_name(g.gate))},
                 {"to", std::string(domain::state_name(g.to))},
                 {"blocked", g.blocked},
                 {"may_override", g.may_override},
                 {"procedure_date", optional_date(g.procedure_date)},
                 {"rule_pack_version", std::string(guidance::kRulePackVersion)},
                 {"findings", app::findings_json(g.findings)}};
  }
  Json window;  // an osteoporotic fracture under TA279 or EBI (docs/api.md)
  if (p.window) {
    const auto& w = *p.window;
    window = {{"fracture_date", w.fracture.iso()},
              {"from_onset", w.from_onset},
              {"refractory_from", w.refractory_from ? Json(w.refractory_from->iso()) : Json()},
              {"treatment_assumed", w.treatment_assumed},
              {"recent_until", w.recent_until.iso()},
              {"open", w.open()},
              {"min_conservative_days", w.min_days},
              {"recent_fracture_window_days", w.window_days}};
  }
  Json follow_ups = Json::array();
  for (const auto& slot : p.follow_ups) {
    follow_ups.push_back(
        {{"time_point", slot.time_point},
         {"primary", slot.primary},
         {"due_date", slot.due ? Json(slot.due->due.iso()) : Json()},
         {"window_start", slot.due ? Json(slot.due->window_start.iso()) : Json()},
         {"window_end", slot.due ? Json(slot.due->window_end.iso()) : Json()},
         {"status", slot.visit_date ? Json("recorded")
                    : slot.due      ? Json(std::string(guidance::follow_up_status_name(slot.due->status)))
                                    : Json()},
         {"visit_date", slot.visit_date ? Json(slot.visit_date->iso()) : Json()},
         {"source", slot.visit_date ? Json(slot.source) : Json()}});
  }
  return {{"episode_id", e.id.value},
          {"state", std::string(domain::state_name(e.state))},
          {"state_label", std::string(domain::state_label(e.state))},
          {"version", e.version},
          {"forms", forms},
          {"editable_forms", editable},
          {"mdt", mdt},
          {"surgery", surgery},
          {"transitions", transitions},
          {"moves", moves},
          {"step_back", p.step_back ? Json(std::string(domain::state_name(*p.step_back))) : Json()},
          {"planned_procedure_date", optional_date(p.planned_procedure_date)},
          {"may_exit", p.may_exit},
          {"next_gate", next_gate},
          {"window", window},
          {"follow_ups", follow_ups},
          {"measures", measures_json(p.measures)},
          {"may_record_follow_up", p.may_record_follow_up}};
}

void put_form(Web& web, const Request& req, Response& res, FormKind kind) {
  auto actor = api_actor(web, req, res);
  if (!actor) return;
  auto version = if_match(req, res, 0);
  if (!version) return;
  auto body = json_body(req, res);
  if (!body) return;
  // The procedure's override reason travels beside the form's keys; it is not part of the form.
  std::string reason;
  if (kind == FormKind::kProcedure && body->contains("override_reason")) {
    std::vector<FieldError> errors;
    reason = member(*body, "override_reason", errors);
    if (!errors.empty()) return send_error(res, Error::invalid(errors));
    body->erase("override_reason");
  }
  const EpisodeId id = episode_id(req);
  auto saved = app::save_form(web.ctx, *actor, id, kind, *version, *body, reason);
  if (!saved) {
    return send_change_error(res, saved.error());
  }
  if (!saved->saved) {
    const auto& c = *saved->check;
    return send(res, 422,
                blocked_body("The guidance is not met at the procedure date, so nothing was "
                             "saved. Correct the procedure or complete the missing information, "
                             "or give override_reason to override it (only roles the unit "
                             "allows may).",
                             c.gate, c.findings, c.may_override, c.procedure_date));
  }
  Json check;
  if (saved->check) {
    const auto& c = *saved->check;
    check = {{"gate", std::string(guidance::gate_name(c.gate))},
             {"findings", app::findings_json(c.findings)},
             {"blocked", c.blocked},
             {"overridden", saved->overridden},
             {"procedure_date", optional_date(c.procedure_date)}};
  }
  Json warnings = Json::array();
  for (const auto& w : saved->warnings) warnings.push_back(w);
  res.set_header("ETag", etag(saved->form.version));
  send(res, 200,
       {{"document", saved->form.document},
        {"version", saved->form.version},
        {"updated_at", saved->form.updated_at},
        {"warnings", warnings},
        {"episode_state", std::string(domain::state_name(saved->episode.state))},
        {"episode_version", saved->episode.version},
        {"check", check}});
}

}  // namespace

void add_pathway_api(Router& router, Web& web) {
  router.get("/api/v1/episodes/{id}/pathway",
             "The pathway of an episode: forms, MDT, surgery access, moves, next gate",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto p = app::view_pathway(web.ctx, *actor, episode_id(req));
               if (!p) return send_error(res, p.error());
               res.set_header("ETag", etag(p->episode.version));
               send(res, 200, pathway_json(*p));
             });

  for (auto kind : {FormKind::kAssessment, FormKind::kConsent, FormKind::kProcedure}) {
    const std::string name(app::form_kind_name(kind));
    const std::string path = "/api/v1/episodes/{id}/" + name;
    router.get(path, "The " + name + " form (ETag \"0\" before its first save)",
               [&web, kind](const Request& req, Response& res) {
                 auto actor = api_actor(web, req, res);
                 if (!actor) return;
                 auto p = app::view_pathway(web.ctx, *actor, episode_id(req));
                 if (!p) return send_error(res, p.error());
                 const auto& f = p->form(kind);
                 res.set_header("ETag", etag(f ? f->version : 0));
                 send(res, 200, form_json(f));
               });
    router.put(path, "Save the " + name + " (If-Match: its version, \"0\" for the first save)",
               [&web, kind](const Request& req, Response& res) { put_form(web, req, res, kind); });
  }

  router.post(
      "/api/v1/episodes/{id}/transitions",
      "Move an episode: {to, override_reason, planned_procedure_date, planned_operator_id, "
      "planned_supervisor_id, reason} (If-Match: the episode's version)",
      [&web](const Request& req, Response& res) {
        auto actor = api_actor(web, req, res);
        if (!actor) return;
        auto version = if_match(req, res, 1);
        if (!version) return;
        auto body = json_body(req, res);
        if (!body) return;
        std::vector<FieldError> errors;
        only_fields(*body,
                    {"to", "override_reason", "planned_procedure_date", "planned_operator_id",
                     "planned_supervisor_id", "reason"},
                    errors);
        app::MoveRequest move{member(*body, "to", errors), *version,
                              member(*body, "override_reason", errors),
                              member(*body, "planned_procedure_date", errors),
                              member(*body, "reason", errors)};
        const app::PlannedTeam team{member(*body, "planned_operator_id", errors),
                                    member(*body, "planned_supervisor_id", errors)};
        if (!errors.empty()) return send_error(res, Error::invalid(errors));
        const EpisodeId id = episode_id(req);
        auto r = app::move_episode(web.ctx, *actor, id, move, team);
        if (!r) {
          return send_change_error(res, r.error());
        }
        const Json gate = r->gate ? Json(std::string(guidance::gate_name(*r->gate))) : Json();
        if (!r->moved) {
          return send(res, 422,
                      blocked_body("The guidance blocks this move. Complete the missing "
                                   "information, or give override_reason to override it (only "
                                   "roles the unit allows may).",
                                   *r->gate, r->findings, r->may_override, r->procedure_date));
        }
        res.set_header("ETag", etag(r->episode.version));
        send(res, 200,
             {{"moved", true},
              {"state", std::string(domain::state_name(r->episode.state))},
              {"version", r->episode.version},
              {"gate", gate},
              {"findings", app::findings_json(r->findings)},
              {"overridden", r->overridden},
              {"stepped_back", r->stepped_back},
              {"procedure_date", optional_date(r->procedure_date)}});
      });

  router.post(
      "/api/v1/episodes/{id}/exit",
      "End an episode: {state, reason, date} (If-Match: the episode's version)",
      [&web](const Request& req, Response& res) {
        auto actor = api_actor(web, req, res);
        if (!actor) return;
        auto version = if_match(req, res, 1);
        if (!version) return;
        auto body = json_body(req, res);
        if (!body) return;
        std::vector<FieldError> errors;
        only_fields(*body, {"state", "reason", "date"}, errors);
        app::ExitRequest in{member(*body, "state", errors), member(*body, "reason", errors),
                            member(*body, "date", errors), *version};
        if (!errors.empty()) return send_error(res, Error::invalid(errors));
        const EpisodeId id = episode_id(req);
        auto e = app::exit_episode(web.ctx, *actor, id, in);
        if (!e) return send_change_error(res, e.error());
        res.set_header("ETag", etag(e->version));
        send(res, 200,
             {{"state", std::string(domain::state_name(e->state))}, {"version", e->version}});
      });
}

}  // namespace vertebro::http
