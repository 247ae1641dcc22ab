#include "http/request_limits.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>

#include "http/api_support.h"

namespace vertebro::http {

namespace {

struct Refusal {
  int status;
  const char* code;
  std::string message;
  bool identity_only = false;  // refused for its Content-Encoding: say which one is accepted
};

bool is_api(const std::string& path) { return path.rfind("/api/", 0) == 0; }

bool may_have_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(const std::string& header) {
  std::string out;
  for (char c : header.substr(0, header.find(';'))) {
    if (c != ' ' && c != '\t') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<Refusal> refusal(const Request& req, std::size_t max_body) {
  const std::string limit = std::to_string(max_body / 1024) + " KiB";
  if (req.has_header("Transfer-Encoding")) {
    return Refusal{411, "length_required",
                   "Send the body whole with a Content-Length (at most " + limit +
                       "): vertebro does not accept chunked bodies."};
  }
  std::uint64_t length = 0;
  if (const auto n = req.get_header_value_count("Content-Length"); n > 0) {
    const std::string v = req.get_header_value("Content-Length");
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), length);
    if (n > 1 || v.empty() || ec != std::errc() || p != v.data() + v.size()) {
      return Refusal{400, "bad_request", "Send one Content-Length, a number of bytes."};
    }
  }
  if (length > max_body) {
    return Refusal{413, "too_large", "The request is too large (over " + limit + ")."};
  }
  if (length > 0 && !may_have_body(req.method)) {
    return Refusal{400, "bad_request", "A " + req.method + " request cannot have a body."};
  }
  const std::string type = media_type(req.get_header_value("Content-Type"));
  const char* accepted = is_api(req.path) ? "application/json" : "application/x-www-form-urlencoded";
  if (type.rfind("multipart/", 0) == 0 || (length > 0 && type != accepted)) {
    return Refusal{415, "unsupported_media_type",
                   std::string("Send the body as ") + accepted +
                       (type.empty() ? std::string() : ", not " + type) + "."};
  }
  const std::string encoding = req.get_header_value("Content-Encoding");
  if (length > 0 && !encoding.empty() && media_type(encoding) != "identity") {
    return Refusal{415, "unsupported_media_type",
                   "Send the body uncompressed: Content-Encoding " + encoding + " is not accepted.",
                   true};
  }
  return std::nullopt;
}

// Writes the refusal as the face's error answer and closes the connection after it.
void answer(Web& web, const Request& req, Response& res, const Refusal& r) {
  if (is_api(req.path)) {
    send_error(res, r.status, r.code, r.message);
  } else {
    render_status_page(web, res, r.status, "There is a problem", r.message, nullptr);
  }
  if (r.identity_only) res.set_header("Accept-Encoding", "identity");
  res.set_header("Connection", "close");
  BoundedServer::close_after_response();
}

}  // namespace

void install_request_limits(BoundedServer& svr, Web& web) {
  svr.set_pre_routing_handler([&web](const Request& req, Response& res) {
    if (auto r = refusal(req, web.options.max_body)) {
      answer(web, req, res, *r);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (may_have_body(req.method) && !req.has_header("Content-Length")) {
      // The request is httplib's to change until routing: it owns it, and reads the body next.
      const_cast<Request&>(req).set_header("Content-Length", "0");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.set_expect_100_continue_handler([&web](const Request& req, Response& res) {
    if (auto r = refusal(req, web.options.max_body)) {
      answer(web, req, res, *r);
      return r->status;
    }
    return 100;
  });
}

}  // namespace vertebro::http
