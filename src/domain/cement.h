#pragma once
// Bone cement and its traceability (HTG3-1.2-CEMENT; docs/traceability.md): the catalogue of
// cement products with the manufacturer's instructions for use (IFU) as numbered, versioned
// lists of preparation steps, and the register of lots with their recalls. Pure: no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "domain/date.h"

namespace vertebro::domain {

// The conformity marking on the pack.
enum class DeviceMarking { kCe, kUkca, kCeAndUkca };
std::string_view device_marking_name(DeviceMarking m);   // "ce", "ukca", "ce_ukca"
std::string_view device_marking_label(DeviceMarking m);  // "CE", "UKCA", "CE and UKCA"
std::optional<DeviceMarking> parse_device_marking(std::string_view name);
std::vector<DeviceMarking> all_device_markings();

// The manufacturer's viscosity class of the mixed cement.
enum class CementViscosity { kLow, kMedium, kHigh };
std::string_view cement_viscosity_name(CementViscosity v);   // "low", "medium", "high"
std::string_view cement_viscosity_label(CementViscosity v);  // "Low viscosity", ...
std::optional<CementViscosity> parse_cement_viscosity(std::string_view name);
std::vector<CementViscosity> all_cement_viscosities();

using CementProductId = Id<struct CementProductTag>;
using CementLotId = Id<struct CementLotTag>;

// A cement product. Its GTINs (GS1, 14 digits) and HIBC product codes (labeler code followed
// by the product number, as a HIBC label carries them) identify it when a pack is scanned;
// each belongs to one product.
struct CementProduct {
  CementProductId id;
  std::string name;
  std::string manufacturer;
  std::string marking;    // device_marking_name()
  std::string viscosity;  // cement_viscosity_name()
  std::string pack_volume_ml;  // decimal, as entered once checked ("10", "12.5")
  std::vector<std::string> gtins;
  std::vector<std::string> hibc_codes;
  UserId created_by;
  std::string created_at;
};

// One version of a product's instructions for use. Versions are numbered 1, 2, ... per product
// and never changed once saved: a change to the instructions is a new version, and a procedure
// keeps the version it followed. The parameters are those the IFU gives (absent otherwise).
struct IfuVersion {
  std::int64_t id = 0;
  CementProductId product;
  std::int64_t version = 0;
  std::string reference;  // the IFU document and its revision as printed on it
  std::optional<std::int64_t> mixing_seconds;
  std::optional<std::int64_t> waiting_seconds;
  std::optional<std::int64_t> working_seconds;
  std::optional<std::int64_t> temperature_min_c;
  std::optional<std::int64_t> temperature_max_c;
  std::string loading;  // how to load the delivery system, as the IFU says
  std::vector<std::string> steps;  // the preparation steps in order
  UserId created_by;
  std::string created_by_name;  // read-only
  std::string created_at;
};

// One lot of one product code, as scanned from a pack or typed. Never deleted; recalled at
// most once (the recall fields are set together, and only then).
struct CementLot {
  CementLotId id;
  CementProductId product;
  std::string product_name;  // read-only
  std::string scheme;        // "gs1" or "hibc"
  std::string code;          // the GTIN or HIBC product code
  std::string lot;
  std::string expiry;           // ISO date: the last day the lot may be used
  std::string production_date;  // ISO date or ""
  UserId added_by;
  std::string added_by_name;  // read-only
  std::string added_at;
  std::string recalled_on;  // ISO date from which the lot is recalled; "" while it is not
  std::string recall_reason;
  std::string recall_notice;  // the field safety notice or MHRA reference, when there is one
  UserId recalled_by;
  std::string recalled_by_name;  // read-only
  std::string recalled_at;

  bool recalled() const { return !recalled_on.empty(); }
};

// What a lot is on a given day: recalled (recalled on or before it) comes before expired (its
// expiry date before it); usable otherwise. A date that does not parse counts as expired.
enum class LotStatus { kUsable, kExpired, kRecalled };
LotStatus lot_status(const CementLot& lot, Date on);
std::string_view lot_status_name(LotStatus s);  // "usable", "expired", "recalled"

}  // namespace vertebro::domain
