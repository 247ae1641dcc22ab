#pragma once
// Follow-up visits (issue 12): what a nurse or clinician records at each time point of the
// unit's schedule (in clinic or by phone), and the outcomes vertebro judges from it against the
// pre-procedure assessment with the unit's outcome definitions (guidance/outcomes.h,
// UnitConfig::outcome_definitions). One visit per episode and time point; a later save corrects
// it (optimistic version), and the access and change log keeps every earlier value.
//
// The visit's document (docs/api.md, "Follow-up visits"), every answer but the date optional:
//   visit_date          ISO date, on or after the procedure date and not in the future
//   contact             "clinic", "phone" or "home" (how the answers were taken)
//   pain_at_rest, pain_on_movement   NRS 0 to 10
//   analgesic           "none", "non_opioid", "weak_opioid", "strong_opioid"
//   analgesic_use       "less", "same", "more" (the patient's own account)
//   mobility            "bed_bound", "chair_bound", "walking_with_frame", "walking_with_stick",
//                       "unaided"
//   satisfaction        "very_satisfied", "satisfied", "neutral", "dissatisfied",
//                       "very_dissatisfied"
//   would_have_again    "yes", "no", "unsure"
//   odi                 Oswestry Disability Index, 0 to 100 (%)
//   new_fracture_levels levels of new vertebral fractures found since the procedure
//   height_loss_levels  treated levels that have lost further height
//   notes               free text, up to 2000 characters
// At least one answer besides the date and contact is needed: a visit with nothing found is
// not a follow-up.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "app/pathway_forms.h"
#include "app/patient_links.h"
#include "domain/records.h"
#include "domain/vertebral_level.h"
#include "guidance/follow_up_schedule.h"
#include "guidance/new_fracture.h"
#include "guidance/outcomes.h"

namespace vertebro::app {

// The choices of the visit's answers, {name, label}, in the order forms offer them (mobility:
// pathway_forms.h, mobility_choices).
const Choices& follow_up_contact_choices();
const Choices& analgesic_use_choices();
const Choices& satisfaction_choices();  // very satisfied first
const Choices& would_have_again_choices();

// What a visit's answers are checked against.
struct VisitContext {
  domain::Date today{};
  std::optional<domain::Date> procedure_date;  // std::nullopt: no procedure date recorded
  std::vector<domain::VertebralLevel> treated_levels;
  // The time point's window: a visit dated outside it is accepted with a warning.
  std::optional<guidance::FollowUpDue> due;
};

// Errors: kInvalid with one field error per bad field (visit_date before the procedure or in
// the future; scores out of range; unknown choices; a height-loss level that was not treated).
Result<ValidatedForm> validate_follow_up_visit(const nlohmann::json& input, const VisitContext& c);

// The pre-procedure findings the outcomes are judged against (the assessment form).
struct Baseline {
  std::optional<int> pain_at_rest;
  std::optional<int> pain_on_movement;
  std::optional<guidance::AnalgesicClass> analgesic;
  std::optional<guidance::Mobility> mobility;
};
Baseline baseline_of(const nlohmann::json& assessment);

struct NewFracture {
  domain::VertebralLevel level;
  std::optional<guidance::FractureRelation> relation;  // nullopt: no treated levels recorded
};

// The outcomes of one visit. std::nullopt: not known (an answer missing on either side).
struct VisitOutcomes {
  std::optional<bool> pain_relief_at_rest;
  std::optional<bool> pain_relief_on_movement;
  // HTG3-EFF-PAIN: relief on movement, or at rest when pain on movement is missing on either
  // side (docs/pathway.md, "Outcomes").
  std::optional<bool> pain_relief;
  std::optional<bool> reduced_medication;  // HTG3-EFF-MEDS
  std::optional<bool> improved_mobility;   // HTG3-EFF-MOBILITY
  std::optional<bool> satisfied;           // HTG3-EFF-SATISFIED: satisfied or very satisfied
  std::optional<bool> would_have_again;    // "unsure" counts as not known
  std::vector<NewFracture> new_fractures;  // HTG3-SAFE-NEWFRACTURE
  std::vector<domain::VertebralLevel> height_loss_levels;
};

// Pure: judges a stored visit document.
VisitOutcomes judge_visit(const nlohmann::json& visit, const Baseline& baseline,
                          const std::vector<domain::VertebralLevel>& treated_levels,
                          const guidance::OutcomeDefinitions& definitions);

// "1-month" (the form URLs use) or "1 month": the time point's name, "1 month". std::nullopt
// when it is not a time point.
std::optional<std::string> time_point_from_url(const std::string& text);
std::string time_point_url(const std::string& name);  // "1 month" -> "1-month"

// One time point of an episode's schedule, for the episode's page: when it is due, and the
// visit recorded at it, if any.
struct FollowUpSlot {
  std::string time_point;  // "1 month"
  bool primary = false;
  std::optional<guidance::FollowUpDue> due;  // when the procedure date is known
  std::optional<domain::Date> visit_date;    // recorded
  std::string source;                        // of the recorded visit
};

// Pure: the unit's time points in order, then any recorded at a time point no longer in the
// schedule.
std::vector<FollowUpSlot> follow_up_slots(const std::vector<guidance::FollowUpTimePoint>& schedule,
                                          const std::string& primary,
                                          std::optional<domain::Date> procedure_date,
                                          const std::vector<domain::FollowUpVisitRecord>& visits,
                                          domain::Date today);

struct StoredVisit {
  nlohmann::json document;
  std::string source;  // "clinician" or "patient"
  std::int64_t version = 0;
  std::string updated_at;
  std::string updated_by_name;  // "" when the patient answered
};

struct FollowUpVisitView {
  domain::EpisodeRecord episode;
  domain::PatientRecord patient;
  std::string site_name;
  std::string time_point;  // "1 month"
  bool primary = false;    // the unit's primary time point for audit
  std::optional<domain::Date> procedure_date;
  std::optional<guidance::FollowUpDue> due;  // when the procedure date is known
  std::vector<domain::VertebralLevel> treated_levels;
  Baseline baseline;
  std::optional<StoredVisit> visit;
  std::optional<VisitOutcomes> outcomes;  // when a visit is recorded
  guidance::OutcomeDefinitions definitions;
  bool may_record = false;  // the actor may record this visit now
  // The time point's latest questionnaire link sent to the patient (app/patient_links.h), when
  // one was issued; view_follow_up_visit only.
  std::optional<LinkStatus> link;
  std::vector<std::string> warnings;  // of the save that returned this view
};

// Reads one time point's visit of an episode (audited as a read). The time point must be in
// the unit's schedule, or have a visit recorded. Errors: kForbidden, kNotFound (episode, or a
// time point that is neither).
Result<FollowUpVisitView> view_follow_up_visit(const Context& ctx, const Actor& actor,
                                               EpisodeId id, const std::string& time_point);

// Records (expected_version 0) or corrects the visit; the source is "clinician". Open while the
// episode is in follow-up. Errors: kForbidden (role), kNotFound, kWrongState, kInvalid (fields),
// kConflict (stale version: nothing saved).
Result<FollowUpVisitView> save_follow_up_visit(const Context& ctx, const Actor& actor,
                                               EpisodeId id, const std::string& time_point,
                                               std::int64_t expected_version,
                                               const nlohmann::json& input);

}  // namespace vertebro::app
