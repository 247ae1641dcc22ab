#include "app/referrals.h"

#include <nlohmann/json.hpp>

#include "app/audit_trail.h"
#include "app/patients.h"
#include "base/log.h"
#include "store/store.h"

namespace vertebro::app {

namespace {

nlohmann::json referral_json(const domain::ReferralDetails& r) {
  return {{"site_id", r.site.value},
          {"referring_clinician", r.referring_clinician},
          {"referral_date", r.referral_date.iso()},
          {"indication", std::string(domain::indication_name(r.indication))},
          {"levels", domain::format_levels(r.levels)},
          {"reason", r.reason}};
}

// {"field": {"from": old, "to": new}} for every field that differs.
nlohmann::json referral_changes(const domain::ReferralDetails& before,
                                const domain::ReferralDetails& after) {
  const auto a = referral_json(before), b = referral_json(after);
  nlohmann::json changes = nlohmann::json::object();
  for (const auto& [key, value] : b.items()) {
    if (a.at(key) != value) changes[key] = {{"from", a.at(key)}, {"to", value}};
  }
  return changes;
}

Result<domain::ReferralDetails> validate_for(const Actor& actor,
                                             const domain::ReferralInput& input, domain::Date today,
                                             domain::Date dob) {
  auto r = domain::validate_referral(input, today, dob);
  std::vector<FieldError> errors;
  if (!r) errors = r.error().fields;
  const bool site_error = std::any_of(errors.begin(), errors.end(),
                                      [](const FieldError& f) { return f.field == "site_id"; });
  if (!site_error) {
    auto site = parse_actor_site(actor, input.site_id);
    if (!site) errors.insert(errors.begin(), site.error().fields.begin(), site.error().fields.end());
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  return std::move(*r);
}

}  // namespace

Result<store::EpisodeRecord> load_visible_episode(store::Tx& tx, const Context& ctx,
                                                  const Actor& actor, EpisodeId id) {
  auto e = tx.find_episode(id);
  if (!e) return std::move(e).error();
  if (!e->has_value() || !actor.user.has_site((*e)->referral.site)) {
    const std::int64_t patient = e->has_value() ? (*e)->patient.value : 0;
    if (auto a = audit(tx, ctx, actor, "denied", {"episode", id.value, patient, 0},
                       R"({"reason":"not found or not at the user's sites"})");
        !a) {
      return std::move(a).error();
    }
    log::warn("user {} was refused episode {} (not visible)", actor.user.username, id.value);
    return Error::not_found("No such episode");
  }
  return std::move(**e);
}

Result<store::EpisodeRecord> register_referral(const Context& ctx, const Actor& actor,
                                               PatientId patient,
                                               const domain::ReferralInput& input) {
  if (!role_allows(actor.user.role, domain::Permission::kRegisterReferral)) {
    return Error::forbidden("Your role cannot register referrals");
  }
  std::optional<store::EpisodeRecord> created;
  Error refused;
  bool was_refused = false;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto p = load_visible_patient(tx, ctx, actor, patient);
    if (!p) {
      refused = std::move(p).error();
      was_refused = true;
      return refused.code == Errc::kNotFound ? Status{} : Status{refused};
    }
    auto details = validate_for(actor, input, domain::Date::today(ctx.clock()),
                                p->details.date_of_birth);
    if (!details) return std::move(details).error();
    auto e = tx.insert_episode(patient, *details, domain::PathwayState::kReferral, ctx.now_text());
    if (!e) return std::move(e).error();
    created = std::move(*e);
    return audit(tx, ctx, actor, "create",
                 {"episode", created->id.value, patient.value, details->site.value},
                 nlohmann::json{{"referral", referral_json(*details)}}.dump());
  });
  if (!s) return std::move(s).error();
  if (was_refused) return refused;
  log::info("user {} registered episode {}", actor.user.username, created->id.value);
  return std::move(*created);
}

Result<EpisodeView> view_episode(const Context& ctx, const Actor& actor, EpisodeId id) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  std::optional<EpisodeView> view;
  Error refused;
  bool was_refused = false;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto e = load_visible_episode(tx, ctx, actor, id);
    if (!e) {
      refused = std::move(e).error();
      was_refused = true;
      return refused.code == Errc::kNotFound ? Status{} : Status{refused};
    }
    auto p = tx.find_patient(e->patient);
    if (!p) return std::move(p).error();
    if (!p->has_value()) return Error::internal("An episode refers to a missing patient");
    auto sites = tx.list_sites();
    if (!sites) return std::move(sites).error();
    std::string site_name;
    for (const auto& site : *sites) {
      if (site.id == e->referral.site) site_name = site.name;
    }
    store::AuditQuery q;
    q.record_type = "episode";
    q.record_id = id.value;
    q.changes_only = true;
    q.limit = 100;
    auto history = tx.audit_for_record(q);
    if (!history) return std::move(history).error();
    view = EpisodeView{std::move(*e), std::move(**p), site_name,
                       guidance::assess_indication(e->referral.indication), std::move(*history)};
    return audit(tx, ctx, actor, "read",
                 {"episode", id.value, view->patient.id.value, view->episode.referral.site.value});
  });
  if (!s) return std::move(s).error();
  if (was_refused) return refused;
  return std::move(*view);
}

Result<store::EpisodeRecord> update_referral(const Context& ctx, const Actor& actor, EpisodeId id,
                                             std::int64_t expected_version,
                                             const domain::ReferralInput& input) {
  if (!role_allows(actor.user.role, domain::Permission::kEditReferral)) {
    return Error::forbidden("Your role cannot change referrals");
  }
  std::optional<store::EpisodeRecord> updated;
  Error refused;
  bool was_refused = false;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto e = load_visible_episode(tx, ctx, actor, id);
    if (!e) {
      refused = std::move(e).error();
      was_refused = true;
      return refused.code == Errc::kNotFound ? Status{} : Status{refused};
    }
    auto p = tx.find_patient(e->patient);
    if (!p) return std::move(p).error();
    if (!p->has_value()) return Error::internal("An episode refers to a missing patient");
    auto details = validate_for(actor, input, domain::Date::today(ctx.clock()),
                                (*p)->details.date_of_birth);
    if (!details) return std::move(details).error();
    if (e->version != expected_version) {
      return Error::conflict(
          "Someone else changed this referral after you opened it. Your changes were not "
          "saved.");
    }
    auto changes = referral_changes(e->referral, *details);
    auto u = tx.update_referral(id, expected_version, *details, ctx.now_text());
    if (!u) return std::move(u).error();
    updated = std::move(*u);
    return audit(tx, ctx, actor, "update",
                 {"episode", id.value, e->patient.value, details->site.value},
                 nlohmann::json{{"changes", changes}, {"version", updated->version}}.dump());
  });
  if (!s) return std::move(s).error();
  if (was_refused) return refused;
  log::info("user {} updated episode {} to version {}", actor.user.username, id.value,
            updated->version);
  return std::move(*updated);
}

}  // namespace vertebro::app
