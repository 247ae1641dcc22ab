#include "domain/audit.h"

#include "base/crypto.h"

namespace vertebro::domain {

namespace {
void field(std::string& out, const std::string& v) {
  out += std::to_string(v.size());
  out += ':';
  out += v;
  out += ';';
}
void field(std::string& out, std::int64_t v) { field(out, std::to_string(v)); }
}  // namespace

std::string canonical(const AuditEntry& e) {
  std::string out;
  out.reserve(128 + e.detail.size());
  field(out, e.seq);
  field(out, e.at);
  field(out, e.user_id);
  field(out, e.username);
  field(out, e.action);
  field(out, e.record_type);
  field(out, e.record_id);
  field(out, e.patient_id);
  field(out, e.site_id);
  field(out, e.detail);
  field(out, e.prev_hash);
  return out;
}

std::string chain_hash(const AuditEntry& e) {
  return crypto::sha256_hex(e.prev_hash + "\n" + canonical(e));
}

bool ChainVerifier::fail(std::int64_t seq, std::string why) {
  bad_seq_ = seq;
  problem_ = std::move(why);
  return false;
}

bool ChainVerifier::feed(const AuditEntry& e) {
  if (e.seq != last_seq_ + 1) {
    return fail(e.seq, "sequence jumps from " + std::to_string(last_seq_) + " to " +
                           std::to_string(e.seq) + " (entries missing or inserted)");
  }
  if (e.prev_hash != last_hash_) {
    return fail(e.seq, "previous-hash link does not match entry " + std::to_string(last_seq_));
  }
  if (chain_hash(e) != e.hash) {
    return fail(e.seq, "entry content does not match its hash (entry altered)");
  }
  ++count_;
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  return true;
}

bool ChainVerifier::finish(std::int64_t head_seq, const std::string& head_hash) {
  if (head_seq < last_seq_) {
    return fail(head_seq + 1, "entries after the recorded head (entry " +
                                  std::to_string(head_seq) + ") were added outside vertebro");
  }
  if (head_seq > last_seq_) {
    return fail(last_seq_ + 1, "the chain ends at entry " + std::to_string(last_seq_) +
                                   " but the recorded head is entry " + std::to_string(head_seq) +
                                   " (entries removed from the end)");
  }
  if (head_hash != last_hash_) {
    return fail(last_seq_, "the last entry does not match the recorded head (entry altered)");
  }
  return true;
}

}  // namespace vertebro::domain
