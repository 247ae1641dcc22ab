#pragma once
// The access and change log: one append-only, hash-chained sequence of entries.
// Each entry's hash = SHA-256(previous hash || canonical form of the entry). A verifier walks
// the chain in sequence order and names the first entry that does not fit.

#include <cstdint>
#include <string>

namespace vertebro::domain {

struct AuditEntry {
  std::int64_t seq = 0;          // 1, 2, 3, ... with no gaps
  std::string at;                // UTC timestamp
  std::int64_t user_id = 0;      // 0 for the system or an unknown user
  std::string username;          // as typed for failed sign-ins; never a patient identifier
  std::string action;            // "read", "create", "update", "sign_in", "denied", ...
  std::string record_type;       // "patient", "episode", "worklist", "session", "user", ...
  std::int64_t record_id = 0;
  std::int64_t patient_id = 0;   // the patient the record belongs to, or 0
  std::int64_t site_id = 0;
  std::string detail;            // JSON: what changed, the filter used, the reason refused
  std::string prev_hash;
  std::string hash;
};

// The hash of the entry before the first one.
inline const std::string kGenesisHash(64, '0');

// The canonical form hashed for an entry: every field except `hash`, length-prefixed.
std::string canonical(const AuditEntry& e);
// SHA-256(prev_hash || "\n" || canonical(e)) as hex.
std::string chain_hash(const AuditEntry& e);

// Checks entries fed in ascending sequence order. Not thread-safe.
class ChainVerifier {
 public:
  // Returns false at the first entry that breaks the chain; `problem()` then says why.
  bool feed(const AuditEntry& e);
  // Checks the stored head (last sequence number and hash) against what was fed.
  bool finish(std::int64_t head_seq, const std::string& head_hash);

  std::int64_t checked() const { return count_; }
  std::int64_t bad_seq() const { return bad_seq_; }
  const std::string& problem() const { return problem_; }

 private:
  bool fail(std::int64_t seq, std::string why);
  std::int64_t count_ = 0;
  std::int64_t last_seq_ = 0;
  std::string last_hash_ = kGenesisHash;
  std::int64_t bad_seq_ = 0;
  std::string problem_;
};

}  // namespace vertebro::domain
