#include "app/patients.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

#include "app/audit_trail.h"
#include "base/log.h"
#include "store/store.h"

namespace vertebro::app {

namespace {

// The answer once a user has reached Settings::duplicate_elsewhere_limit.
Error duplicate_limit_error(const Settings& st, TimePoint now, TimePoint until) {
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(st.duplicate_elsewhere_window);
  const std::string until_text =
      domain::Date::from_days(std::chrono::floor<std::chrono::days>(until)).display() + ", " +
      format_timestamp(until).substr(11, 5) + " UTC";
  Error e{Errc::kRateLimited,
          "Registering patients is paused for your account until " + until_text + ": you entered " +
              std::to_string(st.duplicate_elsewhere_limit) +
              " NHS numbers already registered at sites you do not work at within " +
              std::to_string(hours.count()) +
              " hours, the limit vertebro sets to protect patients' privacy. Ask the other site to "
              "share the record.",
          {},
          0,
          0};
  e.retry_after_seconds = static_cast<int>(std::max<std::int64_t>(1, (until - now).count()));
  return e;
}

}  // namespace

Result<SiteId> parse_actor_site(const Actor& actor, const std::string& site_id) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(site_id.data(), site_id.data() + site_id.size(), v);
  if (site_id.empty() || ec != std::errc() || p != site_id.data() + site_id.size() ||
      !actor.user.has_site(SiteId{v})) {
    return Error::invalid({{"site_id", "Select one of your sites"}});
  }
  return SiteId{v};
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
  std::optional<Error> refused;  // a refusal whose count must commit
  const auto& st = ctx.settings();
  const std::string counter_key = "duplicate_elsewhere:" + actor.user.id.str();
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    refused.reset();
    auto counter = tx.lock_rate_counter(counter_key);
    if (!counter) return std::move(counter).error();
    const auto now = ctx.clock().now();
    TimePoint window_start{};
    const bool in_window = parse_timestamp(counter->window_start, window_start) &&
                           now - window_start < st.duplicate_elsewhere_window;
    const int count = in_window ? counter->count : 0;
    if (count >= st.duplicate_elsewhere_limit) {
      refusals.add({"patient", 0, 0, site->value},
                   "registration paused: too many NHS numbers registered at other sites");
      return duplicate_limit_error(st, now, window_start + st.duplicate_elsewhere_window);
    }
    auto r = tx.insert_patient(*site, *details, ctx.now_text());
    if (!r) {
      if (r.error().code != Errc::kDuplicate) return std::move(r).error();
      Error duplicate = std::move(r).error();
      const PatientId existing{duplicate.related_id};
      auto sites = tx.patient_sites(existing);
      if (!sites) return std::move(sites).error();
      // A duplicate the user may see links to the existing record; nothing else happens.
      if (shares_site(actor.user, *sites)) return duplicate;
      refusals.add({"patient", existing.value, existing.value, site->value},
                   "NHS number already registered at another site");
      if (auto p = tx.put_rate_counter(
              counter_key, {count + 1, in_window ? counter->window_start : ctx.now_text()});
          !p) {
        return p;
      }
      duplicate.related_id = 0;
      duplicate.message = duplicate.fields[0].message =
          "A patient with this NHS number is already registered at another site. Ask that "
          "site to share the record.";
      refused = std::move(duplicate);
      return {};  // commits the count; the error is returned below
    }
    created = std::move(*r);
    nlohmann::json detail = {{"site_id", site->value}};
    return audit(tx, ctx, actor, "create",
                 {"patient", created->id.value, created->id.value, site->value}, detail.dump());
  });
  if (!s) return std::move(s).error();
  if (refused) return std::move(*refused);
  log::info("user {} registered patient {}", actor.user.username, created->id.value);
  return std::move(*created);
}

Result<PatientView> view_patient(const Context& ctx, const Actor& actor, PatientId id) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  PatientView view;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto p = load_visible_patient(tx, refusals, actor, id);
    if (!p) return std::move(p).error();
    view.patient = std::move(*p);
    view.episodes.clear();
    auto eps = tx.patient_episodes(id);
    if (!eps) return std::move(eps).error();
    for (auto& e : *eps) {
      if (may_see_episode(actor, e)) view.episodes.push_back(std::move(e));
    }
    return audit(tx, ctx, actor, "read", {"patient", id.value, id.value, view.patient.site.value});
  });
  if (!s) return std::move(s).error();
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
