#pragma once
// Reads one JSON object of user input (from the API, or built from a form by the pages) into
// typed values, collecting one field error per bad field instead of stopping at the first.
// Field names in errors are `prefix + key`, so nested parts of a document report paths such
// as "levels.T12.cement_ml" that the pages use as their input names too.
//
// Every reader returns std::nullopt for a value that is absent, null or blank; with
// `required` it also records "Enter ..." for it. Values may come as JSON numbers and booleans
// (API) or as strings (forms): 8 and "8", true and "yes" are the same answer.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "domain/date.h"

namespace vertebro::app {

class InputReader {
 public:
  InputReader(const nlohmann::json& input, std::vector<FieldError>& errors,
              std::string prefix = "");

  // A nested object's reader: its fields are reported as prefix + key + "." + field.
  InputReader nested(const std::string& key) const;
  // A reader over another object whose fields are reported as prefix + path + "." + field.
  InputReader over(const nlohmann::json& value, const std::string& path) const;
  const nlohmann::json* find(const std::string& key) const;
  std::string field(const std::string& key) const { return prefix_ + key; }
  void error(const std::string& key, const std::string& message) const;

  std::optional<std::string> text(const std::string& key, const std::string& label,
                                   std::size_t max_chars, bool required = false) const;
  std::optional<long long> integer(const std::string& key, const std::string& label,
                                   long long lo, long long hi, bool required = false) const;
  std::optional<double> number(const std::string& key, const std::string& label, double lo,
                               double hi, bool required = false) const;
  // A number greater than `above` and at most `hi`; out of range: "<label> must be more than 0
  // and at most 20 mL" (`unit` follows the upper bound, e.g. " mL").
  std::optional<double> number_above(const std::string& key, const std::string& label,
                                     double above, double hi, const std::string& unit,
                                     bool required = false) const;
  std::optional<domain::Date> date(const std::string& key, const std::string& label,
                                   bool required = false) const;
  std::optional<bool> yes_no(const std::string& key, const std::string& label,
                             bool required = false) const;
  // A name from a fixed list: `parse` returns std::nullopt for an unknown one.
  template <class Parse>
  auto choice(const std::string& key, const std::string& label, Parse parse,
              bool required = false) const -> decltype(parse(std::string_view{})) {
    auto raw = raw_text(key, label, required);
    if (!raw) return std::nullopt;
    auto v = parse(*raw);
    if (!v) error(key, "Select a valid " + lower_first(label));
    return v;
  }
  // An array of strings, or one string with items separated by commas or new lines.
  std::vector<std::string> list(const std::string& key, const std::string& label) const;

  // Records `Unknown field "k"` (or `Unknown <noun> "k"`), named prefix + k, for each member k
  // of this reader's object that is not in `known`: a misspelt key must be refused, never
  // dropped with its value. Every JSON write checks its objects this way.
  void only(std::initializer_list<std::string_view> known, std::string_view noun = "field") const;

  bool has_errors() const { return !errors_.empty(); }

 private:
  std::optional<std::string> raw_text(const std::string& key, const std::string& label,
                                      bool required) const;
  std::optional<double> parse_number(const std::string& key, const std::string& label,
                                     double example, bool required) const;
  static std::string lower_first(std::string s);

  const nlohmann::json& input_;
  std::vector<FieldError>& errors_;
  std::string prefix_;
};

}  // namespace vertebro::app
