#include "app/users.h"

#include <nlohmann/json.hpp>

#include <cctype>

#include "app/audit_trail.h"
#include "base/crypto.h"
#include "base/log.h"
#include "domain/text.h"
#include "store/store.h"

namespace vertebro::app {

Result<UserId> add_user(const Context& ctx, const Actor& actor, const NewUser& input) {
  if (!role_allows(actor.user.role, domain::Permission::kManageUsers)) {
    return Error::forbidden("Only administrators can add users");
  }
  std::vector<FieldError> errors;
  const bool name_ok =
      !input.username.empty() && input.username.size() <= 64 &&
      std::all_of(input.username.begin(), input.username.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
      });
  if (!name_ok) {
    errors.push_back({"username", "User name must be 1-64 letters, digits, dots, dashes or underscores"});
  }
  domain::User user;
  user.username = input.username;
  user.display_name =
      domain::checked_text(input.display_name, "display_name", "display name", 100, true, errors);
  user.profession =
      domain::checked_text(input.profession, "profession", "profession", 100, false, errors);
  auto role = domain::parse_role(input.role);
  if (!role) {
    errors.push_back({"role", "Role must be one of administrator, coordinator, operator, nurse, "
                              "governance, safety, trainer, researcher"});
  } else {
    user.role = *role;
  }
  if (input.password.size() < 12 || input.password.size() > 1024) {
    errors.push_back({"password", "Password must be 12 to 1024 characters"});
  }
  if (input.site_codes.empty()) errors.push_back({"sites", "Give at least one site"});
  if (!errors.empty()) return Error::invalid(std::move(errors));

  const std::string hash = crypto::hash_password(input.password);
  if (hash.empty()) return Error::internal("Could not hash the password (out of memory)");
  UserId id;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto sites = tx.list_sites();
    if (!sites) return std::move(sites).error();
    for (const auto& code : input.site_codes) {
      auto it = std::find_if(sites->begin(), sites->end(),
                             [&](const domain::Site& site) { return site.code == code; });
      if (it == sites->end()) return Error::invalid({{"sites", "No site has the code " + code}});
      user.sites.push_back(it->id);
    }
    auto r = tx.insert_user(user, hash, ctx.now_text());
    if (!r) return std::move(r).error();
    id = *r;
    return audit(tx, ctx, actor, "create", {"user", id.value, 0, 0},
                 nlohmann::json{{"username", user.username},
                                {"role", std::string(domain::role_name(user.role))},
                                {"sites", input.site_codes}}
                     .dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} added user {}", actor.user.username, input.username);
  return id;
}

Status disable_user(const Context& ctx, const Actor& actor, const std::string& username) {
  if (!role_allows(actor.user.role, domain::Permission::kManageUsers)) {
    return Error::forbidden("Only administrators can disable users");
  }
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto u = tx.find_user_by_name(username);
    if (!u) return std::move(u).error();
    if (!u->has_value()) return Error::not_found("No user is called " + username);
    const UserId id = (*u)->user.id;
    if (auto d = tx.set_user_disabled(id, true); !d) return d;
    if (auto d = tx.delete_user_sessions(id); !d) return d;
    return audit(tx, ctx, actor, "disable", {"user", id.value, 0, 0});
  });
  if (s) log::info("user {} disabled user {}", actor.user.username, username);
  return s;
}

Result<std::vector<domain::Site>> list_sites(const Context& ctx) {
  std::vector<domain::Site> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto r = tx.list_sites();
    if (!r) return std::move(r).error();
    out = std::move(*r);
    return {};
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<bool> is_demo_database(const Context& ctx) {
  bool demo = false;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto v = tx.get_meta("demo");
    if (!v) return std::move(v).error();
    demo = v->has_value() && **v == "1";
    return {};
  });
  if (!s) return std::move(s).error();
  return demo;
}

}  // namespace vertebro::app

namespace vertebro::app {

Result<SiteId> add_site(const Context& ctx, const Actor& actor, const std::string& code,
                        const std::string& name) {
  if (!role_allows(actor.user.role, domain::Permission::kManageUsers)) {
    return Error::forbidden("Only administrators can add sites");
  }
  std::vector<FieldError> errors;
  if (code.empty() || code.size() > 16 ||
      !std::all_of(code.begin(), code.end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
    errors.push_back({"code", "Site code must be 1-16 letters or digits"});
  }
  const auto clean = domain::checked_text(name, "name", "site name", 200, true, errors);
  if (!errors.empty()) return Error::invalid(std::move(errors));
  SiteId id;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto r = tx.insert_site(code, clean);
    if (!r) {
      auto e = std::move(r).error();
      if (e.code == Errc::kDuplicate) e.message = "A site with that code already exists";
      return e;
    }
    id = *r;
    return audit(tx, ctx, actor, "create", {"site", id.value, 0, id.value},
                 nlohmann::json{{"code", code}, {"name", clean}}.dump());
  });
  if (!s) return std::move(s).error();
  return id;
}

}  // namespace vertebro::app
