#pragma once
// Offline verification of the whole access and change log: the hash chain (each entry fits
// the one before it, and the recorded head fits the last entry) and, when trusted public keys
// are given, the signed checkpoints that anchor it outside the database
// (docs/deployment.md, "Anchoring the audit trail").
//
// The hash chain alone finds accidental damage and edits by someone who did not recompute the
// hashes. Someone who can write the database can also drop the append-only triggers, change
// entries and recompute every hash; only a checkpoint signed with a key the database never
// held shows that: the entry it signed no longer has the hash it signed.

#include <cstdint>
#include <string>
#include <vector>

#include "app/context.h"
#include "domain/audit_checkpoint.h"

namespace vertebro::app {

struct ChainCheckOptions {
  // Public keys whose checkpoints count. Empty: no checkpoint is checked (one nobody can
  // verify proves nothing), and the report says the chain is not anchored.
  domain::TrustedKeys trusted;
  // Checkpoints kept outside the database (checkpoint files): each must match the chain and
  // be in the database too.
  std::vector<domain::AuditCheckpoint> external;
};

struct ChainReport {
  bool ok = false;
  std::int64_t checked = 0;  // entries that fit the chain
  std::int64_t bad_seq = 0;  // the first entry that does not fit, when !ok
  std::string problem;       // why, for administrators; never quotes an entry's detail

  bool signatures_checked = false;    // trusted keys were given
  std::int64_t checkpoints = 0;       // checkpoints in the database that matched
  std::int64_t external_checkpoints = 0;   // kept outside the database, matched and stored
  std::int64_t unchecked_checkpoints = 0;  // in the database, not checked for want of keys
  std::int64_t anchored_seq = 0;      // the highest entry a verified checkpoint covers; 0: none
  std::string anchored_at;            // when that checkpoint was signed
};

// Walks the whole chain in read transactions of 5,000 entries, never loading it all at once,
// and checks every checkpoint of the entries it walks. Fails (ok false, bad_seq and problem
// set) at the first entry that does not fit, a checkpoint that is not signed by a trusted key
// or does not match its entry, a checkpoint beyond the end of the chain, an external
// checkpoint missing from the database, or a chain with entries and no verified checkpoint
// at all; checkpoints are checked only when trusted keys are given. Errors: those of the store.
Result<ChainReport> verify_chain(const Context& ctx, const ChainCheckOptions& options = {});

}  // namespace vertebro::app
