#pragma once
// A small router over cpp-httplib 0.11.4, which has no path parameters: patterns such as
// "/episodes/{id}" become anchored regular expressions with numeric captures. Routes are
// registered in one block per face, and the router keeps their list for documentation.

#include <httplib.h>

#include <functional>
#include <string>
#include <vector>

namespace vertebro::http {

struct RouteInfo {
  std::string method;
  std::string pattern;  // as written, e.g. "/api/v1/episodes/{id}"
  std::string summary;
};

class Router {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  // Request bodies over `max_body` bytes are answered 413 before any handler runs.
  Router(httplib::Server& server, std::size_t max_body) : server_(server), max_body_(max_body) {}

  // `{name}` in `pattern` matches 1-18 digits, available as req.matches[1], [2], ...;
  // `{time_point}` matches a follow-up time point as URLs write it ("1-month", "12-months");
  // `{token}` a patient link's token (anything up to the next "/").
  void get(const std::string& pattern, const std::string& summary, Handler h);
  void post(const std::string& pattern, const std::string& summary, Handler h);
  void put(const std::string& pattern, const std::string& summary, Handler h);
  void del(const std::string& pattern, const std::string& summary, Handler h);

  const std::vector<RouteInfo>& routes() const { return routes_; }

 private:
  static std::string to_regex(const std::string& pattern);
  httplib::Server::HandlerWithContentReader reading_body(Handler h) const;
  httplib::Server& server_;
  std::size_t max_body_;
  std::vector<RouteInfo> routes_;
};

}  // namespace vertebro::http
