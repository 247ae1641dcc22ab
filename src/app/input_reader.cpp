#include "app/input_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "domain/text.h"

namespace vertebro::app {

namespace {
const nlohmann::json& null_json() {
  static const nlohmann::json n;
  return n;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}
}  // namespace

InputReader::InputReader(const nlohmann::json& input, std::vector<FieldError>& errors,
                         std::string prefix)
    : input_(input.is_object() ? input : null_json()), errors_(errors), prefix_(std::move(prefix)) {}

InputReader InputReader::nested(const std::string& key) const {
  const auto* j = find(key);
  return InputReader(j ? *j : null_json(), errors_, prefix_ + key + ".");
}

InputReader InputReader::over(const nlohmann::json& value, const std::string& path) const {
  return InputReader(value, errors_, prefix_ + path + ".");
}

const nlohmann::json* InputReader::find(const std::string& key) const {
  if (!input_.is_object()) return nullptr;
  auto it = input_.find(key);
  if (it == input_.end() || it->is_null()) return nullptr;
  return &*it;
}

void InputReader::error(const std::string& key, const std::string& message) const {
  const std::string f = field(key);
  for (const auto& e : errors_) {
    if (e.field == f) return;  // the first problem with a field is the one to fix
  }
  errors_.push_back({f, message});
}

void InputReader::only(std::initializer_list<std::string_view> known, std::string_view noun) const {
  if (!input_.is_object()) return;
  for (const auto& [key, value] : input_.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      error(key, "Unknown " + std::string(noun) + " \"" + key + "\"");
    }
  }
}

std::string InputReader::lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && (s.size() < 2 || !(s[1] >= 'A' && s[1] <= 'Z'))) {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

std::optional<std::string> InputReader::raw_text(const std::string& key, const std::string& label,
                                                 bool required) const {
  const auto* j = find(key);
  std::string s;
  if (j == nullptr) {
    s.clear();
  } else if (j->is_string()) {
    s = trim(j->get<std::string>());
  } else if (j->is_number_integer()) {
    s = std::to_string(j->get<long long>());
  } else if (j->is_number()) {
    s = j->dump();
  } else if (j->is_boolean()) {
    s = j->get<bool>() ? "yes" : "no";
  } else {
    error(key, label + " must be a single value");
    return std::nullopt;
  }
  if (s.empty()) {
    if (required) error(key, "Enter " + lower_first(label));
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> InputReader::text(const std::string& key, const std::string& label,
                                             std::size_t max_chars, bool required) const {
  const auto* j = find(key);
  if (j != nullptr && !j->is_string()) {
    error(key, label + " must be text");
    return std::nullopt;
  }
  const std::string raw = j ? j->get<std::string>() : std::string();
  std::vector<FieldError> local;
  std::string v =
      domain::checked_text(raw, field(key), lower_first(label), max_chars, required, local);
  if (!local.empty()) {
    error(key, local.front().message);
    return std::nullopt;
  }
  if (v.empty()) return std::nullopt;
  return v;
}

std::optional<long long> InputReader::integer(const std::string& key, const std::string& label,
                                              long long lo, long long hi, bool required) const {
  auto raw = raw_text(key, label, required);
  if (!raw) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (ec != std::errc() || p != raw->data() + raw->size()) {
    error(key, label + " must be a whole number from " + std::to_string(lo) + " to " +
                   std::to_string(hi));
    return std::nullopt;
  }
  if (v < lo || v > hi) {
    error(key, label + " must be from " + std::to_string(lo) + " to " + std::to_string(hi));
    return std::nullopt;
  }
  return v;
}

namespace {
std::string number_text(double d) {
  std::string s = nlohmann::json(d).dump();
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
  return s;
}
}  // namespace

std::optional<double> InputReader::parse_number(const std::string& key, const std::string& label,
                                                double example, bool required) const {
  auto raw = raw_text(key, label, required);
  if (!raw) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (ec != std::errc() || p != raw->data() + raw->size() || !std::isfinite(v)) {
    error(key, label + " must be a number, for example " + number_text(example));
    return std::nullopt;
  }
  return v;
}

std::optional<double> InputReader::number(const std::string& key, const std::string& label,
                                          double lo, double hi, bool required) const {
  auto v = parse_number(key, label, hi / 4, required);
  if (v && (*v < lo || *v > hi)) {
    error(key, label + " must be from " + number_text(lo) + " to " + number_text(hi));
    return std::nullopt;
  }
  return v;
}

std::optional<double> InputReader::number_above(const std::string& key, const std::string& label,
                                                double above, double hi, const std::string& unit,
                                                bool required) const {
  auto v = parse_number(key, label, hi / 4, required);
  if (v && (*v <= above || *v > hi)) {
    error(key, label + " must be more than " + number_text(above) + " and at most " +
                   number_text(hi) + unit);
    return std::nullopt;
  }
  return v;
}

std::optional<domain::Date> InputReader::date(const std::string& key, const std::string& label,
                                              bool required) const {
  auto raw = raw_text(key, label, required);
  if (!raw) return std::nullopt;
  auto d = domain::Date::parse(*raw, field(key), label);
  if (!d) {
    error(key, d.error().fields.empty() ? label + " must be a real date"
                                        : d.error().fields.front().message);
    return std::nullopt;
  }
  return *d;
}

std::optional<bool> InputReader::yes_no(const std::string& key, const std::string& label,
                                        bool required) const {
  auto raw = raw_text(key, label, required);
  if (!raw) return std::nullopt;
  if (*raw == "yes" || *raw == "true") return true;
  if (*raw == "no" || *raw == "false") return false;
  error(key, "Select yes or no for " + lower_first(label));
  return std::nullopt;
}

std::vector<std::string> InputReader::list(const std::string& key, const std::string& label) const {
  std::vector<std::string> out;
  const auto* j = find(key);
  if (j == nullptr) return out;
  auto add = [&](std::string_view item) {
    auto t = trim(item);
    if (!t.empty()) out.push_back(std::move(t));
  };
  if (j->is_array()) {
    for (const auto& item : *j) {
      if (!item.is_string()) {
        error(key, label + " must be a list of names");
        return {};
      }
      add(item.get<std::string>());
    }
  } else if (j->is_string()) {
    const std::string s = j->get<std::string>();
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == ',' || s[i] == '\n') {
        add(std::string_view(s).substr(start, i - start));
        start = i + 1;
      }
    }
  } else {
    error(key, label + " must be a list of names");
  }
  return out;
}

}  // namespace vertebro::app
