#include "app/record_log.h"

#include "app/audit_trail.h"
#include "app/patients.h"
#include "store/store.h"

namespace vertebro::app {

Result<RecordLog> view_record_log(const Context& ctx, const Actor& actor,
                                  const RecordLogRequest& request) {
  if (!role_allows(actor.user.role, domain::Permission::kViewRecordLog)) {
    return Error::forbidden("Only administrators and governance leads can see record logs");
  }
  if (request.record_type != "patient" && request.record_type != "episode") {
    return Error::invalid({{"record_type", "Record type must be patient or episode"}});
  }
  constexpr int kPage = 100;
  RecordLog log;
  Error refused;
  bool was_refused = false;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    // The log is shown only for records at the actor's sites.
    std::int64_t patient_id = request.record_id;
    if (request.record_type == "episode") {
      auto e = tx.find_episode(EpisodeId{request.record_id});
      if (!e) return std::move(e).error();
      if (!e->has_value() || !actor.user.has_site((*e)->referral.site)) {
        refused = Error::not_found("No such episode");
        was_refused = true;
        return audit(tx, ctx, actor, "denied", {"episode_log", request.record_id, 0, 0});
      }
      patient_id = (*e)->patient.value;
    } else {
      auto p = load_visible_patient(tx, ctx, actor, PatientId{request.record_id});
      if (!p) {
        refused = std::move(p).error();
        was_refused = true;
        return refused.code == Errc::kNotFound ? Status{} : Status{refused};
      }
    }
    store::AuditQuery q;
    q.record_type = request.record_type;
    q.record_id = request.record_id;
    q.before_seq = request.before_seq;
    q.limit = kPage + 1;
    auto rows = tx.audit_for_record(q);
    if (!rows) return std::move(rows).error();
    log.entries = std::move(*rows);
    log.patient_id = patient_id;
    return audit(tx, ctx, actor, "read_log",
                 {request.record_type, request.record_id, patient_id, 0});
  });
  if (!s) return std::move(s).error();
  if (was_refused) return refused;
  if (log.entries.size() > static_cast<std::size_t>(kPage)) {
    log.entries.pop_back();
    log.next_before = log.entries.back().seq;
  }
  return log;
}

}  // namespace vertebro::app
