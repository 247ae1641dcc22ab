#include "guidance/scores.h"

#include <cmath>

namespace vertebro::guidance {

SinsLocation sins_location(domain::VertebralLevel level) {
  // Indices: C1 = 0 ... C7 = 6, T1 = 7 ... T12 = 18, L1 = 19 ... L5 = 23, S1 = 24 ... S5 = 28.
  // The occiput is not a vertebral level vertebro records, so junctional starts at C1.
  const int i = level.index();
  if (i <= 1) return SinsLocation::kJunctional;   // C1-C2 (occiput-C2)
  if (i <= 5) return SinsLocation::kMobile;       // C3-C6
  if (i <= 8) return SinsLocation::kJunctional;   // C7-T2
  if (i <= 16) return SinsLocation::kSemiRigid;   // T3-T10
  if (i <= 19) return SinsLocation::kJunctional;  // T11-L1
  if (i <= 22) return SinsLocation::kMobile;      // L2-L4
  if (i <= 24) return SinsLocation::kJunctional;  // L5-S1
  return SinsLocation::kRigid;                    // S2-S5
}

int sins_points(SinsLocation c) { return static_cast<int>(c); }
int sins_points(SinsPain c) { return static_cast<int>(c); }
int sins_points(SinsBoneLesion c) { return static_cast<int>(c); }
int sins_points(SinsAlignment c) { return static_cast<int>(c); }
int sins_points(SinsCollapse c) { return static_cast<int>(c); }
int sins_points(SinsPosterolateral c) { return static_cast<int>(c); }

std::string_view sins_category_name(SinsCategory c) {
  switch (c) {
    case SinsCategory::kStable:
      return "stable";
    case SinsCategory::kIndeterminate:
      return "indeterminate";
    case SinsCategory::kUnstable:
      return "unstable";
  }
  return "stable";
}

namespace {
SinsScore score_for(int total) {
  SinsScore s;
  s.total = total;
  s.category = total <= 6    ? SinsCategory::kStable
               : total <= 12 ? SinsCategory::kIndeterminate
                             : SinsCategory::kUnstable;
  s.surgical_consultation = total >= kSinsSurgicalConsultationFrom;
  return s;
}
}  // namespace

SinsScore sins_score(const SinsInput& in) {
  return score_for(sins_points(sins_location(in.level)) + sins_points(in.pain) +
                   sins_points(in.bone_lesion) + sins_points(in.alignment) +
                   sins_points(in.collapse) + sins_points(in.posterolateral));
}

Result<SinsScore> sins_from_total(int total) {
  if (total < 0 || total > 18) {
    return Error::invalid({{"sins_total", "SINS total must be a whole number from 0 to 18"}});
  }
  return score_for(total);
}

std::string_view genant_name(GenantGrade g) {
  switch (g) {
    case GenantGrade::kNormal:
      return "normal";
    case GenantGrade::kMild:
      return "mild";
    case GenantGrade::kModerate:
      return "moderate";
    case GenantGrade::kSevere:
      return "severe";
  }
  return "normal";
}

Result<GenantGrade> genant_grade(double height_loss_percent) {
  const double p = height_loss_percent;
  if (std::isnan(p) || p < 0.0 || p > 100.0) {
    return Error::invalid(
        {{"height_loss_percent", "Height loss must be a percentage from 0 to 100"}});
  }
  if (p < 20.0) return GenantGrade::kNormal;
  if (p <= 25.0) return GenantGrade::kMild;      // 20 and 25 are both mild
  if (p <= 40.0) return GenantGrade::kModerate;  // above 25, up to and including 40
  return GenantGrade::kSevere;                   // above 40
}

}  // namespace vertebro::guidance
