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

// A view whose access could not be recorded is not shown (hazard H-093): say so, rather than
// the store's "the change was not saved", which a clinician who only looked would not follow.
Error not_shown(Error e, const std::string& action) {
  const bool access = action == "read" || action == "list" || action == "search" ||
                      action == "read_log";
  if (access && e.code == Errc::kUnavailable) {
    e.message =
        "This could not be shown: the database could not record who viewed it (disk full or a "
        "storage fault), and nothing is shown without that record. Nothing was changed. Tell "
        "your system administrator.";
  }
  return e;
}
}  // namespace

Status audit(store::Tx& tx, const Context& ctx, const Actor& actor, const std::string& action,
             const AuditTarget& target, const std::string& detail_json) {
  auto r = tx.append_audit(entry(ctx, actor, action, target, detail_json));
  if (!r) return not_shown(std::move(r).error(), action);
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
  if (!appended) return not_shown(std::move(appended).error(), "list");
  if (shown.empty()) return {};
  auto linked = tx.link_shown(appended->seq, shown);
  if (!linked) return not_shown(std::move(linked).error(), "list");
  return {};
}

}  // namespace vertebro::app
