#pragma once
// Whether a suspected indication is one HTG3 supports (HTG3 2.1.1), as a finding a page can
// show beside the referral. Pure: no I/O.

#include <string>

#include "domain/referral.h"

namespace vertebro::guidance {

enum class Outcome { kPass, kWarn, kFail, kMissing };
std::string_view outcome_name(Outcome o);  // "pass", "warn", "fail", "missing"

// One rule's verdict on one episode. Aggregate initialisation with the first three fields keeps
// working: the later fields have defaults.
struct Finding {
  std::string requirement;  // "HTG3-IND-OSTEOPOROTIC", ...
  Outcome outcome = Outcome::kMissing;
  std::string message;     // a plain sentence for the clinician
  std::string pack{};      // "HTG3", "TA279" or "EBI"; empty for assess_indication
  std::string evidence{};  // a short plain sentence of the recorded values the rule used
  // Whether a fail or missing outcome blocks the gate (see rules.h, blocks()). A few advisory
  // rules only warn and are not required.
  bool required = true;
};

// HTG3-IND-OSTEOPOROTIC / -HAEMANGIOMA / -TUMOUR pass; kOther warns that the indication is
// outside HTG3. Tumours add that NICE NG234 also applies.
Finding assess_indication(domain::Indication indication);

}  // namespace vertebro::guidance
