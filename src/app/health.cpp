#include "app/health.h"

#include "store/store.h"

namespace vertebro::app {

Health check_health(const Context& ctx) {
  Health h;
  h.schema_version = ctx.store().schema_version();
  h.backend = ctx.store().backend();
  const Status probe = ctx.read([](store::Tx& tx) -> Status {
    auto head = tx.audit_head();
    if (!head) return std::move(head).error();
    return {};
  });
  h.database_ok = probe.ok();
  return h;
}

}  // namespace vertebro::app
