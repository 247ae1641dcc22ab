#include "app/audit_checkpoints.h"

#include "app/audit_keys.h"
#include "base/log.h"
#include "store/store.h"

namespace vertebro::app {

Result<CheckpointResult> write_checkpoint(const Context& ctx, const crypto::SigningKey& key,
                                          bool only_if_moved) {
  CheckpointResult result;
  const std::string key_id = domain::audit_key_id(key.public_hex());
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    result = {};
    auto head = tx.audit_head();
    if (!head) return std::move(head).error();
    if (head->first == 0) return {};
    if (only_if_moved) {
      auto last = tx.last_audit_checkpoint();
      if (!last) return std::move(last).error();
      if (last->has_value() && (*last)->seq >= head->first) return {};
    }
    domain::AuditCheckpoint c{head->first, head->second, ctx.now_text(), key_id, ""};
    c.signature = key.sign_hex(domain::checkpoint_message(c));
    auto inserted = tx.insert_audit_checkpoint(c);
    if (!inserted) return std::move(inserted).error();
    if (!*inserted) {
      // This key signed the head before: return that checkpoint.
      auto existing = tx.audit_checkpoints(head->first - 1, head->first);
      if (!existing) return std::move(existing).error();
      for (auto& e : *existing) {
        if (e.key_id == key_id) result.checkpoint = std::move(e);
      }
      return {};
    }
    result.checkpoint = std::move(c);
    result.written = true;
    return {};
  });
  if (!s) return std::move(s).error();
  return result;
}

Status keep_checkpoint_line(const domain::AuditCheckpoint& c, const std::string& checkpoint_file) {
  // Only a summary: the log masks digit runs shaped like NHS numbers, which a hash or a
  // signature can contain, so the log cannot keep the line itself intact.
  log::info("audit checkpoint written: entry {}, key {}", c.seq, c.key_id);
  if (checkpoint_file.empty()) return {};
  return append_checkpoint_line(checkpoint_file, c);
}

CheckpointWriter::CheckpointWriter(const Context& ctx, crypto::SigningKey key,
                                   std::chrono::seconds interval, std::string checkpoint_file)
    : ctx_(ctx), key_(std::move(key)), interval_(interval), file_(std::move(checkpoint_file)) {}

CheckpointWriter::~CheckpointWriter() { stop(); }

void CheckpointWriter::start() {
  log::info("audit checkpoints: signing the chain's head every {} s with key {}{}",
            interval_.count(), domain::audit_key_id(key_.public_hex()),
            file_.empty() ? "" : " (lines also kept in " + file_ + ")");
  tick();
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      tick();
      lock.lock();
    }
  });
}

void CheckpointWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    tick();
  }
}

void CheckpointWriter::tick() {
  auto r = write_checkpoint(ctx_, key_, true);
  if (!r) {
    log::error("audit checkpoint not written: {}", r.error().message);
    return;
  }
  if (!r->written || !r->checkpoint) return;
  if (auto s = keep_checkpoint_line(*r->checkpoint, file_); !s) {
    log::error("audit checkpoint {} stored in the database but not in the checkpoint file: {}",
               r->checkpoint->seq, s.error().message);
  }
}

}  // namespace vertebro::app
