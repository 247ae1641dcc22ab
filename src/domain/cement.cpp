#include "domain/cement.h"

#include "domain/named_table.h"

namespace vertebro::domain {

namespace {

using detail::Named;

constexpr Named<DeviceMarking> kMarkings[] = {
    {DeviceMarking::kCe, "ce", "CE"},
    {DeviceMarking::kUkca, "ukca", "UKCA"},
    {DeviceMarking::kCeAndUkca, "ce_ukca", "CE and UKCA"},
};

constexpr Named<CementViscosity> kViscosities[] = {
    {CementViscosity::kLow, "low", "Low viscosity"},
    {CementViscosity::kMedium, "medium", "Medium viscosity"},
    {CementViscosity::kHigh, "high", "High viscosity"},
};

}  // namespace

using detail::all_of;
using detail::label_of;
using detail::name_of;
using detail::parse_in;

std::string_view device_marking_name(DeviceMarking m) { return name_of(kMarkings, m); }
std::string_view device_marking_label(DeviceMarking m) { return label_of(kMarkings, m); }
std::optional<DeviceMarking> parse_device_marking(std::string_view name) {
  return parse_in(kMarkings, name);
}
std::vector<DeviceMarking> all_device_markings() { return all_of(kMarkings); }

std::string_view cement_viscosity_name(CementViscosity v) { return name_of(kViscosities, v); }
std::string_view cement_viscosity_label(CementViscosity v) { return label_of(kViscosities, v); }
std::optional<CementViscosity> parse_cement_viscosity(std::string_view name) {
  return parse_in(kViscosities, name);
}
std::vector<CementViscosity> all_cement_viscosities() { return all_of(kViscosities); }

LotStatus lot_status(const CementLot& lot, Date on) {
  if (lot.recalled()) {
    auto recalled = Date::parse(lot.recalled_on, "recalled_on", "Recall date");
    if (!recalled || !(on < *recalled)) return LotStatus::kRecalled;
  }
  auto expiry = Date::parse(lot.expiry, "expiry", "Expiry date");
  if (!expiry || *expiry < on) return LotStatus::kExpired;
  return LotStatus::kUsable;
}

std::string_view lot_status_name(LotStatus s) {
  switch (s) {
    case LotStatus::kUsable: return "usable";
    case LotStatus::kExpired: return "expired";
    case LotStatus::kRecalled: return "recalled";
  }
  return "usable";
}

}  // namespace vertebro::domain
