#pragma once
// The guidance rule engine. Moving an episode to its next pathway state passes a gate; at each
// gate the rules listed for it in one table (rules.cpp) run over an EpisodeSnapshot and the
// UnitSettings and return findings (pass, warn, fail, missing data), each citing its
// requirement id from ../shared/domain/HTG3.md, its pack, a plain sentence and the evidence
// used. A gate blocks when a required rule fails or lacks data; the app layer then needs an
// override with a reason, and stores the findings, kRulePackVersion and the override with the
// transition.
//
// Pure: no I/O, no global state; every function is safe to call from any thread.
// Adding a rule: write its check in the pack's file (rules_htg3.cpp or rules_ta279_ebi.cpp), add
// one row to the table in rules.cpp, and add tests/data/guidance/<rule-id>.json.

#include <optional>
#include <string_view>
#include <vector>

#include "domain/pathway_state.h"
#include "guidance/indication.h"
#include "guidance/snapshot.h"

namespace vertebro::guidance {

// Stored with every transition so a finding can be traced to the rules that produced it. Bump
// it whenever a rule, its table row or a default setting changes meaning.
// htg3-2026.2 (issue 14): dated findings judged at the procedure date; treatment days counted
// inclusively; default minimum 21 days; indication evidence; SINS 13-18 fails; MDT meetings
// before the referral ignored; "not applicable" findings for TA279 and EBI.
// htg3-2026.3 (issue 16): HTG3-1.2-CEMENT when the procedure is recorded.
// htg3-2026.4 (issue 11): HTG3-1.2-TRAINING when the procedure is recorded.
// htg3-2026.5 (issue 11): HTG3-1.2-TRAINING also at the consent -> procedure move, for the
// planned operator and supervisor (a warning when none is planned).
inline constexpr std::string_view kRulePackVersion = "htg3-2026.5";

// The gated transitions of the pathway (referral -> assessment -> MDT -> consent -> procedure
// -> follow-up).
enum class Gate {
  kAssessmentToMdt,     // assessment complete: the case goes on an MDT list
  kMdtToConsent,        // the MDT's decision recorded: consent may be taken
  kConsentToProcedure,  // consent taken: the procedure may be done (judged at the planned date)
  kProcedureRecorded,   // the procedure recorded: judged again at the procedure's own date
};
std::vector<Gate> all_gates();
std::string_view gate_name(Gate g);  // "assessment_to_mdt", ..., "procedure_recorded"
std::optional<Gate> parse_gate(std::string_view name);
// The gate passed when an episode moves into `to`; std::nullopt for moves no rule guards
// (into assessment, follow-up, closed and the exits).
std::optional<Gate> gate_into(domain::PathwayState to);

using Findings = std::vector<Finding>;

// A rule's check. std::nullopt: the rule does not apply to this episode (TA279 and EBI rules
// for an indication other than osteoporotic fracture, SINS for a non-tumour).
using RuleCheck = std::optional<Finding> (*)(const EpisodeSnapshot&, const UnitSettings&);

struct Rule {
  std::string_view id;  // the requirement id its data file is named after: "HTG3-1.2-MDT"
  Pack pack = Pack::kHtg3;
  unsigned gates = 0;    // bit (1 << Gate) for each gate the rule runs at; see runs_at()
  bool required = true;  // a fail or missing finding blocks the gate
  RuleCheck check = nullptr;
};
bool runs_at(const Rule& rule, Gate gate);

// Every rule, in the order their findings are listed.
const std::vector<Rule>& all_rules();
// nullptr when no rule has that id.
const Rule* find_rule(std::string_view id);

// Runs one rule whatever the gate: std::nullopt when its pack is not enabled in `settings` or
// it does not apply. The finding's pack and required fields are filled from the rule.
std::optional<Finding> run_rule(const Rule& rule, const EpisodeSnapshot& snapshot,
                                const UnitSettings& settings);

// The findings of every rule that runs at `gate`, from enabled packs, in table order. When
// TA279 or EBI rules run at the gate but do not apply to the indication (anything but an
// osteoporotic fracture), one last finding says so: requirement and pack "TA279, EBI" (or the
// one enabled), outcome kNotApplicable, not required ("TA279, EBI: not applicable to a
// haemangioma"), so a reader sees they were considered.
Findings evaluate(Gate gate, const EpisodeSnapshot& snapshot, const UnitSettings& settings);

// True when any required finding is kFail or kMissing: the move needs an override.
bool blocks(const Findings& findings);

}  // namespace vertebro::guidance
