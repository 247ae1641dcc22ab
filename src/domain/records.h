#pragma once
// Records as vertebro keeps them: plain values with their ids and versions. The store fills
// them, the use cases in app/ read and return them, and the faces render them; every layer
// from domain/ up may include this header, so none of them needs the store's.

#include <cstdint>
#include <string>

#include "base/ids.h"
#include "domain/date.h"
#include "domain/pathway_state.h"
#include "domain/patient.h"
#include "domain/referral.h"

namespace vertebro::domain {

struct PatientRecord {
  PatientId id;
  SiteId site;  // the registering site
  PatientDetails details;
  std::int64_t version = 0;
  std::string created_at;
  std::string updated_at;
};

struct EpisodeRecord {
  EpisodeId id;
  PatientId patient;
  PathwayState state = PathwayState::kReferral;
  ReferralDetails referral;
  std::int64_t version = 0;
  std::string created_at;
  std::string updated_at;
  std::string state_changed_at;
};

// One worklist line: the episode with enough of the patient to recognise them.
struct WorklistRow {
  EpisodeRecord episode;
  std::string family_name;
  std::string given_name;
  std::string nhs_number;
  Date date_of_birth = Date::from_days({});
  std::string site_name;
};

// A clinical form of an episode, stored as one JSON document per kind: "assessment",
// "consent", "procedure". The app layer owns the document's shape and validation; the store
// keeps it whole with an optimistic version.
struct EpisodeFormRecord {
  EpisodeId episode;
  std::string kind;
  std::string data;  // JSON object
  std::int64_t version = 0;
  UserId updated_by;
  std::string updated_at;
};

// A follow-up visit of an episode at one time point of the unit's schedule ("1 month"). The
// app layer owns the answers' document (app/follow_up_visits.h); the store keeps it whole with
// an optimistic version, one record per episode and time point.
struct FollowUpVisitRecord {
  EpisodeId episode;
  std::string time_point;
  std::string visit_date;  // ISO date
  std::string source;      // "clinician" or "patient"
  std::string data;        // JSON object
  std::int64_t version = 0;
  UserId updated_by;  // 0 when the patient answered by link
  std::string updated_at;
};

// A complication or adverse event of an episode. The app layer owns the document
// (app/complications.h); the store keeps it whole with an optimistic version, and the type, date
// and whether a device was involved beside it for lists and reports.
struct ComplicationRecord {
  std::int64_t id = 0;
  EpisodeId episode;
  std::string kind;        // "symptomatic_cement_leakage", ...
  std::string event_date;  // ISO date
  bool device_involved = false;
  std::string data;  // JSON object
  std::int64_t version = 0;
  UserId created_by;
  std::string created_at;
  UserId updated_by;
  std::string updated_at;
};

// A Yellow Card report of a device-related adverse incident, made from one complication. The app
// layer owns the document (app/yellow_card.h); the store keeps it whole with an optimistic
// version, and the status and the regulator's reference beside it for the list.
struct YellowCardRecord {
  std::int64_t id = 0;
  std::int64_t complication = 0;
  EpisodeId episode;
  std::string status;               // "draft", "submitted" or "closed"
  std::string regulator_reference;  // "" until submitted
  std::string data;                 // JSON object
  std::int64_t version = 0;
  UserId created_by;
  std::string created_at;
  UserId updated_by;
  std::string updated_at;
};

// A patient's one-time link to a follow-up questionnaire (app/patient_links.h). Only the
// SHA-256 of its token is kept. used_at and cancelled_at are "" while the link is open.
struct FollowUpLinkRecord {
  std::int64_t id = 0;
  EpisodeId episode;
  std::string time_point;  // "1 month"
  std::string token_hash;  // lower-case hex SHA-256 of the token
  std::string route;       // how it went to the patient: "letter" or "text"
  UserId issued_by;
  std::string issued_at;
  std::string expires_at;  // timestamp
  std::string used_at;
  std::string cancelled_at;
};

// A site's access to a spinal surgery service (HTG3-1.2-SURGERY).
struct SiteSurgeryRecord {
  SiteId site;
  std::string access;       // "on_site", "arrangement" or "none"
  std::string service;      // the named service of an arrangement; "" otherwise
  std::string review_date;  // ISO date; "" when none
  std::string updated_at;
};

struct MeetingRecord {
  std::int64_t id = 0;
  SiteId site;
  std::string meeting_date;  // ISO date
  std::string title;
  std::string created_at;
};

struct AttendeeRecord {
  std::int64_t id = 0;
  std::int64_t meeting = 0;
  std::string name;
  std::string professional_role;  // "Interventional radiologist", "Spinal surgeon", ...
};

// One episode on one meeting's list, and the meeting's decision about it.
struct MdtCaseRecord {
  std::int64_t meeting = 0;
  EpisodeId episode;
  std::string decision;  // "" while undecided; "proceed", "do_not_proceed", "more_info"
  std::string rationale;
  UserId decided_by;
  std::string decided_at;  // "" while undecided
  std::string added_at;
  std::int64_t version = 0;  // 0 while undecided; one more with each decision recorded
};

// One move of an episode between pathway states, with what the guidance said about it.
struct TransitionRecord {
  std::int64_t id = 0;
  EpisodeId episode;
  std::string from_state;
  std::string to_state;
  std::string gate;  // "" for a move no gate guards
  std::string at;
  UserId user;
  std::string username;
  std::string findings;           // JSON array of findings; "[]" when no gate
  std::string rule_pack_version;  // "" when no gate
  bool blocked = false;           // the findings blocked the move: override_reason is set
  std::string override_reason;
  std::string override_role;  // the role that recorded the override
  std::string exit_reason;    // exits: why
  std::string exit_date;      // exits: ISO date of the event
  // The date the procedure's rules judged at (ISO): the planned procedure date on the move to
  // procedure, the procedure's own date when it is recorded or corrected; "" otherwise.
  std::string procedure_date;
  std::string step_back_reason;  // a step back to the previous state: why
};

// One episode (and its patient) a list view showed, linked to the view's audit entry.
struct ShownRecord {
  EpisodeId episode;
  PatientId patient;
};

}  // namespace vertebro::domain
