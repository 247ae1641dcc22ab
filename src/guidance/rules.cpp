#include "guidance/rules.h"

#include <algorithm>

#include "guidance/rule_support.h"

namespace vertebro::guidance {

namespace {

constexpr unsigned bit(Gate g) { return 1u << static_cast<unsigned>(g); }
constexpr unsigned kToMdt = bit(Gate::kAssessmentToMdt);
constexpr unsigned kToConsent = bit(Gate::kMdtToConsent);
// The rules that judge the procedure run twice: at the consent -> procedure move (at the planned
// date) and when the procedure is recorded (at its own date).
constexpr unsigned kToProcedure = bit(Gate::kConsentToProcedure) | bit(Gate::kProcedureRecorded);

// Which rule runs at which gate. Clinical checks of the assessment run before the MDT; the MDT's
// decision before consent and again before the procedure (the MDT must precede the procedure
// date); surgery access and consent at the procedure (HTG3.md: "checked at the procedure gate").
// Recency runs again at the procedure, since the fracture must still be recent on that date.
// A function-local static, so no other static initialiser can see it unbuilt.
const std::vector<Rule>& rule_table() {
  using namespace detail;
  constexpr unsigned kMdtAndProcedure = kToMdt | kToProcedure;
  constexpr unsigned kConsentAndProcedure = kToConsent | kToProcedure;
  // The cement packs used, and who operated, are known only once the procedure is recorded.
  constexpr unsigned kRecorded = bit(Gate::kProcedureRecorded);
  // clang-format off
  static const std::vector<Rule> rules = {
    // id                           pack          gates                 required check
    {"HTG3-IND",                    Pack::kHtg3,  kToMdt,               true,  check_indication},
    {"HTG3-IND-TUMOUR-SINS",        Pack::kHtg3,  kToMdt,               true,  check_tumour_sins},
    {"HTG3-1.2-REFRACTORY",         Pack::kHtg3,  kToMdt,               true,  check_refractory},
    {"HTG3-1.2-REFRACTORY-WINDOW",  Pack::kHtg3,  kToMdt,               false, check_windows},
    {"HTG3-1.2-MDT",                Pack::kHtg3,  kConsentAndProcedure, true,  check_mdt},
    {"HTG3-1.2-SURGERY",            Pack::kHtg3,  kToProcedure,         true,  check_surgery},
    {"HTG3-1.1",                    Pack::kHtg3,  kToProcedure,         true,  check_consent},
    {"HTG3-1.2-CEMENT",             Pack::kHtg3,  kRecorded,            true,  check_cement},
    {"HTG3-1.2-TRAINING",           Pack::kHtg3,  kToProcedure,         true,  check_training},
    {"TA279-SEVERE-RECENT",         Pack::kTa279, kMdtAndProcedure,     true,  check_ta279_severe},
    {"TA279-LEVEL-CONFIRMED",       Pack::kTa279, kToMdt,               true,  check_ta279_level},
    {"EBI-VA-PAIN",                 Pack::kEbi,   kMdtAndProcedure,     true,  check_ebi_pain},
    {"EBI-VA-IMAGING",              Pack::kEbi,   kToMdt,               true,  check_ebi_imaging},
    {"EBI-VA-MDT",                  Pack::kEbi,   kConsentAndProcedure, true,  check_ebi_mdt},
    {"EBI-VA-SURGERY",              Pack::kEbi,   kToProcedure,         true,  check_ebi_surgery},
    {"EBI-VA-BONEHEALTH",           Pack::kEbi,   kToMdt,               true,  check_ebi_bone},
  };
  // clang-format on
  return rules;
}

}  // namespace

std::vector<Gate> all_gates() {
  return {Gate::kAssessmentToMdt, Gate::kMdtToConsent, Gate::kConsentToProcedure,
          Gate::kProcedureRecorded};
}

std::string_view gate_name(Gate g) {
  switch (g) {
    case Gate::kAssessmentToMdt:
      return "assessment_to_mdt";
    case Gate::kMdtToConsent:
      return "mdt_to_consent";
    case Gate::kConsentToProcedure:
      return "consent_to_procedure";
    case Gate::kProcedureRecorded:
      return "procedure_recorded";
  }
  return "";
}

std::optional<Gate> parse_gate(std::string_view name) {
  for (Gate g : all_gates()) {
    if (gate_name(g) == name) return g;
  }
  return std::nullopt;
}

std::optional<Gate> gate_into(domain::PathwayState to) {
  using domain::PathwayState;
  switch (to) {
    case PathwayState::kMdt:
      return Gate::kAssessmentToMdt;
    case PathwayState::kConsent:
      return Gate::kMdtToConsent;
    case PathwayState::kProcedure:
      return Gate::kConsentToProcedure;
    case PathwayState::kReferral:
    case PathwayState::kAssessment:
    case PathwayState::kFollowUp:
    case PathwayState::kClosed:
    case PathwayState::kDeclined:
    case PathwayState::kWithdrawn:
    case PathwayState::kNotSuitable:
    case PathwayState::kDeceased:
      return std::nullopt;
  }
  return std::nullopt;
}

bool runs_at(const Rule& rule, Gate gate) { return (rule.gates & bit(gate)) != 0; }

const std::vector<Rule>& all_rules() { return rule_table(); }

const Rule* find_rule(std::string_view id) {
  const auto& rules = rule_table();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const Rule& r) { return r.id == id; });
  return it == rules.end() ? nullptr : &*it;
}

std::optional<Finding> run_rule(const Rule& rule, const EpisodeSnapshot& snapshot,
                                const UnitSettings& settings) {
  if (!settings.enabled_packs.contains(rule.pack)) return std::nullopt;
  std::optional<Finding> f = rule.check(snapshot, settings);
  if (f) {
    f->pack = std::string(pack_name(rule.pack));
    f->required = rule.required;
  }
  return f;
}

Findings evaluate(Gate gate, const EpisodeSnapshot& snapshot, const UnitSettings& settings) {
  Findings out;
  bool runs[3] = {false, false, false};  // by Pack: whether an enabled pack has rules here
  for (const Rule& rule : rule_table()) {
    if (!runs_at(rule, gate)) continue;
    if (settings.enabled_packs.contains(rule.pack)) runs[static_cast<int>(rule.pack)] = true;
    if (auto f = run_rule(rule, snapshot, settings)) out.push_back(std::move(*f));
  }
  if (auto na = detail::packs_not_applicable(runs[static_cast<int>(Pack::kTa279)],
                                             runs[static_cast<int>(Pack::kEbi)], snapshot)) {
    out.push_back(std::move(*na));
  }
  return out;
}

// kNotApplicable and kWarn never block; neither does an advisory (not required) rule.
bool blocks(const Findings& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) {
    return f.required && (f.outcome == Outcome::kFail || f.outcome == Outcome::kMissing);
  });
}

}  // namespace vertebro::guidance
