#pragma once
// Writing signed checkpoints of the audit chain's head (domain/audit_checkpoint.h): on demand
// (`vertebro audit checkpoint`) and periodically by a running server (CheckpointWriter).
// Each checkpoint is stored in audit_checkpoints and logged (entry and key id); with a
// checkpoint file, its line is also appended there, outside the database. The secret key
// never reaches the database or the log.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/context.h"
#include "base/crypto.h"
#include "domain/audit_checkpoint.h"

namespace vertebro::app {

struct CheckpointResult {
  std::optional<domain::AuditCheckpoint> checkpoint;  // nullopt: nothing to sign
  bool written = false;  // false: that checkpoint was there already (it is returned)
};

// Signs the chain's head with `key` in one write transaction and stores the checkpoint.
// Nothing is signed when the chain is empty, or, with `only_if_moved`, when the newest
// checkpoint (by any key) is already at the head: instances sharing a database then do not
// sign the same head over and over. When `key` has already signed the head, that checkpoint
// is returned with written = false. Errors: those of the store.
Result<CheckpointResult> write_checkpoint(const Context& ctx, const crypto::SigningKey& key,
                                          bool only_if_moved);

// Logs a new checkpoint (entry and key id) and, when `checkpoint_file` is not empty, appends
// its line to that file, outside the database. Errors: kUnavailable (the file).
Status keep_checkpoint_line(const domain::AuditCheckpoint& c, const std::string& checkpoint_file);

// A running server's checkpoints: one when started, then one every `interval` while the head
// moves, and a last one when stopped. Failures are logged and tried again at the next tick.
// Thread-safe; the destructor stops it. The Context must outlive it.
class CheckpointWriter {
 public:
  CheckpointWriter(const Context& ctx, crypto::SigningKey key, std::chrono::seconds interval,
                   std::string checkpoint_file);
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  void start();
  // Writes the last checkpoint and joins the thread. Safe to call twice.
  void stop();

 private:
  void tick();
  const Context& ctx_;
  crypto::SigningKey key_;
  std::chrono::seconds interval_;
  std::string file_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vertebro::app
