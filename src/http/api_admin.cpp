// JSON API for MDT meetings (HTG3-1.2-MDT), each site's access to spinal surgery
// (HTG3-1.2-SURGERY) and the unit's settings. Same conventions as api.cpp: bearer token or
// session cookie plus X-CSRF-Token, errors as {"error": {"code", "message", "fields"}}, and
// 201 with Location for what a POST creates.

#include <algorithm>
#include <cctype>
#include <charconv>

#include "app/mdt.h"
#include "app/site_surgery.h"
#include "app/unit_config.h"
#include "app/users.h"
#include "base/crypto.h"
#include "http/api_support.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

// ---- MDT -----------------------------------------------------------------------------------

std::string meeting_path(std::int64_t id) { return "/api/v1/mdt/meetings/" + std::to_string(id); }

Json meeting_json(const domain::MeetingRecord& m, const std::string& site) {
  return {{"id", m.id},
          {"site_id", m.site.value},
          {"site_name", site},
          {"meeting_date", m.meeting_date},
          {"title", m.title},
          {"created_at", m.created_at}};
}

Json attendee_json(const domain::AttendeeRecord& a) {
  return {{"id", a.id}, {"name", a.name}, {"professional_role", a.professional_role}};
}

Json case_json(const app::MeetingCase& c, domain::Date today, const std::string& site) {
  const auto& l = c.listing;
  Json j = {{"episode_id", c.episode.id.value},
            {"episode", episode_view(c.episode, site, today)},
            {"patient", {{"id", c.episode.patient.value},
                         {"name", c.patient_name},
                         {"nhs_number", c.nhs_number},
                         {"age", c.age}}}};
  j["decision"] = l.decision.empty() ? Json() : Json(l.decision);
  j["rationale"] = l.decision.empty() ? Json() : Json(l.rationale);
  j["decided_at"] = l.decided_at.empty() ? Json() : Json(l.decided_at);
  j["decided_by_user_id"] = l.decision.empty() ? Json() : Json(l.decided_by.value);
  j["added_at"] = l.added_at;
  j["version"] = l.version;
  return j;
}

// A positive id from a JSON member given as a number or as digits; 0 when absent or bad.
std::int64_t id_member(const Json& j, const std::string& key) {
  if (!j.contains(key)) return 0;
  const auto& v = j.at(key);
  if (v.is_number_integer()) return std::max<std::int64_t>(0, v.get<std::int64_t>());
  if (!v.is_string()) return 0;
  const std::string s = v.get<std::string>();
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  return ec == std::errc() && p == s.data() + s.size() && id > 0 ? id : 0;
}

// ---- Sites ---------------------------------------------------------------------------------

Json site_json(const app::SiteSurgeryView& v) {
  Json j = {{"id", v.site.id.value}, {"code", v.site.code}, {"name", v.site.name}};
  if (v.surgery) {
    j["surgery"] = {{"access", v.surgery->access},
                    {"service", v.surgery->service},
                    {"review_date", v.surgery->review_date.empty() ? Json()
                                                                   : Json(v.surgery->review_date)},
                    {"updated_at", v.surgery->updated_at}};
  } else {
    j["surgery"] = nullptr;
  }
  j["review_lapsed"] = v.lapsed;
  return j;
}

// ---- Settings ------------------------------------------------------------------------------

// A strong ETag over the settings document: it changes whenever any setting does.
std::string settings_etag(const Json& doc) {
  return "\"" + crypto::sha256_hex(doc.dump()).substr(0, 32) + "\"";
}

// The stored settings with the request's members laid over them: a member left out keeps its
// current value (not its default), and override_roles may name only the gates it changes.
Json merged_settings(const Json& current, const Json& request) {
  Json out = current;
  for (const auto& [key, value] : request.items()) {
    if (key == "override_roles" && value.is_object() && out[key].is_object()) {
      for (const auto& [gate, roles] : value.items()) out[key][gate] = roles;
    } else {
      out[key] = value;
    }
  }
  return out;
}

}  // namespace

void add_admin_api(Router& router, Web& web) {
  // ---- MDT ----
  router.get("/api/v1/mdt/meetings", "MDT meetings at your sites, newest first",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto ms = app::list_meetings(web.ctx, *actor);
               if (!ms) return send_error(res, ms.error());
               Json items = Json::array();
               for (const auto& m : *ms) items.push_back(meeting_json(m.meeting, m.site_name));
               send(res, 200, {{"items", items}});
             });

  router.post("/api/v1/mdt/meetings", "Schedule an MDT meeting: {site_id, meeting_date, title}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"site_id", "meeting_date", "title"}, errors);
                app::MeetingInput in{member(*j, "site_id", errors),
                                     member(*j, "meeting_date", errors),
                                     member(*j, "title", errors)};
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto m = app::create_meeting(web.ctx, *actor, in);
                if (!m) return send_error(res, m.error());
                auto sites = app::list_sites(web.ctx);
                const std::string name = sites ? site_name(*sites, m->site) : "";
                res.set_header("Location", meeting_path(m->id));
                send(res, 201, meeting_json(*m, name));
              });

  router.get("/api/v1/mdt/meetings/{id}",
             "An MDT meeting: attendees, cases with decisions, and candidates",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto v = app::view_meeting(web.ctx, *actor, path_id(req),
                                          app::MeetingDetail::kWithCandidates);
               if (!v) return send_error(res, v.error());
               auto config = app::get_unit_config(web.ctx, *actor);
               if (!config) return send_error(res, config.error());
               const auto today = domain::Date::today(web.ctx.clock());
               Json body = meeting_json(v->meeting, v->site_name);
               body["held"] = v->held;
               body["attendees"] = Json::array();
               for (const auto& a : v->attendees) body["attendees"].push_back(attendee_json(a));
               body["attendance"] = {
                   {"radiologist", v->has_radiologist},
                   {"spinal_surgeon",
                    v->has_spinal_surgeon}};
               body["cases"] = Json::array();
               for (const auto& c : v->cases) {
                 body["cases"].push_back(case_json(c, today, v->site_name));
               }
               body["hidden_cases"] = v->hidden_cases;
               // Only for those who manage MDT lists; the member is absent for other roles.
               if (v->shows_candidates) {
                 body["candidates"] = Json::array();
                 for (const auto& c : v->candidates) {
                   Json cj = case_json(c, today, v->site_name);
                   for (const char* k : {"decision", "rationale", "decided_at",
                                         "decided_by_user_id", "added_at", "version"}) {
                     cj.erase(k);
                   }
                   body["candidates"].push_back(cj);
                 }
               }
               send(res, 200, body);
             });

  router.post("/api/v1/mdt/meetings/{id}/attendees",
              "Add an attendee: {name, professional_role}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"name", "professional_role"}, errors);
                const auto name = member(*j, "name", errors);
                const auto role = member(*j, "professional_role", errors);
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                const std::int64_t id = path_id(req);
                auto a = app::add_attendee(web.ctx, *actor, id, name, role);
                if (!a) return send_error(res, a.error());
                res.set_header("Location", meeting_path(id) + "/attendees/" + std::to_string(a->id));
                send(res, 201, attendee_json(*a));
              });

  router.del("/api/v1/mdt/meetings/{id}/attendees/{attendee}", "Remove an attendee",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto s = app::remove_attendee(web.ctx, *actor, path_id(req), path_id(req, 2));
               if (!s) return send_error(res, s.error());
               res.status = 204;
             });

  router.post("/api/v1/mdt/meetings/{id}/cases",
              "Put an episode awaiting MDT on the list: {episode_id}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"episode_id"}, errors);
                const std::int64_t episode = id_member(*j, "episode_id");
                if (episode == 0) errors.push_back({"episode_id", "Enter the episode's id"});
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                const std::int64_t id = path_id(req);
                auto s = app::add_case(web.ctx, *actor, id, EpisodeId{episode});
                if (!s) return send_error(res, s.error());
                res.set_header("Location", meeting_path(id));
                send(res, 201, {{"meeting_id", id}, {"episode_id", episode}, {"decision", nullptr}});
              });

  router.del("/api/v1/mdt/meetings/{id}/cases/{episode}",
             "Take an undecided case off the list",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto s = app::remove_case(web.ctx, *actor, path_id(req), EpisodeId{path_id(req, 2)});
               if (!s) return send_error(res, s.error());
               res.status = 204;
             });

  router.put("/api/v1/mdt/meetings/{id}/cases/{episode}/decision",
             "Record the decision about a case: {decision: proceed | do_not_proceed | "
             "more_info, rationale}; If-Match: the case's version (\"0\" for the first decision)",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               const auto version = if_match(req, res, 0);
               if (!version) return;
               auto j = json_body(req, res);
               if (!j) return;
               std::vector<FieldError> errors;
               only_fields(*j, {"decision", "rationale"}, errors);
               const auto decision = member(*j, "decision", errors);
               const auto rationale = member(*j, "rationale", errors);
               if (!errors.empty()) return send_error(res, Error::invalid(errors));
               const std::int64_t id = path_id(req);
               const std::int64_t episode = path_id(req, 2);
               auto s = app::record_decision(web.ctx, *actor, id, EpisodeId{episode}, *version,
                                             decision, rationale);
               if (!s) return send_change_error(res, s.error());
               res.set_header("ETag", etag(*version + 1));
               send(res, 200, {{"meeting_id", id},
                               {"episode_id", episode},
                               {"decision", decision},
                               {"rationale", rationale},
                               {"version", *version + 1}});
             });

  // ---- Sites ----
  router.get("/api/v1/sites", "Every site with its access to spinal surgery",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto sites = app::list_site_surgery(web.ctx, *actor);
               if (!sites) return send_error(res, sites.error());
               Json items = Json::array();
               for (const auto& v : *sites) items.push_back(site_json(v));
               send(res, 200, {{"items", items}});
             });

  router.put("/api/v1/sites/{id}/surgery",
             "Record a site's spinal surgery access: {access: on_site | arrangement | none, "
             "service, review_date}",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto j = json_body(req, res);
               if (!j) return;
               std::vector<FieldError> errors;
               only_fields(*j, {"access", "service", "review_date"}, errors);
               app::SurgeryInput in{member(*j, "access", errors), member(*j, "service", errors),
                                    member(*j, "review_date", errors)};
               if (!errors.empty()) return send_error(res, Error::invalid(errors));
               const SiteId id{path_id(req)};
               auto saved = app::set_site_surgery(web.ctx, *actor, id, in);
               if (!saved) return send_error(res, saved.error());
               auto sites = app::list_site_surgery(web.ctx, *actor);
               if (!sites) return send_error(res, sites.error());
               for (const auto& v : *sites) {
                 if (v.site.id == id) return send(res, 200, site_json(v));
               }
               send_error(res, Error::not_found("No such site"));
             });

  // ---- Settings ----
  router.get("/api/v1/settings", "The unit's settings; ETag", [&web](const Request& req, Response& res) {
    auto actor = api_actor(web, req, res);
    if (!actor) return;
    auto c = app::get_unit_config(web.ctx, *actor);
    if (!c) return send_error(res, c.error());
    const Json doc = app::unit_config_json(*c);
    res.set_header("ETag", settings_etag(doc));
    send(res, 200, doc);
  });

  router.put("/api/v1/settings",
             "Change the unit's settings: members left out keep their current values; "
             "If-Match optional",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               if (!role_allows(actor->user.role, domain::Permission::kManageSettings)) {
                 return send_error(
                     res, Error::forbidden("Only an administrator can change the unit's settings"));
               }
               auto j = json_body(req, res);
               if (!j) return;
               auto current = app::get_unit_config(web.ctx, *actor);
               if (!current) return send_error(res, current.error());
               const Json before = app::unit_config_json(*current);
               const std::string if_match = req.get_header_value("If-Match");
               if (!if_match.empty() && if_match != "*" && if_match != settings_etag(before)) {
                 return send_error(res, 412, "conflict",
                                   "The settings changed after you read them. Nothing was saved; "
                                   "read them again.");
               }
               auto saved = app::put_unit_config(web.ctx, *actor, merged_settings(before, *j));
               if (!saved) return send_error(res, saved.error());
               const Json doc = app::unit_config_json(*saved);
               res.set_header("ETag", settings_etag(doc));
               send(res, 200, doc);
             });
}

}  // namespace vertebro::http
