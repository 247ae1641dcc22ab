// JSON API for operator profiles, competence sign-offs and the training log
// (HTG3-1.2-TRAINING). Same conventions as api.cpp: bearer token or session cookie plus
// X-CSRF-Token, errors as {"error": {"code", "message", "fields"}}, 201 with Location for what a
// POST creates, and If-Match on a profile's changes (412 when stale). docs/api.md.

#include "app/operators.h"
#include "http/api_support.h"
#include "http/learning_curve_views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

std::string operator_path(std::int64_t id) { return "/api/v1/operators/" + std::to_string(id); }

Json operator_json(const domain::OperatorRecord& o) {
  Json sites = Json::array();
  for (const auto& s : o.sites) sites.push_back(s.value);
  return {{"id", o.id.value},
          {"user_id", o.user.value},
          {"username", o.username},
          {"display_name", o.display_name},
          {"professional_role", o.professional_role},
          {"registration_number", o.registration_number},
          {"site_ids", sites},
          {"status", o.active ? "active" : "inactive"},
          {"version", o.version},
          {"created_at", o.created_at},
          {"updated_at", o.updated_at}};
}

Json sign_off_json(const domain::SignOffRecord& s, domain::Date today) {
  Json j = {{"id", s.id},
            {"scope", s.scope},
            {"signed_on", s.signed_on},
            {"review_date", s.review_date},
            {"signed_by_user_id", s.signed_by.value},
            {"signed_by", s.signed_by_name},
            {"current", domain::sign_off_holds(s, today)},
            {"revocation", nullptr}};
  if (s.revoked()) {
    j["revocation"] = {{"revoked_on", s.revoked_on},
                       {"revoked_by_user_id", s.revoked_by.value},
                       {"revoked_by", s.revoked_by_name},
                       {"reason", s.revoke_reason}};
  }
  return j;
}

Json training_json(const domain::TrainingEntryRecord& t) {
  Json j = {{"id", t.id},
            {"kind", t.kind},
            {"entry_date", t.entry_date},
            {"description", t.description},
            {"evidence", t.evidence},
            {"added_at", t.added_at},
            {"checked", nullptr}};
  if (!t.checked_at.empty()) {
    j["checked"] = {{"checked_by_user_id", t.checked_by.value},
                    {"checked_by", t.checked_by_name},
                    {"checked_at", t.checked_at}};
  }
  return j;
}

// site_ids as an array of ids (numbers or digit strings); a field error otherwise.
std::vector<std::string> site_ids_member(const Json& j, std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  if (!j.contains("site_ids")) return out;
  const auto& v = j.at("site_ids");
  bool bad = !v.is_array();
  if (!bad) {
    for (const auto& x : v) {
      if (x.is_number_integer()) {
        out.push_back(std::to_string(x.get<std::int64_t>()));
      } else if (x.is_string()) {
        out.push_back(x.get<std::string>());
      } else {
        bad = true;
      }
    }
  }
  if (bad) errors.push_back({"site_ids", "site_ids must be an array of site ids"});
  return out;
}

// A user id given as a number or as digits; "" when absent (the use case names the field).
std::string user_id_member(const Json& j, std::vector<FieldError>& errors) {
  if (!j.contains("user_id")) return "";
  const auto& v = j.at("user_id");
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_string()) return v.get<std::string>();
  errors.push_back({"user_id", "user_id must be a user's id"});
  return "";
}

}  // namespace

void add_operators_api(Router& router, Web& web) {
  router.get("/api/v1/operators", "Operator profiles (every profile for those who manage them)",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto list = app::list_operators(web.ctx, *actor);
               if (!list) return send_error(res, list.error());
               Json items = Json::array();
               for (const auto& o : *list) items.push_back(operator_json(o));
               send(res, 200, {{"items", items}});
             });

  router.post("/api/v1/operators",
              "Add an operator profile: {user_id, professional_role, registration_number, "
              "site_ids, status}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"user_id", "professional_role", "registration_number",
                                 "site_ids", "status"},
                            errors);
                app::OperatorInput in{user_id_member(*j, errors),
                                      member(*j, "professional_role", errors),
                                      member(*j, "registration_number", errors),
                                      site_ids_member(*j, errors), member(*j, "status", errors)};
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto o = app::create_operator(web.ctx, *actor, in);
                if (!o) return send_error(res, o.error());
                res.set_header("Location", operator_path(o->id.value));
                res.set_header("ETag", etag(o->version));
                send(res, 201, operator_json(*o));
              });

  router.get("/api/v1/operators/{id}",
             "An operator profile with its competence sign-offs, training log, case counts and "
             "learning curve; ETag",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto p = app::view_operator(web.ctx, *actor, domain::OperatorId{path_id(req)});
               if (!p) return send_error(res, p.error());
               const auto today = domain::Date::today(web.ctx.clock());
               Json body = operator_json(p->op);
               body["sign_offs"] = Json::array();
               for (const auto& s : p->sign_offs) body["sign_offs"].push_back(sign_off_json(s, today));
               body["cases"] = {{"supervised", p->cases.supervised},
                                {"independent", p->cases.independent},
                                {"supervising", p->cases.supervising}};
               body["training"] = Json::array();
               for (const auto& t : p->training) body["training"].push_back(training_json(t));
               body["supervised_cases_suggested"] = p->curve.settings.supervised_cases_suggested;
               body["learning_curve"] = learning_curve_json(p->curve);
               body["learning_curve_signals"] = Json::array();
               for (const auto& s : p->signals) {
                 body["learning_curve_signals"].push_back(signal_json(s));
               }
               res.set_header("ETag", etag(p->op.version));
               send(res, 200, body);
             });

  router.put("/api/v1/operators/{id}",
             "Change a profile: {professional_role, registration_number, site_ids, status}; "
             "If-Match: its version",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               const auto version = if_match(req, res, 1);
               if (!version) return;
               auto j = json_body(req, res);
               if (!j) return;
               std::vector<FieldError> errors;
               only_fields(*j, {"professional_role", "registration_number", "site_ids", "status"},
                           errors);
               app::OperatorInput in{"", member(*j, "professional_role", errors),
                                     member(*j, "registration_number", errors),
                                     site_ids_member(*j, errors), member(*j, "status", errors)};
               if (!errors.empty()) return send_error(res, Error::invalid(errors));
               auto o = app::update_operator(web.ctx, *actor, domain::OperatorId{path_id(req)},
                                             *version, in);
               if (!o) return send_change_error(res, o.error());
               res.set_header("ETag", etag(o->version));
               send(res, 200, operator_json(*o));
             });

  router.post("/api/v1/operators/{id}/sign-offs",
              "Sign off competence (training lead): {signed_on, scope, review_date}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"signed_on", "scope", "review_date"}, errors);
                app::SignOffInput in{member(*j, "signed_on", errors), member(*j, "scope", errors),
                                     member(*j, "review_date", errors)};
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                const std::int64_t id = path_id(req);
                auto s = app::sign_off_competence(web.ctx, *actor, domain::OperatorId{id}, in);
                if (!s) return send_error(res, s.error());
                res.set_header("Location", operator_path(id));
                send(res, 201, sign_off_json(*s, domain::Date::today(web.ctx.clock())));
              });

  router.post("/api/v1/operators/{id}/sign-offs/{sign_off}/revocation",
              "Revoke a sign-off from today (training lead), once: {reason}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"reason"}, errors);
                const std::string reason = member(*j, "reason", errors);
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto s = app::revoke_competence(web.ctx, *actor, domain::OperatorId{path_id(req)},
                                                path_id(req, 2), reason);
                if (!s) return send_error(res, s.error());
                send(res, 200, sign_off_json(*s, domain::Date::today(web.ctx.clock())));
              });

  router.post("/api/v1/operators/{id}/training",
              "Add an entry to your own training log: {kind: course | simulation | "
              "observed_case, entry_date, description, evidence}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"kind", "entry_date", "description", "evidence"}, errors);
                app::TrainingInput in{member(*j, "kind", errors), member(*j, "entry_date", errors),
                                      member(*j, "description", errors),
                                      member(*j, "evidence", errors)};
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                const std::int64_t id = path_id(req);
                auto t = app::add_training_entry(web.ctx, *actor, domain::OperatorId{id}, in);
                if (!t) return send_error(res, t.error());
                res.set_header("Location", operator_path(id));
                send(res, 201, training_json(*t));
              });

  router.post("/api/v1/operators/{id}/training/{entry}/check",
              "Mark a training log entry checked (training lead), once",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                const domain::OperatorId id{path_id(req)};
                auto s = app::check_training_entry(web.ctx, *actor, id, path_id(req, 2));
                if (!s) return send_error(res, s.error());
                send(res, 200, {{"operator_id", id.value}, {"entry_id", path_id(req, 2)},
                                {"checked", true}});
              });

  router.get("/api/v1/training/settings",
             "The training settings: supervised cases suggested before a sign-off and the "
             "learning curves' outcome, p0, p1 and h",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto s = app::get_training_settings(web.ctx, *actor);
               if (!s) return send_error(res, s.error());
               send(res, 200, app::training_settings_json(*s));
             });

  router.put("/api/v1/training/settings",
             "Change the training settings (training lead); keys left out keep their values",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto j = json_body(req, res);
               if (!j) return;
               auto s = app::put_training_settings(web.ctx, *actor, *j);
               if (!s) return send_error(res, s.error());
               send(res, 200, app::training_settings_json(*s));
             });

  router.get("/api/v1/training/dashboard",
             "The training lead's dashboard: sign-offs due for review, trainees and their "
             "supervised cases, learning curve signals not yet reviewed",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto d = app::training_dashboard(web.ctx, *actor);
               if (!d) return send_error(res, d.error());
               const auto today = domain::Date::today(web.ctx.clock());
               Json due = Json::array(), trainees = Json::array(), signals = Json::array();
               for (const auto& r : d->reviews_due) {
                 due.push_back({{"operator", operator_json(r.op)},
                                {"sign_off", sign_off_json(r.sign_off, today)},
                                {"overdue", r.overdue}});
               }
               for (const auto& t : d->trainees) {
                 trainees.push_back({{"operator", operator_json(t.op)},
                                     {"cases", {{"supervised", t.cases.supervised},
                                                {"independent", t.cases.independent},
                                                {"supervising", t.cases.supervising}}},
                                     {"enough_supervised", t.enough_supervised}});
               }
               for (const auto& s : d->signals) signals.push_back(signal_json(s));
               send(res, 200, {{"settings", app::training_settings_json(d->settings)},
                               {"reviews_due", due},
                               {"trainees", trainees},
                               {"signals", signals}});
             });

  router.post("/api/v1/training/signals/{id}/review",
              "Record the review of a learning curve signal (training lead), once: {note}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"note"}, errors);
                const std::string note = member(*j, "note", errors);
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto s = app::review_learning_curve_signal(web.ctx, *actor, path_id(req), note);
                if (!s) return send_error(res, s.error());
                send(res, 200, signal_json(*s));
              });
}

}  // namespace vertebro::http
