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

namespace {

nlohmann::json time_points_json(const std::vector<guidance::FollowUpTimePoint>& points) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : points) {
    out.push_back({{"time_point", p.name()},
                   {"window_before_days", p.window_before_days},
                   {"window_after_days", p.window_after_days}});
  }
  return out;
}

constexpr int kMaxTimePoints = 12;
constexpr const char* kTimePointsField = "follow_up_time_points";

// A window's days as a JSON number or a form's text; std::nullopt (with an error) otherwise.
std::optional<int> window_days(InputReader& in, const nlohmann::json& v, const std::string& what) {
  long long n = -1;
  if (v.is_number_integer()) {
    n = v.get<long long>();
  } else if (v.is_string()) {
    std::string t = v.get<std::string>();
    const auto a = t.find_first_not_of(" \t");
    if (a == std::string::npos) {
      in.error(kTimePointsField, "Enter the " + what);
      return std::nullopt;
    }
    t = t.substr(a, t.find_last_not_of(" \t") - a + 1);
    if (t.find_first_not_of("0123456789") != std::string::npos || t.size() > 4) {
      in.error(kTimePointsField, "The " + what + " must be a whole number of days from 0 to 365");
      return std::nullopt;
    }
    n = std::stoll(t);
  } else {
    in.error(kTimePointsField, "Enter the " + what);
    return std::nullopt;
  }
  if (n < 0 || n > 365) {
    in.error(kTimePointsField, "The " + what + " must be a whole number of days from 0 to 365");
    return std::nullopt;
  }
  return static_cast<int>(n);
}

// The days after a questionnaire was first sent when a reminder is due: [7, 14] from the API or
// "7, 14" from the settings form; none, or at most kMaxReminders, each from 1 to 90, in
// increasing order. std::nullopt after an error.
std::optional<std::vector<int>> read_reminder_days(InputReader& in, const nlohmann::json& v) {
  static const std::string kField = "patient_reminder_days";
  const std::string rule = "Enter the reminder days as whole numbers from 1 to 90 in increasing "
                           "order, separated by commas, such as \"7, 14\" (or leave it empty "
                           "for no reminders)";
  std::vector<long long> days;
  if (v.is_array()) {
    for (const auto& d : v) {
      if (!d.is_number_integer()) {
        in.error(kField, rule);
        return std::nullopt;
      }
      days.push_back(d.get<long long>());
    }
  } else if (v.is_string()) {
    std::string text = v.get<std::string>();
    for (char& ch : text) {
      if (ch == ',') ch = ' ';
    }
    if (text.find_first_not_of("0123456789 \t") != std::string::npos) {
      in.error(kField, rule);
      return std::nullopt;
    }
    std::size_t at = 0;
    while ((at = text.find_first_of("0123456789", at)) != std::string::npos) {
      const auto end = std::min(text.find_first_not_of("0123456789", at), text.size());
      if (end - at > 3) {
        in.error(kField, rule);
        return std::nullopt;
      }
      days.push_back(std::stoll(text.substr(at, end - at)));
      at = end;
    }
  } else {
    in.error(kField, rule);
    return std::nullopt;
  }
  if (days.size() > static_cast<std::size_t>(kMaxReminders)) {
    in.error(kField, "Enter at most " + std::to_string(kMaxReminders) + " reminder days");
    return std::nullopt;
  }
  std::vector<int> out;
  for (const long long d : days) {
    if (d < 1 || d > 90 || (!out.empty() && d <= out.back())) {
      in.error(kField, rule);
      return std::nullopt;
    }
    out.push_back(static_cast<int>(d));
  }
  return out;
}

// The time points: an array of {time_point, window_before_days, window_after_days}, in order.
std::vector<guidance::FollowUpTimePoint> read_time_points(InputReader& in,
                                                           const nlohmann::json& v) {
  std::vector<guidance::FollowUpTimePoint> out;
  if (!v.is_array() || v.empty()) {
    in.error(kTimePointsField, "Enter at least one follow-up time point");
    return out;
  }
  if (v.size() > static_cast<std::size_t>(kMaxTimePoints)) {
    in.error(kTimePointsField, "Enter at most " + std::to_string(kMaxTimePoints) +
                                   " follow-up time points");
    return out;
  }
  bool ok = true;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& item = v[i];
    const std::string where = "time point " + std::to_string(i + 1);
    if (!item.is_object()) {
      in.error(kTimePointsField, "Give " + where + " as a time point and its window");
      ok = false;
      continue;
    }
    for (const auto& [key, value] : item.items()) {
      if (key != "time_point" && key != "window_before_days" && key != "window_after_days") {
        in.error(kTimePointsField, "Unknown field \"" + key + "\" in " + where);
        ok = false;
      }
    }
    std::optional<guidance::FollowUpTimePoint> p;
    const auto name = item.find("time_point");
    if (name == item.end() || !name->is_string()) {
      in.error(kTimePointsField, "Enter " + where + ", such as \"3 months\"");
    } else {
      p = guidance::parse_time_point(name->get<std::string>());
      if (!p) {
        in.error(kTimePointsField, "Time point " + std::to_string(i + 1) +
                                       " must be a number of days, weeks or months from 1 to "
                                       "120, such as \"3 months\"");
      }
    }
    const auto before = item.find("window_before_days");
    const auto after = item.find("window_after_days");
    auto b = window_days(in, before == item.end() ? nlohmann::json() : *before,
                         "days before the due date of " + where);
    auto a = window_days(in, after == item.end() ? nlohmann::json() : *after,
                         "days after the due date of " + where);
    if (!p || !b || !a) {
      ok = false;
      continue;
    }
    p->window_before_days = *b;
    p->window_after_days = *a;
    out.push_back(*p);
  }
  if (!ok) return {};
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].nominal_days() <= out[i - 1].nominal_days()) {
      in.error(kTimePointsField, "List the time points from the earliest to the latest, each "
                                 "later than the one before: " + out[i].name() +
                                     " does not come after " + out[i - 1].name());
      return {};
    }
  }
  return out;
}

}  // namespace

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
          {"override_roles", overrides},
          {"follow_up_time_points", time_points_json(c.follow_up_time_points)},
          {"primary_follow_up", c.primary_follow_up},
          {"pain_relief_min_points", c.outcome_definitions.pain_min_fall_points},
          {"pain_relief_min_percent", c.outcome_definitions.pain_min_fall_percent},
          {"mobility_min_steps", c.outcome_definitions.mobility_min_steps},
          {"patient_link_days", c.patient_link_days},
          {"patient_reminder_days", c.patient_reminder_days},
          {"patient_phone_after_days", c.patient_phone_after_days}};
}

namespace {

enum class Check { kChange, kStored };

Result<UnitConfig> parse(const nlohmann::json& j, Check check) {
  UnitConfig c;
  std::vector<FieldError> errors;
  InputReader in(j, errors);
  in.only({"min_conservative_days", "recent_fracture_window_days", "pain_threshold",
           "radiologist_roles", "spinal_surgeon_roles", "enabled_packs", "override_roles",
           "follow_up_time_points", "primary_follow_up", "pain_relief_min_points",
           "pain_relief_min_percent", "mobility_min_steps", "patient_link_days",
           "patient_reminder_days", "patient_phone_after_days"},
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
  if (auto v = in.integer("pain_relief_min_points", "Pain relief: fall in points", 1, 10)) {
    c.outcome_definitions.pain_min_fall_points = static_cast<int>(*v);
  }
  if (auto v = in.integer("pain_relief_min_percent", "Pain relief: fall in per cent", 0, 100)) {
    c.outcome_definitions.pain_min_fall_percent = static_cast<int>(*v);
  }
  if (auto v = in.integer("mobility_min_steps", "Improved mobility: steps up the scale", 1, 4)) {
    c.outcome_definitions.mobility_min_steps = static_cast<int>(*v);
  }
  if (auto v = in.integer("patient_link_days", "Patient links work for", 1, 90)) {
    c.patient_link_days = static_cast<int>(*v);
  }
  if (const auto* r = in.find("patient_reminder_days")) {
    if (auto days = read_reminder_days(in, *r)) c.patient_reminder_days = std::move(*days);
  }
  if (auto v = in.integer("patient_phone_after_days", "Phone list after", 1, 120)) {
    c.patient_phone_after_days = static_cast<int>(*v);
  }
  if (const auto* t = in.find("follow_up_time_points")) {
    auto points = read_time_points(in, *t);
    if (!points.empty()) c.follow_up_time_points = std::move(points);
  }
  if (in.find("primary_follow_up")) {
    auto name = in.text("primary_follow_up", "Primary follow-up", 40, true);
    auto p = name ? guidance::parse_time_point(*name) : std::nullopt;
    if (name && !p) {
      in.error("primary_follow_up", "Enter the primary follow-up as one of the time points, such "
                                    "as \"1 month\"");
    } else if (p) {
      c.primary_follow_up = p->name();
    }
  }
  if (errors.empty() && !c.patient_reminder_days.empty() &&
      c.patient_reminder_days.back() >= c.patient_phone_after_days) {
    in.error("patient_reminder_days",
             "Every reminder must come before the follow-up moves to the phone list (day " +
                 std::to_string(c.patient_phone_after_days) + "): day " +
                 std::to_string(c.patient_reminder_days.back()) + " does not");
  }
  if (errors.empty()) {
    const bool listed = std::any_of(
        c.follow_up_time_points.begin(), c.follow_up_time_points.end(),
        [&](const guidance::FollowUpTimePoint& p) { return p.name() == c.primary_follow_up; });
    if (!listed) {
      in.error("primary_follow_up", "The primary follow-up must be one of the time points: " +
                                        c.primary_follow_up + " is not listed");
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
