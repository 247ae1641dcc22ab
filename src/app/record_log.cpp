#include "app/record_log.h"

#include "app/access.h"
#include "app/audit_trail.h"
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
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    // The log is shown only for records the actor may see.
    std::int64_t patient_id = request.record_id;
    if (request.record_type == "episode") {
      auto e = load_visible_episode(tx, refusals, actor, EpisodeId{request.record_id});
      if (!e) return std::move(e).error();
      patient_id = e->patient.value;
    } else {
      auto p = load_visible_patient(tx, refusals, actor, PatientId{request.record_id});
      if (!p) return std::move(p).error();
    }
    store::AuditQuery q;
    q.record_type = request.record_type;
    q.record_id = request.record_id;
    q.before_seq = request.before_seq;
    q.with_lists = true;  // and every list view that showed it
    q.limit = kPage + 1;
    auto rows = tx.audit_for_record(q);
    if (!rows) return std::move(rows).error();
    log.entries = std::move(*rows);
    log.patient_id = patient_id;
    return audit(tx, ctx, actor, "read_log",
                 {request.record_type, request.record_id, patient_id, 0});
  });
  if (!s) return std::move(s).error();
  if (log.entries.size() > static_cast<std::size_t>(kPage)) {
    log.entries.pop_back();
    log.next_before = log.entries.back().seq;
  }
  return log;
}

}  // namespace vertebro::app
