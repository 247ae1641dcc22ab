#include "guidance/snapshot.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace vertebro::guidance {

namespace {

// One table per enum: the single place its names are spelled.
template <class E>
using Name = std::pair<E, std::string_view>;

template <class E, std::size_t N>
std::string_view name_in(const Name<E> (&names)[N], E value) {
  for (const auto& [e, n] : names) {
    if (e == value) return n;
  }
  return "";
}

template <class E, std::size_t N>
std::optional<E> parse_in(const Name<E> (&names)[N], std::string_view text) {
  for (const auto& [e, n] : names) {
    if (n == text) return e;
  }
  return std::nullopt;
}

constexpr Name<Answer> kAnswers[] = {
    {Answer::kUnknown, "unknown"}, {Answer::kYes, "yes"}, {Answer::kNo, "no"}};

constexpr Name<AnalgesicClass> kAnalgesics[] = {{AnalgesicClass::kNone, "none"},
                                                {AnalgesicClass::kNonOpioid, "non_opioid"},
                                                {AnalgesicClass::kWeakOpioid, "weak_opioid"},
                                                {AnalgesicClass::kStrongOpioid, "strong_opioid"}};

constexpr Name<ConservativeKind> kConservativeKinds[] = {
    {ConservativeKind::kAnalgesics, "analgesics"},
    {ConservativeKind::kBedRest, "bed_rest"},
    {ConservativeKind::kBracing, "bracing"},
    {ConservativeKind::kPhysiotherapy, "physiotherapy"},
    {ConservativeKind::kOther, "other"}};

constexpr Name<TreatmentEffect> kEffects[] = {{TreatmentEffect::kNoRelief, "no_relief"},
                                              {TreatmentEffect::kPartialRelief, "partial_relief"},
                                              {TreatmentEffect::kGoodRelief, "good_relief"}};

constexpr Name<MdtDecisionKind> kDecisions[] = {{MdtDecisionKind::kProceed, "proceed"},
                                                {MdtDecisionKind::kDoNotProceed, "do_not_proceed"},
                                                {MdtDecisionKind::kMoreInformation, "more_info"}};

constexpr Name<SurgeryAccessKind> kSurgeryAccess[] = {
    {SurgeryAccessKind::kOnSite, "on_site"},
    {SurgeryAccessKind::kArrangement, "arrangement"},
    {SurgeryAccessKind::kNone, "none"}};

constexpr Name<ConsentRisk> kRiskNames[] = {
    {ConsentRisk::kCementLeakage, "cement_leakage"},
    {ConsentRisk::kCementEmbolism, "cement_embolism"},
    {ConsentRisk::kNerveOrSpinalCordInjury, "nerve_or_spinal_cord_injury"},
    {ConsentRisk::kInfection, "infection"},
    {ConsentRisk::kNewFractures, "new_fractures"},
    {ConsentRisk::kNoPainRelief, "no_pain_relief"}};

constexpr Name<ConsentRisk> kRiskLabels[] = {
    {ConsentRisk::kCementLeakage, "cement leakage"},
    {ConsentRisk::kCementEmbolism, "cement embolism"},
    {ConsentRisk::kNerveOrSpinalCordInjury, "nerve or spinal cord injury, including paraplegia"},
    {ConsentRisk::kInfection, "infection"},
    {ConsentRisk::kNewFractures, "new fractures"},
    {ConsentRisk::kNoPainRelief, "no pain relief"}};

constexpr Name<Pack> kPacks[] = {
    {Pack::kHtg3, "HTG3"}, {Pack::kTa279, "TA279"}, {Pack::kEbi, "EBI"}};

bool has_non_blank(const std::vector<std::string>& roles) {
  return std::any_of(roles.begin(), roles.end(), [](const std::string& r) {
    return std::any_of(r.begin(), r.end(),
                       [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
  });
}

}  // namespace

std::string_view answer_name(Answer a) { return name_in(kAnswers, a); }
std::optional<Answer> parse_answer(std::string_view n) { return parse_in(kAnswers, n); }

std::string_view analgesic_class_name(AnalgesicClass c) { return name_in(kAnalgesics, c); }
std::optional<AnalgesicClass> parse_analgesic_class(std::string_view n) {
  return parse_in(kAnalgesics, n);
}

std::string_view conservative_kind_name(ConservativeKind k) {
  return name_in(kConservativeKinds, k);
}
std::optional<ConservativeKind> parse_conservative_kind(std::string_view n) {
  return parse_in(kConservativeKinds, n);
}

std::string_view treatment_effect_name(TreatmentEffect e) { return name_in(kEffects, e); }
std::optional<TreatmentEffect> parse_treatment_effect(std::string_view n) {
  return parse_in(kEffects, n);
}

std::string_view mdt_decision_name(MdtDecisionKind d) { return name_in(kDecisions, d); }
std::optional<MdtDecisionKind> parse_mdt_decision(std::string_view n) {
  return parse_in(kDecisions, n);
}

std::string_view surgery_access_name(SurgeryAccessKind k) { return name_in(kSurgeryAccess, k); }
std::optional<SurgeryAccessKind> parse_surgery_access(std::string_view n) {
  return parse_in(kSurgeryAccess, n);
}

std::vector<ConsentRisk> all_consent_risks() {
  std::vector<ConsentRisk> out;
  for (const auto& [r, n] : kRiskNames) out.push_back(r);
  return out;
}
std::string_view consent_risk_name(ConsentRisk r) { return name_in(kRiskNames, r); }
std::string_view consent_risk_label(ConsentRisk r) { return name_in(kRiskLabels, r); }
std::optional<ConsentRisk> parse_consent_risk(std::string_view n) {
  return parse_in(kRiskNames, n);
}

std::string_view pack_name(Pack p) { return name_in(kPacks, p); }
std::optional<Pack> parse_pack(std::string_view n) { return parse_in(kPacks, n); }

namespace {

std::vector<FieldError> range_errors(const UnitSettings& s) {
  std::vector<FieldError> errors;
  if (s.min_conservative_days < 0 || s.min_conservative_days > 365) {
    errors.push_back(
        {"min_conservative_days", "Minimum conservative treatment must be from 0 to 365 days"});
  }
  if (s.recent_fracture_window_days < 1 || s.recent_fracture_window_days > 365) {
    errors.push_back(
        {"recent_fracture_window_days", "Recent fracture window must be from 1 to 365 days"});
  }
  if (s.pain_threshold < 0 || s.pain_threshold > 10) {
    errors.push_back({"pain_threshold", "Pain threshold must be from 0 to 10"});
  }
  if (!has_non_blank(s.radiologist_roles)) {
    errors.push_back({"radiologist_roles", "Enter at least one role that counts as a radiologist"});
  }
  if (!has_non_blank(s.spinal_surgeon_roles)) {
    errors.push_back(
        {"spinal_surgeon_roles", "Enter at least one role that counts as a spinal surgeon"});
  }
  return errors;
}

Status settings_status(std::vector<FieldError> errors) {
  if (errors.empty()) return {};
  return Error::invalid(std::move(errors), "Check the unit's guidance settings");
}

}  // namespace

Status validate_setting_ranges(const UnitSettings& s) { return settings_status(range_errors(s)); }

Status validate_settings(const UnitSettings& s) {
  std::vector<FieldError> errors = range_errors(s);
  const bool recency = s.enabled_packs.contains(Pack::kTa279) || s.enabled_packs.contains(Pack::kEbi);
  if (errors.empty() && recency && s.min_conservative_days >= s.recent_fracture_window_days) {
    const std::string both =
        "While TA279 or EBI is enabled, the minimum conservative treatment (" +
        std::to_string(s.min_conservative_days) +
        " days) must be shorter than the recent fracture window (" +
        std::to_string(s.recent_fracture_window_days) +
        " days), or an osteoporotic fracture can hardly be both refractory and recent";
    errors.push_back({"min_conservative_days", both});
    errors.push_back({"recent_fracture_window_days", both});
  }
  return settings_status(std::move(errors));
}

namespace {
std::string normalise_role(std::string_view role) {
  while (!role.empty() && std::isspace(static_cast<unsigned char>(role.front()))) {
    role.remove_prefix(1);
  }
  while (!role.empty() && std::isspace(static_cast<unsigned char>(role.back()))) {
    role.remove_suffix(1);
  }
  std::string out(role);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool any_role_in(const std::vector<std::string>& attendees, const std::vector<std::string>& roles) {
  for (const auto& a : attendees) {
    const std::string n = normalise_role(a);
    if (n.empty()) continue;
    for (const auto& r : roles) {
      if (normalise_role(r) == n) return true;
    }
  }
  return false;
}


}  // namespace vertebro::guidance
