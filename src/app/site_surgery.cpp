#include "app/site_surgery.h"

#include <nlohmann/json.hpp>

#include "app/audit_trail.h"
#include "base/log.h"
#include "domain/text.h"
#include "guidance/snapshot.h"
#include "store/store.h"

namespace vertebro::app {

namespace {
nlohmann::json surgery_json(const std::optional<store::SiteSurgeryRecord>& r) {
  if (!r) return nullptr;
  return {{"access", r->access}, {"service", r->service}, {"review_date", r->review_date}};
}
}  // namespace

Result<std::vector<SiteSurgeryView>> list_site_surgery(const Context& ctx, const Actor& actor) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients) &&
      !role_allows(actor.user.role, domain::Permission::kManageSettings)) {
    return Error::forbidden("Your role cannot see the sites");
  }
  std::vector<SiteSurgeryView> out;
  const auto today = domain::Date::today(ctx.clock());
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto sites = tx.list_sites();
    if (!sites) return std::move(sites).error();
    for (const auto& site : *sites) {
      auto r = tx.find_site_surgery(site.id);
      if (!r) return std::move(r).error();
      SiteSurgeryView v{site, *r, false};
      if (*r && !(*r)->review_date.empty()) {
        auto d = domain::Date::parse((*r)->review_date, "review_date", "Review date");
        v.lapsed = d && *d < today;
      }
      out.push_back(std::move(v));
    }
    return {};
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<store::SiteSurgeryRecord> set_site_surgery(const Context& ctx, const Actor& actor,
                                                  SiteId site, const SurgeryInput& input) {
  if (!role_allows(actor.user.role, domain::Permission::kManageSettings)) {
    return Error::forbidden("Only an administrator can change a site's surgery access");
  }
  std::vector<FieldError> errors;
  auto kind = guidance::parse_surgery_access(input.access);
  if (!kind) errors.push_back({"access", "Select the site's access to spinal surgery"});
  const bool arrangement = kind == guidance::SurgeryAccessKind::kArrangement;
  std::string service = domain::checked_text(input.service, "service", "name of the surgery service", 200,
                                             arrangement, errors);
  std::string review;
  if (!input.review_date.empty()) {
    if (auto d = domain::Date::parse(input.review_date, "review_date", "Review date")) {
      review = d->iso();
    } else {
      errors.push_back(d.error().fields.front());
    }
  } else if (arrangement) {
    errors.push_back({"review_date", "Enter the date the arrangement is due for review"});
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  if (kind == guidance::SurgeryAccessKind::kNone) {
    service.clear();
    review.clear();
  }
  store::SiteSurgeryRecord r{site, input.access, service, review, ctx.now_text()};
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto sites = tx.list_sites();
    if (!sites) return std::move(sites).error();
    bool found = false;
    for (const auto& x : *sites) found = found || x.id == site;
    if (!found) return Error::not_found("No such site");
    auto before = tx.find_site_surgery(site);
    if (!before) return std::move(before).error();
    if (auto p = tx.put_site_surgery(r); !p) return p;
    return audit(tx, ctx, actor, "update", {"site", site.value, 0, site.value},
                 nlohmann::json{{"surgery_access", {{"from", surgery_json(*before)},
                                                    {"to", surgery_json(r)}}}}
                     .dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} recorded the surgery access of site {}", actor.user.username, site.value);
  return r;
}

}  // namespace vertebro::app
