#pragma once
// The cement catalogue and the lot register (HTG3-1.2-CEMENT; docs/traceability.md). Every
// signed-in user may read the catalogue and the register (clinicians follow the instructions
// for use); only the device safety officer or an administrator (Permission::kManageDevices)
// adds products, saves a new version of a product's instructions, registers lots and recalls
// them. Every change is on the audit trail (record types "cement_product", "cement_lot").

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "domain/cement.h"
#include "domain/device_notice.h"

namespace vertebro::app {

// A version of the instructions for use as typed or sent. Times are whole seconds and
// temperatures whole degrees Celsius, as digits; "" where the IFU gives none.
struct IfuInput {
  std::string reference;
  std::string mixing_seconds;
  std::string waiting_seconds;
  std::string working_seconds;
  std::string temperature_min_c;
  std::string temperature_max_c;
  std::string loading;
  std::vector<std::string> steps;  // in order; blank entries are dropped
};

struct CementProductInput {
  std::string name;
  std::string manufacturer;
  std::string marking;    // domain::device_marking_name()
  std::string viscosity;  // domain::cement_viscosity_name()
  std::string pack_volume_ml;
  std::vector<std::string> gtins;       // 8, 12, 13 or 14 digits; kept as 14
  std::vector<std::string> hibc_codes;  // labeler code and product number, e.g. "A123CEM10"
  IfuInput ifu;                         // the first version of its instructions
};

// A lot as scanned or typed. A scan (GS1 or HIBC, as a barcode scanner types it) fills the
// fields left empty; a typed field that disagrees with the scan is an error naming it.
struct LotInput {
  std::string scan;
  std::string gtin;       // or hibc_code: the product's code
  std::string hibc_code;
  std::string lot;
  std::string expiry;           // ISO date
  std::string production_date;  // ISO date or ""
};

struct RecallInput {
  std::string recalled_on;  // ISO date, not in the future
  std::string reason;
  std::string notice;  // the field safety notice or MHRA reference; may be empty
};

// A product with its instructions (newest version first) and lots (newest first).
struct CementProductView {
  domain::CementProduct product;
  std::vector<domain::IfuVersion> ifu_versions;
  std::vector<domain::CementLot> lots;
  // The safety notices that concern it: those for every cement, those naming it, and those
  // naming one of its lots (device_notices.h).
  std::vector<domain::DeviceNotice> notices;
  bool may_manage = false;
};

// Every product, by name, with its current (newest) IFU version number (0 when none).
struct CementCatalogueRow {
  domain::CementProduct product;
  std::int64_t current_ifu_version = 0;
  std::size_t lots = 0;
};
Result<std::vector<CementCatalogueRow>> list_cement_products(const Context& ctx,
                                                             const Actor& actor);

// Errors: kNotFound.
Result<CementProductView> view_cement_product(const Context& ctx, const Actor& actor,
                                              domain::CementProductId id);

// Adds a product with the first version of its instructions, in one transaction. Errors:
// kForbidden; kInvalid naming name, manufacturer, marking, viscosity, pack_volume_ml, gtins,
// hibc_codes (a code already in the catalogue is an error on its field), and the IFU's fields
// (ifu_reference, mixing_seconds, waiting_seconds, working_seconds, temperature_min_c,
// temperature_max_c, loading, steps).
Result<domain::CementProduct> create_cement_product(const Context& ctx, const Actor& actor,
                                                    const CementProductInput& input);

// A code to add to a product: scanned from a pack's label, or typed (one of the two).
struct ProductCodeInput {
  std::string scan;
  std::string gtin;
  std::string hibc_code;
};

// Adds a GTIN or HIBC code to a product already in the catalogue (a new pack size or a new
// label), so that scans of it find the product. Codes are never removed: lots refer to them.
// Errors: kForbidden, kNotFound, kInvalid naming scan, gtin or hibc_code (a code already in
// the catalogue is an error on the field it came from).
Result<domain::CementProduct> add_cement_product_code(const Context& ctx, const Actor& actor,
                                                      domain::CementProductId product,
                                                      const ProductCodeInput& input);

// Saves a new version of a product's instructions; earlier versions stay as they were.
// Errors: kForbidden, kNotFound, kInvalid naming the IFU's fields.
Result<domain::IfuVersion> add_ifu_version(const Context& ctx, const Actor& actor,
                                           domain::CementProductId product,
                                           const IfuInput& input);

// The whole register, newest first.
Result<std::vector<domain::CementLot>> list_cement_lots(const Context& ctx, const Actor& actor);

// Errors: kNotFound.
Result<domain::CementLot> view_cement_lot(const Context& ctx, const Actor& actor,
                                          domain::CementLotId id);

// Registers a lot. Errors: kForbidden; kInvalid naming scan (a label that cannot be read: the
// reader's sentence, e.g. "the GTIN check digit should be 3"), gtin or hibc_code (absent, not
// valid, or not in the catalogue), lot, expiry, production_date; kDuplicate (related_id = the
// registered lot) when that product's lot is already registered.
Result<domain::CementLot> register_cement_lot(const Context& ctx, const Actor& actor,
                                              const LotInput& input);

// An IFU version's content: version, reference, the parameters (null where the IFU gives
// none), loading and steps. The audit trail records it; the API adds id and who saved it when.
nlohmann::json ifu_content_json(const domain::IfuVersion& v);

// Nothing when the actor may change the catalogue, the lot register and the notices register
// (Permission::kManageDevices); otherwise kForbidden saying they may not `what`.
Status require_device_manager(const Actor& actor, const std::string& what);

// Recalls a lot, once. Errors: kForbidden, kNotFound, kConflict (already recalled), kInvalid
// naming recalled_on, reason, notice.
Result<domain::CementLot> recall_cement_lot(const Context& ctx, const Actor& actor,
                                            domain::CementLotId id, const RecallInput& input);

}  // namespace vertebro::app
