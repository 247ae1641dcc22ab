#pragma once
// The one mapping from what the application stores about an episode to what the guidance rules
// read (guidance::EpisodeSnapshot): the clinical form documents as validate_form normalised them,
// the MDT listings with their meetings and attendees, the site's access to spinal surgery, the
// referral date and any planned procedure date. The gates (app/pathway.cpp) and the rule-case
// tests (tests/guidance/rule_cases_test.cpp, which hold each case as these stored records) both
// build their snapshots here, so a case that passes is a case the application gets right.
//
// Pure: no I/O; values in, a value out.

#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/pathway_forms.h"
#include "domain/date.h"
#include "guidance/snapshot.h"
#include "domain/records.h"

namespace vertebro::app {

// One MDT list the episode is on: the meeting, the listing with its decision, and the meeting's
// attendees.
struct EpisodeMdt {
  domain::MeetingRecord meeting;
  domain::MdtCaseRecord listing;
  std::vector<domain::AttendeeRecord> attendees;
};

struct SnapshotSources {
  domain::Date referral_date{};
  // The stored (normalised) form documents; std::nullopt when the form is not recorded.
  std::optional<nlohmann::json> assessment{};
  std::optional<nlohmann::json> consent{};
  std::optional<nlohmann::json> procedure{};
  std::vector<EpisodeMdt> mdt{};  // in any order
  std::optional<domain::SiteSurgeryRecord> surgery{};
  // The date planned for the procedure at the consent -> procedure move, used when no procedure
  // is recorded (a recorded procedure's own date wins).
  std::optional<domain::Date> planned_procedure_date{};
  // The lot register's recalls of the lots the procedure's cement packs came from: lot id ->
  // the date the recall runs from (ISO). Read live, so a recall recorded after the procedure
  // counts from its own date.
  std::map<std::int64_t, std::string> cement_recalls{};
  // The competence sign-offs of the operator profiles the procedure names (its primary operator
  // and supervisor): profile id -> every sign-off, revoked ones included. Read live, so a
  // revocation dated on or before the procedure counts.
  std::map<std::int64_t, std::vector<domain::SignOffRecord>> operator_sign_offs{};
  // The operator (and supervisor) planned at the consent -> procedure move, with their
  // sign-offs: judged by HTG3-1.2-TRAINING at that move. Ignored once a procedure is recorded.
  std::optional<guidance::ProcedureOperator> planned_operator{};
  std::optional<guidance::ProcedureOperator> planned_supervisor{};
};

// The snapshot the rules judge `today`. Undecided listings, and listings, meetings or documents
// whose values cannot be read, contribute nothing (the rules then report the value as missing,
// never as passed). The procedure date is the recorded procedure's date, else the planned date
// (procedure_date_planned true).
guidance::EpisodeSnapshot episode_snapshot(const SnapshotSources& sources, domain::Date today);

// What a form saved `today` is checked against (save_form): the referral date, the patient's
// date of birth and the levels assessed, from the episode's other records. (The MDT and consent
// dates are the recorded-procedure check's to judge, not the form's.)
FormContext form_context(const SnapshotSources& sources, domain::Date today,
                         domain::Date date_of_birth);

}  // namespace vertebro::app
