#include "app/access.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/log.h"
#include "store/store.h"

namespace vertebro::app {

namespace {
constexpr const char* kNotVisible = "not found or not at the user's sites";
}  // namespace

void Refusals::add(const AuditTarget& target, std::string reason) {
  entries_.emplace_back(target, std::move(reason));
}

Status write_with_refusals(const Context& ctx, const Actor& actor,
                           const std::function<Status(store::Tx&, Refusals&)>& body) {
  Refusals refusals;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    refusals.clear();  // an attempt retried after kBusy starts again
    return body(tx, refusals);
  });
  if (refusals.empty()) return s;
  auto recorded = ctx.write([&](store::Tx& tx) -> Status {
    for (const auto& [target, reason] : refusals.entries()) {
      if (auto a = audit(tx, ctx, actor, "denied", target,
                         nlohmann::json{{"reason", reason}}.dump());
          !a) {
        return a;
      }
    }
    return {};
  });
  if (!recorded) {
    log::error("user {} was refused {} record(s) and the refusal could not be audited: {}",
               actor.user.username, refusals.entries().size(), recorded.error().message);
    return recorded;
  }
  return s;
}

bool may_see_episode(const Actor& actor, const store::EpisodeRecord& episode) {
  return role_allows(actor.user.role, domain::Permission::kViewPatients) &&
         actor.user.has_site(episode.referral.site);
}

Result<std::optional<store::EpisodeRecord>> find_visible_episode(store::Tx& tx, const Actor& actor,
                                                                 EpisodeId id) {
  auto e = tx.find_episode(id);
  if (!e) return std::move(e).error();
  if (e->has_value() && !may_see_episode(actor, **e)) return std::optional<store::EpisodeRecord>();
  return std::move(*e);
}

Result<store::EpisodeRecord> load_visible_episode(store::Tx& tx, Refusals& refusals,
                                                  const Actor& actor, EpisodeId id) {
  auto e = tx.find_episode(id);
  if (!e) return std::move(e).error();
  if (!e->has_value() || !may_see_episode(actor, **e)) {
    const std::int64_t patient = e->has_value() ? (*e)->patient.value : 0;
    refusals.add({"episode", id.value, patient, 0}, kNotVisible);
    log::warn("user {} was refused episode {} (not visible)", actor.user.username, id.value);
    return Error::not_found("No such episode");
  }
  return std::move(**e);
}

bool shares_site(const domain::User& user, const std::vector<SiteId>& sites) {
  return std::any_of(sites.begin(), sites.end(), [&](SiteId s) { return user.has_site(s); });
}

Result<store::PatientRecord> load_visible_patient(store::Tx& tx, Refusals& refusals,
                                                  const Actor& actor, PatientId id) {
  auto p = tx.find_patient(id);
  if (!p) return std::move(p).error();
  bool visible = false;
  if (p->has_value() && role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    auto sites = tx.patient_sites(id);
    if (!sites) return std::move(sites).error();
    visible = shares_site(actor.user, *sites);
  }
  if (!visible) {
    refusals.add({"patient", id.value, id.value, 0}, kNotVisible);
    log::warn("user {} was refused patient {} (not visible)", actor.user.username, id.value);
    return Error::not_found("No such patient");
  }
  return std::move(**p);
}

}  // namespace vertebro::app
