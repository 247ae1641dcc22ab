#include "support/test_nhs_numbers.h"

#include <stdexcept>

#include "domain/nhs_number.h"

namespace vertebro::test_support {

std::string test_nhs_number(int index, int first) {
  int found = -1;
  for (int n = first; n < 1000000; ++n) {
    const std::string nine = std::to_string(999000000 + n);
    const int check = domain::NhsNumber::check_digit(nine);
    if (check < 0) continue;
    if (++found == index) return nine + static_cast<char>('0' + check);
  }
  throw std::runtime_error("no more test NHS numbers");
}

}  // namespace vertebro::test_support
