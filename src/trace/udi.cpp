#include "trace/udi.h"

#include <array>
#include <cstdio>

#include "trace/udi_detail.h"

namespace vertebro::trace {

namespace detail {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

int number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

std::string quote(std::string_view text) {
  constexpr std::size_t kMax = 24;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte >= 0x7F || byte == '"' || byte == '\\') {
      std::array<char, 8> hex{};
      std::snprintf(hex.data(), hex.size(), "\\x%02X", byte);
      out += hex.data();
    } else {
      out += static_cast<char>(byte);
    }
  }
  if (text.size() > kMax) out += "...";
  return out + "\"";
}

int full_year(int yy, int current_year) {
  const int century = current_year - current_year % 100;
  const int difference = yy - current_year % 100;
  if (difference >= 51) return century - 100 + yy;
  if (difference <= -50) return century + 100 + yy;
  return century + yy;
}

std::optional<std::chrono::year_month_day> make_date(int year, int month, int day,
                                                     bool day_zero_is_last,
                                                     const std::string& what,
                                                     std::string& error) {
  using namespace std::chrono;
  if (month < 1 || month > 12) {
    error = what + ": " + (month < 10 ? "0" : "") + std::to_string(month) + " is not a month";
    return std::nullopt;
  }
  const auto ym = std::chrono::year(year) / std::chrono::month(static_cast<unsigned>(month));
  if (day == 0 && day_zero_is_last) return year_month_day(ym / last);
  const year_month_day date = ym / std::chrono::day(static_cast<unsigned>(day));
  if (!date.ok()) {
    error = what + ": day " + (day < 10 ? "0" : "") + std::to_string(day) + " is not a day of " +
            std::to_string(year) + "-" + (month < 10 ? "0" : "") + std::to_string(month);
    return std::nullopt;
  }
  return date;
}

}  // namespace detail

namespace {

constexpr char kGroupSeparator = '\x1D';

// Symbology identifiers (ISO/IEC 15424) a scanner may put before the data.
struct Symbology {
  std::string_view id;
  Scheme scheme;
};
constexpr std::array<Symbology, 8> kSymbologies{{
    {"]C1", Scheme::kGs1},   // GS1-128
    {"]d2", Scheme::kGs1},   // GS1 DataMatrix
    {"]Q3", Scheme::kGs1},   // GS1 QR Code
    {"]e0", Scheme::kGs1},   // GS1 DataBar
    {"]A0", Scheme::kHibc},  // Code 39 (HIBC)
    {"]C0", Scheme::kHibc},  // Code 128 without FNC1 (HIBC)
    {"]d1", Scheme::kHibc},  // Data Matrix (HIBC)
    {"]Q1", Scheme::kHibc},  // QR Code (HIBC)
}};

ScanResult finish(Scheme scheme, detail::Parsed parsed) {
  ScanResult result;
  result.scheme = scheme;
  if (parsed.udi) {
    parsed.udi->scheme = scheme;
    result.udi = std::move(parsed.udi);
  } else {
    result.error = std::move(parsed.error);
  }
  return result;
}

ScanResult failed(std::optional<Scheme> scheme, std::string error) {
  ScanResult result;
  result.scheme = scheme;
  result.error = std::move(error);
  return result;
}

}  // namespace

const char* scheme_name(Scheme scheme) {
  switch (scheme) {
    case Scheme::kGs1:
      return "gs1";
    case Scheme::kHibc:
      return "hibc";
  }
  return "gs1";
}

ScanResult parse_udi(std::string_view scan, int current_year) {
  std::optional<Scheme> announced;
  std::string_view identifier;
  if (!scan.empty() && scan.front() == ']') {
    if (scan.size() < 3) {
      return failed(std::nullopt, "the symbology identifier " + detail::quote(scan) +
                                      " is cut short (it has 3 characters, such as ]d2)");
    }
    identifier = scan.substr(0, 3);
    for (const auto& s : kSymbologies) {
      if (s.id == identifier) announced = s.scheme;
    }
    if (!announced) {
      return failed(std::nullopt,
                    "unknown symbology identifier " + detail::quote(identifier) +
                        " (GS1: ]C1, ]d2, ]Q3, ]e0; HIBC: ]A0, ]C0, ]d1, ]Q1)");
    }
    scan.remove_prefix(3);
  } else if (!scan.empty() && scan.front() == kGroupSeparator) {
    // FNC1 in the first position, transmitted as GS by a scanner without identifiers.
    announced = Scheme::kGs1;
    scan.remove_prefix(1);
  }
  if (scan.empty()) {
    return failed(announced, identifier.empty() ? "the scan is empty"
                                                : "nothing follows the symbology identifier " +
                                                      std::string(identifier));
  }
  const Scheme found = scan.front() == '+' ? Scheme::kHibc : Scheme::kGs1;
  if (found == Scheme::kGs1 && scan.front() != '(' && !detail::is_digit(scan.front())) {
    return failed(announced,
                  "this is not a GS1 or HIBC label: it starts with " + detail::quote(scan.substr(0, 1)) +
                      " where an application identifier such as 01, or + for HIBC, should be");
  }
  if (announced && *announced != found) {
    return failed(announced, found == Scheme::kHibc
                                 ? "the symbology identifier says GS1 but the data is HIBC"
                                 : "the symbology identifier says HIBC but the data is GS1");
  }
  if (found == Scheme::kHibc) return finish(found, detail::parse_hibc(scan, current_year));
  return finish(found, detail::parse_gs1(scan, current_year));
}

int gs1_check_digit(std::string_view digits) {
  if (digits.empty() || !detail::all_digits(digits)) return -1;
  int sum = 0;
  int weight = 3;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = weight == 3 ? 1 : 3;
  }
  return (10 - sum % 10) % 10;
}

char hibc_check_character(std::string_view data) {
  static constexpr std::string_view kSet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";
  int sum = 0;
  for (char c : data) {
    const auto at = kSet.find(c);
    if (at == std::string_view::npos) return '\0';
    sum += static_cast<int>(at);
  }
  return kSet[static_cast<std::size_t>(sum % 43)];
}

std::string iso_date(std::chrono::year_month_day date) {
  std::array<char, 16> out{};
  std::snprintf(out.data(), out.size(), "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return out.data();
}

}  // namespace vertebro::trace
