#pragma once
// Internal to guidance/: the pieces the rule checks share, and the checks themselves (listed in
// the table in rules.cpp). Other layers use rules.h.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guidance/indication.h"
#include "guidance/snapshot.h"

namespace vertebro::guidance::detail {

// Collects one rule's sentences. The outcome is the worst seen, in the order fail, missing,
// warn, pass: a criterion that is definitely not met outranks one that lacks data.
class Verdict {
 public:
  void fail(std::string sentence) { fails_.push_back(std::move(sentence)); }
  void missing(std::string sentence) { missing_.push_back(std::move(sentence)); }
  void warn(std::string sentence) { warns_.push_back(std::move(sentence)); }
  void evidence(std::string sentence) { evidence_.push_back(std::move(sentence)); }
  // Says which date the rule judged ("Judged at the planned procedure date, 14 Oct 2026."),
  // ahead of the other evidence. Every rule that judges a date calls it.
  void judged(const EpisodeSnapshot& s);

  // The message is `pass_message` when nothing failed, lacked data or warned; otherwise the
  // problems, the most serious first.
  Finding finish(std::string requirement, std::string pass_message) const;

 private:
  std::vector<std::string> fails_, missing_, warns_, evidence_;
  std::string judged_;
};

// "1 day", "21 days".
std::string day_count(long days);

// A stored name in words for a sentence: "weak_opioid" -> "weak opioid", "more_info" ->
// "more information needed".
std::string words(std::string_view name);

// The date the pathway is judged at: the procedure date when one is planned or recorded,
// otherwise today.
domain::Date reference_date(const EpisodeSnapshot& s);
// That date for a sentence, worded for a clinician: "the planned procedure date, 14 Oct 2026",
// "the procedure date, 14 Oct 2026" (recorded) or "today, 14 Oct 2026".
std::string reference_label(const EpisodeSnapshot& s);
// "at the planned procedure date, 14 Oct 2026", "at the procedure date, 14 Oct 2026" or
// "today, 14 Oct 2026".
std::string judged_at(const EpisodeSnapshot& s);

bool is_osteoporotic(const EpisodeSnapshot& s);
bool recency_packs_enabled(const UnitSettings& settings);  // TA279 or EBI

// TA279-SEVERE-RECENT and EBI-VA-PAIN criteria, each adding its sentences to `v`.
// Pain: the worse of the rest and movement scores must reach settings.pain_threshold.
void check_pain_threshold(Verdict& v, const EpisodeSnapshot& s, const UnitSettings& settings);
// Recent: the fracture date (or pain onset when the fracture date is unknown) no more than
// settings.recent_fracture_window_days before the reference date. A failure names
// HTG3-1.2-REFRACTORY's minimum too only when that minimum is not yet met at the reference
// date (the two windows pulling apart), never when refractory is met.
void check_recent(Verdict& v, const EpisodeSnapshot& s, const UnitSettings& settings);
// Unhealed: marrow oedema on MRI at an assessed level (bone scan uptake when MRI is unknown).
void check_unhealed(Verdict& v, const EpisodeSnapshot& s);

// Acuity of one level: yes if MRI shows oedema, or MRI is unknown and a bone scan shows uptake;
// no if MRI shows none, or MRI is unknown and the bone scan shows none; otherwise unknown.
Answer acute_on_imaging(const LevelAssessment& level);

// HTG3-1.2-MDT and EBI-VA-MDT: the most recent decision at a meeting on or before the reference
// date must be to proceed; with `check_roles`, its attendees must include a radiologist and a
// spinal surgeon as the settings define them. Decisions at meetings dated before the episode's
// referral are not counted (they cannot have discussed it); of two meetings on one date, the
// decision recorded last stands.
Finding mdt_finding(std::string requirement, bool check_roles, const EpisodeSnapshot& s,
                    const UnitSettings& settings);
// HTG3-1.2-SURGERY and EBI-VA-SURGERY.
Finding surgery_finding(std::string requirement, const EpisodeSnapshot& s);

// The checks, one per rule (rules_htg3.cpp, rules_ta279_ebi.cpp).
std::optional<Finding> check_indication(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_tumour_sins(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_refractory(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_windows(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_mdt(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_surgery(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_consent(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_cement(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_training(const EpisodeSnapshot& s, const UnitSettings& settings);

std::optional<Finding> check_ta279_severe(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_ta279_level(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_ebi_pain(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_ebi_imaging(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_ebi_mdt(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_ebi_surgery(const EpisodeSnapshot& s, const UnitSettings& settings);
std::optional<Finding> check_ebi_bone(const EpisodeSnapshot& s, const UnitSettings& settings);

// The one finding that says TA279 and EBI were considered and do not apply ("TA279, EBI: not
// applicable to a haemangioma"), for an indication other than osteoporotic fracture at a gate
// where their rules run. std::nullopt when neither pack is enabled, no indication is recorded
// (HTG3-IND reports that), or the fracture is osteoporotic.
std::optional<Finding> packs_not_applicable(bool ta279_runs, bool ebi_runs,
                                            const EpisodeSnapshot& s);

}  // namespace vertebro::guidance::detail
