#pragma once
// A calendar date ("YYYY-MM-DD"), used for dates of birth, referral dates and the like.

#include <chrono>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"

namespace vertebro::domain {

class Date {
 public:
  Date() = default;  // 1970-01-01; a placeholder until a parsed date is assigned
  // Accepts "YYYY-MM-DD" only, a real calendar date from 1900-01-01 to 2199-12-31.
  // Errors name `field` and `label` ("Date of birth must be a real date").
  static Result<Date> parse(std::string_view text, const std::string& field,
                            const std::string& label);
  static Date from_days(std::chrono::sys_days d) { return Date(d); }
  static Date today(const Clock& clock);

  std::string iso() const;             // "2026-11-25"
  std::string display() const;         // "25 Nov 2026"
  std::chrono::sys_days days() const { return d_; }

  // Whole years from this date to `on` (age on a date).
  int years_until(Date on) const;
  // Days from this date to `on` (negative if `on` is earlier).
  long days_until(Date on) const { return (on.d_ - d_).count(); }

  friend auto operator<=>(const Date&, const Date&) = default;

 private:
  explicit Date(std::chrono::sys_days d) : d_(d) {}
  std::chrono::sys_days d_{};
};

}  // namespace vertebro::domain
