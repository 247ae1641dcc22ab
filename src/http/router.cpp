#include "http/router.h"

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
void Router::post(const std::string& pattern, const std::string& summary, Handler h) {
  routes_.push_back({"POST", pattern, summary});
  server_.Post(to_regex(pattern), std::move(h));
}
void Router::put(const std::string& pattern, const std::string& summary, Handler h) {
  routes_.push_back({"PUT", pattern, summary});
  server_.Put(to_regex(pattern), std::move(h));
}
void Router::del(const std::string& pattern, const std::string& summary, Handler h) {
  routes_.push_back({"DELETE", pattern, summary});
  server_.Delete(to_regex(pattern), std::move(h));
}

}  // namespace vertebro::http
