#include "http/server.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include "app/health.h"
#include "app/users.h"
#include "base/log.h"
#include "http/bounded_server.h"
#include "http/request_limits.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

// Connections that may wait to be accepted: a ward opening its pages at once, or a load
// balancer's burst, must wait, not be reset (H-096).
constexpr int kListenBacklog = 1024;

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'";

bool is_static(const std::string& path) {
  return path.rfind("/static/", 0) == 0 || path.rfind("/assets/", 0) == 0;
}
bool is_api(const std::string& path) { return path.rfind("/api/", 0) == 0; }

// Sets a header once, replacing any earlier value (the hooks below may run twice on errors).
void replace_header(Response& res, const char* name, const char* value) {
  res.headers.erase(name);
  res.set_header(name, value);
}

// A request line and its headers together; longer heads are refused unread (414/431).
constexpr std::size_t kMaxHead = 64 * 1024;

void security_headers(const Request& req, Response& res, bool https) {
  replace_header(res, "Content-Security-Policy", kCsp);
  // Behind TLS (--secure-cookies): browsers must never fall back to plain HTTP for this host.
  if (https) replace_header(res, "Strict-Transport-Security", "max-age=31536000");
  replace_header(res, "X-Content-Type-Options", "nosniff");
  replace_header(res, "X-Frame-Options", "DENY");
  replace_header(res, "Referrer-Policy", "no-referrer");
  replace_header(res, "Cross-Origin-Opener-Policy", "same-origin");
  // Pages and API answers may show patient data: never keep them in a cache.
  replace_header(res, "Cache-Control",
                 is_static(req.path) ? "public, max-age=3600" : "no-store");
}

}  // namespace

struct Server::Impl {
  Impl(const app::Context& ctx, ServerOptions options)
      : svr(kMaxHead), web{ctx, std::move(options), {}, false} {}
  BoundedServer svr;
  Web web;
  std::unique_ptr<Router> router;  // outlives every handler that lists the routes
  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> finished{false};  // listen_after_bind() has returned
};

Server::Server(const app::Context& ctx, ServerOptions options)
    : impl_(std::make_unique<Impl>(ctx, std::move(options))) {
  auto& svr = impl_->svr;
  Web& web = impl_->web;
  auto demo = app::is_demo_database(ctx);
  web.demo = demo.ok() && *demo;

  const int threads = std::max(4, web.options.threads);
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  svr.set_payload_max_length(web.options.max_body);
  svr.set_tcp_nodelay(true);  // BoundedServer sets it on each accepted socket too
  install_request_limits(svr, web);
  svr.set_keep_alive_timeout(5);
  svr.set_keep_alive_max_count(100);  // httplib's default closes a connection after 5 requests
  svr.set_read_timeout(10, 0);
  svr.set_write_timeout(10, 0);
  svr.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  svr.set_file_extension_and_mimetype_mapping("js", "text/javascript");
  svr.set_file_extension_and_mimetype_mapping("svg", "image/svg+xml");
  svr.set_file_extension_and_mimetype_mapping("json", "application/json");

  if (!web.options.static_dir.empty()) {
    const std::filesystem::path root(web.options.static_dir);
    if (!svr.set_mount_point("/static", (root / "static").string()) ||
        !svr.set_mount_point("/assets", (root / "assets").string())) {
      log::warn("static files not found under {}; pages will have no styles",
                web.options.static_dir);
    }
  }

  const bool https = web.options.secure_cookies;
  svr.set_post_routing_handler(
      [https](const Request& req, Response& res) { security_headers(req, res, https); });

  // Access log: method, path without its query string (which may hold search terms), status.
  // A patient's questionnaire link is a secret that works the questionnaire: never logged.
  svr.set_logger([](const Request& req, const Response& res) {
    if (is_static(req.path)) return;
    const bool link = req.path.rfind("/q/", 0) == 0;
    log::info("{} {} {}", req.method, link ? std::string("/q/(link)") : req.path, res.status);
  });

  svr.set_exception_handler([&web, https](const Request& req, Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "non-standard exception";
    }
    log::error("request {} {} failed: {}", req.method, req.path, what);
    res.status = 500;
    res.headers.erase("EXCEPTION_WHAT");
    if (is_api(req.path)) {
      res.set_content(R"({"error":{"code":"internal","message":"The request failed; nothing was saved.","fields":[]}})",
                      "application/json");
    } else {
      try {
        render_status_page(web, res, 500, "Sorry, there is a problem with vertebro",
                           "The request failed and nothing was saved. Try again later.", nullptr);
      } catch (...) {
        res.set_content("The request failed and nothing was saved.", "text/plain");
      }
    }
    security_headers(req, res, https);
  });

  // Fills in a body for errors raised by httplib itself (404 no route, 413, 400) and leaves
  // handler-written bodies alone.
  svr.set_error_handler(httplib::Server::HandlerWithResponse(
      [&web, https](const Request& req, Response& res) -> httplib::Server::HandlerResponse {
        security_headers(req, res, https);
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string message = "The request could not be handled.";
        std::string code = "bad_request";
        if (res.status == 404) {
          message = "There is nothing at this address.";
          code = "not_found";
        } else if (res.status == 413) {
          message = "The request is too large (over " +
                    std::to_string(web.options.max_body / 1024) + " KiB).";
          code = "too_large";
        } else if (res.status == 405) {
          code = "method_not_allowed";
          message = "That method is not allowed here.";
        } else if (res.status == 414) {
          code = "uri_too_long";
          message = "The address is too long.";
        }
        if (is_api(req.path)) {
          Json body = {{"error", {{"code", code}, {"message", message}, {"fields", Json::array()}}}};
          res.set_content(body.dump(), "application/json");
        } else {
          render_status_page(web, res, res.status,
                             res.status == 404 ? "Page not found" : "There is a problem", message,
                             nullptr);
        }
        return httplib::Server::HandlerResponse::Handled;
      }));

  impl_->router = std::make_unique<Router>(svr, web.options.max_body);
  Router& router = *impl_->router;
  router.get("/healthz", "Health and schema version", [&web](const Request&, Response& res) {
    const app::Health health = app::check_health(web.ctx);
    Json body = {{"status", health.database_ok ? "ok" : "unavailable"},
                 {"schema_version", health.schema_version},
                 {"backend", health.backend}};
    if (!health.database_ok) res.status = 503;
    res.set_content(body.dump(), "application/json");
  });
  add_auth_pages(router, web);
  add_record_pages(router, web);
  add_api(router, web);
  add_pathway_pages(router, web);
  add_pathway_api(router, web);
  add_mdt_pages(router, web);
  add_admin_pages(router, web);
  add_admin_api(router, web);
  add_operator_pages(router, web);
  add_operators_api(router, web);
  add_training_pages(router, web);
  add_cement_pages(router, web);
  add_cement_api(router, web);
  add_notices_api(router, web);
  add_notice_pages(router, web);
  add_follow_up_routes(router, web);
  add_follow_up_visit_routes(router, web);
  add_complication_routes(router, web);
  add_yellow_card_routes(router, web);
  add_report_routes(router, web);
  add_patient_link_routes(router, web);
}

Server::~Server() { stop(); }

Result<int> Server::bind(const std::string& host, int port) {
  const int bound = port == 0 ? impl_->svr.bind_to_any_port(host)
                              : (impl_->svr.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Error::internal("Cannot listen on " + host + ":" + std::to_string(port) +
                           " (in use, or not an address of this machine)");
  }
  if (!impl_->svr.widen_backlog(kListenBacklog)) {
    log::warn("the queue of connections waiting to be accepted stays at the library's 5");
  }
  return bound;
}

bool Server::run() {
  impl_->started = true;
  if (impl_->stopping) {
    impl_->finished = true;
    return true;
  }
  const bool ok = impl_->svr.listen_after_bind();
  impl_->finished = true;
  return ok;
}

void Server::stop() {
  // Only the first call stops the listener; a later one (the destructor after an explicit
  // stop) has nothing left to wait for.
  if (impl_->stopping.exchange(true)) return;
  if (!impl_->started) return;
  impl_->svr.end_connections();
  // stop() before the listener runs is lost, so wait until it is running (or has given up).
  for (int i = 0; i < 500 && !impl_->svr.is_running() && !impl_->finished; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  impl_->svr.stop();
}

bool Server::running() const { return impl_->svr.is_running(); }

}  // namespace vertebro::http
