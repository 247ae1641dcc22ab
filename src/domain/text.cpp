#include "domain/text.h"

#include <cstdint>

namespace vertebro::domain {

namespace {
// Decodes UTF-8 strictly (no overlong forms, surrogates or code points above U+10FFFF),
// counting code points; returns false on malformed input or a control character other than
// tab, line feed and carriage return (C0, DEL and C1 are all refused).
bool scan_utf8(std::string_view s, std::size_t& count, bool& control) {
  count = 0;
  control = false;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0;
    std::size_t n = 0;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      cp = c & 0x1Fu;
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      cp = c & 0x0Fu;
      n = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      cp = c & 0x07u;
      n = 4;
    } else {
      return false;  // continuation byte, C0/C1 overlong lead, or F5-FF
    }
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b >> 6) != 0x2) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F)) {
      control = true;
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
  bool control = false;
  if (!scan_utf8(value, length, control)) {
    errors.push_back({field, "The " + label + " contains characters that are not valid text"});
    return {};
  }
  if (control) {
    errors.push_back({field, "The " + label + " contains control characters"});
    return {};
  }
  if (length > max_chars) {
    errors.push_back({field, "The " + label + " must be " + std::to_string(max_chars) +
                                 " characters or fewer"});
    return {};
  }
  return value;
}

}  // namespace vertebro::domain
