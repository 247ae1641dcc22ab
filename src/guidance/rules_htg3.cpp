// The HTG3 pack: NICE HTG3 recommendations 1.1 and 1.2 and its indications (2.1.1), with the
// ids of ../shared/domain/HTG3.md. Data files: tests/data/guidance/<id>.json.

#include <string>

#include "guidance/rule_support.h"
#include "guidance/scores.h"

namespace vertebro::guidance::detail {

// HTG3-IND-*: the indication is one HTG3 supports. Anything else fails (a vertebroplasty outside
// HTG3's indications needs an override with a reason). Metastasis needs its primary recorded.
std::optional<Finding> check_indication(const EpisodeSnapshot& s, const UnitSettings&) {
  if (!s.indication) {
    return Finding{"HTG3-IND", Outcome::kMissing, "No indication is recorded."};
  }
  using domain::Indication;
  Finding f = assess_indication(*s.indication);
  f.evidence = "Indication: " + std::string(domain::indication_label(*s.indication)) + ".";
  switch (*s.indication) {
    case Indication::kOther:
      f.outcome = Outcome::kFail;
      f.message =
          "This indication is outside those HTG3 supports (painful osteoporotic fracture, "
          "symptomatic haemangioma, painful vertebral body tumour). Proceeding needs an override "
          "recording why vertebroplasty is considered.";
      break;
    case Indication::kMetastasis:
      if (!s.tumour_primary || s.tumour_primary->find_first_not_of(' ') == std::string::npos) {
        f.outcome = Outcome::kMissing;
        f.message =
            "The primary of the metastasis is not recorded (\"unknown primary\" is an "
            "answer). NICE NG234 also applies.";
      } else {
        f.evidence += " Primary: " + *s.tumour_primary + ".";
      }
      break;
    case Indication::kOsteoporotic:
    case Indication::kHaemangioma:
    case Indication::kMyeloma:
      break;
  }
  return f;
}

// HTG3-IND-TUMOUR-SINS: for a vertebral body tumour, the Spinal Instability Neoplastic Score is
// recorded (REFERENCE.md 5.1); 7 or more warrants surgical consultation.
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
    if (score->surgical_consultation) {
      v.warn("SINS " + total + " (" + category +
             ") warrants surgical consultation: a score of 7 or more suggests possible "
             "instability.");
    }
    pass = "SINS " + total + " (stable): no surgical consultation is needed for instability.";
  }
  return v.finish("HTG3-IND-TUMOUR-SINS", pass);
}

// HTG3-1.2-REFRACTORY: conservative treatment tried for at least the unit's minimum, a pain score
// despite it, and the clinician's judgement that the pain is refractory.
std::optional<Finding> check_refractory(const EpisodeSnapshot& s, const UnitSettings& settings) {
  Verdict v;
  const int min_days = settings.min_conservative_days;
  if (s.conservative_treatments.empty()) {
    v.missing("No conservative treatment is recorded.");
  } else {
    const long days = conservative_days(s.conservative_treatments, s.today);
    std::string kinds;
    for (const auto& t : s.conservative_treatments) {
      if (!kinds.empty()) kinds += ", ";
      kinds += words(conservative_kind_name(t.kind));
    }
    v.evidence("Conservative treatment (" + kinds + ") covers " + std::to_string(days) +
               " days up to today (" + s.today.display() + "); the unit's minimum is " +
               std::to_string(min_days) + " days.");
    if (days < min_days) {
      std::string sentence = "Conservative treatment has been tried for " + std::to_string(days) +
                             " days, fewer than the unit's minimum of " + std::to_string(min_days) +
                             " days.";
      const auto& fracture = s.fracture_date ? s.fracture_date : s.onset_date;
      if (is_osteoporotic(s) && recency_packs_enabled(settings) && fracture) {
        const auto closes = domain::Date::from_days(
            fracture->days() + std::chrono::days(settings.recent_fracture_window_days));
        sentence += " The fracture must also still be recent (TA279, EBI): its window of " +
                    std::to_string(settings.recent_fracture_window_days) + " days closes on " +
                    closes.display() + ".";
      }
      v.fail(sentence);
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
// Treatment starts at or after the fracture, so both can be met only if the minimum is shorter
// than the window; with the two equal, only a procedure on exactly that day qualifies. Advisory:
// it warns about the unit's settings and never blocks.
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
  if (min_days > window) {
    v.warn(numbers + " is longer than " + recent +
           ": the two windows cannot both be met. Review the unit's settings.");
  } else if (min_days == window) {
    v.warn(numbers + " equals " + recent +
           ": both can be met only when the procedure falls on "
           "exactly day " +
           std::to_string(window) +
           " after the fracture and treatment began that day. Review the unit's settings.");
  }
  const auto& fracture = s.fracture_date ? s.fracture_date : s.onset_date;
  if (fracture && min_days <= window) {
    auto plus = [&](int d) {
      return domain::Date::from_days(fracture->days() + std::chrono::days(d)).display();
    };
    v.evidence(min_days == window
                   ? "For this fracture both are met only on " + plus(window) + ", at best."
                   : "For this fracture both are met between " + plus(min_days) + " and " +
                         plus(window) + ", at best.");
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

}  // namespace vertebro::guidance::detail
