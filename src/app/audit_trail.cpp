#include "app/audit_trail.h"

#include "store/store.h"

namespace vertebro::app {

Status audit(store::Tx& tx, const Context& ctx, const Actor& actor, const std::string& action,
             const AuditTarget& target, const std::string& detail_json) {
  domain::AuditEntry e;
  e.at = ctx.now_text();
  e.user_id = actor.user.id.value;
  e.username = actor.user.username;
  e.action = action;
  e.record_type = target.record_type;
  e.record_id = target.record_id;
  e.patient_id = target.patient_id;
  e.site_id = target.site_id;
  e.detail = detail_json;
  auto r = tx.append_audit(std::move(e));
  if (!r) return std::move(r).error();
  return {};
}

}  // namespace vertebro::app
