// The TA279 and EBI packs (REFERENCE.md 1.2a): commissioning criteria for osteoporotic
// vertebral compression fractures. They apply to osteoporotic fractures only; for any other
// indication (or none recorded, which HTG3-IND reports) they give no finding.

#include <string>

#include "guidance/rule_support.h"

namespace vertebro::guidance::detail {

namespace {

// Imaging shows a fracture at the level: acute on MRI or bone scan, or height loss (Genant grade
// 1 or more). No only when both are known to be absent.
Answer fracture_on_imaging(const LevelAssessment& l) {
  const Answer acute = acute_on_imaging(l);
  if (acute == Answer::kYes) return Answer::kYes;
  if (l.genant && *l.genant != GenantGrade::kNormal) return Answer::kYes;
  if (acute == Answer::kNo && l.genant) return Answer::kNo;
  return Answer::kUnknown;
}

// Pain at a level confirmed by examination (focal tenderness) and imaging (`imaging`). Passes
// when one level has both; fails when every level has a definite no; otherwise lacks data.
void check_level_match(Verdict& v, const EpisodeSnapshot& s,
                       Answer (*imaging)(const LevelAssessment&),
                       const std::string& imaging_words) {
  if (s.levels.empty()) {
    v.missing("No assessed level is recorded.");
    return;
  }
  std::string matched, unknown;
  for (const auto& l : s.levels) {
    const Answer tender = l.focal_tenderness;
    const Answer seen = imaging(l);
    if (tender == Answer::kYes && seen == Answer::kYes) {
      matched += (matched.empty() ? "" : ", ") + l.level.name();
    } else if (tender != Answer::kNo && seen != Answer::kNo) {
      unknown += (unknown.empty() ? "" : ", ") + l.level.name();
    }
  }
  if (!matched.empty()) {
    v.evidence("Focal tenderness and " + imaging_words + " at " + matched + ".");
  } else if (!unknown.empty()) {
    v.missing("Focal tenderness or " + imaging_words + " is not recorded at " + unknown + ".");
  } else {
    v.fail("No assessed level has both focal tenderness on examination and " + imaging_words +
           ": the pain is not confirmed at the level of the fracture.");
  }
}

}  // namespace

// TA279-SEVERE-RECENT: severe ongoing pain after a recent, unhealed fracture despite optimal pain
// management (TA279 1.1a). TA279 fixes neither "severe" nor "recent": the unit's pain threshold
// and recent-fracture window stand in. "Optimal pain management" is undefined too: an analgesic
// class must be recorded, and none at all warns.
std::optional<Finding> check_ta279_severe(const EpisodeSnapshot& s, const UnitSettings& settings) {
  if (!is_osteoporotic(s)) return std::nullopt;
  Verdict v;
  check_pain_threshold(v, s, settings);
  check_recent(v, s, settings);
  check_unhealed(v, s);
  if (!s.analgesic) {
    v.missing(
        "No analgesic class is recorded: TA279 asks for pain despite optimal pain "
        "management.");
  } else {
    v.evidence("Analgesic class: " + words(analgesic_class_name(*s.analgesic)) + ".");
    if (*s.analgesic == AnalgesicClass::kNone) {
      v.warn(
          "No analgesic is recorded as taken: TA279 asks for pain despite optimal pain "
          "management.");
    }
  }
  return v.finish("TA279-SEVERE-RECENT",
                  "Severe ongoing pain after a recent, unhealed fracture despite pain "
                  "management (TA279 1.1).");
}

// TA279-LEVEL-CONFIRMED: physical examination and imaging confirm the pain is at the level of
// the fracture (TA279 1.1b).
std::optional<Finding> check_ta279_level(const EpisodeSnapshot& s, const UnitSettings&) {
  if (!is_osteoporotic(s)) return std::nullopt;
  Verdict v;
  check_level_match(v, s, fracture_on_imaging, "a fracture on imaging");
  return v.finish("TA279-LEVEL-CONFIRMED",
                  "Examination and imaging confirm the pain is at the level of the fracture "
                  "(TA279 1.1).");
}

// EBI-VA-PAIN: pain of at least the threshold (7/10) after a recent (usually not more than 6
// weeks), unhealed fracture.
std::optional<Finding> check_ebi_pain(const EpisodeSnapshot& s, const UnitSettings& settings) {
  if (!is_osteoporotic(s)) return std::nullopt;
  Verdict v;
  check_pain_threshold(v, s, settings);
  check_recent(v, s, settings);
  check_unhealed(v, s);
  return v.finish("EBI-VA-PAIN", "Pain of " + std::to_string(settings.pain_threshold) +
                                     "/10 or more after a recent, unhealed fracture (EBI).");
}

// EBI-VA-IMAGING: the acute fracture is proven on imaging (MRI oedema, or bone scan uptake) and
// matches the site of maximal pain on examination (focal tenderness).
std::optional<Finding> check_ebi_imaging(const EpisodeSnapshot& s, const UnitSettings&) {
  if (!is_osteoporotic(s)) return std::nullopt;
  Verdict v;
  check_level_match(v, s, acute_on_imaging, "an acute fracture on MRI or bone scan");
  return v.finish("EBI-VA-IMAGING",
                  "The acute fracture is proven on imaging at the site of maximal pain (EBI).");
}

// EBI-VA-MDT: the decision to treat follows MDT review. Shares its evidence with HTG3-1.2-MDT;
// EBI names no roles, so attendees are not checked here.
std::optional<Finding> check_ebi_mdt(const EpisodeSnapshot& s, const UnitSettings& settings) {
  if (!is_osteoporotic(s)) return std::nullopt;
  return mdt_finding("EBI-VA-MDT", /*check_roles=*/false, s, settings);
}

// EBI-VA-SURGERY: access to spinal surgery services. Shares its evidence with HTG3-1.2-SURGERY.
std::optional<Finding> check_ebi_surgery(const EpisodeSnapshot& s, const UnitSettings&) {
  if (!is_osteoporotic(s)) return std::nullopt;
  return surgery_finding("EBI-VA-SURGERY", s);
}

// EBI-VA-BONEHEALTH: measures to improve bone health are in place (osteoporosis assessment or
// treatment, or fracture liaison service referral).
std::optional<Finding> check_ebi_bone(const EpisodeSnapshot& s, const UnitSettings&) {
  if (!is_osteoporotic(s)) return std::nullopt;
  Verdict v;
  if (!s.bone_health_measure) {
    v.missing(
        "Whether bone health measures are in place (osteoporosis assessment or treatment, "
        "or fracture liaison referral) is not recorded.");
  } else if (!*s.bone_health_measure) {
    v.fail(
        "No bone health measure (osteoporosis assessment or treatment, or fracture liaison "
        "referral) is in place.");
  } else {
    v.evidence("A bone health measure is recorded.");
  }
  return v.finish("EBI-VA-BONEHEALTH",
                  "Bone health measures are in place (osteoporosis assessment or treatment, or "
                  "fracture liaison referral).");
}

}  // namespace vertebro::guidance::detail
