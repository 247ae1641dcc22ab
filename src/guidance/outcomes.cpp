#include "guidance/outcomes.h"

#include <array>
#include <utility>

namespace vertebro::guidance {
namespace {

constexpr std::array<std::pair<Mobility, std::string_view>, 5> kMobilityNames{{
    {Mobility::kBedBound, "bed_bound"},
    {Mobility::kChairBound, "chair_bound"},
    {Mobility::kWalkingWithFrame, "walking_with_frame"},
    {Mobility::kWalkingWithStick, "walking_with_stick"},
    {Mobility::kUnaided, "unaided"},
}};

bool nrs_in_range(int v) { return v >= 0 && v <= 10; }

}  // namespace

std::string_view mobility_name(Mobility m) {
  for (const auto& [value, name] : kMobilityNames) {
    if (value == m) return name;
  }
  return {};
}
std::optional<Mobility> parse_mobility(std::string_view name) {
  for (const auto& [value, n] : kMobilityNames) {
    if (n == name) return value;
  }
  return std::nullopt;
}

std::optional<bool> pain_relief(std::optional<int> pre_nrs, std::optional<int> now_nrs,
                                const OutcomeDefinitions& d) {
  if (!pre_nrs || !now_nrs || !nrs_in_range(*pre_nrs) || !nrs_in_range(*now_nrs)) {
    return std::nullopt;
  }
  const int fall = *pre_nrs - *now_nrs;
  return fall >= d.pain_min_fall_points && fall * 100 >= d.pain_min_fall_percent * *pre_nrs;
}

std::optional<bool> reduced_medication(std::optional<AnalgesicClass> before,
                                       std::optional<AnalgesicClass> now) {
  if (!before || !now) return std::nullopt;
  return static_cast<int>(*now) < static_cast<int>(*before);
}

std::optional<bool> improved_mobility(std::optional<Mobility> before, std::optional<Mobility> now,
                                      const OutcomeDefinitions& d) {
  if (!before || !now) return std::nullopt;
  return static_cast<int>(*now) - static_cast<int>(*before) >= d.mobility_min_steps;
}

}  // namespace vertebro::guidance
