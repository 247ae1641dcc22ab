// JSON API under /api/v1/: the same use cases as the pages. Errors are
// {"error": {"code", "message", "fields": [{"field", "message"}]}}. Authentication is a bearer
// token from POST /api/v1/session, or the page session cookie plus an X-CSRF-Token header for
// requests that change state. Records carry their version as a strong ETag; updates must
// send If-Match (428 without it, 412 when stale).

#include <charconv>

#include "app/patients.h"
#include "app/record_log.h"
#include "app/referrals.h"
#include "app/sessions.h"
#include "app/users.h"
#include "app/worklist.h"
#include "base/crypto.h"
#include "base/log.h"
#include "http/api_support.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

Json episode_json(Web& web, const domain::EpisodeRecord& e) {
  auto sites = app::list_sites(web.ctx);
  return episode_view(e, sites ? site_name(*sites, e.referral.site) : "",
                      domain::Date::today(web.ctx.clock()));
}

domain::PatientInput patient_input(const Json& j, std::vector<FieldError>& errors) {
  only_fields(j, {"site_id", "nhs_number", "family_name", "given_name", "date_of_birth", "sex"},
              errors);
  return {member(j, "nhs_number", errors), member(j, "family_name", errors),
          member(j, "given_name", errors), member(j, "date_of_birth", errors),
          member(j, "sex", errors)};
}

domain::ReferralInput referral_input(const Json& j, std::vector<FieldError>& errors) {
  only_fields(j, {"site_id", "referring_clinician", "referral_date", "indication", "levels", "reason"},
              errors);
  return {member(j, "site_id", errors),    member(j, "referring_clinician", errors),
          member(j, "referral_date", errors), member(j, "indication", errors),
          member(j, "levels", errors),     member(j, "reason", errors)};
}

}  // namespace

void add_api(Router& router, Web& web) {
  router.get("/api/v1", "This index of API routes", [&router](const Request&, Response& res) {
    Json routes = Json::array();
    for (const auto& r : router.routes()) {
      routes.push_back({{"method", r.method}, {"path", r.pattern}, {"summary", r.summary}});
    }
    send(res, 200, {{"version", "v1"}, {"routes", routes}});
  });

  router.post("/api/v1/session", "Sign in: {username, password} gives a bearer token",
              [&web](const Request& req, Response& res) {
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"username", "password"}, errors);
                const auto username = member(*j, "username", errors);
                const auto password = member(*j, "password", errors);
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto s = app::sign_in(web.ctx, username, password);
                if (!s) return send_error(res, s.error());
                send(res, 201, {{"token", s->token},
                                {"csrf_token", s->actor.csrf_token},
                                {"user", {{"username", s->actor.user.username},
                                          {"display_name", s->actor.user.display_name},
                                          {"role", std::string(domain::role_name(s->actor.user.role))}}}});
              });

  router.del("/api/v1/session", "Sign out: the token stops working",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               if (auto s = app::sign_out(web.ctx, *actor); !s) return send_error(res, s.error());
               res.status = 204;
             });

  router.post("/api/v1/patients", "Register a patient", [&web](const Request& req, Response& res) {
    auto actor = api_actor(web, req, res);
    if (!actor) return;
    auto j = json_body(req, res);
    if (!j) return;
    std::vector<FieldError> errors;
    const auto in = patient_input(*j, errors);
    const auto site = member(*j, "site_id", errors);
    if (!errors.empty()) return send_error(res, Error::invalid(errors));
    auto p = app::register_patient(web.ctx, *actor, site, in);
    if (!p) return send_error(res, p.error());
    res.set_header("Location", "/api/v1/patients/" + p->id.str());
    res.set_header("ETag", etag(p->version));
    send(res, 201, patient_view(*p, domain::Date::today(web.ctx.clock())));
  });

  router.get("/api/v1/patients/{id}", "A patient and their episodes",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto v = app::view_patient(web.ctx, *actor, PatientId{path_id(req)});
               if (!v) return send_error(res, v.error());
               Json body = patient_view(v->patient, domain::Date::today(web.ctx.clock()));
               body["episodes"] = Json::array();
               for (const auto& e : v->episodes) body["episodes"].push_back(episode_json(web, e));
               res.set_header("ETag", etag(v->patient.version));
               send(res, 200, body);
             });

  router.post("/api/v1/patients/{id}/episodes", "Register a referral episode",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                const auto in = referral_input(*j, errors);
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto e = app::register_referral(web.ctx, *actor, PatientId{path_id(req)}, in);
                if (!e) return send_error(res, e.error());
                res.set_header("Location", "/api/v1/episodes/" + e->id.str());
                res.set_header("ETag", etag(e->version));
                send(res, 201, episode_json(web, *e));
              });

  router.get("/api/v1/episodes", "Worklist: ?state=&site=&after=&limit= (1 to 200)",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto page = app::list_worklist(web.ctx, *actor,
                                              {form(req, "state"), form(req, "site"),
                                               form(req, "after"), form(req, "limit")});
               if (!page) return send_error(res, page.error());
               const auto t = domain::Date::today(web.ctx.clock());
               Json items = Json::array();
               for (const auto& row : page->rows) {
                 Json r = episode_view(row.episode, row.site_name, t);
                 r["patient"] = {{"family_name", row.family_name},
                                 {"given_name", row.given_name},
                                 {"nhs_number", row.nhs_number},
                                 {"age", row.date_of_birth.years_until(t)}};
                 items.push_back(r);
               }
               Json body = {{"items", items}};
               body["next"] = page->next_cursor.empty() ? Json() : Json(page->next_cursor);
               send(res, 200, body);
             });

  router.get("/api/v1/episodes/{id}", "An episode", [&web](const Request& req, Response& res) {
    auto actor = api_actor(web, req, res);
    if (!actor) return;
    auto v = app::view_episode(web.ctx, *actor, EpisodeId{path_id(req)});
    if (!v) return send_error(res, v.error());
    Json body = episode_view(v->episode, v->site_name, domain::Date::today(web.ctx.clock()));
    body["patient"] = patient_view(v->patient, domain::Date::today(web.ctx.clock()));
    const auto& f = v->indication_finding;
    Json finding = {{"requirement", f.requirement},
                    {"outcome", std::string(guidance::outcome_name(f.outcome))},
                    {"message", f.message}};
    body["findings"] = Json::array();
    body["findings"].push_back(finding);
    res.set_header("ETag", etag(v->episode.version));
    send(res, 200, body);
  });

  router.put("/api/v1/episodes/{id}/referral", "Replace the referral (If-Match required)",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               const auto version = if_match(req, res, 1);
               if (!version) return;
               auto j = json_body(req, res);
               if (!j) return;
               std::vector<FieldError> errors;
               const auto in = referral_input(*j, errors);
               if (!errors.empty()) return send_error(res, Error::invalid(errors));
               auto e = app::update_referral(web.ctx, *actor, EpisodeId{path_id(req)}, *version, in);
               if (!e) {
                 if (e.error().code == Errc::kConflict) {
                   return send_error(res, 412, "conflict", e.error().message);
                 }
                 return send_error(res, e.error());
               }
               res.set_header("ETag", etag(e->version));
               send(res, 200, episode_json(web, *e));
             });

  auto log_route = [&web](const std::string& type) {
    return [&web, type](const Request& req, Response& res) {
      auto actor = api_actor(web, req, res);
      if (!actor) return;
      std::int64_t before = 0;
      const std::string b = form(req, "before");
      std::from_chars(b.data(), b.data() + b.size(), before);
      auto log = app::view_record_log(web.ctx, *actor, {type, path_id(req), before});
      if (!log) return send_error(res, log.error());
      Json entries = Json::array();
      for (const auto& e : log->entries) {
        Json v = audit_view(e);
        v.erase("changes");
        v.erase("has_changes");
        v["detail"] = Json::parse(e.detail, nullptr, false);
        entries.push_back(v);
      }
      Json body = {{"entries", entries}};
      body["next_before"] = log->next_before > 0 ? Json(log->next_before) : Json();
      send(res, 200, body);
    };
  };
  router.get("/api/v1/patients/{id}/log", "Access and change log of a patient", log_route("patient"));
  router.get("/api/v1/episodes/{id}/log", "Access and change log of an episode", log_route("episode"));
}

}  // namespace vertebro::http
