#pragma once
// Checks shared by every validated free-text field.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace vertebro::domain {

// True when `s` is empty or holds only spaces, tabs and line ends.
inline bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// `s` without the spaces, tabs and line ends around it.
inline std::string trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

// Trims surrounding white space. When the result is empty and `required`, or longer than
// `max_chars` characters (UTF-8 code points), or holds control characters other than tab,
// line feed and carriage return, or is not valid UTF-8 (strictly decoded), appends a field error naming `field` and `label`.
std::string checked_text(std::string_view raw, const std::string& field, const std::string& label,
                         std::size_t max_chars, bool required, std::vector<FieldError>& errors);

}  // namespace vertebro::domain
