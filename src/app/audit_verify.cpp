#include "app/audit_verify.h"

#include <algorithm>
#include <limits>

#include "domain/audit.h"
#include "store/store.h"

namespace vertebro::app {

namespace {

constexpr int kBatch = 5000;

std::string describe(const domain::AuditCheckpoint& c) {
  return "the checkpoint of entry " + std::to_string(c.seq) + " signed at " + c.at + " by key " +
         c.key_id;
}

bool same(const domain::AuditCheckpoint& a, const domain::AuditCheckpoint& b) {
  return a.seq == b.seq && a.hash == b.hash && a.at == b.at && a.key_id == b.key_id &&
         a.signature == b.signature;
}

// Checks checkpoints against the entries they sign, as the chain is walked in order.
class CheckpointCheck {
 public:
  CheckpointCheck(const ChainCheckOptions& options, ChainReport& report)
      : options_(options), report_(report) {
    external_ = options.external;
    std::stable_sort(external_.begin(), external_.end(),
                     [](const auto& a, const auto& b) { return a.seq < b.seq; });
    report_.signatures_checked = !options.trusted.empty();
  }

  // The checkpoints stored for the entries of the next batch.
  void stored(std::vector<domain::AuditCheckpoint> in_batch) { stored_ = std::move(in_batch); }

  // Checks every checkpoint of entry `e` (which fits the chain). False at the first failure.
  // Without trusted keys nothing is checked: a checkpoint nobody can verify proves nothing,
  // since whoever rewrote the entries could have rewritten it too.
  bool entry(const domain::AuditEntry& e) {
    if (!report_.signatures_checked) {
      report_.unchecked_checkpoints += std::count_if(
          stored_.begin(), stored_.end(), [&](const auto& c) { return c.seq == e.seq; });
      return true;
    }
    for (const auto& c : stored_) {
      if (c.seq == e.seq && !matches(c, e, "", false)) return false;
    }
    for (; next_external_ < external_.size() && external_[next_external_].seq <= e.seq;
         ++next_external_) {
      const auto& c = external_[next_external_];
      if (c.seq < e.seq) continue;  // for an entry the chain skipped; feed() has failed there
      const bool kept = std::any_of(stored_.begin(), stored_.end(),
                                    [&](const auto& s) { return same(s, c); });
      if (!matches(c, e, " (kept outside the database)", true)) return false;
      if (!kept) {
        return fail(e.seq, describe(c) +
                               " (kept outside the database) is missing from the database: "
                               "checkpoints were deleted");
      }
    }
    return true;
  }

  // After the last entry (`last_seq`): checkpoints beyond it, and whether anything anchors.
  bool finish(std::int64_t last_seq, const std::vector<domain::AuditCheckpoint>& beyond) {
    if (!report_.signatures_checked) return true;
    std::vector<domain::AuditCheckpoint> late = beyond;
    for (std::size_t i = next_external_; i < external_.size(); ++i) {
      if (external_[i].seq > last_seq) late.push_back(external_[i]);
    }
    if (!late.empty()) {
      const auto& c = late.front();
      return fail(last_seq + 1, describe(c) + " covers entry " + std::to_string(c.seq) +
                                    ", but the chain ends at entry " + std::to_string(last_seq) +
                                    ": entries were removed from the end");
    }
    if (report_.signatures_checked && last_seq > 0 && report_.anchored_seq == 0) {
      return fail(1, "no checkpoint signed by a trusted key covers any entry, so nothing shows "
                     "that the chain was not rewritten (checkpoints deleted, or never written)");
    }
    return true;
  }

 private:
  bool matches(const domain::AuditCheckpoint& c, const domain::AuditEntry& e,
               const std::string& where, bool external) {
    if (auto why = options_.trusted.check(c); !why.empty()) {
      return fail(c.seq, describe(c) + where + " is not valid: " + why);
    }
    if (c.hash != e.hash) {
      const std::string range =
          last_match_ == 0 ? "at or before entry " + std::to_string(e.seq)
                           : "after entry " + std::to_string(last_match_) +
                                 " (the last checkpoint that matches) and at or before entry " +
                                 std::to_string(e.seq);
      return fail(e.seq, "entry " + std::to_string(e.seq) + " no longer has the hash signed in " +
                             describe(c) + where + ": an entry " + range +
                             " was changed and the hashes recomputed");
    }
    ++(external ? report_.external_checkpoints : report_.checkpoints);
    last_match_ = e.seq;
    if (e.seq >= report_.anchored_seq) {
      report_.anchored_seq = e.seq;
      report_.anchored_at = c.at;
    }
    return true;
  }

  bool fail(std::int64_t seq, std::string why) {
    report_.bad_seq = seq;
    report_.problem = std::move(why);
    return false;
  }

  const ChainCheckOptions& options_;
  ChainReport& report_;
  std::vector<domain::AuditCheckpoint> external_;
  std::size_t next_external_ = 0;
  std::vector<domain::AuditCheckpoint> stored_;
  std::int64_t last_match_ = 0;  // the last entry a checkpoint matched
};

}  // namespace

Result<ChainReport> verify_chain(const Context& ctx, const ChainCheckOptions& options) {
  domain::ChainVerifier verifier;
  ChainReport report;
  CheckpointCheck checkpoints(options, report);
  std::int64_t after = 0;
  for (;;) {
    std::vector<domain::AuditEntry> batch;
    std::vector<domain::AuditCheckpoint> stored;
    std::pair<std::int64_t, std::string> head;
    auto s = ctx.read([&](store::Tx& tx) -> Status {
      auto rows = tx.audit_range(after, kBatch);
      if (!rows) return std::move(rows).error();
      batch = std::move(*rows);
      // The checkpoints of this batch's entries; after the last entry, those beyond it.
      const std::int64_t up_to =
          batch.empty() ? std::numeric_limits<std::int64_t>::max() : batch.back().seq;
      auto cps = tx.audit_checkpoints(after, up_to);
      if (!cps) return std::move(cps).error();
      stored = std::move(*cps);
      if (batch.empty()) {
        auto h = tx.audit_head();
        if (!h) return std::move(h).error();
        head = *h;
      }
      return {};
    });
    if (!s) return std::move(s).error();
    if (batch.empty()) {
      report.ok = verifier.finish(head.first, head.second);
      if (report.ok) report.ok = checkpoints.finish(after, stored);
      break;
    }
    checkpoints.stored(std::move(stored));
    bool good = true;
    for (const auto& e : batch) {
      if (!verifier.feed(e) || !checkpoints.entry(e)) {
        good = false;
        break;
      }
    }
    if (!good) break;
    after = batch.back().seq;
  }
  report.checked = verifier.checked();
  if (!verifier.problem().empty()) {
    report.bad_seq = verifier.bad_seq();
    report.problem = verifier.problem();
  }
  return report;
}

}  // namespace vertebro::app
