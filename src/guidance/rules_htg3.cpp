// The HTG3 pack: NICE HTG3 recommendations 1.1 and 1.2 and its indications (2.1.1), with the
// ids of ../shared/domain/HTG3.md. Data files: tests/data/guidance/<id>.json.

#include <algorithm>
#include <string>
#include <vector>

#include "guidance/competence.h"
#include "guidance/rule_support.h"
#include "guidance/scores.h"
#include "guidance/windows.h"

namespace vertebro::guidance::detail {

namespace {

std::string join_words(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

bool blank(const std::optional<std::string>& text) {
  return !text || text->find_first_not_of(" \t\r\n") == std::string::npos;
}

// HTG3 2.1.1: "severe painful osteoporosis with loss of vertebral height and/or vertebral body
// compression fracture". Evidence: a level with height loss (Genant grade 1 or more) or an
// acute fracture on imaging (MRI oedema, or bone scan uptake when MRI is unknown).
void check_osteoporotic_evidence(Verdict& v, const EpisodeSnapshot& s) {
  if (s.levels.empty()) {
    v.missing(
        "No assessed level is recorded: HTG3 2.1.1 asks for loss of vertebral height or a "
        "compression fracture on imaging.");
    return;
  }
  std::vector<std::string> seen;
  for (const auto& l : s.levels) {
    if (l.genant && *l.genant != GenantGrade::kNormal) {
      seen.push_back("loss of height at " + l.level.name() + " (Genant " +
                     std::string(genant_name(*l.genant)) + ")");
    }
    if (acute_on_imaging(l) == Answer::kYes) {
      seen.push_back((l.mri_oedema == Answer::kYes ? "marrow oedema on MRI at "
                                                   : "bone scan uptake at ") +
                     l.level.name());
    }
  }
  if (seen.empty()) {
    v.missing(
        "No assessed level records loss of height (Genant grade 1 or more) or a fracture on "
        "imaging (marrow oedema on MRI, or bone scan uptake): HTG3 2.1.1 supports painful "
        "osteoporotic fractures with loss of vertebral height or a compression fracture.");
  } else {
    v.evidence("Fracture evidence: " + join_words(seen) + ".");
  }
}

}  // namespace

// HTG3-IND-*: the indication is one HTG3 supports, with the evidence HTG3 2.1.1 names: an
// osteoporotic fracture shows loss of height or a fracture on imaging; a haemangioma is
// symptomatic (its symptoms recorded); a metastasis has its primary recorded. A traumatic fracture
// in non-osteoporotic bone, or any other indication, fails (a vertebroplasty outside HTG3's
// indications needs an override with a reason). The outcome for the indication alone is
// assess_indication's, the one the episode page shows.
std::optional<Finding> check_indication(const EpisodeSnapshot& s, const UnitSettings&) {
  if (!s.indication) {
    return Finding{"HTG3-IND", Outcome::kMissing, "No indication is recorded."};
  }
  using domain::Indication;
  const Finding base = assess_indication(*s.indication);
  Verdict v;
  v.evidence("Indication: " + std::string(domain::indication_label(*s.indication)) + ".");
  switch (*s.indication) {
    case Indication::kTraumatic:
    case Indication::kOther:
      v.fail(base.message);
      break;
    case Indication::kMetastasis:
      if (blank(s.tumour_primary)) {
        v.missing(
            "The primary of the metastasis is not recorded (\"unknown primary\" is an "
            "answer). NICE NG234 also applies.");
      } else {
        v.evidence("Primary: " + *s.tumour_primary + ".");
      }
      break;
    case Indication::kHaemangioma:
      if (blank(s.haemangioma_symptoms)) {
        v.missing(
            "The symptoms the haemangioma causes are not recorded: HTG3 2.1.1 supports "
            "symptomatic vertebral haemangioma.");
      } else {
        v.evidence("Symptoms: " + *s.haemangioma_symptoms + ".");
      }
      break;
    case Indication::kOsteoporotic:
      check_osteoporotic_evidence(v, s);
      break;
    case Indication::kMyeloma:
      break;
  }
  return v.finish(base.requirement, base.message);
}

// HTG3-IND-TUMOUR-SINS: for a vertebral body tumour, the Spinal Instability Neoplastic Score is
// recorded (REFERENCE.md 5.1). 7 to 12 (indeterminate) warns that a spinal surgeon's opinion is
// advised; 13 to 18 (unstable) fails: going ahead needs an override naming the surgeon's review.
std::optional<Finding> check_tumour_sins(const EpisodeSnapshot& s, const UnitSettings&) {
  if (s.indication != domain::Indication::kMetastasis &&
      s.indication != domain::Indication::kMyeloma) {
    return std::nullopt;
  }
  Verdict v;
  std::string pass;
  if (!s.sins_total) {
    v.missing("No SINS (Spinal Instability Neoplastic Score) is recorded for this tumour.");
  } else if (auto score = sins_from_total(*s.sins_total); !score) {
    v.missing("The recorded SINS of " + std::to_string(*s.sins_total) +
              " is outside 0 to 18; record it again.");
  } else {
    const std::string total = std::to_string(score->total);
    const std::string category(sins_category_name(score->category));
    v.evidence("SINS " + total + " (" + category + ").");
    if (score->category == SinsCategory::kUnstable) {
      v.fail("SINS " + total +
             " (unstable): the spine may be unstable, and a spinal surgeon's review is needed "
             "before vertebroplasty. Going ahead needs an override naming that review (who "
             "reviewed the case, and when).");
    } else if (score->surgical_consultation) {
      v.warn("SINS " + total +
             " (indeterminate): possible impending instability; a spinal surgeon's opinion is "
             "advised.");
    }
    pass = "SINS " + total + " (stable): no surgical consultation is needed for instability.";
  }
  return v.finish("HTG3-IND-TUMOUR-SINS", pass);
}

// HTG3-1.2-REFRACTORY: conservative treatment tried for at least the unit's minimum (counting
// the first and last days, up to the reference date), pain despite it (a recorded score above
// 0), and the clinician's judgement that the pain is refractory. A treatment recorded as giving
// good relief still counts, with a warning that asks the clinician's judgement to explain.
std::optional<Finding> check_refractory(const EpisodeSnapshot& s, const UnitSettings& settings) {
  Verdict v;
  v.judged(s);
  const int min_days = settings.min_conservative_days;
  if (s.conservative_treatments.empty()) {
    v.missing("No conservative treatment is recorded.");
  } else {
    const long days = conservative_days(s.conservative_treatments, reference_date(s));
    std::vector<std::string> kinds, relieved;
    for (const auto& t : s.conservative_treatments) {
      const std::string kind = words(conservative_kind_name(t.kind));
      kinds.push_back(kind);
      if (t.effect == TreatmentEffect::kGoodRelief) relieved.push_back(kind);
    }
    v.evidence("Conservative treatment (" + join_words(kinds) + ") covers " + day_count(days) +
               " up to " + reference_label(s) +
               ", counting the first and last days; the unit's minimum is " +
               std::to_string(min_days) + " days.");
    if (days < min_days) {
      std::string sentence = "Conservative treatment has been tried for " + day_count(days) +
                             " " + judged_at(s) + ", fewer than the unit's minimum of " +
                             std::to_string(min_days) + " days.";
      if (auto w = refractory_window(s, settings)) {
        sentence += " The fracture must also still be recent (TA279, EBI): it counts as recent "
                    "until " +
                    w->recent_until.display() + ".";
      }
      v.fail(sentence);
    }
    if (!relieved.empty()) {
      v.warn("Recorded as giving good relief: " + join_words(relieved) +
             ". Explain in the clinician's judgement (the treatment's details) why the pain "
             "still counts as refractory.");
    }
  }
  if (!s.pain_at_rest && !s.pain_on_movement) {
    v.missing("No pain score despite conservative treatment is recorded.");
  } else {
    auto one = [](const std::optional<int>& p) {
      return p ? std::to_string(*p) + "/10" : std::string("not recorded");
    };
    v.evidence("Pain despite it: " + one(s.pain_at_rest) + " at rest, " + one(s.pain_on_movement) +
               " on movement.");
    if (s.pain_at_rest.value_or(0) <= 0 && s.pain_on_movement.value_or(0) <= 0) {
      v.fail("Every recorded pain score is 0/10: no pain despite conservative treatment is "
             "recorded, so the pain cannot count as refractory.");
    }
  }
  if (!s.clinician_judged_refractory) {
    v.missing("The clinician's judgement that the pain is refractory is not recorded.");
  } else if (!*s.clinician_judged_refractory) {
    v.fail("The clinician judged the pain not refractory to conservative treatment.");
  } else {
    v.evidence("The clinician judged the pain refractory.");
  }
  return v.finish("HTG3-1.2-REFRACTORY",
                  "Pain is refractory to conservative treatment tried for at least " +
                      std::to_string(min_days) + " days, in the clinician's judgement.");
}

// HTG3-1.2-REFRACTORY-WINDOW: for an osteoporotic fracture under TA279 or EBI, "refractory"
// (treatment for at least the minimum) and "recent" (no older than the window) are both needed.
// With treatment from the day of the fracture, the minimum is reached on day (minimum - 1) after
// it and the fracture is recent up to day (window): the settings refuse a minimum that is not
// shorter than the window, and settings stored before that check are warned about here. For a
// fracture with its date recorded, the finding gives the dates (refractory_window()) and warns
// when the recorded treatment reaches the minimum only after the fracture stops counting as
// recent. Advisory: it never blocks.
std::optional<Finding> check_windows(const EpisodeSnapshot& s, const UnitSettings& settings) {
  if (!is_osteoporotic(s) || !recency_packs_enabled(settings)) return std::nullopt;
  Verdict v;
  const int min_days = settings.min_conservative_days;
  const int window = settings.recent_fracture_window_days;
  const std::string numbers = "The unit's minimum of " + std::to_string(min_days) +
                              " days of conservative treatment (HTG3-1.2-REFRACTORY)";
  const std::string recent = "its recent-fracture window of " + std::to_string(window) +
                             " days (TA279-SEVERE-RECENT, EBI-VA-PAIN)";
  v.evidence("Minimum conservative treatment " + std::to_string(min_days) +
             " days; recent-fracture window " + std::to_string(window) + " days.");
  if (min_days >= window) {
    const long both = window - std::max(min_days - 1, 0) + 1;
    const std::string review =
        " The settings page now refuses this (the minimum must be shorter than the window); "
        "review the unit's settings.";
    if (both <= 0) {
      v.warn(numbers + " is longer than " + recent + ": the two cannot both be met." + review);
    } else {
      v.warn(numbers + " is not shorter than " + recent +
             ": even with treatment from the day of the fracture, both can be met on only " +
             std::to_string(both) + (both == 1 ? " day." : " days.") + review);
    }
  }
  if (auto w = refractory_window(s, settings)) {
    const std::string of = w->from_onset ? "the onset of pain" : "the fracture";
    if (!w->refractory_from) {
      v.evidence("The conservative treatment recorded ended before reaching the minimum.");
    } else if (!w->open()) {
      v.warn("For this fracture the pain counts as refractory only from " +
             w->refractory_from->display() + ", after the fracture stops counting as recent (" +
             w->recent_until.display() + "): both cannot be met.");
    } else {
      v.evidence("From " + of + " on " + w->fracture.display() +
                 ": the pain counts as refractory from " + w->refractory_from->display() +
                 (w->treatment_assumed ? " (if treatment began that day)" : "") +
                 " and the fracture counts as recent until " + w->recent_until.display() + ".");
    }
  }
  return v.finish("HTG3-1.2-REFRACTORY-WINDOW",
                  numbers + " is shorter than " + recent + ": both can be met.");
}

// HTG3-1.2-MDT.
std::optional<Finding> check_mdt(const EpisodeSnapshot& s, const UnitSettings& settings) {
  return mdt_finding("HTG3-1.2-MDT", /*check_roles=*/true, s, settings);
}

// HTG3-1.2-SURGERY.
std::optional<Finding> check_surgery(const EpisodeSnapshot& s, const UnitSettings&) {
  return surgery_finding("HTG3-1.2-SURGERY", s);
}

// HTG3-1.1: consent recorded on or before the procedure date (today when none is set), with every
// listed risk discussed. Audit and governance arrangements are the unit's, not checked here.
std::optional<Finding> check_consent(const EpisodeSnapshot& s, const UnitSettings&) {
  Verdict v;
  v.judged(s);
  if (!s.consent.date) {
    v.missing("No consent is recorded.");
    return v.finish("HTG3-1.1", "");
  }
  const std::string when = s.consent.date->display();
  if (*s.consent.date > reference_date(s)) {
    v.fail("Consent is dated " + when + ", after " + reference_label(s) +
           "; consent must come before the procedure.");
  }
  std::string not_discussed;
  int discussed = 0;
  for (ConsentRisk r : all_consent_risks()) {
    if (s.consent.risks_discussed.contains(r)) {
      ++discussed;
      continue;
    }
    if (!not_discussed.empty()) not_discussed += "; ";
    not_discussed += consent_risk_label(r);
  }
  v.evidence("Consent dated " + when + "; " + std::to_string(discussed) + " of " +
             std::to_string(all_consent_risks().size()) + " listed risks recorded as discussed.");
  if (!not_discussed.empty()) {
    v.fail("Risks not recorded as discussed: " + not_discussed + ".");
  }
  return v.finish("HTG3-1.1", "Consent was recorded on " + when +
                                  ", before the procedure, with every listed risk discussed.");
}

namespace {

std::string step_list(const std::vector<int>& steps) {
  std::string out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (i > 0) out += i + 1 == steps.size() ? " and " : ", ";
    out += std::to_string(steps[i]);
  }
  return (steps.size() == 1 ? "step " : "steps ") + out;
}

}  // namespace

// HTG3-1.2-CEMENT: clinicians "must follow the manufacturer's instructions for making the
// cement". Judged when the procedure is recorded, at its date: each cement pack the procedure
// names must have been in date and not recalled on that date, and every step of the IFU version
// followed confirmed or recorded as a deviation with its reason (a deviation warns). Not judged
// before the procedure is recorded.
std::optional<Finding> check_cement(const EpisodeSnapshot& s, const UnitSettings&) {
  // Before the procedure is recorded (the pathway page's preview of this gate) the packs are
  // not known yet: nothing to judge.
  if (!s.cement_units) return std::nullopt;
  Verdict v;
  v.judged(s);
  if (s.cement_units->empty()) {
    v.missing("No cement pack is recorded for the procedure: scan the label of each pack used "
              "and confirm its preparation steps.");
    return v.finish("HTG3-1.2-CEMENT", "");
  }
  const domain::Date on = reference_date(s);
  for (const auto& u : *s.cement_units) {
    const std::string pack = "Pack " + std::to_string(u.unit) + " (" + u.product + ", lot " +
                             u.lot + ")";
    if (u.recalled_on && !(on < *u.recalled_on)) {
      v.fail(pack + " was recalled from " + u.recalled_on->display() + ".");
    }
    if (!u.expiry) {
      v.missing(pack + " has no readable expiry date.");
    } else if (*u.expiry < on) {
      v.fail(pack + " expired on " + u.expiry->display() + ".");
    }
    if (!u.unconfirmed.empty()) {
      v.fail(pack + ": " + step_list(u.unconfirmed) + " of " + std::to_string(u.steps) +
             " in the instructions for use not confirmed, and no deviation recorded.");
    }
    if (!u.deviations.empty()) {
      v.warn(pack + ": a deviation from the instructions for use is recorded at " +
             step_list(u.deviations) + ".");
    }
    v.evidence(pack + (u.expiry ? ", expiry " + u.expiry->display() : std::string()) + "; " +
               std::to_string(u.steps - static_cast<int>(u.unconfirmed.size()) -
                              static_cast<int>(u.deviations.size())) +
               " of " + std::to_string(u.steps) + " steps confirmed.");
  }
  const auto n = s.cement_units->size();
  return v.finish("HTG3-1.2-CEMENT",
                  (n == 1 ? std::string("The cement pack was") : std::to_string(n) +
                                                                      " cement packs were") +
                      " in date and not recalled, and prepared as the manufacturer instructs "
                      "(every step confirmed).");
}

namespace {

// A competence scope as a sentence quotes it: "Osteoporotic fracture, thoracic or lumbar".
std::string quoted(domain::CompetenceScope scope) {
  return "\"" + std::string(domain::competence_scope_label(scope)) + "\"";
}

// Why an operator's sign-offs do not cover `scope` on `on`: the most telling of an expired, a
// revoked or a not-yet-started sign-off of that scope, or none at all.
std::string why_not_signed_off(const ProcedureOperator& op, domain::CompetenceScope scope,
                               domain::Date on) {
  const std::string_view name = domain::competence_scope_name(scope);
  std::string why = "holds no competence sign-off for " +
                    quoted(scope);
  for (const auto& so : op.sign_offs) {
    if (so.scope != name) continue;
    const auto review = domain::Date::parse(so.review_date, "review_date", "");
    const auto revoked = domain::Date::parse(so.revoked_on, "revoked_on", "");
    const auto signed_on = domain::Date::parse(so.signed_on, "signed_on", "");
    if (so.revoked() && revoked && !(on < *revoked)) {
      why = "had that sign-off revoked from " + revoked->display();
    } else if (review && *review < on) {
      why = "had a sign-off for it whose review date, " + review->display() + ", had passed";
    } else if (signed_on && on < *signed_on) {
      why = "was signed off for it only from " + signed_on->display();
    }
  }
  return op.name + " " + why;
}

std::string sign_off_evidence(const ProcedureOperator& op, domain::CompetenceScope scope,
                              domain::Date on) {
  const std::string_view name = domain::competence_scope_name(scope);
  for (const auto& so : op.sign_offs) {
    if (so.scope != name || !domain::sign_off_holds(so, on)) continue;
    const auto signed_on = domain::Date::parse(so.signed_on, "signed_on", "");
    const auto review = domain::Date::parse(so.review_date, "review_date", "");
    return op.name + ": signed off for " +
           quoted(scope) + " on " +
           (signed_on ? signed_on->display() : so.signed_on) + " by " + so.signed_by_name +
           ", review by " + (review ? review->display() : so.review_date) + ".";
  }
  return "";
}

}  // namespace

// HTG3-1.2-TRAINING: "Clinicians should receive training to reach an appropriate level of
// expertise before carrying out this procedure". Judged when the procedure is recorded, at its
// date: the primary operator holds a current sign-off whose scope covers the case (the treated
// levels and the indication, guidance/competence.h), or was supervised by an operator who does.
// A visiting operator (no profile) cannot pass alone: the unit cannot show their training.
// Judged first at the consent -> procedure move, at the planned date, for the operator (and
// supervisor) the move plans; a move that plans nobody warns and leaves the check to the
// recorded procedure.
std::optional<Finding> check_training(const EpisodeSnapshot& s, const UnitSettings&) {
  Verdict v;
  v.judged(s);
  const domain::Date on = reference_date(s);
  std::vector<domain::VertebralLevel> levels = s.treated_levels;
  if (levels.empty()) {
    for (const auto& l : s.levels) levels.push_back(l.level);
  }
  const bool planned = !s.procedure_recorded;
  if (!s.indication) {
    v.missing("The indication is not recorded, so the competence the case needs is not known.");
    return v.finish("HTG3-1.2-TRAINING", "");
  }
  if (levels.empty()) {
    v.missing("No treated level is recorded, so the competence the case needs is not known.");
    return v.finish("HTG3-1.2-TRAINING", "");
  }
  if (!s.primary_operator && planned) {
    v.warn("No operator is planned for the procedure, so the operator's training is checked only "
           "when the procedure is recorded: name the planned operator to check it now.");
    return v.finish("HTG3-1.2-TRAINING", "");
  }
  if (!s.primary_operator) {
    v.missing("No primary operator is recorded for the procedure.");
    return v.finish("HTG3-1.2-TRAINING", "");
  }
  const auto scope = case_scope(*s.indication, levels);
  if (!scope) {
    v.fail("No competence sign-off covers " + words(domain::indication_name(*s.indication)) +
           " cases: HTG3 supports vertebroplasty for osteoporotic fractures, haemangioma and "
           "vertebral body tumours.");
    return v.finish("HTG3-1.2-TRAINING", "");
  }
  const ProcedureOperator& primary = *s.primary_operator;
  auto competent = [&](const ProcedureOperator& op) {
    return !op.visiting && holds_sign_off(op.sign_offs, *scope, on);
  };
  const std::string scope_words = quoted(*scope);
  if (competent(primary)) {
    v.evidence(sign_off_evidence(primary, *scope, on));
    return v.finish("HTG3-1.2-TRAINING", std::string(planned ? "The planned operator, "
                                                                 : "The primary operator, ") +
                                             primary.name +
                                             ", holds a current competence sign-off for " +
                                             scope_words + ".");
  }
  const std::string primary_why =
      primary.visiting ? primary.name + " is a visiting operator with no profile here, so their "
                                        "training and sign-off cannot be shown"
                       : why_not_signed_off(primary, *scope, on);
  if (s.supervisor && competent(*s.supervisor)) {
    v.evidence(primary_why + ".");
    v.evidence(sign_off_evidence(*s.supervisor, *scope, on));
    return v.finish("HTG3-1.2-TRAINING", primary.name +
                                             (planned ? " is to operate under the supervision of "
                                                      : " operated under the supervision of ") +
                                             s.supervisor->name +
                                             ", who holds a current competence sign-off for " +
                                             scope_words + ".");
  }
  if (!s.supervisor) {
    v.fail(primary_why + (planned ? ", and no supervising operator is planned."
                                  : ", and no supervising operator is recorded."));
  } else if (s.supervisor->visiting) {
    v.fail(primary_why + ", and the supervisor, " + s.supervisor->name +
           ", is a visiting operator whose sign-off cannot be shown.");
  } else {
    v.fail(primary_why + ", and the supervisor " + why_not_signed_off(*s.supervisor, *scope, on) +
           ".");
  }
  return v.finish("HTG3-1.2-TRAINING", "");
}

}  // namespace vertebro::guidance::detail
