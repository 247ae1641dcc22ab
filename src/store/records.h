#pragma once
// What the store takes and returns besides the domain records (domain/records.h): queries and
// the rows that stay inside the store and app layers (users' password hashes, sessions,
// sign-in throttling).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "domain/operator.h"
#include "domain/pathway_state.h"
#include "domain/records.h"
#include "domain/user.h"

namespace vertebro::store {

// The records every layer shares, under the names the store has always used.
using domain::AttendeeRecord;
using domain::EpisodeFormRecord;
using domain::FollowUpVisitRecord;
using domain::ComplicationRecord;
using domain::YellowCardRecord;
using domain::FollowUpLinkRecord;
using domain::EpisodeRecord;
using domain::MdtCaseRecord;
using domain::MeetingRecord;
using domain::PatientRecord;
using domain::ShownRecord;
using domain::SiteSurgeryRecord;
using domain::TransitionRecord;
using domain::WorklistRow;

struct WorklistQuery {
  std::vector<SiteId> sites;  // only these sites (the user's); never empty
  std::optional<domain::PathwayState> state;
  bool open_only = true;  // when no state is named: hide closed episodes and exits
  // Keyset pagination in waiting order (oldest referral first): rows after this key.
  std::optional<std::pair<std::string, std::int64_t>> after;  // {referral_date, episode id}
  int limit = 50;
};

// One use of a cement lot: the pack of a procedure it filled, with the episode's patient and
// site and the procedure form as stored (JSON text; "" when the form is gone).
struct LotUseRow {
  EpisodeId episode;
  int unit = 0;
  PatientId patient;
  SiteId site;
  std::string procedure;
};

// An operator profile a recorded procedure names (procedure_operators; HTG3-1.2-TRAINING).
struct ProcedureOperatorRow {
  std::string role;  // "primary" or "supervisor"
  domain::OperatorId operator_id;
  bool supervised = false;  // primary: the procedure names a supervisor
  std::string procedure_date;  // ISO
  bool leakage = false;  // primary: cement leaked at any treated level
  bool symptomatic_leakage = false;  // primary: a leakage caused symptoms
};

struct UserRecord {
  domain::User user;
  std::string password_hash;
};

struct SessionRecord {
  std::string token_hash;
  UserId user;
  std::string csrf_token;
  std::string created_at;
  std::string last_seen_at;
};

struct ThrottleRecord {
  int failures = 0;
  std::string locked_until;  // empty when not locked
};

// A counter of a limited action (rate_counters): how many since window_start (a timestamp).
struct RateCounter {
  int count = 0;
  std::string window_start;  // empty for a counter never used
};

struct AuditQuery {
  std::string record_type;
  std::int64_t record_id = 0;
  std::int64_t before_seq = 0;  // 0: newest first from the end
  bool changes_only = false;    // creations, updates and transitions; no reads
  // Also the list views that showed this record (record_type "patient" or "episode"): the
  // entries linked to it by Tx::link_shown.
  bool with_lists = false;
  int limit = 50;
};

// The audit reports' derived rows (issue 15; migration 0017, app/report_measures.h). Flags:
// std::nullopt is a value not known.
struct ReportEpisodeRow {
  EpisodeId episode;
  SiteId site;
  std::optional<domain::OperatorId> primary_operator;
  std::string indication;      // domain::indication_name
  std::string procedure_date;  // ISO
  std::string state;           // the pathway state's name
  std::optional<bool> leakage;
  bool leakage_intervention = false;
  bool paraplegia = false;
  bool other_harm = false;
  bool new_fracture = false;
  bool new_fracture_adjacent = false;
  bool new_fracture_distant = false;
  std::optional<int> new_fracture_days;  // days from the procedure to the first one found
  int followed_days = 0;                 // days from the procedure to the latest finding
};

// The efficacy measures at one time point: a recorded visit's, or (exited) none because the
// patient died or withdrew before its window closed.
struct ReportVisitRow {
  std::string time_point;
  std::optional<bool> pain_relief;
  std::optional<bool> reduced_medication;
  std::optional<bool> improved_mobility;
  std::optional<bool> satisfied;
  bool exited = false;
};

// Which procedures a report counts: those at `sites` (never empty) dated from..to (ISO, both
// included), optionally of one primary operator and one indication.
struct ReportFilter {
  std::vector<SiteId> sites;
  std::string from;
  std::string to;
  std::optional<domain::OperatorId> primary_operator;
  std::optional<std::string> indication;
};

// The counts of one group (key: the primary operator's id, 0 for procedures with no operator
// profile and for a report's totals; site: the site's id, 0 for a report's totals).
// Efficacy at one time point: not_due = no visit and its window not closed by the cut-off;
// exited = not expected since the patient died or withdrew; *_yes / *_no the answers. Safety:
// leakage_known = procedures whose leakage is known.
struct ReportCounts {
  std::int64_t key = 0;
  std::int64_t site = 0;
  std::int64_t cases = 0;
  std::int64_t not_due = 0;
  std::int64_t exited = 0;
  std::int64_t recorded = 0;  // a visit recorded at the time point
  std::int64_t pain_yes = 0, pain_no = 0;
  std::int64_t meds_yes = 0, meds_no = 0;
  std::int64_t mobility_yes = 0, mobility_no = 0;
  std::int64_t satisfied_yes = 0, satisfied_no = 0;
  std::int64_t leakage = 0, leakage_known = 0;
  std::int64_t leakage_intervention = 0;
  std::int64_t paraplegia = 0;
  std::int64_t other_harm = 0;
  std::int64_t new_fracture = 0, new_fracture_adjacent = 0, new_fracture_distant = 0;
};

// Every count of ReportCounts (not key or site), in the order the store reads them.
inline constexpr std::int64_t ReportCounts::*kReportCountFields[] = {
    &ReportCounts::cases,         &ReportCounts::not_due,
    &ReportCounts::exited,        &ReportCounts::recorded,
    &ReportCounts::pain_yes,      &ReportCounts::pain_no,
    &ReportCounts::meds_yes,      &ReportCounts::meds_no,
    &ReportCounts::mobility_yes,  &ReportCounts::mobility_no,
    &ReportCounts::satisfied_yes, &ReportCounts::satisfied_no,
    &ReportCounts::leakage,       &ReportCounts::leakage_known,
    &ReportCounts::leakage_intervention,  &ReportCounts::paraplegia,
    &ReportCounts::other_harm,    &ReportCounts::new_fracture,
    &ReportCounts::new_fracture_adjacent, &ReportCounts::new_fracture_distant};

// Adds one group's counts to another's.
inline void add_counts(ReportCounts& to, const ReportCounts& c) {
  for (auto field : kReportCountFields) to.*field += c.*field;
}

// One compliance finding of an episode (report_checks; migration 0017): kind "gate" (name the
// gate; result "first_time", "after_block", "overridden"), "rule" (name the requirement id;
// result "met", "not_met"), "override" (name the requirement an override passed at `gate`).
struct ReportCheckRow {
  std::string kind;
  std::string name;
  std::string gate;
  std::string result;
  std::string reason;  // an override's reason
};

// How many episodes of a report have each (kind, name, result).
struct ReportCheckCount {
  std::string kind;
  std::string name;
  std::string result;
  std::int64_t count = 0;
};

// One episode behind a shortfall: a check that was not met first time, or a follow-up missing
// at the time point (kind "follow_up", name the time point, result "missing").
struct ReportShortfallRow {
  EpisodeId episode;
  PatientId patient;
  SiteId site;
  std::string procedure_date;
  std::optional<domain::OperatorId> primary_operator;
  std::string kind;
  std::string name;
  std::string gate;
  std::string result;
  std::string reason;
};

// One procedure's time to a new vertebral fracture, or how long it was followed without one.
struct ReportSurvivalRow {
  std::optional<int> new_fracture_days;
  int followed_days = 0;
};

// One procedure of a primary operator, in order, with its safety flags (for CUSUM charts).
struct ReportCaseRow {
  domain::OperatorId primary_operator;
  std::optional<bool> leakage;
  bool leakage_intervention = false;
  bool paraplegia = false;
  bool other_harm = false;
  bool new_fracture = false;
};

// What a report counts of its procedures (Tx::report_pass).
struct ReportPass {
  // One per (primary operator, site) pair with procedures, by operator then site, the
  // compared sites' among them: from them a report sums both funnels.
  std::vector<ReportCounts> groups;
  // Of the sites the filter chose (not the compared ones):
  ReportCounts total;                       // every group of those sites summed
  std::vector<ReportCaseRow> cases;         // with an operator profile: by operator, then date
  std::vector<ReportSurvivalRow> survival;  // every procedure, by date
  std::vector<ReportCheckCount> checks;     // by kind, name and result
};

}  // namespace vertebro::store
