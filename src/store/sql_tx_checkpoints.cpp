// Signed checkpoints of the audit chain (migration 0004).
#include "store/sql_tx.h"

namespace vertebro::store {

namespace {

constexpr const char* kCheckpointCols = "seq, hash, at, key_id, signature";

domain::AuditCheckpoint checkpoint_from(const sql::Row& r) {
  return {r.i64(0), r.str(1), r.str(2), r.str(3), r.str(4)};
}

}  // namespace

Result<bool> SqlTx::insert_audit_checkpoint(const domain::AuditCheckpoint& c) {
  auto n = c_.exec(std::string("INSERT INTO audit_checkpoints (") + kCheckpointCols +
                       ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq, key_id) DO NOTHING",
                   {c.seq, c.hash, c.at, c.key_id, c.signature});
  if (!n) return std::move(n).error();
  return *n > 0;
}

Result<std::vector<domain::AuditCheckpoint>> SqlTx::audit_checkpoints(std::int64_t after_seq,
                                                                      std::int64_t up_to_seq) {
  auto rows = c_.query(std::string("SELECT ") + kCheckpointCols +
                           " FROM audit_checkpoints WHERE seq > ? AND seq <= ?"
                           " ORDER BY seq, key_id",
                       {after_seq, up_to_seq});
  if (!rows) return std::move(rows).error();
  std::vector<domain::AuditCheckpoint> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(checkpoint_from(r));
  return out;
}

Result<std::optional<domain::AuditCheckpoint>> SqlTx::last_audit_checkpoint() {
  auto rows = c_.query(std::string("SELECT ") + kCheckpointCols +
                           " FROM audit_checkpoints ORDER BY seq DESC, id DESC LIMIT 1",
                       {});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<domain::AuditCheckpoint>();
  return std::optional<domain::AuditCheckpoint>(checkpoint_from(rows->front()));
}

}  // namespace vertebro::store
