#pragma once
// Valid NHS numbers in the 999 range, which NHS England keeps for testing and never issues.

#include <string>

namespace vertebro::test_support {

// The index-th valid number (counting from 0) among 999 000 000 + first and above, with its check
// digit. Suites that share a database or a server pick different `first` so their numbers never
// collide. Throws std::runtime_error past the end of the range.
std::string test_nhs_number(int index, int first = 0);

}  // namespace vertebro::test_support
