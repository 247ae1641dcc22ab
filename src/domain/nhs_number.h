#pragma once
// NHS number: ten digits whose tenth is a modulus-11 check digit (NHS Data Dictionary;
// ../shared/domain/REFERENCE.md section 7.1). Numbers 999 000 0000 to 999 999 9999 are
// valid for testing and never issued.

#include <string>
#include <string_view>

#include "base/result.h"

namespace vertebro::domain {

class NhsNumber {
 public:
  NhsNumber() = default;  // empty; a placeholder until a parsed number is assigned
  // Accepts ten digits, optionally grouped with spaces or dashes ("943 476 5919",
  // "943-476-5919"). Errors (kInvalid, field "nhs_number"): empty, characters other than
  // digits/spaces/dashes, not ten digits, check value 10, wrong check digit.
  static Result<NhsNumber> parse(std::string_view text, const std::string& field = "nhs_number");

  // The check digit for the first nine digits, or -1 when the check value is 10 (no valid
  // number) or fewer than nine characters are given.
  static int check_digit(std::string_view nine_digits);

  const std::string& digits() const { return digits_; }
  // "943 476 5919".
  std::string formatted() const;
  // True in the 999 test range.
  bool is_test_number() const { return digits_.compare(0, 3, "999") == 0; }

  friend bool operator==(const NhsNumber&, const NhsNumber&) = default;

 private:
  explicit NhsNumber(std::string d) : digits_(std::move(d)) {}
  std::string digits_;
};

}  // namespace vertebro::domain
