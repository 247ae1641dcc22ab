#pragma once
// A safety notice about the devices a unit uses: an MHRA Medical Device Alert (MDA/…), a
// Field Safety Notice or a manufacturer's notice, with what it asks the unit to do and the
// device safety officer's acknowledgement (docs/traceability.md, "MHRA notices").

#include <cstdint>
#include <string>
#include <vector>

#include "domain/cement.h"

namespace vertebro::domain {

struct DeviceNotice {
  std::int64_t id = 0;
  std::string reference;  // "MDA/2007/088"; unique
  std::string title;
  // When it was issued: "YYYY-MM-DD", or "YYYY" when only the year is known.
  std::string issued;
  std::string summary;
  std::string actions_required;
  std::string source;  // where the unit learnt of it, e.g. "Cited by NICE HTG3"
  // False when the subject given here has not been checked against the notice itself: pages
  // and the API then say "subject unconfirmed".
  bool subject_confirmed = true;
  // True when it concerns every injectable cement the unit uses, not only the products listed.
  bool all_cements = false;
  std::vector<CementProductId> products;
  std::vector<CementLotId> lots;
  std::int64_t version = 1;
  std::string updated_by_name;  // read-only; "" for a notice seeded by vertebro
  std::string updated_at;       // "" for a notice seeded by vertebro
  // The acknowledgement: set once, by the device safety officer.
  UserId acknowledged_by;
  std::string acknowledged_by_name;  // read-only
  std::string acknowledged_on;       // ISO date; "" while not acknowledged
  std::string acknowledgement;       // what the unit did about it
  std::string acknowledged_at;

  bool acknowledged() const { return !acknowledged_on.empty(); }
  bool concerns(CementProductId product) const {
    if (all_cements) return true;
    for (const auto& p : products) {
      if (p == product) return true;
    }
    return false;
  }
};

}  // namespace vertebro::domain
