#include "domain/audit_checkpoint.h"

#include <cctype>
#include <charconv>

#include "base/crypto.h"

namespace vertebro::domain {

namespace {

constexpr std::string_view kMarker = "vertebro-audit-checkpoint/1";

bool is_hex(std::string_view s, std::size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

// The value of " name=" in `fields` up to the next space, or nullopt.
std::optional<std::string_view> field(std::string_view fields, std::string_view name) {
  const std::string key = " " + std::string(name) + "=";
  const auto at = fields.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  const auto begin = at + key.size();
  const auto end = fields.find(' ', begin);
  return fields.substr(begin, end == std::string_view::npos ? fields.size() - begin : end - begin);
}

}  // namespace

std::string checkpoint_message(const AuditCheckpoint& c) {
  std::string m(kMarker);
  m += '\n';
  m += std::to_string(c.seq);
  m += '\n';
  m += c.hash;
  m += '\n';
  m += c.at;
  m += '\n';
  m += c.key_id;
  return m;
}

std::string audit_key_id(std::string_view public_hex) {
  return crypto::sha256_hex(public_hex).substr(0, 16);
}

std::string checkpoint_line(const AuditCheckpoint& c) {
  return std::string(kMarker) + " seq=" + std::to_string(c.seq) + " hash=" + c.hash +
         " at=" + c.at + " key=" + c.key_id + " sig=" + c.signature;
}

std::optional<AuditCheckpoint> parse_checkpoint_line(std::string_view line) {
  const auto at = line.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view fields = line.substr(at + kMarker.size());
  while (!fields.empty() && std::isspace(static_cast<unsigned char>(fields.back())) != 0) {
    fields.remove_suffix(1);
  }
  const auto seq = field(fields, "seq");
  const auto hash = field(fields, "hash");
  const auto when = field(fields, "at");
  const auto key = field(fields, "key");
  const auto sig = field(fields, "sig");
  if (!seq || !hash || !when || !key || !sig) return std::nullopt;
  AuditCheckpoint c;
  const auto [end, ec] = std::from_chars(seq->data(), seq->data() + seq->size(), c.seq);
  if (ec != std::errc() || end != seq->data() + seq->size() || c.seq < 1) return std::nullopt;
  if (!is_hex(*hash, 64) || !is_hex(*key, 16) || !is_hex(*sig, 128) || when->empty()) {
    return std::nullopt;
  }
  c.hash = std::string(*hash);
  c.at = std::string(*when);
  c.key_id = std::string(*key);
  c.signature = std::string(*sig);
  return c;
}

bool TrustedKeys::add(std::string_view public_hex) {
  if (!is_hex(public_hex, 64)) return false;
  std::string key(public_hex);
  for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  keys_[audit_key_id(key)] = key;
  return true;
}

std::string TrustedKeys::check(const AuditCheckpoint& c) const {
  const auto it = keys_.find(c.key_id);
  if (it == keys_.end()) {
    return "it names key " + c.key_id + ", which is not among the trusted public keys";
  }
  if (!crypto::verify_signature(it->second, checkpoint_message(c), c.signature)) {
    return "its signature does not verify with key " + c.key_id +
           " (the checkpoint was altered or forged)";
  }
  return "";
}

}  // namespace vertebro::domain
