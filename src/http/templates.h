#pragma once
// Mustache templates embedded in the binary (web/templates/*.mustache). Files whose names
// start with "_" are partials ({{> _field}}). Thread-safe: each thread keeps its own parsed copies.

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace vertebro::http {

class Templates {
 public:
  // Renders template `name` (file name without .mustache) with `data`. Throws
  // std::runtime_error for an unknown template or a template error: both are bugs.
  std::string render(const std::string& name, const nlohmann::json& data) const;
};

}  // namespace vertebro::http
