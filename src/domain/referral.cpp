#include "domain/referral.h"

#include <charconv>

#include "domain/text.h"

namespace vertebro::domain {

namespace {
struct IndicationInfo {
  Indication indication;
  std::string_view name;
  std::string_view label;
};
constexpr IndicationInfo kIndications[] = {
    {Indication::kOsteoporotic, "osteoporotic",
     "Painful osteoporotic vertebral compression fracture"},
    {Indication::kHaemangioma, "haemangioma", "Symptomatic vertebral haemangioma"},
    {Indication::kMetastasis, "metastasis", "Painful vertebral metastasis"},
    {Indication::kMyeloma, "myeloma", "Painful vertebral myeloma"},
    {Indication::kTraumatic, "traumatic", "Traumatic fracture in non-osteoporotic bone"},
    {Indication::kOther, "other", "Other or uncertain"},
};
}  // namespace

std::string_view indication_name(Indication i) {
  for (const auto& x : kIndications) {
    if (x.indication == i) return x.name;
  }
  return "other";
}
std::string_view indication_label(Indication i) {
  for (const auto& x : kIndications) {
    if (x.indication == i) return x.label;
  }
  return "Other or uncertain";
}
std::optional<Indication> parse_indication(std::string_view name) {
  for (const auto& x : kIndications) {
    if (x.name == name) return x.indication;
  }
  return std::nullopt;
}
std::vector<Indication> all_indications() {
  std::vector<Indication> out;
  for (const auto& x : kIndications) out.push_back(x.indication);
  return out;
}

Result<ReferralDetails> validate_referral(const ReferralInput& in, Date today, Date date_of_birth) {
  std::vector<FieldError> errors;
  std::int64_t site = 0;
  {
    const auto* b = in.site_id.data();
    const auto* e = b + in.site_id.size();
    auto [p, ec] = std::from_chars(b, e, site);
    if (in.site_id.empty() || ec != std::errc() || p != e || site <= 0) {
      errors.push_back({"site_id", "Select the site"});
    }
  }
  auto clinician = checked_text(in.referring_clinician, "referring_clinician",
                                "referring clinician", 200, true, errors);
  std::optional<Date> date;
  if (auto d = Date::parse(in.referral_date, "referral_date", "referral date")) {
    if (*d > today) {
      errors.push_back({"referral_date", "Referral date must be today or in the past"});
    } else if (*d < date_of_birth) {
      errors.push_back({"referral_date", "Referral date must be after the patient's date of birth"});
    } else {
      date = *d;
    }
  } else {
    for (auto& f : d.error().fields) errors.push_back(f);
  }
  auto indication = parse_indication(in.indication);
  if (!indication) errors.push_back({"indication", "Select the suspected indication"});
  std::vector<VertebralLevel> levels;
  if (auto l = parse_levels(in.levels, "levels")) {
    levels = std::move(*l);
  } else {
    for (auto& f : l.error().fields) errors.push_back(f);
  }
  auto reason = checked_text(in.reason, "reason", "reason for referral", 4000, true, errors);
  if (!errors.empty()) return Error::invalid(std::move(errors));
  return ReferralDetails{SiteId{site}, std::move(clinician), *date, *indication, std::move(levels),
                         std::move(reason)};
}

}  // namespace vertebro::domain
