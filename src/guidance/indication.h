#pragma once
// Whether a suspected indication is one HTG3 supports (HTG3 2.1.1), as a finding a page can
// show beside the referral. Pure: no I/O.

#include <string>

#include "domain/referral.h"

namespace vertebro::guidance {

enum class Outcome { kPass, kWarn, kFail, kMissing };
std::string_view outcome_name(Outcome o);  // "pass", "warn", "fail", "missing"

struct Finding {
  std::string requirement;  // "HTG3-IND-OSTEOPOROTIC", ...
  Outcome outcome = Outcome::kMissing;
  std::string message;      // a plain sentence for the clinician
};

// HTG3-IND-OSTEOPOROTIC / -HAEMANGIOMA / -TUMOUR pass; kOther warns that the indication is
// outside HTG3. Tumours add that NICE NG234 also applies.
Finding assess_indication(domain::Indication indication);

}  // namespace vertebro::guidance
