#include "guidance/rule_support.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "guidance/windows.h"

namespace vertebro::guidance::detail {

namespace {

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

bool valid_pain(const std::optional<int>& p) { return p && *p >= 0 && *p <= 10; }

std::string pain_text(const EpisodeSnapshot& s) {
  auto one = [](const std::optional<int>& p) {
    return p ? std::to_string(*p) + "/10" : std::string("not recorded");
  };
  return "Pain " + one(s.pain_at_rest) + " at rest and " + one(s.pain_on_movement) + " on movement";
}

}  // namespace

std::string day_count(long days) {
  return std::to_string(days) + (days == 1 ? " day" : " days");
}

std::string words(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  return out == "more info" ? "more information needed" : out;
}

Finding Verdict::finish(std::string requirement, std::string pass_message) const {
  Finding f;
  f.requirement = std::move(requirement);
  std::vector<std::string> problems = fails_;
  problems.insert(problems.end(), missing_.begin(), missing_.end());
  problems.insert(problems.end(), warns_.begin(), warns_.end());
  if (!fails_.empty()) {
    f.outcome = Outcome::kFail;
  } else if (!missing_.empty()) {
    f.outcome = Outcome::kMissing;
  } else if (!warns_.empty()) {
    f.outcome = Outcome::kWarn;
  } else {
    f.outcome = Outcome::kPass;
  }
  f.message = problems.empty() ? std::move(pass_message) : join(problems, " ");
  std::vector<std::string> evidence;
  if (!judged_.empty()) evidence.push_back(judged_);
  evidence.insert(evidence.end(), evidence_.begin(), evidence_.end());
  f.evidence = join(evidence, " ");
  return f;
}

void Verdict::judged(const EpisodeSnapshot& s) { judged_ = "Judged " + judged_at(s) + "."; }

domain::Date reference_date(const EpisodeSnapshot& s) {
  return s.procedure_date ? *s.procedure_date : s.today;
}

std::string reference_label(const EpisodeSnapshot& s) {
  if (!s.procedure_date) return "today, " + s.today.display();
  return std::string(s.procedure_date_planned ? "the planned procedure date, "
                                              : "the procedure date, ") +
         s.procedure_date->display();
}

std::string judged_at(const EpisodeSnapshot& s) {
  return s.procedure_date ? "at " + reference_label(s) : reference_label(s);
}

bool is_osteoporotic(const EpisodeSnapshot& s) {
  return s.indication == domain::Indication::kOsteoporotic;
}

bool recency_packs_enabled(const UnitSettings& settings) {
  return settings.enabled_packs.contains(Pack::kTa279) ||
         settings.enabled_packs.contains(Pack::kEbi);
}

void check_pain_threshold(Verdict& v, const EpisodeSnapshot& s, const UnitSettings& settings) {
  const int threshold = settings.pain_threshold;
  const bool rest_bad = s.pain_at_rest && !valid_pain(s.pain_at_rest);
  const bool move_bad = s.pain_on_movement && !valid_pain(s.pain_on_movement);
  if (rest_bad || move_bad) {
    v.missing("A recorded pain score is outside 0 to 10; record it again.");
    return;
  }
  if (!s.pain_at_rest && !s.pain_on_movement) {
    v.missing("No pain score (0 to 10) is recorded.");
    return;
  }
  const int worst = std::max(s.pain_at_rest.value_or(0), s.pain_on_movement.value_or(0));
  v.evidence(pain_text(s) + "; the unit's threshold is " + std::to_string(threshold) + "/10.");
  if (worst >= threshold) return;
  const std::string below = "Pain of " + std::to_string(worst) + "/10 is below the threshold of " +
                            std::to_string(threshold) + "/10";
  if (!s.pain_at_rest || !s.pain_on_movement) {
    v.missing(below + ", and the other pain score is not recorded.");
  } else {
    v.fail(below + ".");
  }
}

void check_recent(Verdict& v, const EpisodeSnapshot& s, const UnitSettings& settings) {
  const int window = settings.recent_fracture_window_days;
  const std::optional<domain::Date>& date = s.fracture_date ? s.fracture_date : s.onset_date;
  const std::string what = s.fracture_date ? "fracture" : "onset of pain";
  v.judged(s);
  if (!date) {
    v.missing("Neither the fracture date nor the date the pain began is recorded.");
    return;
  }
  const domain::Date ref = reference_date(s);
  const long age = date->days_until(ref);
  if (age < 0) {
    v.missing("The date of the " + what + " (" + date->display() + ") is after " +
              reference_label(s) + "; check the dates.");
    return;
  }
  v.evidence("The " + what + " was on " + date->display() + ", " + day_count(age) +
             " before " + reference_label(s) + "; the unit's recent-fracture window is " +
             std::to_string(window) + " days (recent until " +
             add_days(*date, window).display() + ").");
  if (age <= window) return;
  std::string sentence = "The " + what + " is " + std::to_string(age) + " days old " +
                         judged_at(s) + ", beyond the unit's recent-fracture window of " +
                         std::to_string(window) + " days.";
  const long treated = conservative_days(s.conservative_treatments, ref);
  if (settings.enabled_packs.contains(Pack::kHtg3) && treated < settings.min_conservative_days) {
    sentence += " HTG3-1.2-REFRACTORY also asks for " +
                std::to_string(settings.min_conservative_days) +
                " days of conservative treatment (" + day_count(treated) +
                " recorded by then): both windows must be met.";
  }
  v.fail(sentence);
}

Answer acute_on_imaging(const LevelAssessment& level) {
  if (level.mri_oedema != Answer::kUnknown) return level.mri_oedema;
  return level.bone_scan_uptake;
}

void check_unhealed(Verdict& v, const EpisodeSnapshot& s) {
  if (s.levels.empty()) {
    v.missing("No assessed level is recorded.");
    return;
  }
  std::vector<std::string> acute, unknown;
  for (const auto& l : s.levels) {
    switch (acute_on_imaging(l)) {
      case Answer::kYes:
        acute.push_back(
            (l.mri_oedema == Answer::kYes ? "marrow oedema on MRI at " : "bone scan uptake at ") +
            l.level.name());
        break;
      case Answer::kUnknown:
        unknown.push_back(l.level.name());
        break;
      case Answer::kNo:
        break;
    }
  }
  if (!acute.empty()) {
    v.evidence("Unhealed fracture: " + join(acute, ", ") + ".");
  } else if (!unknown.empty()) {
    v.missing("Neither MRI oedema nor bone scan uptake is recorded at " + join(unknown, ", ") +
              ", so whether the fracture is unhealed is unknown.");
  } else {
    v.fail(
        "No assessed level shows marrow oedema on MRI (or uptake on a bone scan): the "
        "fracture appears healed.");
  }
}

Finding mdt_finding(std::string requirement, bool check_roles, const EpisodeSnapshot& s,
                    const UnitSettings& settings) {
  Verdict v;
  v.judged(s);
  const domain::Date ref = reference_date(s);
  const MdtDecision* latest = nullptr;
  int later = 0;
  int before_referral = 0;
  for (const auto& d : s.mdt_decisions) {
    if (s.referral_date && d.meeting_date < *s.referral_date) {
      ++before_referral;
    } else if (d.meeting_date > ref) {
      ++later;
    } else if (!latest || d.meeting_date > latest->meeting_date ||
               (d.meeting_date == latest->meeting_date && d.decided_at >= latest->decided_at)) {
      latest = &d;  // on the same date, the decision recorded last stands
    }
  }
  std::string pass;
  if (s.mdt_decisions.size() == static_cast<std::size_t>(before_referral)) {
    v.missing(before_referral == 0
                  ? "No MDT decision is recorded."
                  : "No MDT decision since the referral (" + s.referral_date->display() +
                        ") is recorded.");
  } else if (!latest) {
    v.fail("Every MDT meeting since the referral is after " + reference_label(s) +
           "; the case must be discussed before the procedure.");
  } else {
    const std::string when = latest->meeting_date.display();
    std::string ev = "Most recent MDT on or before " + reference_label(s) + ": " + when +
                     ", decision: " + words(mdt_decision_name(latest->decision));
    if (check_roles) {
      ev += ", attendees " +
            (latest->attendee_roles.empty() ? "not recorded" : join(latest->attendee_roles, ", "));
    }
    v.evidence(ev + ".");
    switch (latest->decision) {
      case MdtDecisionKind::kDoNotProceed:
        v.fail("The MDT on " + when + " decided not to proceed.");
        break;
      case MdtDecisionKind::kMoreInformation:
        v.fail("The MDT on " + when + " asked for more information; discuss the case again.");
        break;
      case MdtDecisionKind::kProceed:
        if (!check_roles) break;
        if (latest->attendee_roles.empty()) {
          v.missing("The attendees of the MDT on " + when + " are not recorded.");
          break;
        }
        if (!any_role_in(latest->attendee_roles, settings.radiologist_roles)) {
          v.fail("No radiologist (" + join(settings.radiologist_roles, ", ") +
                 ") is recorded at the MDT on " + when + ".");
        }
        if (!any_role_in(latest->attendee_roles, settings.spinal_surgeon_roles)) {
          v.fail("No spinal surgeon (" + join(settings.spinal_surgeon_roles, ", ") +
                 ") is recorded at the MDT on " + when + ".");
        }
        break;
    }
    pass = check_roles ? "The MDT on " + when +
                             ", with a radiologist and a spinal surgeon present, decided to "
                             "proceed before the procedure."
                       : "The decision to treat followed MDT review on " + when + ".";
  }
  if (later > 0) {
    v.evidence(std::to_string(later) + " MDT decision(s) dated after " + reference_label(s) +
               " not counted.");
  }
  if (before_referral > 0) {
    v.evidence(std::to_string(before_referral) +
               " MDT decision(s) at meetings before the referral (" +
               s.referral_date->display() + ") not counted.");
  }
  return v.finish(std::move(requirement), pass);
}

Finding surgery_finding(std::string requirement, const EpisodeSnapshot& s) {
  Verdict v;
  v.judged(s);
  std::string pass;
  if (!s.surgery_access) {
    v.missing("The site's access to a spinal surgery service is not recorded.");
    return v.finish(std::move(requirement), pass);
  }
  const SurgeryAccess& a = *s.surgery_access;
  const bool on_site = a.kind == SurgeryAccessKind::kOnSite;
  const std::string kind = on_site ? "on-site spinal surgery" : "spinal surgery arrangement";
  const std::string a_kind = on_site ? kind : "a " + kind;
  switch (a.kind) {
    case SurgeryAccessKind::kNone:
      v.fail("The site records no access to a spinal surgery service.");
      break;
    case SurgeryAccessKind::kOnSite:
    case SurgeryAccessKind::kArrangement:
      if (!a.review_date) {
        if (a.kind == SurgeryAccessKind::kArrangement) {
          v.missing("The review date of the site's spinal surgery arrangement is not recorded.");
        }
        v.evidence("The site has " + a_kind + ", with no review date recorded.");
        pass = "The site has on-site spinal surgery.";
        break;
      }
      v.evidence("The site has " + a_kind + ", due for review on " + a.review_date->display() +
                 ".");
      if (*a.review_date < reference_date(s)) {
        v.fail("The site's " + kind + " was due for review on " + a.review_date->display() +
               ", before " + reference_label(s) + "; review it and record the new date.");
      }
      pass = "The site has " + a_kind + ", due for review on " + a.review_date->display() + ".";
      break;
  }
  return v.finish(std::move(requirement), pass);
}

std::optional<Finding> packs_not_applicable(bool ta279_runs, bool ebi_runs,
                                            const EpisodeSnapshot& s) {
  if (!s.indication || is_osteoporotic(s) || (!ta279_runs && !ebi_runs)) return std::nullopt;
  std::string packs = ta279_runs && ebi_runs ? "TA279, EBI" : ta279_runs ? "TA279" : "EBI";
  std::string what;
  switch (*s.indication) {
    case domain::Indication::kHaemangioma: what = "a haemangioma"; break;
    case domain::Indication::kMetastasis: what = "a vertebral metastasis"; break;
    case domain::Indication::kMyeloma: what = "myeloma"; break;
    case domain::Indication::kTraumatic: what = "a traumatic fracture in non-osteoporotic bone"; break;
    case domain::Indication::kOther: what = "an indication outside HTG3's"; break;
    case domain::Indication::kOsteoporotic: break;
  }
  Finding f;
  f.requirement = packs;
  f.pack = packs;
  f.outcome = Outcome::kNotApplicable;
  f.required = false;
  f.message = packs + ": not applicable to " + what + ". " +
              (ta279_runs && ebi_runs ? "They cover" : "It covers") +
              " osteoporotic vertebral compression fractures only.";
  f.evidence = "Indication: " + std::string(domain::indication_label(*s.indication)) + ".";
  return f;
}

}  // namespace vertebro::guidance::detail
