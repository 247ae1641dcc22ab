#include "domain/text.h"

namespace vertebro::domain {

namespace {
// Counts code points; returns false on malformed UTF-8.
bool utf8_length(std::string_view s, std::size_t& count) {
  count = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n;
    ++count;
  }
  return true;
}
}  // namespace

std::string checked_text(std::string_view raw, const std::string& field, const std::string& label,
                         std::size_t max_chars, bool required, std::vector<FieldError>& errors) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!raw.empty() && is_space(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  std::string value(raw);
  if (value.empty()) {
    if (required) errors.push_back({field, "Enter the " + label});
    return value;
  }
  std::size_t length = 0;
  if (!utf8_length(value, length)) {
    errors.push_back({field, "The " + label + " contains characters that are not valid text"});
    return {};
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f) {
      errors.push_back({field, "The " + label + " contains control characters"});
      return {};
    }
  }
  if (length > max_chars) {
    errors.push_back({field, "The " + label + " must be " + std::to_string(max_chars) +
                                 " characters or fewer"});
    return {};
  }
  return value;
}

}  // namespace vertebro::domain
