#include "http/templates.h"

#include <kainjow/mustache.hpp>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace vertebro::embedded::templates {
const std::vector<std::pair<std::string_view, std::string_view>>& files();
}

namespace vertebro::http {

namespace {

namespace mu = kainjow::mustache;

std::string_view source_of(const std::string& name) {
  const std::string file = name + ".mustache";
  for (const auto& [n, text] : embedded::templates::files()) {
    if (n == file) return text;
  }
  throw std::runtime_error("unknown template " + name);
}

mu::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mu::data d{mu::data::type::object};
      for (const auto& [k, v] : j.items()) d.set(k, to_data(v));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mu::data d{mu::data::type::list};
      for (const auto& v : j) d.push_back(to_data(v));
      return d;
    }
    case nlohmann::json::value_t::string:
      return mu::data{j.get<std::string>()};
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? mu::data{mu::data::type::bool_true}
                           : mu::data{mu::data::type::bool_false};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return mu::data{j.dump()};
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded:
      return mu::data{mu::data::type::bool_false};
  }
  return mu::data{mu::data::type::bool_false};
}

// Parsed templates for this thread: kainjow's render() is not const.
mu::mustache& parsed(const std::string& name) {
  thread_local std::map<std::string, std::unique_ptr<mu::mustache>> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    auto t = std::make_unique<mu::mustache>(std::string(source_of(name)));
    if (!t->is_valid()) throw std::runtime_error("template " + name + ": " + t->error_message());
    it = cache.emplace(name, std::move(t)).first;
  }
  return *it->second;
}

}  // namespace

std::string Templates::render(const std::string& name, const nlohmann::json& data) const {
  mu::data d = to_data(data);
  // Partials are the files whose names start with "_" ({{> _field}}): a prefix no data key
  // uses, so a partial never hides a value such as "patient".
  for (const auto& [file, text] : embedded::templates::files()) {
    if (file.empty() || file.front() != '_') continue;
    std::string partial_name(file.substr(0, file.size() - std::string_view(".mustache").size()));
    const std::string_view body = text;
    d.set(partial_name, mu::partial([body] { return std::string(body); }));
  }
  auto& t = parsed(name);
  std::string out = t.render(d);
  if (!t.error_message().empty()) {
    throw std::runtime_error("template " + name + ": " + t.error_message());
  }
  return out;
}

}  // namespace vertebro::http
