// Administration pages: each site's access to spinal surgery (HTG3-1.2-SURGERY) and the
// unit's settings, each shown with its default and the default's source (docs/settings.md).

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <tuple>

#include "app/site_surgery.h"
#include "app/unit_config.h"
#include "guidance/rules.h"
#include "guidance/snapshot.h"
#include "http/forms.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

bool require_admin(Web& web, Response& res, const app::Actor& actor, const std::string& what) {
  if (role_allows(actor.user.role, domain::Permission::kManageSettings)) return true;
  render_error(web, res, Error::forbidden("Only an administrator can change " + what), &actor);
  return false;
}

// ---- Sites ---------------------------------------------------------------------------------

std::string access_label(const std::string& access) {
  const auto k = guidance::parse_surgery_access(access);
  if (!k) return access;
  switch (*k) {
    case guidance::SurgeryAccessKind::kOnSite: return "On site";
    case guidance::SurgeryAccessKind::kArrangement: return "Arrangement with another service";
    case guidance::SurgeryAccessKind::kNone: return "No access";
  }
  return access;
}

void show_sites(Web& web, const Request& req, Response& res, const app::Actor& actor) {
  auto sites = app::list_site_surgery(web.ctx, actor);
  if (!sites) return render_error(web, res, sites.error(), &actor);
  const bool can_change = role_allows(actor.user.role, domain::Permission::kManageSettings);
  const std::string saved = form(req, "saved");
  Json rows = Json::array();
  Json saved_name;
  for (const auto& v : *sites) {
    Json r = {{"name", v.site.name},
              {"code", v.site.code},
              {"recorded", v.surgery.has_value()},
              {"lapsed", v.lapsed},
              {"change_href", "/sites/" + v.site.id.str() + "/surgery"}};
    if (v.surgery) {
      r["access_label"] = access_label(v.surgery->access);
      r["arrangement"] = v.surgery->access == "arrangement";
      r["service"] = v.surgery->service;
      r["review_date_display"] =
          v.surgery->review_date.empty() ? "" : date_display(v.surgery->review_date);
    }
    if (saved == v.site.id.str()) saved_name = v.site.name;
    rows.push_back(r);
  }
  Json data = {{"sites", rows}, {"can_change", can_change}};
  if (saved_name.is_string()) data["saved_site"] = saved_name;
  render_page(web, res, 200, "sites", data, "Sites", &actor, "sites");
}

void show_surgery_form(Web& web, Response& res, const app::Actor& actor, int status,
                       const domain::Site& site, const app::SurgeryInput& in, Json data) {
  const Json errors = data.value("errors", Json::object());
  FieldSpec access{"access", "Access to spinal surgery", in.access, FieldKind::kRadios,
                   "HTG3 1.2: vertebroplasty should only be done where there is access to a "
                   "spinal surgery service, with well-established local arrangements for "
                   "referral"};
  for (auto k : {guidance::SurgeryAccessKind::kOnSite, guidance::SurgeryAccessKind::kArrangement,
                 guidance::SurgeryAccessKind::kNone}) {
    const std::string name(guidance::surgery_access_name(k));
    access.options.emplace_back(name, access_label(name));
  }
  Json fields = Json::array();
  fields.push_back(field_view(access, errors));
  fields.push_back(field_view({"service", "Spinal surgery service", in.service, FieldKind::kText,
                               "Needed for an arrangement: the service and where it is, for "
                               "example Spinal surgery, Northgate General Hospital",
                               "30"},
                              errors));
  fields.push_back(field_view({"review_date", "Review date", in.review_date, FieldKind::kText,
                               "Needed for an arrangement: when it is next to be reviewed. For "
                               "example, 2027-06-30 (year-month-day)",
                               "10", "off"},
                              errors));
  data["fields"] = fields;
  data["site"] = {{"name", site.name}, {"code", site.code}};
  data["action"] = "/sites/" + site.id.str() + "/surgery";
  data["back_href"] = "/sites";
  render_page(web, res, status, "sites_surgery", data, "Spinal surgery access, " + site.name,
              &actor, "sites");
}

// The site and its current record, or renders 404 and returns nullopt.
std::optional<app::SiteSurgeryView> find_site(Web& web, Response& res, const app::Actor& actor,
                                              SiteId id) {
  auto sites = app::list_site_surgery(web.ctx, actor);
  if (!sites) {
    render_error(web, res, sites.error(), &actor);
    return std::nullopt;
  }
  for (auto& v : *sites) {
    if (v.site.id == id) return std::move(v);
  }
  render_error(web, res, Error::not_found("No such site"), &actor);
  return std::nullopt;
}

// ---- Settings ------------------------------------------------------------------------------

std::string gate_label(guidance::Gate g) {
  switch (g) {
    case guidance::Gate::kAssessmentToMdt: return "Assessment to MDT";
    case guidance::Gate::kMdtToConsent: return "MDT to consent";
    case guidance::Gate::kConsentToProcedure: return "Consent to procedure";
    case guidance::Gate::kProcedureRecorded: return "Procedure recorded";
  }
  return std::string(guidance::gate_name(g));
}

std::string pack_label(guidance::Pack p) {
  switch (p) {
    case guidance::Pack::kHtg3:
      return "HTG3: NICE HealthTech guidance, percutaneous vertebroplasty (always on)";
    case guidance::Pack::kTa279:
      return "TA279: NICE technology appraisal 279, osteoporotic vertebral compression fractures";
    case guidance::Pack::kEbi:
      return "EBI: NHS England Evidence-Based Interventions, vertebral augmentation for "
             "osteoporotic fractures";
  }
  return std::string(guidance::pack_name(p));
}

// The settings form as the user filled it in (or as stored), all as text.
struct SettingsForm {
  std::string min_conservative_days;
  std::string recent_fracture_window_days;
  std::string pain_threshold;
  std::string radiologist_roles;     // one per line
  std::string spinal_surgeon_roles;  // one per line
  std::set<std::string> packs;
  std::map<std::string, std::set<std::string>> override_roles;  // gate name -> role names
  // The follow-up settings; a form without them (posted before they existed) leaves them as
  // they are.
  bool has_follow_up = true;
  std::string follow_up_time_points;  // one per line: "3 months, 14, 28"
  std::string primary_follow_up;
  std::string patient_link_days;
  bool has_link_days = true;  // false for a form from before the setting existed
  std::string patient_reminder_days;  // "7, 14"
  std::string patient_phone_after_days;
  bool has_reminders = true;  // false for a form from before the settings existed
  // The outcome definitions; likewise left as they are by a form without them.
  bool has_outcomes = true;
  std::string pain_relief_min_points;
  std::string pain_relief_min_percent;
  std::string mobility_min_steps;
};

// The outcome definitions' fields, in order: key, label, the form's value.
std::vector<std::tuple<const char*, const char*, std::string SettingsForm::*>> outcome_keys() {
  return {{"pain_relief_min_points", "the fall in points for pain relief",
           &SettingsForm::pain_relief_min_points},
          {"pain_relief_min_percent", "the fall in per cent for pain relief",
           &SettingsForm::pain_relief_min_percent},
          {"mobility_min_steps", "the steps up the mobility scale", &SettingsForm::mobility_min_steps}};
}

// "3 months, 14, 28": a time point and the days of its window before and after the due date.
std::string time_points_text(const std::vector<guidance::FollowUpTimePoint>& points) {
  std::vector<std::string> lines;
  for (const auto& p : points) {
    lines.push_back(p.name() + ", " + std::to_string(p.window_before_days) + ", " +
                    std::to_string(p.window_after_days));
  }
  return join(lines, "\n");
}

// The lines of the time points' text area as the settings document's array. A line with too
// few parts leaves the missing ones blank, so the error names what is missing.
Json time_points_document(const std::string& text) {
  Json out = Json::array();
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::vector<std::string> parts;
    std::size_t from = 0;
    while (true) {
      auto comma = line.find(',', from);
      parts.push_back(line.substr(from, comma == std::string::npos ? std::string::npos
                                                                 : comma - from));
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    for (auto& part : parts) {
      const auto a = part.find_first_not_of(" \t\r");
      part = a == std::string::npos ? "" : part.substr(a, part.find_last_not_of(" \t\r") - a + 1);
    }
    parts.resize(std::max<std::size_t>(parts.size(), 3));
    Json item = {{"time_point", parts[0]},
                 {"window_before_days", parts[1]},
                 {"window_after_days", parts[2]}};
    // Extra parts are refused rather than dropped.
    for (std::size_t i = 3; i < parts.size(); ++i) item["part " + std::to_string(i + 1)] = parts[i];
    out.push_back(item);
  }
  return out;
}

SettingsForm settings_form(const app::UnitConfig& c) {
  SettingsForm f;
  f.min_conservative_days = std::to_string(c.rules.min_conservative_days);
  f.recent_fracture_window_days = std::to_string(c.rules.recent_fracture_window_days);
  f.pain_threshold = std::to_string(c.rules.pain_threshold);
  f.radiologist_roles = join(c.rules.radiologist_roles, "\n");
  f.spinal_surgeon_roles = join(c.rules.spinal_surgeon_roles, "\n");
  for (auto p : c.rules.enabled_packs) f.packs.insert(std::string(guidance::pack_name(p)));
  for (const auto& [gate, roles] : c.override_roles) {
    auto& set = f.override_roles[std::string(guidance::gate_name(gate))];
    for (auto r : roles) set.insert(std::string(domain::role_name(r)));
  }
  f.follow_up_time_points = time_points_text(c.follow_up_time_points);
  f.primary_follow_up = c.primary_follow_up;
  f.patient_link_days = std::to_string(c.patient_link_days);
  for (const int d : c.patient_reminder_days) {
    f.patient_reminder_days += (f.patient_reminder_days.empty() ? "" : ", ") + std::to_string(d);
  }
  f.patient_phone_after_days = std::to_string(c.patient_phone_after_days);
  f.pain_relief_min_points = std::to_string(c.outcome_definitions.pain_min_fall_points);
  f.pain_relief_min_percent = std::to_string(c.outcome_definitions.pain_min_fall_percent);
  f.mobility_min_steps = std::to_string(c.outcome_definitions.mobility_min_steps);
  return f;
}

std::string override_field(guidance::Gate g) {
  return "override_roles." + std::string(guidance::gate_name(g));
}

SettingsForm settings_form(const Request& req) {
  SettingsForm f;
  f.min_conservative_days = form(req, "min_conservative_days");
  f.recent_fracture_window_days = form(req, "recent_fracture_window_days");
  f.pain_threshold = form(req, "pain_threshold");
  f.radiologist_roles = form(req, "radiologist_roles");
  f.spinal_surgeon_roles = form(req, "spinal_surgeon_roles");
  for (auto& p : form_values(req, "enabled_packs")) f.packs.insert(p);
  for (auto g : guidance::all_gates()) {
    auto& set = f.override_roles[std::string(guidance::gate_name(g))];
    for (auto& r : form_values(req, override_field(g))) set.insert(r);
  }
  f.has_follow_up = req.has_param("follow_up_time_points") || req.has_param("primary_follow_up");
  f.follow_up_time_points = form(req, "follow_up_time_points");
  f.primary_follow_up = form(req, "primary_follow_up");
  f.patient_link_days = form(req, "patient_link_days");
  f.has_link_days = req.has_param("patient_link_days");
  f.patient_reminder_days = form(req, "patient_reminder_days");
  f.patient_phone_after_days = form(req, "patient_phone_after_days");
  f.has_reminders = req.has_param("patient_phone_after_days");
  f.has_outcomes = false;
  for (const auto& [key, label, member] : outcome_keys()) {
    f.has_outcomes = f.has_outcomes || req.has_param(key);
    f.*member = form(req, key);
  }
  return f;
}

// The settings document put_unit_config reads. Every key is present, so nothing left blank
// silently falls back to its default.
Json settings_document(const SettingsForm& f) {
  Json overrides = Json::object();
  for (const auto& [gate, roles] : f.override_roles) {
    overrides[gate] = Json(std::vector<std::string>(roles.begin(), roles.end()));
  }
  Json doc = {{"min_conservative_days", f.min_conservative_days},
              {"recent_fracture_window_days", f.recent_fracture_window_days},
              {"pain_threshold", f.pain_threshold},
              {"radiologist_roles", f.radiologist_roles},
              {"spinal_surgeon_roles", f.spinal_surgeon_roles},
              {"enabled_packs", std::vector<std::string>(f.packs.begin(), f.packs.end())},
              {"override_roles", overrides}};
  if (f.has_follow_up) {
    doc["follow_up_time_points"] = time_points_document(f.follow_up_time_points);
    doc["primary_follow_up"] = f.primary_follow_up;
    // Forms from before the setting existed leave it as it is.
    if (f.has_link_days) doc["patient_link_days"] = f.patient_link_days;
    if (f.has_reminders) {
      doc["patient_reminder_days"] = f.patient_reminder_days;
      doc["patient_phone_after_days"] = f.patient_phone_after_days;
    }
  }
  if (f.has_outcomes) {
    for (const auto& [key, label, member] : outcome_keys()) doc[key] = f.*member;
  }
  return doc;
}

// A group of checkboxes, for settings.mustache: {id, name, label, hint, error, options[]}.
Json checkboxes(const std::string& name, const std::string& label, const std::string& hint,
                const std::vector<std::pair<std::string, std::string>>& options,
                const std::set<std::string>& checked, const Json& errors) {
  Json opts = Json::array();
  std::size_t i = 0;
  for (const auto& [value, text] : options) {
    opts.push_back({{"option_value", value},
                    {"option_label", text},
                    {"option_id", name + (i == 0 ? "" : "-" + std::to_string(i + 1))},
                    {"checked", checked.count(value) > 0}});
    ++i;
  }
  Json g = {{"id", name}, {"name", name}, {"label", label}, {"hint", hint}, {"options", opts}};
  if (errors.contains(name)) g["error"] = errors.at(name);
  return g;
}

void show_settings(Web& web, Response& res, const app::Actor& actor, int status,
                   const SettingsForm& f, Json data) {
  const Json errors = data.value("errors", Json::object());
  const guidance::UnitSettings d{};
  Json fields = Json::array();
  fields.push_back(field_view(
      {"min_conservative_days", "Minimum conservative treatment (days)", f.min_conservative_days,
       FieldKind::kText,
       "How long conservative treatment must have been tried before pain counts as refractory "
       "(HTG3-1.2-REFRACTORY), counting the first and last days. 0 to 365; while TA279 or EBI is "
       "enabled, shorter than the recent fracture window. Default " +
           std::to_string(d.min_conservative_days) +
           " days. Source: HTG3 leaves the period to the unit; NICE TA279 (chapter 4) heard that "
           "the pain usually eases after 2 to 3 weeks and is often gone by 6, so 3 weeks of "
           "optimal pain management leaves 3 weeks inside a 6-week window.",
       "3", "off"},
      errors));
  fields.push_back(field_view(
      {"recent_fracture_window_days", "Recent fracture window (days)",
       f.recent_fracture_window_days, FieldKind::kText,
       "How old a fracture may be and still count as recent (TA279-SEVERE-RECENT, EBI-VA-PAIN). "
       "1 to 365. Default " + std::to_string(d.recent_fracture_window_days) +
           " days. Source: EBI, \"recent (usually not more than 6 weeks)\"; TA279 gives no "
           "number.",
       "3", "off"},
      errors));
  fields.push_back(field_view(
      {"pain_threshold", "Severe pain threshold (0 to 10)", f.pain_threshold, FieldKind::kText,
       "A pain score at or above this counts as severe (EBI-VA-PAIN, TA279-SEVERE-RECENT). "
       "Default " + std::to_string(d.pain_threshold) + ". Source: EBI, pain 7/10 or more.",
       "2", "off"},
      errors));
  fields.push_back(field_view(
      {"radiologist_roles", "Roles counted as a radiologist", f.radiologist_roles,
       FieldKind::kTextarea,
       "One per line. An MDT attendee with one of these professional roles (ignoring case) is "
       "the radiologist HTG3 1.2 asks for (HTG3-1.2-MDT). Default: " +
           join(d.radiologist_roles, ", ") +
           ". Source: HTG3 names the specialty; which job titles count is left to the unit."},
      errors));
  fields.push_back(field_view(
      {"spinal_surgeon_roles", "Roles counted as a spinal surgeon", f.spinal_surgeon_roles,
       FieldKind::kTextarea,
       "One per line. An MDT attendee with one of these professional roles (ignoring case) is "
       "the spinal surgeon HTG3 1.2 asks for (HTG3-1.2-MDT). Default: " +
           join(d.spinal_surgeon_roles, ", ") +
           ". Source: HTG3 names the specialty; which job titles count is left to the unit."},
      errors));
  data["fields"] = fields;

  std::vector<std::pair<std::string, std::string>> packs;
  std::vector<std::string> default_packs;
  for (auto p : {guidance::Pack::kHtg3, guidance::Pack::kTa279, guidance::Pack::kEbi}) {
    packs.emplace_back(std::string(guidance::pack_name(p)), pack_label(p));
    if (d.enabled_packs.count(p)) default_packs.emplace_back(guidance::pack_name(p));
  }
  data["packs"] = checkboxes(
      "enabled_packs", "Rule packs",
      "The guidance whose rules vertebro checks. HTG3 cannot be switched off. Default: " +
          join(default_packs, ", ") + ". Source: vertebro's default, so every finding is shown.",
      packs, f.packs, errors);

  const auto default_overrides = app::UnitConfig::default_override_roles();
  Json gates = Json::array();
  for (auto g : guidance::all_gates()) {
    // Only the roles that could use the listing (researchers cannot see records; the
    // recorded-procedure check is overridden by whoever records the procedure).
    std::vector<std::pair<std::string, std::string>> roles;
    for (auto r : domain::all_roles()) {
      if (!app::UnitConfig::could_override(r, g)) continue;
      roles.emplace_back(std::string(domain::role_name(r)), std::string(domain::role_label(r)));
    }
    const bool recorded = g == guidance::Gate::kProcedureRecorded;
    std::vector<std::string> defaults;
    auto it = default_overrides.find(g);
    if (it != default_overrides.end()) {
      for (auto r : it->second) defaults.emplace_back(domain::role_label(r));
    }
    auto checked = f.override_roles.find(std::string(guidance::gate_name(g)));
    gates.push_back(checkboxes(
        override_field(g), "Who may override the " + gate_label(g) + " gate",
        std::string(recorded ? "When the rules block the recording of a procedure, the user "
                               "recording it may save it by giving a reason if their role is "
                               "ticked. Only roles that record the procedure are offered. "
                             : "When the rules block this step, a user with one of these roles "
                               "may pass it by giving a reason, even if their role does not make "
                               "the move itself. ") +
            "None ticked: nobody may. Default: " +
            join(defaults, ", ") +
            ". Source: vertebro's default, the clinicians who take responsibility for the "
            "procedure.",
        roles, checked == f.override_roles.end() ? std::set<std::string>{} : checked->second,
        errors));
  }
  data["gates"] = gates;

  Json follow_up = Json::array();
  follow_up.push_back(field_view(
      {"follow_up_time_points", "Follow-up time points", f.follow_up_time_points,
       FieldKind::kTextarea,
       "One per line, earliest first: the time after the procedure, then the days the window "
       "opens before the due date and stays open after it, separated by commas, such as "
       "\"3 months, 14, 28\". Times are in days, weeks or months; a month is a calendar month, "
       "ending on the month's last day when it is shorter (31 January + 1 month = 28 February). "
       "Both ends of a window count. Default: " +
           [] {
             std::string t = time_points_text(guidance::default_follow_up_time_points());
             std::replace(t.begin(), t.end(), '\n', ';');
             return t;
           }() +
           " (one per line). Source: the time points are the VERTOS IV trial's; the windows are "
           "vertebro's default, not a published standard."},
      errors));
  follow_up.push_back(field_view(
      {"primary_follow_up", "Primary follow-up", f.primary_follow_up, FieldKind::kText,
       "The time point audit reports use for the main outcome; one of the time points above. "
       "Default " + guidance::default_primary_follow_up() +
           ". Source: vertebro's default; VERTOS II reported 1-month and 1-year analyses, and no "
           "published standard fixes the primary time point for a registry.",
       "10", "off"},
      errors));
  follow_up.push_back(field_view(
      {"patient_link_days", "Patient questionnaire links work for (days)", f.patient_link_days,
       FieldKind::kText,
       "A link sent to a patient (by letter or text message) stops working this many days after "
       "it is issued, or once answered (1 to 90). Default 28. Source: vertebro's default, time "
       "for a letter to arrive and be answered; not a published standard.",
       "2", "off"},
      errors));
  follow_up.push_back(field_view(
      {"patient_reminder_days", "Remind patients who have not answered after (days)",
       f.patient_reminder_days, FieldKind::kText,
       "Days after a questionnaire was first sent when a reminder (a new letter or text) is due "
       "if the patient has not answered: up to 3, from 1 to 90, in increasing order, separated "
       "by commas; leave it empty for no reminders. Never for a follow-up already recorded or "
       "stopped, or a patient who died or withdrew. Default 7, 14. Source: vertebro's default; "
       "not a published standard.",
       "10", "off"},
      errors));
  follow_up.push_back(field_view(
      {"patient_phone_after_days", "Move unanswered questionnaires to the phone list after (days)",
       f.patient_phone_after_days, FieldKind::kText,
       "Days after a questionnaire was first sent when, still unanswered, it goes to the nurses' "
       "phone list and reminders stop (1 to 120; after the last reminder). Default 21. Source: "
       "vertebro's default; not a published standard.",
       "3", "off"},
      errors));
  data["follow_up_fields"] = follow_up;

  const guidance::OutcomeDefinitions od{};
  Json outcomes = Json::array();
  outcomes.push_back(field_view(
      {"pain_relief_min_points", "Pain relief: fall of at least (NRS points)",
       f.pain_relief_min_points, FieldKind::kText,
       "Pain relief at a follow-up is a fall from the pre-procedure pain score of at least this "
       "many points (1 to 10) and at least the percentage below, both. Default " +
           std::to_string(od.pain_min_fall_points) +
           ". Source: vertebro's default, after the usual definition of a clinically important "
           "change on an 11-point scale; not a published standard for vertebroplasty.",
       "2", "off"},
      errors));
  outcomes.push_back(field_view(
      {"pain_relief_min_percent", "Pain relief: fall of at least (per cent)",
       f.pain_relief_min_percent, FieldKind::kText,
       "Of the pre-procedure pain score, 0 to 100. Default " +
           std::to_string(od.pain_min_fall_percent) + "%. Source: as above.",
       "3", "off"},
      errors));
  outcomes.push_back(field_view(
      {"mobility_min_steps", "Improved mobility: steps up the scale", f.mobility_min_steps,
       FieldKind::kText,
       "Steps up the mobility scale (bed-bound, chair-bound, walking with a frame, walking with a "
       "stick, walking unaided) from before the procedure, 1 to 4. Reduced medication is a lower "
       "analgesic class or stopping. Default " +
           std::to_string(od.mobility_min_steps) + ". Source: vertebro's default.",
       "2", "off"},
      errors));
  data["outcome_fields"] = outcomes;
  render_page(web, res, status, "settings", data, "Unit settings", &actor, "settings");
}

}  // namespace

void add_admin_pages(Router& router, Web& web) {
  router.get("/sites", "Sites and their access to spinal surgery",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               show_sites(web, req, res, *actor);
             });

  router.get("/sites/{id}/surgery", "Form: a site's access to spinal surgery",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor || !require_admin(web, res, *actor, "a site's surgery access")) return;
               auto v = find_site(web, res, *actor, SiteId{path_id(req)});
               if (!v) return;
               app::SurgeryInput in;
               if (v->surgery) in = {v->surgery->access, v->surgery->service, v->surgery->review_date};
               show_surgery_form(web, res, *actor, 200, v->site, in, Json::object());
             });

  router.post("/sites/{id}/surgery", "Record a site's access to spinal surgery",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const SiteId id{path_id(req)};
                const app::SurgeryInput in{form(req, "access"), form(req, "service"),
                                           form(req, "review_date")};
                auto saved = app::set_site_surgery(web.ctx, *actor, id, in);
                if (saved) return redirect(res, "/sites?saved=" + id.str());
                if (saved.error().code != Errc::kInvalid) {
                  return render_error(web, res, saved.error(), &*actor);
                }
                auto v = find_site(web, res, *actor, id);
                if (!v) return;
                show_surgery_form(web, res, *actor, 422, v->site, in, error_view(saved.error()));
              });

  router.get("/settings", "Form: the unit's settings", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor || !require_admin(web, res, *actor, "the unit's settings")) return;
    auto c = app::get_unit_config(web.ctx, *actor);
    if (!c) return render_error(web, res, c.error(), &*actor);
    show_settings(web, res, *actor, 200, settings_form(*c),
                  Json{{"saved", form(req, "saved") == "1"}});
  });

  router.post("/settings", "Change the unit's settings", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor || !check_csrf(web, *actor, req, res)) return;
    SettingsForm f = settings_form(req);
    // A number left blank would otherwise fall back to its default without a word.
    std::vector<FieldError> blanks;
    if (f.min_conservative_days.find_first_not_of(" \t") == std::string::npos) {
      blanks.push_back({"min_conservative_days", "Enter the minimum conservative treatment"});
    }
    if (f.recent_fracture_window_days.find_first_not_of(" \t") == std::string::npos) {
      blanks.push_back({"recent_fracture_window_days", "Enter the recent fracture window"});
    }
    if (f.pain_threshold.find_first_not_of(" \t") == std::string::npos) {
      blanks.push_back({"pain_threshold", "Enter the pain threshold"});
    }
    if (f.has_follow_up && f.primary_follow_up.find_first_not_of(" \t") == std::string::npos) {
      blanks.push_back({"primary_follow_up", "Enter the primary follow-up"});
    }
    if (f.has_follow_up && f.has_link_days &&
        f.patient_link_days.find_first_not_of(" \t") == std::string::npos) {
      blanks.push_back({"patient_link_days", "Enter how many days patient links work for"});
    }
    if (f.has_follow_up && f.has_reminders &&
        f.patient_phone_after_days.find_first_not_of(" \t") == std::string::npos) {
      blanks.push_back({"patient_phone_after_days",
                        "Enter after how many days an unanswered questionnaire goes to the phone "
                        "list"});
    }
    for (const auto& [key, label, member] : outcome_keys()) {
      if (f.has_outcomes && (f.*member).find_first_not_of(" \t") == std::string::npos) {
        blanks.push_back({key, std::string("Enter ") + label});
      }
    }
    const Json doc = settings_document(f);
    Error failed;
    if (!blanks.empty()) {
      if (!require_admin(web, res, *actor, "the unit's settings")) return;
      auto parsed = app::parse_unit_config(doc);
      if (!parsed) {
        for (const auto& e : parsed.error().fields) blanks.push_back(e);
      }
      failed = Error::invalid(std::move(blanks), "Check the unit's settings");
    } else {
      auto saved = app::put_unit_config(web.ctx, *actor, doc);
      if (saved) return redirect(res, "/settings?saved=1");
      if (saved.error().code != Errc::kInvalid) {
        return render_error(web, res, saved.error(), &*actor);
      }
      failed = saved.error();
    }
    if (!f.has_follow_up) {
      // Shown again as they are stored, since this form left them out.
      auto c = app::get_unit_config(web.ctx, *actor);
      if (!c) return render_error(web, res, c.error(), &*actor);
      const SettingsForm stored = settings_form(*c);
      f.follow_up_time_points = stored.follow_up_time_points;
      f.primary_follow_up = stored.primary_follow_up;
      f.patient_link_days = stored.patient_link_days;
      f.patient_reminder_days = stored.patient_reminder_days;
      f.patient_phone_after_days = stored.patient_phone_after_days;
    }
    if (!f.has_outcomes) {
      auto c = app::get_unit_config(web.ctx, *actor);
      if (!c) return render_error(web, res, c.error(), &*actor);
      const SettingsForm stored = settings_form(*c);
      for (const auto& [key, label, member] : outcome_keys()) f.*member = stored.*member;
    }
    show_settings(web, res, *actor, 422, f, error_view(failed));
  });
}

}  // namespace vertebro::http
