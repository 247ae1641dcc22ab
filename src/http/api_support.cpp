#include "http/api_support.h"

#include <charconv>

#include "app/input_reader.h"
#include "app/sessions.h"
#include "base/crypto.h"
#include "base/log.h"

namespace vertebro::http {

namespace {

constexpr int kMaxJsonDepth = 32;

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

}  // namespace

void send(Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

Json error_body(const std::string& code, const std::string& message,
                const std::vector<FieldError>& fields) {
  Json f = Json::array();
  for (const auto& e : fields) f.push_back({{"field", e.field}, {"message", e.message}});
  return {{"error", {{"code", code}, {"message", message}, {"fields", f}}}};
}

void send_error(Response& res, int status, const std::string& code, const std::string& message,
                const std::vector<FieldError>& fields) {
  send(res, status, error_body(code, message, fields));
}

void send_error(Response& res, const Error& e) {
  if (e.code == Errc::kRateLimited) {
    res.set_header("Retry-After", std::to_string(e.retry_after_seconds));
  }
  if (e.code == Errc::kBusy) res.set_header("Retry-After", "2");
  if (e.code == Errc::kUnavailable) log::error("database unavailable: {}", e.message);
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

std::string member(const Json& j, const std::string& key, std::vector<FieldError>& errors) {
  if (!j.contains(key) || j.at(key).is_null()) return {};
  const auto& v = j.at(key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  errors.push_back({key, "Must be a string"});
  return {};
}

void only_fields(const Json& j, std::initializer_list<std::string_view> known,
                 std::vector<FieldError>& errors) {
  app::InputReader(j, errors).only(known);
}

std::string bearer(const Request& req) {
  const auto h = req.get_header_value("Authorization");
  if (h.rfind("Bearer ", 0) == 0) return h.substr(7);
  return {};
}

std::optional<app::Actor> api_actor(Web& web, const Request& req, Response& res) {
  std::string token = bearer(req);
  const bool by_cookie = token.empty();
  if (by_cookie) token = session_cookie(web, req);
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

std::optional<std::int64_t> if_match(const Request& req, Response& res, std::int64_t lowest) {
  std::string v = req.get_header_value("If-Match");
  if (v.empty()) {
    send_error(res, 428, "precondition_required",
               "Send If-Match with the ETag of the version you are changing");
    return std::nullopt;
  }
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  std::int64_t version = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
  if (ec != std::errc() || p != v.data() + v.size() || version < lowest) {
    send_error(res, 400, "invalid_if_match",
               lowest == 0 ? "If-Match must be an ETag such as \"3\", or \"0\" for a first save"
                           : "If-Match must be an ETag such as \"3\"");
    return std::nullopt;
  }
  return version;
}

void send_change_error(Response& res, const Error& e) {
  if (e.code == Errc::kConflict) return send_error(res, 412, "conflict", e.message);
  send_error(res, e);
}

}  // namespace vertebro::http
