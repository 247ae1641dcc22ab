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
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

constexpr int kMaxJsonDepth = 32;

void send(Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(Response& res, int status, const std::string& code, const std::string& message,
                const std::vector<FieldError>& fields = {}) {
  Json f = Json::array();
  for (const auto& e : fields) f.push_back({{"field", e.field}, {"message", e.message}});
  send(res, status, {{"error", {{"code", code}, {"message", message}, {"fields", f}}}});
}

void send_error(Response& res, const Error& e) {
  if (e.code == Errc::kRateLimited) {
    res.set_header("Retry-After", std::to_string(e.retry_after_seconds));
  }
  if (e.code == Errc::kBusy) res.set_header("Retry-After", "2");
  std::string message = e.message;
  if (e.code == Errc::kInternal || e.code == Errc::kSchemaTooNew) {
    log::error("internal error: {}", e.message);
    message = "The request failed; nothing was saved.";
  }
  Json body = {{"error", {{"code", errc_name(e.code)}, {"message", message}, {"fields", Json::array()}}}};
  for (const auto& f : e.fields) body["error"]["fields"].push_back({{"field", f.field}, {"message", f.message}});
  if (e.code == Errc::kDuplicate && e.related_id > 0) {
    body["error"]["existing"] = "/api/v1/patients/" + std::to_string(e.related_id);
  }
  send(res, status_for(e.code), body);
}

std::int64_t path_id(const Request& req, std::size_t i = 1) {
  std::int64_t v = 0;
  const std::string s = req.matches[i];
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Depth of nesting, counted without parsing, so a hostile body never reaches the parser.
int nesting_depth(const std::string& body) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') max_depth = std::max(max_depth, ++depth);
    else if (c == '}' || c == ']') --depth;
  }
  return max_depth;
}

// Parses a JSON object body; on failure answers 400 and returns nullopt.
std::optional<Json> json_body(const Request& req, Response& res) {
  if (nesting_depth(req.body) > kMaxJsonDepth) {
    send_error(res, 400, "invalid_json", "The JSON is nested too deeply");
    return std::nullopt;
  }
  Json j = Json::parse(req.body, nullptr, false);
  if (j.is_discarded()) {
    send_error(res, 400, "invalid_json", "The request body is not valid JSON");
    return std::nullopt;
  }
  if (!j.is_object()) {
    send_error(res, 400, "invalid_json", "The request body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

// A string member, or "" if absent; a member of another type is a field error.
std::string member(const Json& j, const std::string& key, std::vector<FieldError>& errors) {
  if (!j.contains(key) || j.at(key).is_null()) return {};
  const auto& v = j.at(key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  errors.push_back({key, "Must be a string"});
  return {};
}

std::string bearer(const Request& req) {
  const auto h = req.get_header_value("Authorization");
  if (h.rfind("Bearer ", 0) == 0) return h.substr(7);
  return {};
}

// Authenticates an API request; answers 401/403 and returns nullopt on failure.
std::optional<app::Actor> api_actor(Web& web, const Request& req, Response& res) {
  std::string token = bearer(req);
  const bool by_cookie = token.empty();
  if (by_cookie) token = session_cookie(req);
  auto actor = app::authenticate(web.ctx, token);
  if (!actor) {
    send_error(res, actor.error());
    return std::nullopt;
  }
  const bool unsafe = req.method != "GET" && req.method != "HEAD";
  if (by_cookie && unsafe &&
      !crypto::constant_time_equal(req.get_header_value("X-CSRF-Token"), actor->csrf_token)) {
    send_error(res, 403, "csrf", "Send the X-CSRF-Token header with cookie-authenticated changes");
    return std::nullopt;
  }
  return std::move(*actor);
}

std::string etag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

Json episode_json(Web& web, const store::EpisodeRecord& e) {
  auto sites = app::list_sites(web.ctx);
  return episode_view(e, sites ? site_name(*sites, e.referral.site) : "",
                      domain::Date::today(web.ctx.clock()));
}

domain::PatientInput patient_input(const Json& j, std::vector<FieldError>& errors) {
  return {member(j, "nhs_number", errors), member(j, "family_name", errors),
          member(j, "given_name", errors), member(j, "date_of_birth", errors),
          member(j, "sex", errors)};
}

domain::ReferralInput referral_input(const Json& j, std::vector<FieldError>& errors) {
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

  router.get("/api/v1/episodes", "Worklist: ?state=&site=&after=",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto page = app::list_worklist(web.ctx, *actor,
                                              {form(req, "state"), form(req, "site"), form(req, "after")});
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
               const std::string if_match = req.get_header_value("If-Match");
               if (if_match.empty()) {
                 return send_error(res, 428, "precondition_required",
                                   "Send If-Match with the ETag of the version you are changing");
               }
               std::string digits = if_match;
               if (digits.rfind("W/", 0) == 0) digits = digits.substr(2);
               if (digits.size() >= 2 && digits.front() == '"' && digits.back() == '"') {
                 digits = digits.substr(1, digits.size() - 2);
               }
               std::int64_t version = 0;
               auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
               if (ec != std::errc() || p != digits.data() + digits.size() || version <= 0) {
                 return send_error(res, 400, "invalid_if_match", "If-Match must be an ETag such as \"3\"");
               }
               auto j = json_body(req, res);
               if (!j) return;
               std::vector<FieldError> errors;
               const auto in = referral_input(*j, errors);
               if (!errors.empty()) return send_error(res, Error::invalid(errors));
               auto e = app::update_referral(web.ctx, *actor, EpisodeId{path_id(req)}, version, in);
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
