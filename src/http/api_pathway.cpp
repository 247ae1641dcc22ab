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

EpisodeId episode_id(const Request& req) { return EpisodeId{path_id(req)}; }

// ---- Pathway JSON --------------------------------------------------------------------------

Json form_json(const std::optional<app::StoredForm>& f) {
  if (!f) return {{"document", nullptr}, {"version", 0}, {"updated_at", nullptr}};
  return {{"document", f->document}, {"version", f->version}, {"updated_at", f->updated_at}};
}

Json transition_json(const store::TransitionRecord& t) {
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
          {"exit_date", text_or_null(t.exit_date)}};
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
                 {"rule_pack_version", std::string(guidance::kRulePackVersion)},
                 {"findings", app::findings_json(g.findings)}};
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
          {"may_exit", p.may_exit},
          {"next_gate", next_gate}};
}

void put_form(Web& web, const Request& req, Response& res, FormKind kind) {
  auto actor = api_actor(web, req, res);
  if (!actor) return;
  auto version = if_match(req, res, 0);
  if (!version) return;
  auto body = json_body(req, res);
  if (!body) return;
  const EpisodeId id = episode_id(req);
  auto saved = app::save_form(web.ctx, *actor, id, kind, *version, *body);
  if (!saved) {
    return send_change_error(res, saved.error());
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
        {"episode_version", saved->episode.version}});
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
      "Move an episode: {to, override_reason} (If-Match: the episode's version)",
      [&web](const Request& req, Response& res) {
        auto actor = api_actor(web, req, res);
        if (!actor) return;
        auto version = if_match(req, res, 1);
        if (!version) return;
        auto body = json_body(req, res);
        if (!body) return;
        std::vector<FieldError> errors;
        only_fields(*body, {"to", "override_reason"}, errors);
        app::MoveRequest move{member(*body, "to", errors), *version,
                              member(*body, "override_reason", errors)};
        if (!errors.empty()) return send_error(res, Error::invalid(errors));
        const EpisodeId id = episode_id(req);
        auto r = app::move_episode(web.ctx, *actor, id, move);
        if (!r) {
          return send_change_error(res, r.error());
        }
        const Json gate = r->gate ? Json(std::string(guidance::gate_name(*r->gate))) : Json();
        if (!r->moved) {
          auto config = app::get_unit_config(web.ctx, *actor);
          Json body422 =
              error_body("invalid",
                         "The guidance blocks this move. Complete the missing information, or give "
                         "override_reason to override it (only roles the unit allows may).",
                         {{"override_reason", "Enter a reason to override the guidance"}});
          body422["gate"] = gate;
          body422["findings"] = app::findings_json(r->findings);
          body422["may_override"] =
              config && r->gate && config->may_override(actor->user.role, *r->gate);
          return send(res, 422, body422);
        }
        res.set_header("ETag", etag(r->episode.version));
        send(res, 200,
             {{"moved", true},
              {"state", std::string(domain::state_name(r->episode.state))},
              {"version", r->episode.version},
              {"gate", gate},
              {"findings", app::findings_json(r->findings)},
              {"overridden", r->overridden}});
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
