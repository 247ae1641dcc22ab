#include "app/context.h"

#include <thread>

#include "store/store.h"

namespace vertebro::app {

namespace {
Status with_retries(store::Store& s, store::TxMode mode,
                    const std::function<Status(store::Tx&)>& body) {
  std::chrono::milliseconds backoff{5};
  for (int attempt = 0;; ++attempt) {
    auto r = s.transact(mode, body);
    if (r || r.error().code != Errc::kBusy || attempt >= 5) return r;
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
}
}  // namespace

Status Context::write(const std::function<Status(store::Tx&)>& body) const {
  return with_retries(store_, store::TxMode::kWrite, body);
}

Status Context::read(const std::function<Status(store::Tx&)>& body) const {
  return with_retries(store_, store::TxMode::kRead, body);
}

Actor system_actor(const std::string& name) {
  Actor a;
  a.user.username = name;
  a.user.display_name = name;
  a.user.role = domain::Role::kAdministrator;
  return a;
}

}  // namespace vertebro::app
