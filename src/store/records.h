#pragma once
// Rows the store returns. Plain values; the store fills them, the app reads them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "domain/pathway_state.h"
#include "domain/patient.h"
#include "domain/referral.h"
#include "domain/user.h"

namespace vertebro::store {

struct PatientRecord {
  PatientId id;
  SiteId site;  // the registering site
  domain::PatientDetails details;
  std::int64_t version = 0;
  std::string created_at;
  std::string updated_at;
};

struct EpisodeRecord {
  EpisodeId id;
  PatientId patient;
  domain::PathwayState state = domain::PathwayState::kReferral;
  domain::ReferralDetails referral;
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
  domain::Date date_of_birth = domain::Date::from_days({});
  std::string site_name;
};

struct WorklistQuery {
  std::vector<SiteId> sites;  // only these sites (the user's); never empty
  std::optional<domain::PathwayState> state;
  bool open_only = true;  // when no state is named: hide closed episodes and exits
  // Keyset pagination in waiting order (oldest referral first): rows after this key.
  std::optional<std::pair<std::string, std::int64_t>> after;  // {referral_date, episode id}
  int limit = 50;
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

struct AuditQuery {
  std::string record_type;
  std::int64_t record_id = 0;
  std::int64_t before_seq = 0;  // 0: newest first from the end
  bool changes_only = false;    // creations, updates and transitions; no reads
  int limit = 50;
};

}  // namespace vertebro::store
