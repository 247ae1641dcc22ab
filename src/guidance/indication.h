#pragma once
// Whether a suspected indication is one HTG3 supports (HTG3 2.1.1), as a finding a page can
// show beside the referral. Pure: no I/O.

#include <string>

#include "domain/referral.h"

namespace vertebro::guidance {

// kNotApplicable says a pack was considered and does not apply to this episode ("TA279, EBI: not
// applicable to a haemangioma"); it is informational and never blocks a gate.
enum class Outcome { kPass, kWarn, kFail, kMissing, kNotApplicable };
std::string_view outcome_name(Outcome o);  // "pass", "warn", "fail", "missing", "not_applicable"

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

// What HTG3 says about an indication on its own (HTG3 2.1.1): HTG3-IND-OSTEOPOROTIC /
// -HAEMANGIOMA / -TUMOUR pass; kTraumatic and kOther fail at HTG3-IND (outside HTG3: going ahead
// needs an override with a reason). Tumours add that NICE NG234 also applies. The episode page
// shows this for the referral's indication, and the HTG3-IND rule starts from it at the
// assessment -> MDT gate (adding the evidence each indication needs), so an indication has the
// same outcome in both places.
Finding assess_indication(domain::Indication indication);

}  // namespace vertebro::guidance
