#include "app/unit_config.h"

#include <algorithm>

#include "app/audit_trail.h"
#include "app/input_reader.h"
#include "base/log.h"
#include "store/store.h"

namespace vertebro::app {

namespace {
constexpr const char* kMetaKey = "unit_settings";
}  // namespace

std::map<guidance::Gate, std::vector<domain::Role>> UnitConfig::default_override_roles() {
  std::map<guidance::Gate, std::vector<domain::Role>> m;
  for (auto g : guidance::all_gates()) m[g] = {domain::Role::kOperator};
  return m;
}

bool UnitConfig::could_override(domain::Role role, guidance::Gate gate) {
  switch (gate) {
    case guidance::Gate::kAssessmentToMdt:
    case guidance::Gate::kMdtToConsent:
    case guidance::Gate::kConsentToProcedure:
      return role_allows(role, domain::Permission::kViewPatients);
    case guidance::Gate::kProcedureRecorded:
      return role_allows(role, domain::Permission::kRecordProcedure);
  }
  return false;
}

bool UnitConfig::may_override(domain::Role role, guidance::Gate gate) const {
  auto it = override_roles.find(gate);
  return it != override_roles.end() &&
         std::find(it->second.begin(), it->second.end(), role) != it->second.end();
}

nlohmann::json unit_config_json(const UnitConfig& c) {
  nlohmann::json packs = nlohmann::json::array();
  for (auto p : c.rules.enabled_packs) packs.push_back(std::string(guidance::pack_name(p)));
  nlohmann::json overrides = nlohmann::json::object();
  for (auto g : guidance::all_gates()) {
    nlohmann::json roles = nlohmann::json::array();
    auto it = c.override_roles.find(g);
    if (it != c.override_roles.end()) {
      for (auto r : it->second) roles.push_back(std::string(domain::role_name(r)));
    }
    overrides[std::string(guidance::gate_name(g))] = roles;
  }
  return {{"min_conservative_days", c.rules.min_conservative_days},
          {"recent_fracture_window_days", c.rules.recent_fracture_window_days},
          {"pain_threshold", c.rules.pain_threshold},
          {"radiologist_roles", c.rules.radiologist_roles},
          {"spinal_surgeon_roles", c.rules.spinal_surgeon_roles},
          {"enabled_packs", packs},
          {"override_roles", overrides}};
}

namespace {

enum class Check { kChange, kStored };

Result<UnitConfig> parse(const nlohmann::json& j, Check check) {
  UnitConfig c;
  std::vector<FieldError> errors;
  InputReader in(j, errors);
  in.only({"min_conservative_days", "recent_fracture_window_days", "pain_threshold",
           "radiologist_roles", "spinal_surgeon_roles", "enabled_packs", "override_roles"},
          "setting");
  if (auto v = in.integer("min_conservative_days", "Minimum conservative treatment", 0, 365)) {
    c.rules.min_conservative_days = static_cast<int>(*v);
  }
  if (auto v = in.integer("recent_fracture_window_days", "Recent fracture window", 1, 365)) {
    c.rules.recent_fracture_window_days = static_cast<int>(*v);
  }
  if (auto v = in.integer("pain_threshold", "Pain threshold", 0, 10)) {
    c.rules.pain_threshold = static_cast<int>(*v);
  }
  if (in.find("radiologist_roles")) {
    c.rules.radiologist_roles = in.list("radiologist_roles", "Roles counted as radiologist");
    if (c.rules.radiologist_roles.empty()) {
      in.error("radiologist_roles", "Enter at least one role that counts as a radiologist");
    }
  }
  if (in.find("spinal_surgeon_roles")) {
    c.rules.spinal_surgeon_roles = in.list("spinal_surgeon_roles", "Roles counted as spinal surgeon");
    if (c.rules.spinal_surgeon_roles.empty()) {
      in.error("spinal_surgeon_roles", "Enter at least one role that counts as a spinal surgeon");
    }
  }
  if (in.find("enabled_packs")) {
    std::set<guidance::Pack> packs;
    for (const auto& name : in.list("enabled_packs", "Rule packs")) {
      auto p = guidance::parse_pack(name);
      if (!p) {
        in.error("enabled_packs", "Unknown rule pack \"" + name + "\": use HTG3, TA279 or EBI");
      } else {
        packs.insert(*p);
      }
    }
    if (!packs.count(guidance::Pack::kHtg3)) {
      in.error("enabled_packs", "The HTG3 rule pack cannot be switched off");
    }
    c.rules.enabled_packs = packs;
  }
  if (const auto* o = in.find("override_roles")) {
    if (!o->is_object()) {
      in.error("override_roles", "Override roles must list roles for each gate");
    } else {
      InputReader gates = in.nested("override_roles");
      for (const auto& [key, value] : o->items()) {
        auto g = guidance::parse_gate(key);
        if (!g) {
          gates.error(key, "Unknown gate \"" + key + "\"");
          continue;
        }
        std::vector<domain::Role> roles;
        for (const auto& name : gates.list(key, "Override roles")) {
          auto r = domain::parse_role(name);
          if (!r) {
            gates.error(key, "Unknown role \"" + name + "\"");
          } else if (!UnitConfig::could_override(*r, *g)) {
            gates.error(key,
                        !role_allows(*r, domain::Permission::kViewPatients)
                            ? "The role \"" + name + "\" cannot override a gate: it cannot see "
                                                     "the record"
                            : "Only roles that record the procedure (operator) can override "
                              "the recorded-procedure check: its reason is given when the "
                              "procedure is saved, and the role \"" + name + "\" cannot save it");
          } else if (std::find(roles.begin(), roles.end(), *r) == roles.end()) {
            roles.push_back(*r);
          }
        }
        c.override_roles[*g] = roles;
      }
    }
  }
  if (errors.empty()) {
    auto s = check == Check::kChange ? guidance::validate_settings(c.rules)
                                     : guidance::validate_setting_ranges(c.rules);
    if (!s) return std::move(s).error();
    return c;
  }
  return Error::invalid(std::move(errors), "Check the unit's settings");
}

}  // namespace

Result<UnitConfig> parse_unit_config(const nlohmann::json& j) { return parse(j, Check::kChange); }

Result<UnitConfig> parse_stored_unit_config(const nlohmann::json& j) {
  return parse(j, Check::kStored);
}

Result<UnitConfig> load_unit_config(store::Tx& tx) {
  auto raw = tx.get_meta(kMetaKey);
  if (!raw) return std::move(raw).error();
  if (!raw->has_value()) return UnitConfig{};
  auto j = nlohmann::json::parse(**raw, nullptr, false);
  // Settings saved before the window check (a minimum not shorter than the recent-fracture
  // window) are still read; HTG3-1.2-REFRACTORY-WINDOW warns about them at the gate, and the
  // next change must correct them.
  auto c = parse_stored_unit_config(j);
  if (!c) return Error::internal("The stored unit settings cannot be read");
  return c;
}

Result<UnitConfig> get_unit_config(const Context& ctx, const Actor& actor) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients) &&
      !role_allows(actor.user.role, domain::Permission::kManageSettings)) {
    return Error::forbidden("Your role cannot see the unit's settings");
  }
  std::optional<UnitConfig> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto c = load_unit_config(tx);
    if (!c) return std::move(c).error();
    out = std::move(*c);
    return {};
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

Result<UnitConfig> put_unit_config(const Context& ctx, const Actor& actor,
                                   const nlohmann::json& input) {
  if (!role_allows(actor.user.role, domain::Permission::kManageSettings)) {
    return Error::forbidden("Only an administrator can change the unit's settings");
  }
  if (!input.is_object()) {
    return Error::invalid({{"body", "Send the settings as a JSON object"}});
  }
  std::optional<UnitConfig> parsed;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto before = load_unit_config(tx);
    if (!before) return std::move(before).error();
    // A patch: settings the input leaves out keep their current values, read in this same
    // transaction so two administrators' changes to different settings both stand.
    nlohmann::json merged = unit_config_json(*before);
    for (const auto& [key, value] : input.items()) {
      if (key == "override_roles" && value.is_object() && merged[key].is_object()) {
        for (const auto& [gate, roles] : value.items()) merged[key][gate] = roles;
      } else {
        merged[key] = value;
      }
    }
    auto next = parse_unit_config(merged);
    if (!next) return std::move(next).error();
    parsed = std::move(*next);
    const auto after = unit_config_json(*parsed);
    if (auto m = tx.set_meta(kMetaKey, after.dump()); !m) return m;
    return audit(tx, ctx, actor, "update", {"unit_settings", 1, 0, 0},
                 nlohmann::json{{"from", unit_config_json(*before)}, {"to", after}}.dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} changed the unit settings", actor.user.username);
  return std::move(*parsed);
}

}  // namespace vertebro::app
