// HIBC LIC (ANSI/HIBC 2.6) device labels: "+" primary data (labeler code, product number, unit of
// measure), "+" secondary data (lot or serial, an expiry in one of several formats, then the
// link character) or both concatenated with "/", then the mod 43 check character. Facts:
// REFERENCE.md 7.2 and the worked examples of ANSI/HIBC 2.6 (tests/unit/udi_test.cpp).

#include <string>
#include <string_view>

#include "trace/udi_detail.h"

namespace vertebro::trace::detail {

namespace {

constexpr std::size_t kMaxLot = 18;

bool is_alpha(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool all_alnum(std::string_view s) {
  for (char c : s) {
    if (!is_alnum(c)) return false;
  }
  return true;
}

class HibcReader {
 public:
  explicit HibcReader(int current_year) : current_year_(current_year) {}

  bool failed(std::string message) {
    error_ = std::move(message);
    return false;
  }
  const std::string& error() const { return error_; }
  Udi& udi() { return udi_; }

  // Labeler code (4, the first a letter), product number (1-18), unit of measure (a digit).
  bool primary(std::string_view p) {
    if (p.size() < 4 || !is_alpha(p[0]) || !all_alnum(p.substr(0, 4))) {
      return failed("the HIBC labeler code should be 4 letters or digits, the first a letter");
    }
    if (p.size() < 6) return failed("the HIBC primary data has no product number");
    const std::string_view product = p.substr(4, p.size() - 5);
    if (product.size() > kMaxLot || !all_alnum(product)) {
      return failed("the HIBC product number should be 1 to 18 letters or digits, not " +
                    quote(product));
    }
    if (!is_digit(p.back())) {
      return failed("the HIBC unit of measure should be a digit, not " + quote(p.substr(p.size() - 1)));
    }
    udi_.hibc_labeler = std::string(p.substr(0, 4));
    udi_.hibc_product = std::string(product);
    udi_.hibc_unit_of_measure = p.back();
    return true;
  }

  // "$lot", "$+serial", "$$" [+] format date lot, or the superseded "YYJJJ" + lot.
  bool secondary(std::string_view s) {
    if (s.empty()) return failed("the HIBC secondary data is empty");
    if (is_digit(s[0])) {
      if (s.size() < 5 || !all_digits(s.substr(0, 5))) {
        return failed("the HIBC secondary data should start with $ or a date YYJJJ");
      }
      if (!julian(s.substr(0, 5), false)) return false;
      return s.size() == 5 || lot_or_serial(s.substr(5), false);
    }
    if (s[0] != '$') return failed("the HIBC secondary data should start with $ or a date YYJJJ");
    s.remove_prefix(1);
    if (s.empty() || s[0] != '$') {
      const bool serial = !s.empty() && s[0] == '+';
      return lot_or_serial(serial ? s.substr(1) : s, serial);
    }
    s.remove_prefix(1);
    const bool serial = !s.empty() && s[0] == '+';
    if (serial) s.remove_prefix(1);
    if (s.empty()) return failed("the HIBC secondary data stops after $$");
    char format = s[0];
    if (format == '8' || format == '9') {  // a quantity (2 or 5 digits) comes first
      const std::size_t digits = format == '8' ? 2 : 5;
      if (s.size() < 1 + digits || !all_digits(s.substr(1, digits))) {
        return failed("the HIBC quantity after $$" + std::string(1, format) + " should be " +
                      std::to_string(digits) + " digits");
      }
      s.remove_prefix(1 + digits);
      if (s.empty()) return failed("the HIBC secondary data stops after its quantity");
      format = s[0];
    }
    std::size_t used = 0;
    switch (format) {
      case '0':
      case '1':  // MMYY: no format digit, the month starts here
        used = date(s.substr(0, 4), "MMYY") ? 4 : 0;
        break;
      case '2':
        used = date(s.substr(1, 6), "MMDDYY") ? 7 : 0;
        break;
      case '3':
        used = date(s.substr(1, 6), "YYMMDD") ? 7 : 0;
        break;
      case '4':
        used = date(s.substr(1, 8), "YYMMDDHH") ? 9 : 0;
        break;
      case '5':
        used = date(s.substr(1, 5), "YYJJJ") ? 6 : 0;
        break;
      case '6':
        used = date(s.substr(1, 7), "YYJJJHH") ? 8 : 0;
        break;
      case '7':
        used = 1;
        break;
      default:
        return failed("the HIBC date format " + quote(s.substr(0, 1)) + " is not one of 0 to 9");
    }
    if (used == 0) return false;
    return lot_or_serial(s.substr(used), serial);
  }

  // "/16D" YYYYMMDD production date, "/14D" YYYYMMDD expiry, "/S" serial, "/Q" quantity.
  bool supplemental(std::string_view f) {
    if (f.rfind("16D", 0) == 0 || f.rfind("14D", 0) == 0) {
      const bool production = f[1] == '6';
      const std::string_view d = f.substr(3);
      const std::string what = production ? "HIBC production date" : "HIBC expiry";
      if (d.size() != 8 || !all_digits(d)) return failed(what + " should be 8 digits (YYYYMMDD)");
      auto& slot = production ? udi_.production_date : udi_.expiry;
      if (slot) return failed(what + " appears twice");
      std::string error;
      slot = make_date(number(d.substr(0, 4)), number(d.substr(4, 2)), number(d.substr(6, 2)),
                       false, what, error);
      return slot ? true : failed(error);
    }
    if (!f.empty() && f[0] == 'S') {
      if (udi_.serial) return failed("the HIBC serial appears twice");
      const std::string_view serial = f.substr(1);
      if (serial.empty() || serial.size() > kMaxLot || !all_alnum(serial)) {
        return failed("the HIBC serial should be 1 to 18 letters or digits");
      }
      udi_.serial = std::string(serial);
      return true;
    }
    if (!f.empty() && f[0] == 'Q') {
      if (f.size() < 2 || f.size() > 6 || !all_digits(f.substr(1))) {
        return failed("the HIBC quantity should be 1 to 5 digits");
      }
      return true;
    }
    return failed("unknown HIBC supplemental field " + quote(f.substr(0, 3)) +
                  " (vertebro reads 14D, 16D, S and Q)");
  }

 private:
  bool lot_or_serial(std::string_view value, bool serial) {
    const char* what = serial ? "serial" : "lot";
    if (value.empty()) return failed(std::string("the HIBC ") + what + " is empty");
    if (value.size() > kMaxLot) {
      return failed(std::string("HIBC ") + what + " is longer than 18 characters");
    }
    if (!all_alnum(value)) {
      return failed(std::string("the HIBC ") + what + " should be letters and digits, not " +
                    quote(value));
    }
    (serial ? udi_.serial : udi_.lot) = std::string(value);
    return true;
  }

  bool julian(std::string_view d, bool with_hour) {
    const int year = full_year(number(d.substr(0, 2)), current_year_);
    const int day = number(d.substr(2, 3));
    using namespace std::chrono;
    const auto first = sys_days(std::chrono::year(year) / January / 1);
    const bool leap = std::chrono::year(year).is_leap();
    if (day < 1 || day > (leap ? 366 : 365)) {
      return failed("HIBC expiry: day " + std::string(d.substr(2, 3)) + " is not a day of " +
                    std::to_string(year));
    }
    if (with_hour && number(d.substr(5, 2)) > 23) return failed("HIBC expiry: hour is not 00 to 23");
    udi_.expiry = year_month_day(first + days(day - 1));
    return true;
  }

  bool date(std::string_view d, std::string_view format) {
    if (d.size() != format.size() || !all_digits(d)) {
      return failed("the HIBC expiry should be " + std::to_string(format.size()) + " digits (" +
                    std::string(format) + ")");
    }
    if (format.substr(0, 4) == "YYJJ") return julian(d, format.size() == 7);
    int yy = 0, month = 0, day = 0;
    if (format == "MMYY") {
      month = number(d.substr(0, 2));
      yy = number(d.substr(2, 2));
    } else if (format == "MMDDYY") {
      month = number(d.substr(0, 2));
      day = number(d.substr(2, 2));
      yy = number(d.substr(4, 2));
    } else {
      yy = number(d.substr(0, 2));
      month = number(d.substr(2, 2));
      day = number(d.substr(4, 2));
      if (format.size() == 8 && number(d.substr(6, 2)) > 23) {
        return failed("HIBC expiry: hour is not 00 to 23");
      }
    }
    std::string error;
    // MMYY gives no day: read as the month's last day, as GS1 reads DD=00.
    udi_.expiry = make_date(full_year(yy, current_year_), month, day, format == "MMYY",
                            "HIBC expiry", error);
    return udi_.expiry ? true : failed(error);
  }

  int current_year_;
  Udi udi_;
  std::string error_;
};

}  // namespace

Parsed parse_hibc(std::string_view text, int current_year) {
  for (char c : text) {
    if (hibc_check_character(std::string_view(&c, 1)) == '\0') {
      return fail("HIBC allows only A-Z, 0-9, space and - . $ / + %; the scan has " +
                  quote(std::string_view(&c, 1)));
    }
  }
  if (text.size() < 3) return fail("the HIBC data is too short");
  const std::string_view data = text.substr(0, text.size() - 1);
  const char expected = hibc_check_character(data);
  if (text.back() != expected) {
    return fail("the HIBC check character should be " + std::string(1, expected));
  }
  std::string_view body = data.substr(1);
  if (body.front() == '/') {
    return fail("this HIBC label is provider data (+/), not a device label");
  }
  HibcReader reader(current_year);
  const auto slash = body.find('/');
  std::string_view first = body.substr(0, slash);
  std::string_view rest =
      slash == std::string_view::npos ? std::string_view() : body.substr(slash + 1);
  bool ok = true;
  if (is_alpha(first.front())) {
    ok = reader.primary(first);
    if (ok && slash != std::string_view::npos) {
      // Concatenated: the secondary data follows without a link character.
      const auto next = rest.find('/');
      ok = reader.secondary(rest.substr(0, next));
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
      if (ok && next != std::string_view::npos && rest.empty()) {
        return fail("the HIBC data ends with / and no field after it");
      }
    } else {
      rest = {};
    }
  } else {
    // Secondary data alone: its last character links it to the primary label.
    if (slash == std::string_view::npos) {
      if (first.size() < 2) return fail("the HIBC secondary data has no link character");
      ok = reader.secondary(first.substr(0, first.size() - 1));
      rest = {};
    } else {
      ok = reader.secondary(first);
      if (ok && rest.size() < 2) return fail("the HIBC secondary data has no link character");
      rest = rest.substr(0, rest.size() - 1);
      if (ok && rest.empty()) return fail("the HIBC data has an empty field after /");
    }
  }
  while (ok && !rest.empty()) {
    const auto next = rest.find('/');
    const std::string_view field = rest.substr(0, next);
    if (field.empty()) return fail("the HIBC data has an empty field between / and /");
    ok = reader.supplemental(field);
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    if (ok && next != std::string_view::npos && rest.empty()) {
      return fail("the HIBC data ends with / and no field after it");
    }
  }
  if (!ok) return fail(reader.error());
  return Parsed{reader.udi(), {}};
}

}  // namespace vertebro::trace::detail
