#pragma once
// MDT meetings (coordinator): schedule a meeting for a site, record who attended with their
// professional role, put episodes awaiting MDT on its list (or take them off it while
// undecided), and record the decision about each case with its rationale. Reading a meeting
// shows its cases' patients, and to those who manage MDT lists the patients that could be
// listed: one "list" audit entry names every episode and patient shown, and their access logs
// find it. A listed episode the reader may not see (app/access.h) is left out and counted.

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "domain/records.h"

namespace vertebro::app {

struct MeetingInput {
  std::string site_id;
  std::string meeting_date;  // ISO date; may be in the future (a scheduled meeting)
  std::string title;         // optional: "Spinal MDT, morning list"
};

// Errors: kForbidden, kInvalid (site_id, meeting_date, title).
Result<domain::MeetingRecord> create_meeting(const Context& ctx, const Actor& actor,
                                           const MeetingInput& input);

struct MeetingSummary {
  domain::MeetingRecord meeting;
  std::string site_name;
};

// Meetings at the actor's sites, newest first (at most 200).
Result<std::vector<MeetingSummary>> list_meetings(const Context& ctx, const Actor& actor);

struct MeetingCase {
  domain::MdtCaseRecord listing;
  domain::EpisodeRecord episode;
  std::string patient_name;  // "FAMILY, Given"
  std::string nhs_number;    // 10 digits
  int age = 0;
};

struct MeetingView {
  domain::MeetingRecord meeting;
  std::string site_name;
  std::vector<domain::AttendeeRecord> attendees;
  std::vector<MeetingCase> cases;  // the listed episodes the actor may see
  int hidden_cases = 0;  // listed episodes the actor may not see (moved to another site)
  // Episodes awaiting MDT at the site, not on the list: only with MeetingDetail::kWithCandidates
  // and for a role that manages MDT lists (shows_candidates).
  std::vector<MeetingCase> candidates;
  bool shows_candidates = false;
  bool held = false;                    // the meeting date is today or past: decisions allowed
  // HTG3-1.2-MDT: whether the attendees include a role the unit counts as a radiologist, and
  // one it counts as a spinal surgeon (unit settings).
  bool has_radiologist = false;
  bool has_spinal_surgeon = false;
};

enum class MeetingDetail {
  kList,            // the meeting, its attendees and its list (the printed list)
  kWithCandidates,  // also the candidates, for a role that manages MDT lists (page, API)
};

// Errors: kForbidden, kNotFound (absent or not at the actor's sites; audited as denied).
Result<MeetingView> view_meeting(const Context& ctx, const Actor& actor, std::int64_t meeting,
                                 MeetingDetail detail);

// Errors: kForbidden, kNotFound, kInvalid (name, professional_role).
Result<domain::AttendeeRecord> add_attendee(const Context& ctx, const Actor& actor,
                                            std::int64_t meeting, const std::string& name,
                                            const std::string& professional_role);
Status remove_attendee(const Context& ctx, const Actor& actor, std::int64_t meeting,
                       std::int64_t attendee);

// Puts an episode awaiting MDT at the meeting's site on its list. Errors: kForbidden,
// kNotFound, kConflict (already on the list), kWrongState (the episode is not awaiting MDT),
// kInvalid (field episode_id: the episode is at another site, or was referred after the
// meeting's date).
Status add_case(const Context& ctx, const Actor& actor, std::int64_t meeting, EpisodeId episode);

// Takes an episode off the meeting's list while no decision is recorded about it, so that it
// can be listed elsewhere or its referral moved to another site. Errors: kForbidden, kNotFound
// (meeting, episode, or the episode not on the list), kWrongState (a decision is recorded: it
// stays on the list as the record of the meeting).
Status remove_case(const Context& ctx, const Actor& actor, std::int64_t meeting,
                   EpisodeId episode);

// Records the decision ("proceed", "do_not_proceed", "more_info") and its rationale, replacing
// the listing's decision at expected_version (0 for the first). Errors: kForbidden, kNotFound,
// kInvalid (decision, rationale; a meeting not yet held), kConflict (someone recorded a
// decision since: the listing is no longer at expected_version).
Status record_decision(const Context& ctx, const Actor& actor, std::int64_t meeting,
                       EpisodeId episode, std::int64_t expected_version,
                       const std::string& decision, const std::string& rationale);

}  // namespace vertebro::app
