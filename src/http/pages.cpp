#include <algorithm>
#include <charconv>

#include "app/sessions.h"
#include "base/crypto.h"
#include "base/log.h"
#include "domain/user.h"
#include "http/web.h"

namespace vertebro::http {

int status_for(Errc code) {
  switch (code) {
    case Errc::kInvalid: return 422;
    case Errc::kNotFound: return 404;
    case Errc::kConflict: return 409;
    case Errc::kWrongState: return 409;
    case Errc::kDuplicate: return 409;
    case Errc::kUnauthenticated: return 401;
    case Errc::kForbidden: return 403;
    case Errc::kRateLimited: return 429;
    case Errc::kBusy: return 503;
    case Errc::kUnavailable: return 503;
    case Errc::kSchemaTooNew: return 500;
    case Errc::kInternal: return 500;
  }
  return 500;
}

std::string form(const Request& req, const std::string& name) {
  return req.has_param(name.c_str()) ? req.get_param_value(name.c_str()) : std::string();
}

std::vector<std::string> form_values(const Request& req, const std::string& name) {
  std::vector<std::string> out;
  auto [b, e] = req.params.equal_range(name);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

void redirect(Response& res, const std::string& location) {
  res.status = 303;
  res.set_header("Location", location);
}

Json error_view(const Error& error) {
  Json errors = Json::object();
  Json list = Json::array();
  for (const auto& f : error.fields) {
    if (!errors.contains(f.field)) errors[f.field] = f.message;
    list.push_back({{"href", "#" + f.field}, {"text", f.message}});
  }
  Json view = {{"errors", errors}, {"error_list", list}, {"has_errors", true},
               {"error_title", "There is a problem"}};
  if (error.fields.empty()) view["error_message"] = error.message;
  return view;
}

namespace {

Json nav_items(const app::Actor& actor, const std::string& current) {
  Json items = Json::array();
  auto add = [&](const char* key, const char* href, const char* label) {
    items.push_back({{"href", href}, {"label", label}, {"current", current == key}});
  };
  if (role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    add("worklist", "/worklist", "Worklist");
  }
  if (role_allows(actor.user.role, domain::Permission::kRegisterPatient)) {
    add("register", "/patients/new", "Register a patient");
  }
  if (role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    add("follow_ups", "/follow-ups", "Follow-ups");
    add("mdt", "/mdt", "MDT meetings");
    add("sites", "/sites", "Sites");
  }
  if (role_allows(actor.user.role, domain::Permission::kManageSettings)) {
    if (!role_allows(actor.user.role, domain::Permission::kViewPatients)) {
      add("sites", "/sites", "Sites");
    }
    add("settings", "/settings", "Settings");
  }
  if (role_allows(actor.user.role, domain::Permission::kManageOperators) ||
      actor.user.role == domain::Role::kOperator) {
    add("operators", "/operators", "Operators");
  }
  if (role_allows(actor.user.role, domain::Permission::kManageOperators)) {
    add("training", "/training", "Training");
  }
  if (actor.user.role != domain::Role::kResearcher) add("cement", "/cement", "Cement");
  if (role_allows(actor.user.role, domain::Permission::kReportDeviceIncidents)) {
    add("yellow_card", "/yellow-card", "Yellow Card");
  }
  if (role_allows(actor.user.role, domain::Permission::kViewReports)) {
    add("reports", "/reports/htg3", "Reports");
  }
  return items;
}

}  // namespace

bool is_form_error(const Error& e) {
  return e.code == Errc::kInvalid || (e.code == Errc::kForbidden && !e.fields.empty());
}

std::int64_t path_id(const Request& req, std::size_t i) {
  std::int64_t v = 0;
  const std::string s = req.matches[i];
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

namespace {

std::string cookie_value(const Request& req, const std::string& name) {
  const auto header = req.get_header_value("Cookie");
  std::size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';')) ++pos;
    const auto eq = header.find('=', pos);
    if (eq == std::string::npos) break;
    const auto end = std::min(header.find(';', eq), header.size());
    if (header.compare(pos, eq - pos, name) == 0) return header.substr(eq + 1, end - eq - 1);
    pos = end;
  }
  return {};
}

}  // namespace

std::string cookie_name(const Web& web, const char* name) {
  return (web.options.secure_cookies ? "__Host-" : "") + std::string(name);
}

std::string cookie_header(const Web& web, const char* name, const std::string& value,
                          const std::string& extra) {
  return cookie_name(web, name) + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" +
         (web.options.secure_cookies ? "; Secure" : "") + extra;
}

std::string session_cookie(const Web& web, const Request& req) {
  return cookie_value(req, cookie_name(web, kSessionCookie));
}
std::string pre_session_cookie(const Web& web, const Request& req) {
  return cookie_value(req, cookie_name(web, kPreSessionCookie));
}

void render_page(Web& web, Response& res, int status, const std::string& tpl, Json data,
                 const std::string& title, const app::Actor* actor, const std::string& nav) {
  Json layout = {{"title", title}, {"demo", web.demo}};
  if (data.contains("back_href")) layout["back_href"] = data["back_href"];
  if (actor != nullptr) {
    layout["signed_in"] = true;
    layout["user_display_name"] = actor->user.display_name;
    layout["user_role_label"] = std::string(domain::role_label(actor->user.role));
    layout["csrf"] = actor->csrf_token;
    layout["nav"] = nav_items(*actor, nav);
    data["csrf"] = actor->csrf_token;
  }
  layout["content"] = web.templates.render(tpl, data);
  res.status = status;
  res.set_content(web.templates.render("layout", layout), "text/html; charset=utf-8");
}

void render_status_page(Web& web, Response& res, int status, const std::string& heading,
                        const std::string& body, const app::Actor* actor) {
  render_page(web, res, status, "message", Json{{"heading", heading}, {"body", body}}, heading,
              actor);
}

void render_error(Web& web, Response& res, const Error& error, const app::Actor* actor) {
  const int status = status_for(error.code);
  switch (error.code) {
    case Errc::kNotFound:
      render_status_page(web, res, status, "Page not found",
                         error.message + ". It may not exist, or it may belong to a site you "
                                         "do not work at.",
                         actor);
      return;
    case Errc::kForbidden:
      render_status_page(web, res, status, "You cannot do that", error.message, actor);
      return;
    case Errc::kBusy:
      res.set_header("Retry-After", "2");
      render_status_page(web, res, status, "vertebro is busy",
                         "The database is busy. Nothing was saved. Try again in a moment.", actor);
      return;
    case Errc::kUnavailable:
      // The store's message says what happened to the change (it never quotes a record).
      log::error("database unavailable: {}", error.message);
      render_status_page(web, res, status, "vertebro cannot save changes just now",
                         error.message + " Try again in a few minutes; if it keeps happening, "
                                         "tell your administrator the time it happened.",
                         actor);
      return;
    case Errc::kRateLimited:
      res.set_header("Retry-After", std::to_string(std::max(1, error.retry_after_seconds)));
      render_status_page(web, res, status, "There is a problem", error.message, actor);
      return;
    case Errc::kInvalid: {
      // A page that has no form to show the errors on names them here.
      std::string text;
      for (const auto& f : error.fields) text += (text.empty() ? "" : " ") + f.message + ".";
      render_status_page(web, res, status, "There is a problem",
                         text.empty() ? error.message : text, actor);
      return;
    }
    case Errc::kConflict:
    case Errc::kWrongState:
    case Errc::kDuplicate:
    case Errc::kUnauthenticated:
      render_status_page(web, res, status, "There is a problem", error.message, actor);
      return;
    case Errc::kSchemaTooNew:
    case Errc::kInternal:
      log::error("internal error: {}", error.message);
      render_status_page(web, res, 500, "Sorry, there is a problem with vertebro",
                         "Nothing was saved by the request that failed. Try again later; if it "
                         "keeps happening, tell your administrator the time it happened.",
                         actor);
      return;
  }
}

std::optional<app::Actor> page_actor(Web& web, const Request& req, Response& res) {
  auto actor = app::authenticate(web.ctx, session_cookie(web, req));
  if (actor) return std::move(*actor);
  if (actor.error().code != Errc::kUnauthenticated) {
    render_error(web, res, actor.error(), nullptr);
    return std::nullopt;
  }
  // Ask for sign-in on the same URL; after signing in the user returns here.
  const std::string pre = crypto::random_hex(16);
  res.set_header("Set-Cookie", cookie_header(web, kPreSessionCookie, pre));
  Json data = {{"pre_csrf", pre},
               {"next", req.method == "GET" ? req.path : std::string("/worklist")},
               {"notice", actor.error().message}};
  render_page(web, res, 401, "sign_in", data, "Sign in", nullptr);
  return std::nullopt;
}

bool check_csrf(Web& web, const app::Actor& actor, const Request& req, Response& res) {
  if (crypto::constant_time_equal(form(req, "csrf"), actor.csrf_token)) return true;
  log::warn("CSRF check failed for user {} on {} {}", actor.user.username, req.method, req.path);
  render_status_page(web, res, 403, "Your form could not be sent",
                     "The form was out of date or did not come from vertebro. Nothing was saved. "
                     "Go back, reload the page and try again.",
                     &actor);
  return false;
}

}  // namespace vertebro::http
