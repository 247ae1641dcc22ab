#pragma once
// Who may see which record, and refusals that stay on record.
//
// One rule decides what a user sees: an episode when its referral is at one of the user's sites
// and the user's role may see patients; a patient when registered at, or with an episode at, one
// of the user's sites. Every use case that shows or changes an episode or a patient goes through
// the helpers here: load_visible_episode / load_visible_patient for the record a request names,
// may_see_episode for each row a list shows (worklist, MDT lists and candidates).
//
// A refusal is noted in a Refusals collector during the use case's transaction, and
// write_with_refusals appends it as a "denied" audit entry in a transaction of its own once the
// use case's transaction has ended, so it is on record whether that transaction commits or rolls
// back (a refusal usually ends the use case with an error, which rolls back everything else).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/audit_trail.h"
#include "app/context.h"
#include "domain/records.h"

namespace vertebro::app {

// The refusals of one use case. Not thread-safe; lives for one write_with_refusals call.
class Refusals {
 public:
  // Notes that the actor was refused `target`. `reason` goes into the entry's detail, which is
  // never written to logs; it must not hold patient identifiers.
  void add(const AuditTarget& target, std::string reason);
  bool empty() const { return entries_.empty(); }
  const std::vector<std::pair<AuditTarget, std::string>>& entries() const { return entries_; }
  void clear() { entries_.clear(); }

 private:
  std::vector<std::pair<AuditTarget, std::string>> entries_;
};

// Runs `body` in a write transaction (Context::write: retried while the database is busy; the
// refusals of an attempt that is retried are forgotten). Then, if `body` noted refusals, appends
// one "denied" entry for each in a second write transaction, whether the first committed, rolled
// back or failed. Returns the body's status; if the denied entries cannot be written, that error
// instead (the refusal must not pass unrecorded).
Status write_with_refusals(const Context& ctx, const Actor& actor,
                           const std::function<Status(store::Tx&, Refusals&)>& body);

// Whether the actor may see the episode: a role that may see patients, and the referral at one
// of the actor's sites.
bool may_see_episode(const Actor& actor, const domain::EpisodeRecord& episode);

// The episode when it exists and the actor may see it; std::nullopt otherwise. Notes no
// refusal: for the rows of a list, which leaves out what the actor may not see.
Result<std::optional<domain::EpisodeRecord>> find_visible_episode(store::Tx& tx, const Actor& actor,
                                                                 EpisodeId id);

// The episode, when it exists and the actor may see it. Otherwise notes a refusal (record
// "episode") and returns kNotFound, exactly as for an episode that does not exist.
Result<domain::EpisodeRecord> load_visible_episode(store::Tx& tx, Refusals& refusals,
                                                  const Actor& actor, EpisodeId id);

// True when the actor's sites include any of `sites`.
bool shares_site(const domain::User& user, const std::vector<SiteId>& sites);

// The patient, when it exists and the actor may see it (a role that may see patients, and the
// patient registered at or with an episode at one of the actor's sites). Otherwise notes a
// refusal (record "patient") and returns kNotFound.
Result<domain::PatientRecord> load_visible_patient(store::Tx& tx, Refusals& refusals,
                                                  const Actor& actor, PatientId id);

}  // namespace vertebro::app
