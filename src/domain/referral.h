#pragma once
// The referral that opens an episode of care, and its validation.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "domain/date.h"
#include "domain/vertebral_level.h"

namespace vertebro::domain {

// The indication the referrer suspects (HTG3 2.1.1). kTraumatic (a traumatic fracture in
// non-osteoporotic bone) and kOther are outside HTG3's indications.
enum class Indication { kOsteoporotic, kHaemangioma, kMetastasis, kMyeloma, kTraumatic, kOther };
std::string_view indication_name(Indication i);   // "osteoporotic", "haemangioma", ...
std::string_view indication_label(Indication i);  // "Osteoporotic vertebral compression fracture"
std::optional<Indication> parse_indication(std::string_view name);
std::vector<Indication> all_indications();

struct ReferralInput {
  std::string site_id;
  std::string referring_clinician;
  std::string referral_date;
  std::string indication;
  std::string levels;
  std::string reason;
};

struct ReferralDetails {
  SiteId site;
  std::string referring_clinician;
  Date referral_date;
  Indication indication = Indication::kOther;
  std::vector<VertebralLevel> levels;
  std::string reason;
};

// Validates every field, returning all field errors at once (kInvalid). Fields: site_id,
// referring_clinician (1-200 characters), referral_date (not in the future, not before the
// date of birth), indication, levels (C1-S5), reason (1-4000 characters).
Result<ReferralDetails> validate_referral(const ReferralInput& in, Date today, Date date_of_birth);

}  // namespace vertebro::domain
