#include "http/router.h"

#include "http/bounded_server.h"

namespace vertebro::http {

std::string Router::to_regex(const std::string& pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '{') {
      const auto end = pattern.find('}', i);
      // A follow-up time point as URLs write it: "1-month", "12-months", "1-week".
      const std::string name = pattern.substr(i, end - i + 1);
      // A patient's link token: anything up to the next "/", so that every link that does not
      // work, however mistyped, gets the same "link not valid" page.
      out += name == "{time_point}" ? "([0-9]{1,3}-[a-z]{3,6})"
             : name == "{token}"    ? "([^/]{1,200})"
                                    : "([0-9]{1,18})";
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
// through a content reader, and the form is parsed here into the request, which the server owns
// and does not read again. The pre-routing handler (request_limits.h) has already refused a body
// over the cap, chunked or compressed, so at most `max` bytes arrive here; the cap is checked
// again as a backstop.
httplib::Server::HandlerWithContentReader Router::reading_body(Handler h) const {
  return [h = std::move(h), max = max_body_](const httplib::Request& req, httplib::Response& res,
                                             const httplib::ContentReader& reader) {
    std::string body;
    bool too_large = false;
    const bool complete = reader([&](const char* data, std::size_t length) {
      too_large = too_large || body.size() + length > max;
      if (!too_large) body.append(data, length);
      return !too_large;
    });
    if (too_large) {
      res.status = 413;
      res.set_header("Connection", "close");
      BoundedServer::close_after_response();
      return;
    }
    if (!complete) {
      res.status = 400;
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
