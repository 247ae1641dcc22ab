#include "app/sessions.h"
#include "base/crypto.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

// Only local paths are followed after sign-in, never another site.
std::string safe_next(const std::string& next) {
  if (next.size() < 2 || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
      next.find("://") != std::string::npos || next.size() > 200) {
    return "/worklist";
  }
  for (char c : next) {
    if (static_cast<unsigned char>(c) < 0x20) return "/worklist";
  }
  return next;
}

void show_sign_in(Web& web, Response& res, int status, Json data) {
  const std::string pre = crypto::random_hex(16);
  res.set_header("Set-Cookie", cookie_header(web, kPreSessionCookie, pre));
  data["pre_csrf"] = pre;
  render_page(web, res, status, "sign_in", data, "Sign in", nullptr);
}

}  // namespace

void add_auth_pages(Router& router, Web& web) {
  router.get("/", "Home: the worklist, or sign-in", [&web](const Request& req, Response& res) {
    auto actor = app::authenticate(web.ctx, session_cookie(web, req));
    redirect(res, actor ? "/worklist" : "/sign-in");
  });

  router.get("/sign-in", "Sign-in form", [&web](const Request& req, Response& res) {
    show_sign_in(web, res, 200, Json{{"next", safe_next(form(req, "next"))}});
  });

  router.post("/sign-in", "Sign in", [&web](const Request& req, Response& res) {
    const std::string username = form(req, "username");
    const std::string next = safe_next(form(req, "next"));
    const std::string pre = pre_session_cookie(web, req);
    if (pre.empty() || !crypto::constant_time_equal(pre, form(req, "csrf"))) {
      show_sign_in(web, res, 403,
                   Json{{"next", next}, {"username", username},
                        {"notice", "Your sign-in form had expired. Sign in again."}});
      return;
    }
    auto signed_in = app::sign_in(web.ctx, username, form(req, "password"));
    if (!signed_in) {
      const Error& e = signed_in.error();
      Json data = {{"next", next}, {"username", username}};
      switch (e.code) {
        case Errc::kRateLimited:
          res.set_header("Retry-After", std::to_string(e.retry_after_seconds));
          data.update(error_view(Error::invalid({{"username", e.message}})));
          show_sign_in(web, res, 429, data);
          return;
        case Errc::kUnauthenticated:
          data.update(error_view(Error::invalid({{"username", e.message}})));
          show_sign_in(web, res, 401, data);
          return;
        case Errc::kInvalid:
        case Errc::kNotFound:
        case Errc::kConflict:
        case Errc::kWrongState:
        case Errc::kDuplicate:
        case Errc::kForbidden:
        case Errc::kBusy:
        case Errc::kUnavailable:
        case Errc::kSchemaTooNew:
        case Errc::kInternal:
          render_error(web, res, e, nullptr);
          return;
      }
    }
    // A new token at every sign-in; the pre-session cookie is spent.
    res.set_header("Set-Cookie", cookie_header(web, kSessionCookie, signed_in->token));
    res.headers.emplace("Set-Cookie", cookie_header(web, kPreSessionCookie, "", "; Max-Age=0"));
    redirect(res, next);
  });

  router.post("/sign-out", "Sign out", [&web](const Request& req, Response& res) {
    auto actor = app::authenticate(web.ctx, session_cookie(web, req));
    if (actor) {
      if (!check_csrf(web, *actor, req, res)) return;
      if (auto s = app::sign_out(web.ctx, *actor); !s) {
        render_error(web, res, s.error(), &*actor);
        return;
      }
    }
    res.set_header("Set-Cookie", cookie_header(web, kSessionCookie, "", "; Max-Age=0"));
    show_sign_in(web, res, 200, Json{{"next", "/worklist"}, {"notice", "You have signed out."}});
  });
}

}  // namespace vertebro::http
