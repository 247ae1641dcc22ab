#include "http/forms.h"

#include <algorithm>

namespace vertebro::http {

nlohmann::json field_view(const FieldSpec& spec, const nlohmann::json& errors) {
  nlohmann::json f = {{"id", spec.name},       {"name", spec.name},
                      {"label", spec.label},   {"value", spec.value},
                      {"is_text", spec.kind == FieldKind::kText},
                      {"is_password", spec.kind == FieldKind::kPassword},
                      {"is_select", spec.kind == FieldKind::kSelect},
                      {"is_textarea", spec.kind == FieldKind::kTextarea},
                      {"is_radios", spec.kind == FieldKind::kRadios},
                      {"is_checkboxes", spec.kind == FieldKind::kCheckboxes},
                      {"is_group", spec.kind == FieldKind::kRadios ||
                                       spec.kind == FieldKind::kCheckboxes}};
  std::string described;
  if (!spec.hint.empty()) {
    f["hint"] = spec.hint;
    described = spec.name + "-hint";
  }
  if (errors.is_object() && errors.contains(spec.name)) {
    f["error"] = errors.at(spec.name);
    described += (described.empty() ? "" : " ") + spec.name + "-error";
  }
  if (!described.empty()) f["describedby"] = described;
  if (!spec.width.empty()) f["width"] = spec.width;
  if (!spec.autocomplete.empty()) f["autocomplete"] = spec.autocomplete;
  nlohmann::json options = nlohmann::json::array();
  int i = 0;
  for (const auto& [value, label] : spec.options) {
    options.push_back({{"option_value", value},
                       {"option_label", label},
                       {"option_id", spec.name + (i == 0 ? "" : "-" + std::to_string(i + 1))},
                       {"selected", value == spec.value},
                       {"checked", std::find(spec.checked.begin(), spec.checked.end(), value) !=
                                       spec.checked.end()}});
    ++i;
  }
  f["options"] = options;
  return f;
}

nlohmann::json intro(std::initializer_list<std::string> paragraphs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : paragraphs) out.push_back({{"text", p}});
  return out;
}

}  // namespace vertebro::http
