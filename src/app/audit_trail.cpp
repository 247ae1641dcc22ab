#include "app/audit_trail.h"

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace vertebro::app {

namespace {
domain::AuditEntry entry(const Context& ctx, const Actor& actor, const std::string& action,
                         const AuditTarget& target, std::string detail_json) {
  domain::AuditEntry e;
  e.at = ctx.now_text();
  e.user_id = actor.user.id.value;
  e.username = actor.user.username;
  e.action = action;
  e.record_type = target.record_type;
  e.record_id = target.record_id;
  e.patient_id = target.patient_id;
  e.site_id = target.site_id;
  e.detail = std::move(detail_json);
  return e;
}
}  // namespace

Status audit(store::Tx& tx, const Context& ctx, const Actor& actor, const std::string& action,
             const AuditTarget& target, const std::string& detail_json) {
  auto r = tx.append_audit(entry(ctx, actor, action, target, detail_json));
  if (!r) return std::move(r).error();
  return {};
}

Status audit_list(store::Tx& tx, const Context& ctx, const Actor& actor, const AuditTarget& target,
                  nlohmann::json detail, const std::vector<domain::ShownRecord>& shown) {
  nlohmann::json episodes = nlohmann::json::array();
  nlohmann::json patients = nlohmann::json::array();
  for (const auto& s : shown) {
    episodes.push_back(s.episode.value);
    patients.push_back(s.patient.value);
  }
  detail["episodes"] = std::move(episodes);
  detail["patients"] = std::move(patients);
  auto appended = tx.append_audit(entry(ctx, actor, "list", target, detail.dump()));
  if (!appended) return std::move(appended).error();
  if (shown.empty()) return {};
  return tx.link_shown(appended->seq, shown);
}

}  // namespace vertebro::app
