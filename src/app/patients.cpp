#include "app/patients.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

#include "app/audit_trail.h"
#include "base/log.h"
#include "store/store.h"

namespace vertebro::app {

bool shares_site(const domain::User& user, const std::vector<SiteId>& sites) {
  return std::any_of(sites.begin(), sites.end(), [&](SiteId s) { return user.has_site(s); });
}

Result<SiteId> parse_actor_site(const Actor& actor, const std::string& site_id) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(site_id.data(), site_id.data() + site_id.size(), v);
  if (site_id.empty() || ec != std::errc() || p != site_id.data() + site_id.size() ||
      !actor.user.has_site(SiteId{v})) {
    return Error::invalid({{"site_id", "Select one of your sites"}});
  }
  return SiteId{v};
}

Result<store::PatientRecord> load_visible_patient(store::Tx& tx, const Context& ctx,
                                                  const Actor& actor, PatientId id) {
  auto p = tx.find_patient(id);
  if (!p) return std::move(p).error();
  bool visible = false;
  if (p->has_value()) {
    auto sites = tx.patient_sites(id);
    if (!sites) return std::move(sites).error();
    visible = shares_site(actor.user, *sites);
  }
  if (!visible) {
    // Logged and committed by the caller's transaction only if it commits; callers that
    // fail here still commit so the refused attempt stays on record.
    if (auto a = audit(tx, ctx, actor, "denied", {"patient", id.value, id.value, 0},
                       R"({"reason":"not found or not at the user's sites"})");
        !a) {
      return std::move(a).error();
    }
    log::warn("user {} was refused patient {} (not visible)", actor.user.username, id.value);
    return Error::not_found("No such patient");
  }
  return std::move(**p);
}

Result<store::PatientRecord> register_patient(const Context& ctx, const Actor& actor,
                                              const std::string& site_id,
                                              const domain::PatientInput& input) {
  if (!role_allows(actor.user.role, domain::Permission::kRegisterPatient)) {
    return Error::forbidden("Your role cannot register patients");
  }
  std::vector<FieldError> errors;
  auto site = parse_actor_site(actor, site_id);
  if (!site) errors = site.error().fields;
  auto details = domain::validate_patient(input, domain::Date::today(ctx.clock()));
  if (!details) {
    for (const auto& f : details.error().fields) errors.push_back(f);
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));

  std::optional<store::PatientRecord> created;
  Error duplicate;
  bool is_duplicate = false;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto r = tx.insert_patient(*site, *details, ctx.now_text());
    if (!r) {
      if (r.error().code != Errc::kDuplicate) return std::move(r).error();
      duplicate = std::move(r).error();
      is_duplicate = true;
      // Only point at the existing record when the user may see it.
      auto sites = tx.patient_sites(PatientId{duplicate.related_id});
      if (!sites) return std::move(sites).error();
      if (!shares_site(actor.user, *sites)) {
        duplicate.related_id = 0;
        duplicate.message = duplicate.fields[0].message =
            "A patient with this NHS number is already registered at another site. Ask that "
            "site to share the record.";
      }
      return {};
    }
    created = std::move(*r);
    nlohmann::json detail = {{"site_id", site->value}};
    return audit(tx, ctx, actor, "create",
                 {"patient", created->id.value, created->id.value, site->value}, detail.dump());
  });
  if (!s) return std::move(s).error();
  if (is_duplicate) return duplicate;
  log::info("user {} registered patient {}", actor.user.username, created->id.value);
  return std::move(*created);
}

Result<PatientView> view_patient(const Context& ctx, const Actor& actor, PatientId id) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  PatientView view;
  Error refused;
  bool was_refused = false;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto p = load_visible_patient(tx, ctx, actor, id);
    if (!p) {
      refused = std::move(p).error();
      was_refused = true;
      return refused.code == Errc::kNotFound ? Status{} : Status{refused};
    }
    view.patient = std::move(*p);
    auto eps = tx.patient_episodes(id);
    if (!eps) return std::move(eps).error();
    for (auto& e : *eps) {
      if (actor.user.has_site(e.referral.site)) view.episodes.push_back(std::move(e));
    }
    return audit(tx, ctx, actor, "read", {"patient", id.value, id.value, view.patient.site.value});
  });
  if (!s) return std::move(s).error();
  if (was_refused) return refused;
  return view;
}

Result<store::PatientRecord> find_patient_by_nhs(const Context& ctx, const Actor& actor,
                                                 const std::string& nhs_number) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  auto nhs = domain::NhsNumber::parse(nhs_number);
  if (!nhs) return std::move(nhs).error();
  std::optional<store::PatientRecord> found;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto p = tx.find_patient_by_nhs(nhs->digits());
    if (!p) return std::move(p).error();
    bool visible = false;
    if (p->has_value()) {
      auto sites = tx.patient_sites((*p)->id);
      if (!sites) return std::move(sites).error();
      visible = shares_site(actor.user, *sites);
    }
    if (!visible) {
      return audit(tx, ctx, actor, "search", {"patient", 0, 0, 0}, R"({"found":false})");
    }
    found = std::move(**p);
    return audit(tx, ctx, actor, "search", {"patient", found->id.value, found->id.value,
                                            found->site.value},
                 R"({"found":true})");
  });
  if (!s) return std::move(s).error();
  if (!found) return Error::not_found("No patient with that NHS number at your sites");
  return std::move(*found);
}

}  // namespace vertebro::app
