#pragma once
// The cement packs of a procedure (HTG3-1.2-CEMENT; docs/traceability.md): each pack is named
// by the scan of its label (or, once saved, by its lot in the register) and carries the
// operator's check of every step of its IFU version. This file finds the packs a procedure
// input names before validation, registers lots first seen in a scan when the procedure is
// saved, keeps the recall look-up's index in step with the procedure, and answers the recall
// look-up: every patient who received a lot.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "app/pathway_forms.h"
#include "domain/cement.h"

namespace vertebro::app {

// A pack as the procedure page shows it while the operator checks it: what its scan found and
// the steps of the IFU version to confirm.
struct CementChecklist {
  int unit = 0;
  CementPack pack;                 // pack.error set when the scan cannot be used
  std::vector<std::string> steps;  // the IFU version's steps, in order
  std::string warning;  // "This lot expired on 1 Oct 2026." / "... recalled from ..." (today)
};

// The packs `cement_units` (the procedure input's member, as posted) names, in unit order.
// Reads only: a lot first seen in a scan is shown, not registered. Errors: kForbidden for a role
// that cannot record the procedure.
Result<std::vector<CementChecklist>> cement_checklists(const Context& ctx, const Actor& actor,
                                                       const nlohmann::json& cement_units);

// One use of a lot: a pack of a recorded procedure. The patient's identifiers are filled only
// for users who may see the episode (their site, and a role that views patients).
struct LotUse {
  EpisodeId episode;
  int unit = 0;
  SiteId site;
  std::string procedure_date;  // ISO
  std::string operator_name;
  std::vector<std::string> levels;  // the levels this pack filled
  bool visible = false;
  PatientId patient;
  std::string patient_name;  // "FAMILY, Given"
  std::string nhs_number;    // formatted
  std::string date_of_birth;
};

struct RecallLookup {
  domain::CementLot lot;
  std::vector<LotUse> uses;  // by episode, then pack; hidden uses carry no identifiers
  std::size_t hidden = 0;    // uses at sites the user does not work at
};

// Every procedure that used the lot. Audited as a "list" of the patients it showed (record
// type cement_lot). Errors: kNotFound; kForbidden for a role that may not see patients and does
// not keep the lot register.
Result<RecallLookup> recall_lookup(const Context& ctx, const Actor& actor, domain::CementLotId lot);

// The lot a scan (or a GTIN or HIBC code and a lot number) names, for the look-up. Errors:
// kInvalid naming scan, gtin, lot; kNotFound when no such lot is registered.
Result<domain::CementLotId> find_lot_for_lookup(const Context& ctx, const Actor& actor,
                                                const std::string& scan, const std::string& gtin,
                                                const std::string& lot);

namespace procedure_cement {

// Fills fc.cement_packs for the units `input` (a procedure document as sent) names: a unit's
// scan when it has one, else its stored lot_id; the IFU version it names when it belongs to the
// product, else the product's newest.
Status resolve_packs(store::Tx& tx, const Context& ctx, const nlohmann::json& input,
                     FormContext& fc);

// Registers the lots the validated document's packs name that are not in the register yet
// (lot_id 0), as `actor`'s with an audit entry each, and writes their ids into the document.
Status register_new_lots(store::Tx& tx, const Context& ctx, const Actor& actor,
                         nlohmann::json& document);

// Rewrites the recall look-up's rows for the episode from its saved procedure document.
Status index_packs(store::Tx& tx, EpisodeId episode, const nlohmann::json& document);

// Lot id -> the date its recall runs from, for the registered lots the document's packs name.
Result<std::map<std::int64_t, std::string>> recalls(store::Tx& tx,
                                                    const nlohmann::json& document);

}  // namespace procedure_cement

}  // namespace vertebro::app
