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

}  // namespace vertebro::store
