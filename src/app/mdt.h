#pragma once
// MDT meetings (coordinator): schedule a meeting for a site, record who attended with their
// professional role, put episodes awaiting MDT on its list, and record the decision about each
// case with its rationale. Reading a meeting shows its cases' patients, so it is audited for
// each episode on the list.

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "store/records.h"

namespace vertebro::app {

struct MeetingInput {
  std::string site_id;
  std::string meeting_date;  // ISO date; may be in the future (a scheduled meeting)
  std::string title;         // optional: "Spinal MDT, morning list"
};

// Errors: kForbidden, kInvalid (site_id, meeting_date, title).
Result<store::MeetingRecord> create_meeting(const Context& ctx, const Actor& actor,
                                           const MeetingInput& input);

struct MeetingSummary {
  store::MeetingRecord meeting;
  std::string site_name;
};

// Meetings at the actor's sites, newest first (at most 200).
Result<std::vector<MeetingSummary>> list_meetings(const Context& ctx, const Actor& actor);

struct MeetingCase {
  store::MdtCaseRecord listing;
  store::EpisodeRecord episode;
  std::string patient_name;  // "FAMILY, Given"
  std::string nhs_number;    // 10 digits
  int age = 0;
};

struct MeetingView {
  store::MeetingRecord meeting;
  std::string site_name;
  std::vector<store::AttendeeRecord> attendees;
  std::vector<MeetingCase> cases;
  std::vector<MeetingCase> candidates;  // episodes awaiting MDT at the site, not on the list
  bool held = false;                    // the meeting date is today or past: decisions allowed
  // HTG3-1.2-MDT: whether the attendees include a role the unit counts as a radiologist, and
  // one it counts as a spinal surgeon (unit settings).
  bool has_radiologist = false;
  bool has_spinal_surgeon = false;
};

// Errors: kForbidden, kNotFound (absent or not at the actor's sites).
Result<MeetingView> view_meeting(const Context& ctx, const Actor& actor, std::int64_t meeting);

// Errors: kForbidden, kNotFound, kInvalid (name, professional_role).
Result<store::AttendeeRecord> add_attendee(const Context& ctx, const Actor& actor,
                                           std::int64_t meeting, const std::string& name,
                                           const std::string& professional_role);
Status remove_attendee(const Context& ctx, const Actor& actor, std::int64_t meeting,
                       std::int64_t attendee);

// Puts an episode awaiting MDT at the meeting's site on its list. Errors: kForbidden,
// kNotFound, kConflict (already on the list), kWrongState (the episode is not awaiting MDT),
// kInvalid (field episode_id: the episode is at another site, or was referred after the
// meeting's date).
Status add_case(const Context& ctx, const Actor& actor, std::int64_t meeting, EpisodeId episode);

// Records the decision ("proceed", "do_not_proceed", "more_info") and its rationale, replacing
// the listing's decision at expected_version (0 for the first). Errors: kForbidden, kNotFound,
// kInvalid (decision, rationale; a meeting not yet held), kConflict (someone recorded a
// decision since: the listing is no longer at expected_version).
Status record_decision(const Context& ctx, const Actor& actor, std::int64_t meeting,
                       EpisodeId episode, std::int64_t expected_version,
                       const std::string& decision, const std::string& rationale);

}  // namespace vertebro::app
