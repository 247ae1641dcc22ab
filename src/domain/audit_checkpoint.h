#pragma once
// Signed checkpoints of the audit chain: the chain's head (an entry's sequence number and
// hash) signed with an Ed25519 key kept outside the database. Someone who can write the
// database can rewrite entries and recompute every hash, but cannot sign: a checkpoint whose
// entry no longer has the hash it signed shows the rewrite. Pure: building the signed message,
// the text line kept outside the database, and checking one checkpoint against trusted keys.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vertebro::domain {

struct AuditCheckpoint {
  std::int64_t seq = 0;   // the chain entry signed: the head when the checkpoint was made
  std::string hash;       // that entry's hash
  std::string at;         // UTC timestamp of the signing
  std::string key_id;     // the signing key (audit_key_id of its public key)
  std::string signature;  // Ed25519 signature of checkpoint_message(), 128 hex digits
};

// The bytes signed:
// "vertebro-audit-checkpoint/1\n" seq "\n" hash "\n" at "\n" key_id
std::string checkpoint_message(const AuditCheckpoint& c);

// A public key's id: the first 16 hex digits of SHA-256 of its 64 lower-case hex digits.
std::string audit_key_id(std::string_view public_hex);

// One line of text for keeping a checkpoint outside the database (a checkpoint file):
// "vertebro-audit-checkpoint/1 seq=N hash=H at=T key=K sig=S". No patient data, no secret.
std::string checkpoint_line(const AuditCheckpoint& c);
// The checkpoint in a line that contains one (anything before the marker, such as the time
// and host a log shipper adds, is skipped); nullopt when the line holds none or is malformed.
std::optional<AuditCheckpoint> parse_checkpoint_line(std::string_view line);

// The public keys a verifier trusts, by key id. Not thread-safe to modify.
class TrustedKeys {
 public:
  // Adds a public key (64 hex digits). False when it is not one.
  bool add(std::string_view public_hex);
  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }
  // "" when the checkpoint's signature verifies with the trusted key it names; otherwise why
  // not (unknown key, or a signature that does not verify).
  std::string check(const AuditCheckpoint& c) const;

 private:
  std::map<std::string, std::string> keys_;  // key id -> public key hex
};

}  // namespace vertebro::domain
