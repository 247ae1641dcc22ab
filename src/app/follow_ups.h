#pragma once
// The nurses' follow-up list (issue 12): every episode in follow-up at the user's sites whose
// follow-ups are due or overdue today, by the unit's schedule (UnitConfig::follow_up_time_points)
// counted from the recorded procedure date, leaving out the time points whose visit is recorded
// (app/follow_up_visits.h), each with the questionnaire step it needs (reminders and the phone
// list, app/patient_links.h). Each list view is written to the access and change
// log naming every episode and patient shown, as the worklist does.

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/patient_links.h"
#include "domain/records.h"
#include "guidance/follow_up_schedule.h"

namespace vertebro::app {

struct FollowUpRow {
  domain::WorklistRow row;  // the episode and enough of the patient to recognise them
  // The recorded procedure's date; std::nullopt when the episode has no procedure date (listed
  // so that it is noticed, with no time points).
  std::optional<domain::Date> procedure_date;
  // Overdue first, then due, each in due-date order (guidance::outstanding_follow_ups).
  std::vector<guidance::FollowUpDue> outstanding;
  // What each outstanding time point needs next (app/patient_links.h, plan_contact): send a
  // questionnaire, wait, send a reminder, phone the patient, or nothing (stopped); in the order
  // of `outstanding`.
  std::vector<ContactPlan> contact;
};

// How complete the unit's follow-up is at one time point, over the episodes at the user's
// sites whose procedure is recorded: `expected` counts those with a visit at it and those whose
// window has closed (an episode closed as lost to follow-up included), but not a patient who
// withdrew or died before the window closed without a visit; `recorded` those with a visit.
struct TimePointCompleteness {
  std::string time_point;
  bool primary = false;
  int expected = 0;
  int recorded = 0;
  int by_patient = 0;  // of `recorded`, answered by the patient
};

struct FollowUpList {
  // Episodes with an overdue follow-up first, then those with one due, then those with no
  // procedure date; within each, the earliest due date first.
  std::vector<FollowUpRow> rows;
  std::string primary_follow_up;  // the unit's primary time point, for display
  // One per time point of the unit's schedule, in its order.
  std::vector<TimePointCompleteness> completeness;
  // Episodes in follow-up whose every time point is recorded or past its window: nothing more
  // is expected of them, and a nurse closes them (docs/pathway.md, "Closing an episode"); the
  // earliest procedure first.
  std::vector<FollowUpRow> ready_to_close;
};

// Needs kViewPatients. Errors: kForbidden; store errors (kBusy, kUnavailable, kInternal).
Result<FollowUpList> list_follow_ups(const Context& ctx, const Actor& actor);

}  // namespace vertebro::app
