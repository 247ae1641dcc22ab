#pragma once
// Builds the view data for form fields (rendered by web/templates/_field.mustache) so every
// field carries the NHS.UK error markup in the same way. Internal to http/.

#include <nlohmann/json.hpp>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace vertebro::http {

enum class FieldKind { kText, kSelect, kTextarea, kRadios, kCheckboxes, kPassword };

struct FieldSpec {
  FieldSpec(std::string name_, std::string label_, std::string value_,
            FieldKind kind_ = FieldKind::kText, std::string hint_ = "", std::string width_ = "",
            std::string autocomplete_ = "")
      : name(std::move(name_)), label(std::move(label_)), value(std::move(value_)), kind(kind_),
        hint(std::move(hint_)), width(std::move(width_)), autocomplete(std::move(autocomplete_)) {}

  std::string name;
  std::string label;
  std::string value;
  FieldKind kind = FieldKind::kText;
  std::string hint;
  std::string width;         // NHS.UK input width class suffix: "10", "20", "30"
  std::string autocomplete;  // e.g. "off", "username"
  std::vector<std::pair<std::string, std::string>> options;  // {value, label}
  std::vector<std::string> checked;  // kCheckboxes: the option values ticked
};

// `errors` is the "errors" object of error_view(): {field name: message}.
nlohmann::json field_view(const FieldSpec& spec, const nlohmann::json& errors);

// A form page's introduction, one entry per paragraph: [{text}].
nlohmann::json intro(std::initializer_list<std::string> paragraphs);

}  // namespace vertebro::http
