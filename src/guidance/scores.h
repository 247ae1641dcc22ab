#pragma once
// Calculators for the scores recorded at assessment: the Spinal Instability Neoplastic Score
// (SINS; Fisher et al., Spine 2010;35:E1221; ../shared/domain/REFERENCE.md 5.1) and the Genant
// semi-quantitative fracture grade (Genant 1993; REFERENCE.md 5.2). Pure functions, no I/O,
// safe to call from any thread.

#include <string_view>

#include "base/result.h"
#include "domain/vertebral_level.h"

namespace vertebro::guidance {

// SINS components. Each enumerator's value is its points in Fisher et al.'s table, so the
// table can be checked against REFERENCE.md 5.1 line by line.

// Location, derived from the level (sins_location): junctional occiput-C2, C7-T2, T11-L1,
// L5-S1 = 3; mobile C3-C6, L2-L4 = 2; semi-rigid T3-T10 = 1; rigid S2-S5 = 0.
enum class SinsLocation { kRigid = 0, kSemiRigid = 1, kMobile = 2, kJunctional = 3 };
// Pain: mechanical (relieved lying down, worse on movement or load) = 3; occasional,
// non-mechanical = 1; pain-free lesion = 0.
enum class SinsPain { kPainFree = 0, kOccasionalNonMechanical = 1, kMechanical = 3 };
// Bone lesion: lytic = 2; mixed lytic/blastic = 1; blastic = 0.
enum class SinsBoneLesion { kBlastic = 0, kMixed = 1, kLytic = 2 };
// Radiographic alignment: subluxation/translation = 4; de novo deformity (kyphosis or
// scoliosis) = 2; normal = 0.
enum class SinsAlignment { kNormal = 0, kDeNovoDeformity = 2, kSubluxationTranslation = 4 };
// Vertebral body collapse: > 50% = 3; < 50% = 2; no collapse with > 50% of the body involved = 1;
// none of these = 0.
enum class SinsCollapse {
  kNone = 0,
  kNoCollapseOver50PercentInvolved = 1,
  kUnder50Percent = 2,
  kOver50Percent = 3,
};
// Posterolateral involvement (facet, pedicle or costovertebral joint fractured or replaced by
// tumour): bilateral = 3; unilateral = 1; none = 0.
enum class SinsPosterolateral { kNone = 0, kUnilateral = 1, kBilateral = 3 };

SinsLocation sins_location(domain::VertebralLevel level);

int sins_points(SinsLocation c);
int sins_points(SinsPain c);
int sins_points(SinsBoneLesion c);
int sins_points(SinsAlignment c);
int sins_points(SinsCollapse c);
int sins_points(SinsPosterolateral c);

// The five components a clinician scores; location comes from the level.
struct SinsInput {
  domain::VertebralLevel level = domain::VertebralLevel::from_index(0);
  SinsPain pain = SinsPain::kPainFree;
  SinsBoneLesion bone_lesion = SinsBoneLesion::kBlastic;
  SinsAlignment alignment = SinsAlignment::kNormal;
  SinsCollapse collapse = SinsCollapse::kNone;
  SinsPosterolateral posterolateral = SinsPosterolateral::kNone;
};

// 0-6 stable; 7-12 indeterminate (possibly impending) instability; 13-18 unstable.
enum class SinsCategory { kStable, kIndeterminate, kUnstable };
std::string_view sins_category_name(SinsCategory c);  // "stable", "indeterminate", "unstable"

// A total of 7 or more warrants surgical consultation (REFERENCE.md 5.1).
inline constexpr int kSinsSurgicalConsultationFrom = 7;

struct SinsScore {
  int total = 0;  // 0-18
  SinsCategory category = SinsCategory::kStable;
  bool surgical_consultation = false;  // total >= 7
};

SinsScore sins_score(const SinsInput& input);

// The category and consultation flag for a total already added up (as the episode snapshot
// stores it). Errors: kInvalid naming field "sins_total" when total is outside 0-18.
Result<SinsScore> sins_from_total(int total);

// Genant semi-quantitative grade from the reduction in vertebral height.
enum class GenantGrade { kNormal = 0, kMild = 1, kModerate = 2, kSevere = 3 };
std::string_view genant_name(GenantGrade g);  // "normal", "mild", "moderate", "severe"

// Boundaries: REFERENCE.md 5.2 gives grade 0 as "< 20%", 1 as "20-25%", 2 as "25-40%" and 3 as
// "> 40%". Because grade 3 starts strictly above 40, 40 itself is grade 2; reading the shared
// boundary at 25 the same way, each band includes its upper bound. So: grade 0 below 20;
// grade 1 from 20 up to and including 25; grade 2 above 25 up to and including 40; grade 3
// above 40. Grade 0.5 (suspected deformity below 20%), used by some readers, is not supported.
// Errors: kInvalid naming field "height_loss_percent" when the value is below 0, above 100 or
// not a number.
Result<GenantGrade> genant_grade(double height_loss_percent);

}  // namespace vertebro::guidance
