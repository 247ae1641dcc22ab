#pragma once
// What the guidance rules read: an episode snapshot (plain values the app layer fills from the
// store) and the unit's settings. Anything that may not have been recorded is a std::optional
// (or Answer::kUnknown); the rules turn a missing value into an Outcome::kMissing finding,
// never a silent pass. Plain data: no I/O, copyable, no thread-safety concerns.
//
// The *_name / parse_* functions give each enum a stable lower-case name for storage, forms and
// test data ("weak_opioid"); parse_* return std::nullopt for an unknown name.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"
#include "domain/operator.h"
#include "domain/referral.h"
#include "domain/vertebral_level.h"
#include "guidance/scores.h"

namespace vertebro::guidance {

// A yes/no observation that may not have been made or recorded.
enum class Answer { kUnknown, kYes, kNo };
std::string_view answer_name(Answer a);  // "unknown", "yes", "no"
std::optional<Answer> parse_answer(std::string_view name);

// What was found at one assessed level.
struct LevelAssessment {
  domain::VertebralLevel level = domain::VertebralLevel::from_index(0);
  std::optional<GenantGrade> genant{};
  Answer mri_oedema = Answer::kUnknown;        // marrow oedema on STIR/T2 MRI
  Answer bone_scan_uptake = Answer::kUnknown;  // used when MRI is not possible
  Answer focal_tenderness = Answer::kUnknown;  // on examination, at this level
};

// VERTOS IV classes.
enum class AnalgesicClass { kNone, kNonOpioid, kWeakOpioid, kStrongOpioid };
std::string_view analgesic_class_name(AnalgesicClass c);  // "none", "non_opioid", ...
std::optional<AnalgesicClass> parse_analgesic_class(std::string_view name);

enum class ConservativeKind { kAnalgesics, kBedRest, kBracing, kPhysiotherapy, kOther };
std::string_view conservative_kind_name(ConservativeKind k);  // "analgesics", "bed_rest", ...
std::optional<ConservativeKind> parse_conservative_kind(std::string_view name);

enum class TreatmentEffect { kNoRelief, kPartialRelief, kGoodRelief };
std::string_view treatment_effect_name(TreatmentEffect e);  // "no_relief", ...
std::optional<TreatmentEffect> parse_treatment_effect(std::string_view name);

struct ConservativeTreatment {
  ConservativeKind kind = ConservativeKind::kOther;
  domain::Date start{};
  std::optional<domain::Date> end{};  // none: still going on
  std::optional<TreatmentEffect> effect{};
};

enum class MdtDecisionKind { kProceed, kDoNotProceed, kMoreInformation };
std::string_view mdt_decision_name(MdtDecisionKind d);  // "proceed", "do_not_proceed", "more_info"
std::optional<MdtDecisionKind> parse_mdt_decision(std::string_view name);

struct MdtDecision {
  domain::Date meeting_date{};
  MdtDecisionKind decision = MdtDecisionKind::kMoreInformation;
  std::vector<std::string> attendee_roles{};  // one entry per attendee: "Spinal surgeon", ...
  // When the decision was recorded, as an ISO 8601 UTC timestamp ("2026-03-03T10:15:00Z"),
  // which sorts in time order as text. Of two decisions at meetings on the same date, the one
  // recorded last stands.
  std::string decided_at{};
};

enum class SurgeryAccessKind { kOnSite, kArrangement, kNone };
std::string_view surgery_access_name(SurgeryAccessKind k);  // "on_site", "arrangement", "none"
std::optional<SurgeryAccessKind> parse_surgery_access(std::string_view name);

// The site's access to a spinal surgery service (HTG3-1.2-SURGERY).
struct SurgeryAccess {
  SurgeryAccessKind kind = SurgeryAccessKind::kNone;
  std::optional<domain::Date> review_date{};  // required for an arrangement
};

// The risks HTG3-1.1 expects to be discussed (the list in issue 5; HTG3 2.4).
enum class ConsentRisk {
  kCementLeakage,
  kCementEmbolism,
  kNerveOrSpinalCordInjury,  // including paraplegia
  kInfection,
  kNewFractures,
  kNoPainRelief,
};
std::vector<ConsentRisk> all_consent_risks();
std::string_view consent_risk_name(ConsentRisk r);   // "cement_leakage", ...
std::string_view consent_risk_label(ConsentRisk r);  // "cement leakage", ...
std::optional<ConsentRisk> parse_consent_risk(std::string_view name);

struct Consent {
  std::optional<domain::Date> date{};  // none: no consent recorded
  std::set<ConsentRisk> risks_discussed{};
};

// One pack of cement used at the procedure (HTG3-1.2-CEMENT), as the procedure records it.
struct CementUnit {
  int unit = 0;  // 1, 2, ... in the procedure's order
  std::string product;
  std::string lot;
  std::optional<domain::Date> expiry{};       // the lot's last day of use; none: unreadable
  std::optional<domain::Date> recalled_on{};  // from the lot register; none: not recalled
  int steps = 0;                    // steps of the IFU version followed
  std::vector<int> unconfirmed{};   // steps neither confirmed nor recorded as a deviation
  std::vector<int> deviations{};    // steps recorded as done otherwise, with a reason
};

// An operator of the recorded procedure (HTG3-1.2-TRAINING).
struct ProcedureOperator {
  std::string name;
  // Named on the form, not chosen from the operators with a profile at the site: no sign-off
  // of theirs can be read.
  bool visiting = false;
  std::vector<domain::SignOffRecord> sign_offs{};  // the profile's, revoked ones included
};

struct EpisodeSnapshot {
  std::optional<domain::Indication> indication{};
  std::optional<std::string>
      tumour_primary{};  // metastasis: the primary ("unknown primary" is fine)
  // Haemangioma: the symptoms it causes (HTG3 supports *symptomatic* haemangioma).
  std::optional<std::string> haemangioma_symptoms{};
  // The episode's referral date: an MDT meeting before it discussed another episode.
  std::optional<domain::Date> referral_date{};

  std::vector<LevelAssessment> levels{};  // levels assessed
  std::optional<int> pain_at_rest{};      // NRS 0-10
  std::optional<int> pain_on_movement{};  // NRS 0-10
  std::optional<AnalgesicClass> analgesic{};
  std::vector<ConservativeTreatment> conservative_treatments{};
  std::optional<bool> clinician_judged_refractory{};
  std::optional<domain::Date> fracture_date{};
  std::optional<domain::Date> onset_date{};  // of the pain; used when the fracture date is unknown
  // Osteoporosis assessment or treatment, or fracture liaison referral, recorded.
  std::optional<bool> bone_health_measure{};
  std::optional<int> sins_total{};  // 0-18, tumours

  std::vector<MdtDecision> mdt_decisions{};
  std::optional<SurgeryAccess> surgery_access{};  // none: the site has not recorded it
  Consent consent{};
  std::optional<domain::Date> procedure_date{};  // planned, or actual once done
  // True when procedure_date is the date planned at the consent -> procedure move, false when it
  // is the date of the recorded procedure.
  bool procedure_date_planned = false;
  // The cement packs the recorded procedure names; std::nullopt when no procedure is recorded.
  std::optional<std::vector<CementUnit>> cement_units{};
  // Set when a procedure is recorded: its operators (no primary operator: not recorded; no
  // supervisor: none named) and the levels it treated.
  bool procedure_recorded = false;
  std::optional<ProcedureOperator> primary_operator{};
  std::optional<ProcedureOperator> supervisor{};
  std::vector<domain::VertebralLevel> treated_levels{};
  domain::Date today{};
};

// The rule packs a unit can apply (REFERENCE.md 1.2a).
enum class Pack { kHtg3, kTa279, kEbi };
std::string_view pack_name(Pack p);  // "HTG3", "TA279", "EBI"
std::optional<Pack> parse_pack(std::string_view name);

// A unit's settings. Each default names its source.
struct UnitSettings {
  // HTG3-1.2-REFRACTORY: how long conservative treatment must have been tried, counting the
  // first and last days. HTG3 leaves this to the unit (HTG3.md, "What the guidance leaves to the
  // unit"). 21 days: NICE TA279 chapter 4 heard that the pain usually eases after 2 to 3 weeks
  // and is often gone by 6 (REFERENCE.md 1.2a), so three weeks of optimal pain management
  // leaves three weeks inside the recent-fracture window below.
  int min_conservative_days = 21;
  // TA279-SEVERE-RECENT, EBI-VA-PAIN: how old a fracture may be and still count as recent.
  // EBI: "recent (usually not more than 6 weeks)"; TA279 fixes no number.
  int recent_fracture_window_days = 42;
  // EBI-VA-PAIN (and "severe" in TA279-SEVERE-RECENT): pain 7/10 or more (EBI).
  int pain_threshold = 7;
  // HTG3-1.2-MDT: attendee roles that count as a radiologist and as a spinal surgeon (a unit
  // setting in HTG3.md). Matched ignoring case and surrounding spaces.
  std::vector<std::string> radiologist_roles = {"Interventional radiologist", "Radiologist"};
  std::vector<std::string> spinal_surgeon_roles = {"Spinal surgeon", "Orthopaedic spinal surgeon",
                                                   "Neurosurgeon"};
  std::set<Pack> enabled_packs = {Pack::kHtg3, Pack::kTa279, Pack::kEbi};
};

// True when any attendee's role is one of `roles` (HTG3-1.2-MDT), ignoring case and
// surrounding spaces: "spinal surgeon " counts as "Spinal surgeon".
bool any_role_in(const std::vector<std::string>& attendee_roles,
                 const std::vector<std::string>& roles);

// Checks the settings an administrator entered. Errors: kInvalid with one field error per bad
// field: min_conservative_days (0-365), recent_fracture_window_days (1-365), pain_threshold
// (0-10), radiologist_roles and spinal_surgeon_roles (at least one non-blank role); and, while
// TA279 or EBI is enabled, one error on each of min_conservative_days and
// recent_fracture_window_days when the minimum is not shorter than the window (an osteoporotic
// case could then meet "refractory" and "recent" only on a day or two, so every such case would
// need an override: HTG3-1.2-REFRACTORY-WINDOW).
Status validate_settings(const UnitSettings& settings);
// The range checks of validate_settings only: what settings stored before the window check
// existed must meet to be read at all (HTG3-1.2-REFRACTORY-WINDOW then warns at the gate).
Status validate_setting_ranges(const UnitSettings& settings);

}  // namespace vertebro::guidance
