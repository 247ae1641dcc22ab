// GS1 element strings: the AIs a device label carries for traceability (01, 10, 11, 17, 21),
// raw (GS separators) or in the bracketed human-readable form. Facts: REFERENCE.md 7.2.

#include <string>
#include <string_view>

#include "trace/udi_detail.h"

namespace vertebro::trace::detail {

namespace {

constexpr char kGroupSeparator = '\x1D';
constexpr std::size_t kMaxVariable = 20;  // X..20 for both (10) and (21)

enum class Ai { kGtin, kLot, kProduction, kExpiry, kSerial };

struct AiInfo {
  std::string_view code;
  Ai ai;
  std::size_t fixed;  // data length when predefined, else 0
  std::string_view label;
};

constexpr AiInfo kAis[] = {
    {"01", Ai::kGtin, 14, "GTIN"},
    {"10", Ai::kLot, 0, "lot"},
    {"11", Ai::kProduction, 6, "production date"},
    {"17", Ai::kExpiry, 6, "expiry"},
    {"21", Ai::kSerial, 0, "serial"},
};

const AiInfo* find_ai(std::string_view code) {
  for (const auto& info : kAis) {
    if (info.code == code) return &info;
  }
  return nullptr;
}

// How many digits the AI starting with these two digits has, from the GS1 AI tables; 2 for
// prefixes GS1 has not assigned. Used only to name an AI vertebro does not read.
std::size_t ai_length(std::string_view two) {
  const int p = number(two);
  if ((p >= 23 && p <= 25) || (p >= 40 && p <= 42) || p == 71) return 3;
  if ((p >= 31 && p <= 36) || p == 39 || p == 43 || p == 70 || (p >= 72 && p <= 82)) return 4;
  return 2;
}

// GS1 AI encodable character set 82 (GenSpecs 7.11, Figure 7.11-1).
bool in_cset82(char c) {
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= 'a' && c <= 'z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::string_view("!\"%&'()*+,-./:;<=>?_").find(c) != std::string_view::npos;
}

std::string named(const AiInfo& info) {
  return "the " + std::string(info.label) + " (" + std::string(info.code) + ")";
}

// True when `text` starts with a complete fixed-length element vertebro reads (a GTIN with a
// right check digit, or a real YYMMDD date): the sign of a separator left out before it.
bool starts_with_element(std::string_view text) {
  if (text.size() < 2) return false;
  const AiInfo* info = find_ai(text.substr(0, 2));
  if (!info || info->fixed == 0 || text.size() < 2 + info->fixed) return false;
  const std::string_view data = text.substr(2, info->fixed);
  if (!all_digits(data)) return false;
  if (info->ai == Ai::kGtin) return gs1_check_digit(data.substr(0, 13)) == data[13] - '0';
  const int month = number(data.substr(2, 2));
  const int day = number(data.substr(4, 2));
  return month >= 1 && month <= 12 && day <= 31;
}

class Reader {
 public:
  explicit Reader(int current_year) : current_year_(current_year) {}

  // Checks one element's data and records it; false with error_ set when it is wrong.
  bool apply(const AiInfo& info, std::string_view data) {
    if (info.fixed > 0) {
      if (data.size() > info.fixed && all_digits(data.substr(0, info.fixed))) {
        return failed("unexpected characters after " + named(info) + ": " +
                      quote(data.substr(info.fixed)));
      }
      if (data.size() != info.fixed || !all_digits(data)) {
        return failed(named(info) + " should be " + std::to_string(info.fixed) + " digits" +
                      (info.ai == Ai::kGtin ? "" : " (YYMMDD)") + ", not " + quote(data));
      }
    } else {
      if (data.empty()) return failed(named(info) + " is empty");
      if (data.size() > kMaxVariable) {
        for (std::size_t k = 1; k <= kMaxVariable; ++k) {
          if (starts_with_element(data.substr(k))) {
            return failed("missing separator after the " + std::string(info.label) +
                          ": a GS (FNC1) should end it before " + quote(data.substr(k)));
          }
        }
        return failed(std::string(info.label) + " is longer than 20 characters");
      }
      for (char c : data) {
        if (!in_cset82(c)) {
          return failed(named(info) + " contains " + quote(std::string_view(&c, 1)) +
                        ", which GS1 does not allow");
        }
      }
    }
    switch (info.ai) {
      case Ai::kGtin:
        return set_gtin(data);
      case Ai::kLot:
        return set(udi_.lot, info, std::string(data));
      case Ai::kSerial:
        return set(udi_.serial, info, std::string(data));
      case Ai::kProduction:
        return set_date(udi_.production_date, info, data);
      case Ai::kExpiry:
        return set_date(udi_.expiry, info, data);
    }
    return failed("internal: an AI without a rule");
  }

  bool failed(std::string message) {
    error_ = std::move(message);
    return false;
  }

  Parsed finish() {
    if (!error_.empty()) return fail(error_);
    if (!udi_.gtin) {
      return fail("the GTIN (01) is missing: a lot, expiry, production date or serial is read "
                  "only with the GTIN of the product it belongs to");
    }
    return Parsed{udi_, {}};
  }

 private:
  template <class T>
  bool set(std::optional<T>& slot, const AiInfo& info, T value) {
    if (slot) return failed(named(info) + " appears twice");
    slot = std::move(value);
    return true;
  }

  bool set_gtin(std::string_view data) {
    const int check = gs1_check_digit(data.substr(0, 13));
    if (check != data[13] - '0') {
      return failed("the GTIN check digit should be " + std::to_string(check));
    }
    return set(udi_.gtin, kAis[0], std::string(data));
  }

  bool set_date(std::optional<std::chrono::year_month_day>& slot, const AiInfo& info,
                std::string_view data) {
    std::string error;
    auto date = make_date(full_year(number(data.substr(0, 2)), current_year_),
                          number(data.substr(2, 2)), number(data.substr(4, 2)), true,
                          std::string(info.label), error);
    if (!date) return failed(error);
    return set(slot, info, *date);
  }

  int current_year_;
  Udi udi_;
  std::string error_;
};

// AI + data, separated by GS after variable-length fields.
Parsed parse_raw(std::string_view text, int current_year) {
  Reader reader(current_year);
  std::size_t pos = 0;
  const AiInfo* last = nullptr;
  bool separator_allowed = false;
  while (pos < text.size()) {
    if (text[pos] == kGroupSeparator) {
      if (!separator_allowed) {
        reader.failed("two separators (GS) in a row at character " + std::to_string(pos + 1));
        break;
      }
      separator_allowed = false;
      ++pos;
      continue;
    }
    const std::string_view rest = text.substr(pos);
    if (rest.size() < 2 || !is_digit(rest[0]) || !is_digit(rest[1])) {
      reader.failed(last ? "unexpected characters after " + named(*last) + ": " + quote(rest)
                         : "expected an application identifier at " + quote(rest));
      break;
    }
    const AiInfo* info = find_ai(rest.substr(0, 2));
    if (!info) {
      const std::size_t length = ai_length(rest.substr(0, 2));
      const std::string_view code = rest.substr(0, length);
      reader.failed("unknown application identifier " +
                    (all_digits(code) && code.size() == length ? std::string(code)
                                                               : std::string(rest.substr(0, 2))) +
                    " (vertebro reads 01, 10, 11, 17 and 21)");
      break;
    }
    pos += 2;
    std::string_view data;
    if (info->fixed > 0) {
      data = text.substr(pos, info->fixed);
      const auto gs = data.find(kGroupSeparator);
      if (gs != std::string_view::npos) data = data.substr(0, gs);
    } else {
      const auto end = text.find(kGroupSeparator, pos);
      data = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    }
    pos += data.size();
    if (!reader.apply(*info, data)) break;
    last = info;
    separator_allowed = true;
  }
  return reader.finish();
}

// True when `text` at `pos` is "(" + 2 to 4 digits + ")".
bool at_bracketed_ai(std::string_view text, std::size_t pos) {
  if (pos >= text.size() || text[pos] != '(') return false;
  std::size_t digits = 0;
  while (pos + 1 + digits < text.size() && is_digit(text[pos + 1 + digits])) ++digits;
  return digits >= 2 && digits <= 4 && pos + 1 + digits < text.size() &&
         text[pos + 1 + digits] == ')';
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "(01)09506000134352(17)250131(10)A1": each AI in brackets, no separators.
Parsed parse_bracketed(std::string_view text, int current_year) {
  Reader reader(current_year);
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      ++pos;
      continue;
    }
    if (!at_bracketed_ai(text, pos)) {
      const auto close = text.find(')', pos);
      const std::string_view inside =
          text.substr(pos + 1, close == std::string_view::npos ? 4 : close - pos - 1);
      reader.failed(close == std::string_view::npos
                        ? "an application identifier in brackets has no closing bracket: " +
                              quote(text.substr(pos))
                        : quote(inside) + " in brackets is not an application identifier");
      break;
    }
    const auto close = text.find(')', pos);
    const std::string_view code = text.substr(pos + 1, close - pos - 1);
    const AiInfo* info = find_ai(code);
    if (!info) {
      reader.failed("unknown application identifier " + std::string(code) +
                    " (vertebro reads 01, 10, 11, 17 and 21)");
      break;
    }
    pos = close + 1;
    std::size_t end = pos;
    while (end < text.size() && !at_bracketed_ai(text, end)) ++end;
    if (!reader.apply(*info, trim_spaces(text.substr(pos, end - pos)))) break;
    pos = end;
  }
  return reader.finish();
}

}  // namespace

Parsed parse_gs1(std::string_view data, int current_year) {
  if (data.front() == '(') return parse_bracketed(data, current_year);
  return parse_raw(data, current_year);
}

}  // namespace vertebro::trace::detail
