#include "app/operators.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "app/audit_trail.h"
#include "base/log.h"
#include "domain/text.h"
#include "store/store.h"

namespace vertebro::app {

using domain::OperatorId;
using domain::OperatorRecord;
using domain::Permission;

namespace {

constexpr int kMaxReviewYears = 5;

AuditTarget target(OperatorId id) { return {"operator", id.value, 0, 0}; }

nlohmann::json operator_json(const OperatorRecord& o) {
  std::vector<std::int64_t> sites;
  for (const auto& s : o.sites) sites.push_back(s.value);
  return {{"user_id", o.user.value},
          {"professional_role", o.professional_role},
          {"registration_number", o.registration_number},
          {"site_ids", sites},
          {"status", o.active ? "active" : "inactive"}};
}

// A date that is required and not after `today`; appends an error naming `field` otherwise.
std::optional<domain::Date> past_date(const std::string& text, const std::string& field,
                                      const std::string& label, domain::Date today,
                                      std::vector<FieldError>& errors) {
  if (text.find_first_not_of(" \t") == std::string::npos) {
    errors.push_back({field, "Enter the " + label});
    return std::nullopt;
  }
  auto d = domain::Date::parse(text, field, label);
  if (!d) {
    errors.push_back(d.error().fields.front());
    return std::nullopt;
  }
  if (today < *d) {
    errors.push_back({field, "The " + label + " cannot be in the future"});
    return std::nullopt;
  }
  return *d;
}

// The same day `years` later; 28 February for 29 February in a year that has none.
domain::Date add_years(domain::Date d, int years) {
  const std::chrono::year_month_day ymd{d.days()};
  std::chrono::year_month_day later{ymd.year() + std::chrono::years{years}, ymd.month(), ymd.day()};
  if (!later.ok()) later = std::chrono::year_month_day_last{later.year(), std::chrono::month_day_last{ymd.month()}};
  return domain::Date::from_days(std::chrono::sys_days{later});
}

std::int64_t parse_id(const std::string& text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && p == text.data() + text.size() && v > 0 ? v : 0;
}

// The checked profile fields (all but user_id) laid over `base`.
Result<OperatorRecord> validated(store::Tx& tx, const OperatorInput& in, OperatorRecord base,
                                 std::vector<FieldError> errors) {
  if (!domain::parse_professional_role(in.professional_role)) {
    errors.push_back({"professional_role", "Select the operator's professional role"});
  }
  const std::string reg = domain::checked_text(in.registration_number, "registration_number",
                                               "professional registration number", 50, true,
                                               errors);
  auto sites = tx.list_sites();
  if (!sites) return std::move(sites).error();
  std::vector<SiteId> chosen;
  bool bad_site = false;
  for (const auto& text : in.site_ids) {
    const SiteId id{parse_id(text)};
    const bool known = std::any_of(sites->begin(), sites->end(),
                                   [&](const domain::Site& s) { return s.id == id; });
    if (!known) bad_site = true;
    if (known && std::find(chosen.begin(), chosen.end(), id) == chosen.end()) chosen.push_back(id);
  }
  if (bad_site) {
    errors.push_back({"site_ids", "Select sites from the list"});
  } else if (chosen.empty()) {
    errors.push_back({"site_ids", "Select at least one site where the operator works"});
  }
  if (in.status != "active" && in.status != "inactive") {
    errors.push_back({"status", "Select whether the profile is active or inactive"});
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  std::sort(chosen.begin(), chosen.end());
  base.professional_role = in.professional_role;
  base.registration_number = reg;
  base.sites = std::move(chosen);
  base.active = in.status == "active";
  return base;
}

// Loads the profile the actor may see, or kNotFound.
Result<OperatorRecord> load_visible(store::Tx& tx, const Actor& actor, OperatorId id) {
  auto op = tx.find_operator(id);
  if (!op) return std::move(op).error();
  if (!*op) return Error::not_found("No such operator");
  const bool mine = (*op)->user == actor.user.id;
  if (!mine && !role_allows(actor.user.role, Permission::kManageOperators)) {
    return Error::not_found("No such operator");
  }
  return std::move(**op);
}

// The training lead's checks before signing, revoking or checking an entry on `op`.
Status may_judge(const Actor& actor, const OperatorRecord& op, const std::string& self_field,
                 const std::string& what) {
  if (!role_allows(actor.user.role, Permission::kSignOffCompetence)) {
    return Error::forbidden("Only a training lead can " + what);
  }
  if (op.user == actor.user.id) {
    return Error{Errc::kForbidden, "You cannot " + what + " on your own profile",
                 {{self_field, "Another training lead must " + what + " on your own profile"}},
                 0, 0};
  }
  return {};
}

}  // namespace

bool may_hold_operator_profile(domain::Role r) {
  return r == domain::Role::kOperator || r == domain::Role::kTrainer;
}

Result<std::vector<OperatorRecord>> list_operators(const Context& ctx, const Actor& actor) {
  const bool all = role_allows(actor.user.role, Permission::kManageOperators);
  if (!all && !may_hold_operator_profile(actor.user.role)) {
    return Error::forbidden("Your role cannot see operator profiles");
  }
  std::vector<OperatorRecord> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    out.clear();
    if (all) {
      auto list = tx.list_operators();
      if (!list) return std::move(list).error();
      out = std::move(*list);
    } else {
      auto mine = tx.find_operator_by_user(actor.user.id);
      if (!mine) return std::move(mine).error();
      if (*mine) out.push_back(std::move(**mine));
    }
    std::vector<std::int64_t> ids;
    for (const auto& o : out) ids.push_back(o.id.value);
    return audit(tx, ctx, actor, "list", {"operator", 0, 0, 0},
                 nlohmann::json{{"operators", ids}}.dump());
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<std::vector<OperatorCandidate>> operator_candidates(const Context& ctx, const Actor& actor) {
  if (!role_allows(actor.user.role, Permission::kManageOperators)) {
    return Error::forbidden("Only an administrator or a training lead can add operator profiles");
  }
  std::vector<OperatorCandidate> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    out.clear();
    auto users = tx.list_users();
    if (!users) return std::move(users).error();
    auto ops = tx.list_operators();
    if (!ops) return std::move(ops).error();
    for (const auto& u : *users) {
      if (u.disabled || !may_hold_operator_profile(u.role)) continue;
      const bool has = std::any_of(ops->begin(), ops->end(),
                                   [&](const OperatorRecord& o) { return o.user == u.id; });
      if (!has) out.push_back({u.id, u.username, u.display_name, u.role});
    }
    return {};
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<std::optional<OperatorRecord>> own_operator(const Context& ctx, const Actor& actor) {
  std::optional<OperatorRecord> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto mine = tx.find_operator_by_user(actor.user.id);
    if (!mine) return std::move(mine).error();
    out = std::move(*mine);
    return {};
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<OperatorRecord> create_operator(const Context& ctx, const Actor& actor,
                                       const OperatorInput& input) {
  if (!role_allows(actor.user.role, Permission::kManageOperators)) {
    return Error::forbidden("Only an administrator or a training lead can add operator profiles");
  }
  std::optional<OperatorRecord> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    std::vector<FieldError> errors;
    OperatorRecord base;
    const UserId user{parse_id(input.user_id)};
    auto u = user.valid() ? tx.find_user(user) : Result<std::optional<domain::User>>(std::nullopt);
    if (!u) return std::move(u).error();
    if (!*u || (*u)->disabled || !may_hold_operator_profile((*u)->role)) {
      errors.push_back({"user_id", "Select a user with the operator or training lead role"});
    } else {
      auto existing = tx.find_operator_by_user(user);
      if (!existing) return std::move(existing).error();
      if (*existing) errors.push_back({"user_id", "This user already has an operator profile"});
      base.user = user;
    }
    auto r = validated(tx, input, base, std::move(errors));
    if (!r) return std::move(r).error();
    auto saved = tx.insert_operator(*r, ctx.now_text());
    if (!saved) return std::move(saved).error();
    out = *saved;
    return audit(tx, ctx, actor, "create", target(saved->id),
                 nlohmann::json{{"operator", operator_json(*saved)}}.dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} added operator profile {}", actor.user.username, out->id.value);
  return std::move(*out);
}

Result<OperatorRecord> update_operator(const Context& ctx, const Actor& actor, OperatorId id,
                                       std::int64_t expected_version, const OperatorInput& input) {
  if (!role_allows(actor.user.role, Permission::kManageOperators)) {
    return Error::forbidden("Only an administrator or a training lead can change operator profiles");
  }
  std::optional<OperatorRecord> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto before = tx.find_operator(id);
    if (!before) return std::move(before).error();
    if (!*before) return Error::not_found("No such operator");
    auto r = validated(tx, input, **before, {});
    if (!r) return std::move(r).error();
    auto saved = tx.update_operator(*r, expected_version, ctx.now_text());
    if (!saved) return std::move(saved).error();
    out = *saved;
    const auto a = operator_json(**before), b = operator_json(*saved);
    nlohmann::json changes = nlohmann::json::object();
    for (const auto& [key, value] : b.items()) {
      if (a.at(key) != value) changes[key] = {{"from", a.at(key)}, {"to", value}};
    }
    return audit(tx, ctx, actor, "update", target(id),
                 nlohmann::json{{"changes", changes}, {"version", saved->version}}.dump());
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

Result<OperatorProfile> view_operator(const Context& ctx, const Actor& actor, OperatorId id) {
  OperatorProfile out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto op = load_visible(tx, actor, id);
    if (!op) return std::move(op).error();
    auto sign_offs = tx.operator_sign_offs(id);
    if (!sign_offs) return std::move(sign_offs).error();
    auto training = tx.operator_training(id);
    if (!training) return std::move(training).error();
    out.op = std::move(*op);
    out.sign_offs = std::move(*sign_offs);
    out.training = std::move(*training);
    auto cases = tx.operator_case_counts(id);
    if (!cases) return std::move(cases).error();
    out.cases = *cases;
    auto settings = load_training_settings(tx);
    if (!settings) return std::move(settings).error();
    auto curve_cases = tx.operator_cases(id);
    if (!curve_cases) return std::move(curve_cases).error();
    out.curve = learning_curve(*curve_cases, *settings);
    auto signals = tx.learning_curve_signals(id, false);
    if (!signals) return std::move(signals).error();
    out.signals = std::move(*signals);
    return audit(tx, ctx, actor, "read", target(id));
  });
  if (!s) return std::move(s).error();
  const bool self = out.op.user == actor.user.id;
  out.may_manage = role_allows(actor.user.role, Permission::kManageOperators);
  out.may_sign_off = role_allows(actor.user.role, Permission::kSignOffCompetence) && !self;
  out.may_log = self;
  return out;
}

Result<domain::SignOffRecord> sign_off_competence(const Context& ctx, const Actor& actor,
                                                  OperatorId id, const SignOffInput& input) {
  if (!role_allows(actor.user.role, Permission::kSignOffCompetence)) {
    // Named as the signer's field, so that the refusal reads like any other form error.
    const std::string why = "Only a training lead can sign off competence";
    return Error{Errc::kForbidden, why, {{"signed_by", why}}, 0, 0};
  }
  const auto today = domain::Date::today(ctx.clock());
  std::vector<FieldError> errors;
  auto signed_on = past_date(input.signed_on, "signed_on", "sign-off date", today, errors);
  if (!domain::parse_competence_scope(input.scope)) {
    errors.push_back({"scope", "Select what the sign-off covers"});
  }
  std::optional<domain::Date> review;
  if (input.review_date.find_first_not_of(" \t") == std::string::npos) {
    errors.push_back({"review_date", "Enter the review date"});
  } else if (auto d = domain::Date::parse(input.review_date, "review_date", "Review date"); !d) {
    errors.push_back(d.error().fields.front());
  } else {
    review = *d;
  }
  if (signed_on && review) {
    if (!(*signed_on < *review)) {
      errors.push_back({"review_date", "The review date must be after the sign-off date"});
    } else if (add_years(*signed_on, kMaxReviewYears) < *review) {
      errors.push_back({"review_date", "The review date must be within 5 years of the sign-off "
                                       "date (by " + add_years(*signed_on, kMaxReviewYears).display() +
                                           ")"});
    }
  }
  std::optional<domain::SignOffRecord> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto op = tx.find_operator(id);
    if (!op) return std::move(op).error();
    if (!*op) return Error::not_found("No such operator");
    if (auto m = may_judge(actor, **op, "signed_by", "sign off competence"); !m) return m;
    if (!errors.empty()) return Error::invalid(errors);
    if (!(*op)->active) {
      return Error::wrong_state("This operator profile is inactive: make it active before "
                                "signing off competence");
    }
    domain::SignOffRecord r;
    r.operator_id = id;
    r.scope = input.scope;
    r.signed_on = signed_on->iso();
    r.review_date = review->iso();
    r.signed_by = actor.user.id;
    r.created_at = ctx.now_text();
    auto saved = tx.insert_sign_off(r);
    if (!saved) return std::move(saved).error();
    out = *saved;
    return audit(tx, ctx, actor, "create", target(id),
                 nlohmann::json{{"sign_off", {{"id", saved->id},
                                              {"scope", saved->scope},
                                              {"signed_on", saved->signed_on},
                                              {"review_date", saved->review_date}}}}
                     .dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} signed off competence {} of operator {}", actor.user.username, out->id,
            id.value);
  return std::move(*out);
}

Result<domain::SignOffRecord> revoke_competence(const Context& ctx, const Actor& actor,
                                                OperatorId id, std::int64_t sign_off,
                                                const std::string& reason) {
  if (!role_allows(actor.user.role, Permission::kSignOffCompetence)) {
    const std::string why = "Only a training lead can revoke competence";
    return Error{Errc::kForbidden, why, {{"revoked_by", why}}, 0, 0};
  }
  std::vector<FieldError> errors;
  const std::string why =
      domain::checked_text(reason, "reason", "reason for the revocation", 500, true, errors);
  std::optional<domain::SignOffRecord> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto op = tx.find_operator(id);
    if (!op) return std::move(op).error();
    if (!*op) return Error::not_found("No such operator");
    if (auto m = may_judge(actor, **op, "revoked_by", "revoke competence"); !m) return m;
    if (!errors.empty()) return Error::invalid(errors);
    const std::string today = domain::Date::today(ctx.clock()).iso();
    if (auto r = tx.revoke_sign_off(id, sign_off, today, actor.user.id, why, ctx.now_text()); !r) {
      return r;
    }
    auto all = tx.operator_sign_offs(id);
    if (!all) return std::move(all).error();
    for (auto& x : *all) {
      if (x.id == sign_off) out = std::move(x);
    }
    if (!out) return Error::internal("The revoked sign-off could not be read back");
    return audit(tx, ctx, actor, "update", target(id),
                 nlohmann::json{{"sign_off_revoked", {{"id", sign_off},
                                                      {"revoked_on", today},
                                                      {"reason", why}}}}
                     .dump());
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

Result<domain::TrainingEntryRecord> add_training_entry(const Context& ctx, const Actor& actor,
                                                       OperatorId id, const TrainingInput& input) {
  const auto today = domain::Date::today(ctx.clock());
  std::vector<FieldError> errors;
  if (!domain::parse_training_kind(input.kind)) {
    errors.push_back({"kind", "Select the kind of training"});
  }
  auto date = past_date(input.entry_date, "entry_date", "date of the training", today, errors);
  const std::string description =
      domain::checked_text(input.description, "description", "description", 500, true, errors);
  const std::string evidence =
      domain::checked_text(input.evidence, "evidence", "evidence reference", 200, true, errors);
  std::optional<domain::TrainingEntryRecord> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto op = load_visible(tx, actor, id);
    if (!op) return std::move(op).error();
    if (op->user != actor.user.id) {
      return Error::forbidden("Only the operator adds entries to their own training log");
    }
    if (!errors.empty()) return Error::invalid(errors);
    domain::TrainingEntryRecord r;
    r.operator_id = id;
    r.kind = input.kind;
    r.entry_date = date->iso();
    r.description = description;
    r.evidence = evidence;
    r.added_by = actor.user.id;
    r.added_at = ctx.now_text();
    auto saved = tx.insert_training_entry(r);
    if (!saved) return std::move(saved).error();
    out = *saved;
    return audit(tx, ctx, actor, "create", target(id),
                 nlohmann::json{{"training_entry", {{"id", saved->id},
                                                    {"kind", saved->kind},
                                                    {"entry_date", saved->entry_date},
                                                    {"description", saved->description},
                                                    {"evidence", saved->evidence}}}}
                     .dump());
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

Status check_training_entry(const Context& ctx, const Actor& actor, OperatorId id,
                            std::int64_t entry) {
  if (!role_allows(actor.user.role, Permission::kSignOffCompetence)) {
    return Error::forbidden("Only a training lead can check training log entries");
  }
  return ctx.write([&](store::Tx& tx) -> Status {
    auto op = tx.find_operator(id);
    if (!op) return std::move(op).error();
    if (!*op) return Error::not_found("No such operator");
    if (auto m = may_judge(actor, **op, "checked_by", "check training log entries"); !m) return m;
    if (auto c = tx.check_training_entry(id, entry, actor.user.id, ctx.now_text()); !c) return c;
    return audit(tx, ctx, actor, "update", target(id),
                 nlohmann::json{{"training_entry_checked", entry}}.dump());
  });
}

}  // namespace vertebro::app
