#pragma once
// The files of the key that signs audit checkpoints, kept outside the database
// (docs/deployment.md, "Anchoring the audit trail").
//
// The secret key file holds one line, "vertebro-audit-secret-key ed25519 <seed>", the seed
// being 64 hex digits; only its owner may read it (mode 0600 or stricter). The public key
// file beside it ("<file>.pub") holds "vertebro-audit-public-key ed25519 <key>"; it is not
// secret, and it is all a verifier needs. A key's id is domain::audit_key_id of its public key.

#include <string>
#include <vector>

#include "base/crypto.h"
#include "base/result.h"
#include "domain/audit_checkpoint.h"

namespace vertebro::app {

struct AuditKeyFiles {
  std::string secret_path;
  std::string public_path;
  std::string key_id;
};

// Creates a new key: the secret at `path` (created with mode 0600; an existing file is never
// replaced) and the public key at `path` + ".pub". Errors: kInvalid (field "out") when either
// file exists or cannot be written.
Result<AuditKeyFiles> create_audit_key(const std::string& path);

// Reads the secret key. Errors: kInvalid (field "audit-key") when the file is missing,
// unreadable, malformed, or readable or writable by anyone but its owner.
Result<crypto::SigningKey> load_audit_key(const std::string& path);

// The public keys a verifier trusts. Each item is a public key file, a directory (every
// "*.pub" file in it), or a public key given as its 64 hex digits. Errors: kInvalid (field
// "public-key") naming the item that holds no public key.
Result<domain::TrustedKeys> load_trusted_keys(const std::vector<std::string>& items);

// Every checkpoint line in these files (checkpoint files, also when a log shipper has put a
// prefix before each line), in file order. Other lines are skipped. Errors: kInvalid (field
// "checkpoints") when a file cannot be read.
Result<std::vector<domain::AuditCheckpoint>> read_checkpoint_files(
    const std::vector<std::string>& paths);

// Appends the checkpoint's line to `path` (created if needed) and waits until it is on disk.
// Errors: kUnavailable when the file cannot be written.
Status append_checkpoint_line(const std::string& path, const domain::AuditCheckpoint& c);

}  // namespace vertebro::app
