#pragma once
// Shared by the GS1 and HIBC readers (src/trace only).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "trace/udi.h"

namespace vertebro::trace::detail {

// A reader's outcome before ScanResult wraps it: the data or one error sentence.
struct Parsed {
  std::optional<Udi> udi;
  std::string error;
};

inline Parsed fail(std::string message) { return Parsed{std::nullopt, std::move(message)}; }

bool is_digit(char c);
bool all_digits(std::string_view s);
// The value of 1 to 9 decimal digits; the caller has checked they are digits.
int number(std::string_view digits);

// `text` quoted for an error message: at most 24 characters (then "..."), with control
// characters and bytes outside printable ASCII written as \xNN.
std::string quote(std::string_view text);

// A two-digit year placed in the window around `current_year` (GS1 GenSpecs 7.12).
int full_year(int yy, int current_year);

// Checks a year, month and day ("what" names the field in the message: "expiry"). A day of 0
// means the last day of the month when `day_zero_is_last` is true.
std::optional<std::chrono::year_month_day> make_date(int year, int month, int day,
                                                     bool day_zero_is_last,
                                                     const std::string& what,
                                                     std::string& error);

Parsed parse_gs1(std::string_view data, int current_year);
Parsed parse_hibc(std::string_view data, int current_year);

}  // namespace vertebro::trace::detail
