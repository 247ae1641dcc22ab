#pragma once
// Vertebral levels C1-C7, T1-T12, L1-L5, S1-S5, in anatomical order.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace vertebro::domain {

class VertebralLevel {
 public:
  static constexpr int kCount = 29;

  // "T12", "t12", " L1 " are accepted; "T13", "L6", "X1" are not.
  static std::optional<VertebralLevel> parse(std::string_view text);
  static VertebralLevel from_index(int index) { return VertebralLevel(index); }
  static std::vector<VertebralLevel> all();

  int index() const { return index_; }  // 0 = C1 ... 28 = S5
  std::string name() const;

  friend auto operator<=>(const VertebralLevel&, const VertebralLevel&) = default;

 private:
  explicit VertebralLevel(int i) : index_(i) {}
  int index_;
};

// Parses a list such as "T12, L1" or "T12 L1" (commas, spaces or semicolons between
// levels) into sorted, de-duplicated levels. Errors name `field`: empty list, unknown level.
Result<std::vector<VertebralLevel>> parse_levels(std::string_view text, const std::string& field);

// "T12, L1".
std::string format_levels(const std::vector<VertebralLevel>& levels);

}  // namespace vertebro::domain
