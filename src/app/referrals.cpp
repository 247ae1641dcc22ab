#include "app/referrals.h"

#include <nlohmann/json.hpp>

#include "app/access.h"
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

// A referral moving to another site leaves the MDT lists of its old site. While it is on a
// list awaiting a decision, the move is refused: the list belongs to that site's MDT
// coordinator, who takes the case off it (audited) before the referral can move. A listing
// with a decision recorded is history and stays; the meeting then shows it only to those who
// may see the episode.
Status refuse_move_while_listed(store::Tx& tx, const store::EpisodeRecord& e) {
  auto cases = tx.episode_mdt_cases(e.id);
  if (!cases) return std::move(cases).error();
  for (const auto& c : *cases) {
    if (!c.decision.empty()) continue;
    auto m = tx.find_meeting(c.meeting);
    if (!m) return std::move(m).error();
    if (!m->has_value()) return Error::internal("An MDT listing refers to a missing meeting");
    std::string site_name;
    if (auto sites = tx.list_sites()) {
      for (const auto& s : *sites) {
        if (s.id == (*m)->site) site_name = s.name;
      }
    }
    auto date = domain::Date::parse((*m)->meeting_date, "meeting_date", "Meeting date");
    return Error::invalid(
        {{"site_id", "This referral is on the list of the " + site_name + " MDT meeting of " +
                         (date ? date->display() : (*m)->meeting_date) +
                         ", awaiting a decision. Ask the MDT coordinator to take it off that "
                         "list before moving the referral to another site."}});
  }
  return {};
}

}  // namespace

Result<store::EpisodeRecord> register_referral(const Context& ctx, const Actor& actor,
                                               PatientId patient,
                                               const domain::ReferralInput& input) {
  if (!role_allows(actor.user.role, domain::Permission::kRegisterReferral)) {
    return Error::forbidden("Your role cannot register referrals");
  }
  std::optional<store::EpisodeRecord> created;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto p = load_visible_patient(tx, refusals, actor, patient);
    if (!p) return std::move(p).error();
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
  log::info("user {} registered episode {}", actor.user.username, created->id.value);
  return std::move(*created);
}

Result<EpisodeView> view_episode(const Context& ctx, const Actor& actor, EpisodeId id) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  std::optional<EpisodeView> view;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto e = load_visible_episode(tx, refusals, actor, id);
    if (!e) return std::move(e).error();
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
  return std::move(*view);
}

Result<store::EpisodeRecord> update_referral(const Context& ctx, const Actor& actor, EpisodeId id,
                                             std::int64_t expected_version,
                                             const domain::ReferralInput& input) {
  if (!role_allows(actor.user.role, domain::Permission::kEditReferral)) {
    return Error::forbidden("Your role cannot change referrals");
  }
  std::optional<store::EpisodeRecord> updated;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto e = load_visible_episode(tx, refusals, actor, id);
    if (!e) return std::move(e).error();
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
    if (details->site != e->referral.site) {
      if (auto listed = refuse_move_while_listed(tx, *e); !listed) return listed;
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
  log::info("user {} updated episode {} to version {}", actor.user.username, id.value,
            updated->version);
  return std::move(*updated);
}

}  // namespace vertebro::app
