#pragma once
// Internal to http/: the state shared by every handler, and helpers for pages and the API.
// Includes httplib and nlohmann/json, so only http/*.cpp include it.

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "http/router.h"
#include "http/server.h"
#include "http/templates.h"

namespace vertebro::http {

using Request = httplib::Request;
using Response = httplib::Response;
using Json = nlohmann::json;

struct Web {
  const app::Context& ctx;
  ServerOptions options;
  Templates templates;
  bool demo = false;
};

inline constexpr const char* kSessionCookie = "vb_session";
inline constexpr const char* kPreSessionCookie = "vb_pre";
// A cookie's name as sent: with --secure-cookies, "__Host-" + `name`, which browsers accept only
// from HTTPS, for this host alone (no Domain) and Path=/, so no other host or plain-HTTP
// answer can set or replace it.
std::string cookie_name(const Web& web, const char* name);
// The Set-Cookie value for cookie `name` (HttpOnly, SameSite=Lax, Path=/, Secure with
// --secure-cookies), followed by `extra` ("; Max-Age=0" clears it).
std::string cookie_header(const Web& web, const char* name, const std::string& value,
                          const std::string& extra = "");

// Pages (pages.cpp).
// The signed-in actor, or renders the sign-in page with 401 and returns nullopt.
std::optional<app::Actor> page_actor(Web& web, const Request& req, Response& res);
// True when the form's csrf field matches the session; otherwise renders 403.
bool check_csrf(Web& web, const app::Actor& actor, const Request& req, Response& res);
// Renders `tpl` with `data` inside the layout. `nav` names the current navigation item.
void render_page(Web& web, Response& res, int status, const std::string& tpl, Json data,
                 const std::string& title, const app::Actor* actor, const std::string& nav = "");
// Renders an error page for `error` (status from its code). Never shows internals.
void render_error(Web& web, Response& res, const Error& error, const app::Actor* actor);
void render_status_page(Web& web, Response& res, int status, const std::string& heading,
                        const std::string& body, const app::Actor* actor);
void redirect(Response& res, const std::string& location);
// Form field: the value of `name` in a url-encoded body, or "".
std::string form(const Request& req, const std::string& name);
// Every value of a repeated form field (checkboxes), in the order sent.
std::vector<std::string> form_values(const Request& req, const std::string& name);
// The i-th path parameter as an integer (0 when it is not one; routes match digits only).
std::int64_t path_id(const Request& req, std::size_t i = 1);
// The episode named by the first path parameter (/episodes/{id}/...).
inline EpisodeId episode_id(const Request& req) { return EpisodeId{path_id(req)}; }
// True for a refusal to show again as its form with the fields marked: bad input, or a
// refusal that names the fields it concerns (a training lead signing off their own profile).
bool is_form_error(const Error& e);
// {"errors": {field: message}, "error_list": [{href, text}]} for an error summary.
Json error_view(const Error& error);
int status_for(Errc code);

// Registration of each face's routes.
void add_auth_pages(Router& router, Web& web);
void add_record_pages(Router& router, Web& web);
void add_api(Router& router, Web& web);
void add_pathway_pages(Router& router, Web& web);  // pages_pathway.cpp
void add_pathway_api(Router& router, Web& web);    // api_pathway.cpp
void add_mdt_pages(Router& router, Web& web);      // pages_mdt.cpp
void add_admin_pages(Router& router, Web& web);    // pages_admin.cpp: sites, unit settings
void add_admin_api(Router& router, Web& web);      // api_admin.cpp: MDT, sites, settings
void add_operator_pages(Router& router, Web& web);  // pages_operators.cpp: HTG3-1.2-TRAINING
void add_operators_api(Router& router, Web& web);   // api_operators.cpp (and /training)
void add_training_pages(Router& router, Web& web);  // pages_training.cpp: learning curves
void add_cement_pages(Router& router, Web& web);    // pages_cement.cpp: HTG3-1.2-CEMENT
void add_cement_api(Router& router, Web& web);      // api_cement.cpp
void add_notices_api(Router& router, Web& web);     // api_notices.cpp: MHRA notices
void add_notice_pages(Router& router, Web& web);    // pages_notices.cpp
void add_follow_up_routes(Router& router, Web& web);  // follow_ups.cpp: the follow-up list
void add_follow_up_visit_routes(Router& router, Web& web);  // follow_up_visits.cpp
void add_yellow_card_routes(Router& router, Web& web);      // yellow_card.cpp
void add_report_routes(Router& router, Web& web);           // reports.cpp: audit reports
void add_patient_link_routes(Router& router, Web& web);     // patient_links.cpp
void add_complication_routes(Router& router, Web& web);     // complications.cpp

}  // namespace vertebro::http

namespace vertebro::http {
// The session and sign-in (double-submit) cookies of a request, under cookie_name()'s names
// only, or "".
std::string session_cookie(const Web& web, const Request& req);
std::string pre_session_cookie(const Web& web, const Request& req);
}  // namespace vertebro::http
