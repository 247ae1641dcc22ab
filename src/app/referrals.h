#pragma once
// Referral episodes: register, view, and edit with optimistic versioning.

#include <string>
#include <vector>

#include "app/access.h"
#include "app/context.h"
#include "domain/audit.h"
#include "domain/records.h"
#include "domain/referral.h"
#include "guidance/indication.h"

namespace vertebro::app {

// Opens a referral episode for a patient the actor may see, at one of the actor's sites.
// Errors: kForbidden, kNotFound (patient), kInvalid (fields).
Result<domain::EpisodeRecord> register_referral(const Context& ctx, const Actor& actor,
                                                PatientId patient,
                                                const domain::ReferralInput& input);

struct EpisodeView {
  domain::EpisodeRecord episode;
  domain::PatientRecord patient;
  std::string site_name;
  guidance::Finding indication_finding;
  std::vector<domain::AuditEntry> history;  // changes to the episode, newest first
};

// Reads an episode (audited). kNotFound when absent or not at the actor's sites.
Result<EpisodeView> view_episode(const Context& ctx, const Actor& actor, EpisodeId id);

// Replaces the referral details if the stored version is still `expected_version`.
// Errors: kForbidden, kNotFound, kInvalid (fields; site_id when the referral moves to another
// site while it is on an MDT list awaiting a decision: the list's coordinator takes it off
// first), kConflict (someone saved first; nothing is written; read the episode again to show
// the current values).
Result<domain::EpisodeRecord> update_referral(const Context& ctx, const Actor& actor, EpisodeId id,
                                             std::int64_t expected_version,
                                             const domain::ReferralInput& input);

}  // namespace vertebro::app
