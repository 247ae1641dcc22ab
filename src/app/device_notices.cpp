#include "app/device_notices.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/audit_trail.h"
#include "app/cement.h"
#include "base/log.h"
#include "domain/text.h"
#include "store/store.h"

namespace vertebro::app {

using domain::CementLotId;
using domain::CementProductId;
using domain::DeviceNotice;
using domain::Permission;

namespace {

AuditTarget notice_target(std::int64_t id) { return {"device_notice", id, 0, 0}; }

// "YYYY-MM-DD" (not after today) or "YYYY" (1950 to this year); an error naming issued.
std::string checked_issued(const std::string& raw, domain::Date today,
                           std::vector<FieldError>& errors) {
  const std::string t = domain::trimmed(raw);
  const int this_year = static_cast<int>(std::chrono::year_month_day{today.days()}.year());
  if (t.empty()) {
    errors.push_back({"issued", "Enter when the notice was issued: a date or, if only that is "
                                "known, a year"});
    return "";
  }
  if (t.size() == 4) {
    int year = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + 4, year);
    if (ec != std::errc() || end != t.data() + 4 || year < 1950 || year > this_year) {
      errors.push_back({"issued", "The year it was issued must be from 1950 to " +
                                      std::to_string(this_year)});
      return "";
    }
    return t;
  }
  auto d = domain::Date::parse(t, "issued", "date it was issued");
  if (!d) {
    errors.push_back({"issued", "Enter the date it was issued as a date (2007-05-14) or a year "
                                "(2007)"});
    return "";
  }
  if (today < *d) {
    errors.push_back({"issued", "The date it was issued cannot be in the future"});
    return "";
  }
  return d->iso();
}

// Ids typed or sent as digits; an error naming `field` for any other text. Blank entries and
// repeats are dropped.
std::vector<std::int64_t> checked_ids(const std::vector<std::string>& raw,
                                      const std::string& field, const std::string& what,
                                      std::vector<FieldError>& errors) {
  std::vector<std::int64_t> out;
  for (const auto& r : raw) {
    const std::string t = domain::trimmed(r);
    if (t.empty()) continue;
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), id);
    if (ec != std::errc() || end != t.data() + t.size() || id <= 0) {
      errors.push_back({field, "Choose " + what + " from the list"});
      return {};
    }
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

struct Checked {
  DeviceNotice notice;
  std::vector<std::int64_t> products;
  std::vector<std::int64_t> lots;
};

Checked check(const Context& ctx, const NoticeInput& in, std::vector<FieldError>& errors) {
  Checked c;
  auto& n = c.notice;
  n.reference = domain::checked_text(in.reference, "reference", "notice reference", 60, true,
                                     errors);
  n.title = domain::checked_text(in.title, "title", "title", 300, true, errors);
  n.issued = checked_issued(in.issued, domain::Date::today(ctx.clock()), errors);
  n.summary = domain::checked_text(in.summary, "summary", "summary", 4000, true, errors);
  n.actions_required = domain::checked_text(in.actions_required, "actions_required",
                                            "actions the notice asks for (or \"None\")", 4000,
                                            true, errors);
  n.source = domain::checked_text(in.source, "source", "source", 300, false, errors);
  n.subject_confirmed = in.subject_confirmed;
  n.all_cements = in.all_cements;
  c.products = checked_ids(in.products, "products", "the products", errors);
  c.lots = checked_ids(in.lots, "lots", "the lots", errors);
  return c;
}

// Fills the notice's products and lots from the checked ids, each of which must exist.
Status resolve_links(store::Tx& tx, Checked& c, std::vector<FieldError>& errors) {
  for (auto id : c.products) {
    auto p = tx.find_cement_product(CementProductId{id});
    if (!p) return std::move(p).error();
    if (!*p) {
      errors.push_back({"products", "Product " + std::to_string(id) + " is not in the catalogue"});
      continue;
    }
    c.notice.products.push_back(CementProductId{id});
  }
  for (auto id : c.lots) {
    auto l = tx.find_cement_lot(CementLotId{id});
    if (!l) return std::move(l).error();
    if (!*l) {
      errors.push_back({"lots", "Lot " + std::to_string(id) + " is not in the lot register"});
      continue;
    }
    c.notice.lots.push_back(CementLotId{id});
  }
  return {};
}

Result<DeviceNotice> read_back(store::Tx& tx, std::int64_t id) {
  auto n = tx.find_device_notice(id);
  if (!n) return std::move(n).error();
  if (!*n) return Error::internal("The notice could not be read back");
  return std::move(**n);
}

}  // namespace

nlohmann::json notice_content_json(const DeviceNotice& n) {
  nlohmann::json products = nlohmann::json::array();
  for (const auto& p : n.products) products.push_back(p.value);
  nlohmann::json lots = nlohmann::json::array();
  for (const auto& l : n.lots) lots.push_back(l.value);
  return {{"reference", n.reference},
          {"title", n.title},
          {"issued", n.issued},
          {"summary", n.summary},
          {"actions_required", n.actions_required},
          {"source", n.source},
          {"subject_confirmed", n.subject_confirmed},
          {"all_cements", n.all_cements},
          {"products", products},
          {"lots", lots}};
}

Result<std::vector<DeviceNotice>> list_device_notices(const Context& ctx,
                                                      const Actor& /*actor*/) {
  std::vector<DeviceNotice> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto list = tx.list_device_notices();
    if (!list) return std::move(list).error();
    out = std::move(*list);
    return {};
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<NoticeView> view_device_notice(const Context& ctx, const Actor& actor, std::int64_t id) {
  NoticeView out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto n = tx.find_device_notice(id);
    if (!n) return std::move(n).error();
    if (!*n) return Error::not_found("No such notice");
    out.notice = std::move(**n);
    for (const auto& pid : out.notice.products) {
      auto p = tx.find_cement_product(pid);
      if (!p) return std::move(p).error();
      if (*p) out.products.emplace_back(pid.value, (*p)->name);
    }
    for (const auto& lid : out.notice.lots) {
      auto l = tx.find_cement_lot(lid);
      if (!l) return std::move(l).error();
      if (*l) out.lots.emplace_back(lid.value, (*l)->product_name + ", lot " + (*l)->lot);
    }
    return {};
  });
  if (!s) return std::move(s).error();
  out.may_manage = role_allows(actor.user.role, Permission::kManageDevices);
  out.may_acknowledge =
      actor.user.role == domain::Role::kSafety && !out.notice.acknowledged();
  return out;
}

Result<DeviceNotice> create_device_notice(const Context& ctx, const Actor& actor,
                                          const NoticeInput& input) {
  if (auto r = require_device_manager(actor, "add notices"); !r) return std::move(r).error();
  std::vector<FieldError> errors;
  Checked c = check(ctx, input, errors);
  std::optional<DeviceNotice> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    std::vector<FieldError> all = errors;
    Checked attempt = c;
    if (auto r = resolve_links(tx, attempt, all); !r) return r;
    if (!all.empty()) return Error::invalid(all);
    auto saved = tx.insert_device_notice(attempt.notice, actor.user.id, ctx.now_text());
    if (!saved) return std::move(saved).error();
    out = std::move(*saved);
    return audit(tx, ctx, actor, "create", notice_target(out->id),
                 notice_content_json(*out).dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} added device notice {}", actor.user.username, out->id);
  return std::move(*out);
}

Result<DeviceNotice> update_device_notice(const Context& ctx, const Actor& actor,
                                          std::int64_t id, std::int64_t expected_version,
                                          const NoticeInput& input) {
  if (auto r = require_device_manager(actor, "correct notices"); !r) return std::move(r).error();
  std::vector<FieldError> errors;
  Checked c = check(ctx, input, errors);
  std::optional<DeviceNotice> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto before = tx.find_device_notice(id);
    if (!before) return std::move(before).error();
    if (!*before) return Error::not_found("No such notice");
    if ((*before)->version != expected_version) {
      return Error::conflict("This notice has been changed since you opened it");
    }
    std::vector<FieldError> all = errors;
    Checked attempt = c;
    if (auto r = resolve_links(tx, attempt, all); !r) return r;
    if (!all.empty()) return Error::invalid(all);
    attempt.notice.id = id;
    if (auto r = tx.update_device_notice(attempt.notice, expected_version, actor.user.id,
                                         ctx.now_text());
        !r) {
      return r;
    }
    auto after = read_back(tx, id);
    if (!after) return std::move(after).error();
    out = std::move(*after);
    nlohmann::json detail = {{"before", notice_content_json(**before)}, {"after", notice_content_json(*out)},
                             {"version", out->version}};
    return audit(tx, ctx, actor, "update", notice_target(id), detail.dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} corrected device notice {} (version {})", actor.user.username, id,
            out->version);
  return std::move(*out);
}

Result<DeviceNotice> acknowledge_device_notice(const Context& ctx, const Actor& actor,
                                               std::int64_t id,
                                               const AcknowledgementInput& input) {
  if (actor.user.role != domain::Role::kSafety) {
    return Error::forbidden("Only the device safety officer can acknowledge a notice");
  }
  std::vector<FieldError> errors;
  std::optional<domain::Date> on;
  if (domain::trimmed(input.acknowledged_on).empty()) {
    errors.push_back({"acknowledged_on", "Enter the date the notice was acknowledged"});
  } else if (auto d = domain::Date::parse(domain::trimmed(input.acknowledged_on), "acknowledged_on",
                                          "date acknowledged");
             !d) {
    errors.push_back(d.error().fields.front());
  } else if (domain::Date::today(ctx.clock()) < *d) {
    errors.push_back({"acknowledged_on", "The date acknowledged cannot be in the future"});
  } else {
    on = *d;
  }
  const std::string what = domain::checked_text(
      input.acknowledgement, "acknowledgement", "acknowledgement (what the unit did)", 2000,
      true, errors);
  std::optional<DeviceNotice> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto n = tx.find_device_notice(id);
    if (!n) return std::move(n).error();
    if (!*n) return Error::not_found("No such notice");
    if ((*n)->acknowledged()) return Error::conflict("This notice is already acknowledged");
    if (!errors.empty()) return Error::invalid(errors);
    if (auto r = tx.acknowledge_device_notice(id, actor.user.id, on->iso(), what, ctx.now_text());
        !r) {
      return r;
    }
    auto after = read_back(tx, id);
    if (!after) return std::move(after).error();
    out = std::move(*after);
    nlohmann::json detail = {
        {"acknowledge", {{"acknowledged_on", out->acknowledged_on}, {"acknowledgement", what}}}};
    return audit(tx, ctx, actor, "update", notice_target(id), detail.dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} acknowledged device notice {}", actor.user.username, id);
  return std::move(*out);
}

}  // namespace vertebro::app
