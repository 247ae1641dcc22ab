#include "domain/nhs_number.h"

#include <cctype>

namespace vertebro::domain {

int NhsNumber::check_digit(std::string_view nine_digits) {
  if (nine_digits.size() < 9) return -1;
  int sum = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    sum += (nine_digits[i] - '0') * static_cast<int>(10 - i);
  }
  int c = 11 - (sum % 11);
  if (c == 11) c = 0;
  return c == 10 ? -1 : c;
}

Result<NhsNumber> NhsNumber::parse(std::string_view text, const std::string& field) {
  auto fail = [&](std::string msg) { return Error::invalid({{field, std::move(msg)}}); };
  std::string digits;
  bool any = false;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits += c;
      any = true;
    } else if (c == ' ' || c == '-' || c == '\t') {
      continue;
    } else {
      return fail("NHS number must contain only digits, spaces and dashes");
    }
    if (digits.size() > 10) break;
  }
  if (!any) return fail("Enter the NHS number");
  if (digits.size() != 10) return fail("NHS number must be 10 digits");
  const int check = check_digit(digits);
  if (check < 0 || check != digits[9] - '0') {
    return fail("NHS number is not valid: check the digits (the check digit does not match)");
  }
  return NhsNumber(std::move(digits));
}

std::string NhsNumber::formatted() const {
  return digits_.substr(0, 3) + " " + digits_.substr(3, 3) + " " + digits_.substr(6);
}

}  // namespace vertebro::domain
