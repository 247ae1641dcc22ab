#include "http/router.h"

#include <cstdlib>


namespace vertebro::http {

std::string Router::to_regex(const std::string& pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '{') {
      const auto end = pattern.find('}', i);
      out += "([0-9]{1,18})";
      i = end;
    } else if (c == '.' || c == '+' || c == '*' || c == '?' || c == '(' || c == ')' ||
               c == '[' || c == ']' || c == '^' || c == '$' || c == '|' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

void Router::get(const std::string& pattern, const std::string& summary, Handler h) {
  routes_.push_back({"GET", pattern, summary});
  server_.Get(to_regex(pattern), std::move(h));
}
// cpp-httplib 0.11.4 answers 413 to any url-encoded form over 8 KiB, a limit compiled into the
// library; a referral with a full 4,000-character reason is larger. Bodies are therefore read
// through a content reader (still capped by the server's payload limit), and the form is parsed
// here into the request, which the server owns and does not read again. The content-reader
// path skips httplib's own payload limit, so the cap is applied here.
httplib::Server::HandlerWithContentReader Router::reading_body(Handler h) const {
  return [h = std::move(h), max = max_body_](const httplib::Request& req, httplib::Response& res,
                                             const httplib::ContentReader& reader) {
    // Over the cap, the rest of the body is read and dropped (up to a bound) so the client,
    // still sending, reads the 413 rather than a broken connection.
    constexpr std::size_t kDrainLimit = 64u << 20;
    std::string body;
    std::size_t seen = 0;
    bool too_large = false;
    const bool complete = reader([&](const char* data, std::size_t length) {
      seen += length;
      if (seen > max) too_large = true;
      if (!too_large) body.append(data, length);
      return seen <= kDrainLimit;
    });
    // httplib itself stops reading at its payload limit (the same cap) and reports failure.
    const std::string declared = req.get_header_value("Content-Length");
    if (!complete && declared.size() > 0 &&
        std::strtoull(declared.c_str(), nullptr, 10) > max) {
      too_large = true;
    }
    if (!complete && !too_large) {
      res.status = 400;
      return;
    }
    if (too_large) {
      res.status = 413;
      res.set_header("Connection", "close");
      return;
    }
    auto& request = const_cast<httplib::Request&>(req);
    if (req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
      httplib::detail::parse_query_text(body, request.params);
    }
    request.body = std::move(body);
    h(req, res);
  };
}

void Router::post(const std::string& pattern, const std::string& summary, Handler h) {
  routes_.push_back({"POST", pattern, summary});
  server_.Post(to_regex(pattern), reading_body(std::move(h)));
}
void Router::put(const std::string& pattern, const std::string& summary, Handler h) {
  routes_.push_back({"PUT", pattern, summary});
  server_.Put(to_regex(pattern), reading_body(std::move(h)));
}
void Router::del(const std::string& pattern, const std::string& summary, Handler h) {
  routes_.push_back({"DELETE", pattern, summary});
  server_.Delete(to_regex(pattern), std::move(h));
}

}  // namespace vertebro::http
