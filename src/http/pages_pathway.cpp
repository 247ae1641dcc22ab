// Pages of an episode's HTG3 pathway: the pathway page (its forms, MDT discussions, the next
// gate's findings with the move or override, and the history of moves), the three clinical
// forms (assessment, consent, procedure), moves and exits. docs/pathway.md describes them for
// users. What each form asks is described in clinical_forms.cpp.

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

#include "app/complications.h"
#include "app/pathway.h"
#include "app/procedure_cement.h"
#include "app/referrals.h"
#include "app/unit_config.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "http/clinical_forms.h"
#include "http/forms.h"
#include "http/pathway_pages.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace pathway_pages {

using app::FormKind;
using clinical_forms::Values;
using clinical_forms::document_of;
using clinical_forms::for_page;
using clinical_forms::form_permission;
using clinical_forms::form_title;
using clinical_forms::has_levels;
using clinical_forms::summary_rows;
using clinical_forms::values_of;
using domain::PathwayState;
using domain::VertebralLevel;

std::int64_t number_of(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// "25 Nov 2026, 10:00 UTC" from a stored timestamp.
std::string when(const std::string& at) {
  TimePoint t{};
  if (!parse_timestamp(at, t)) return at;
  const auto day = std::chrono::floor<std::chrono::days>(t);
  return domain::Date::from_days(day).display() + ", " + at.substr(11, 5) + " UTC";
}

// ---- Loading -------------------------------------------------------------------------------

Result<Loaded> load(Web& web, const app::Actor& actor, EpisodeId id) {
  auto p = app::view_pathway(web.ctx, actor, id);
  if (!p) return std::move(p).error();
  return Loaded{std::move(*p)};
}

std::string caption(const Loaded& l) {
  const auto& d = l.pathway.patient.details;
  return d.family_name + ", " + d.given_name + ", NHS number " + d.nhs_number.formatted() +
         (d.nhs_number.is_test_number() ? " (test number)" : "");
}

std::string pathway_href(EpisodeId id) { return "/episodes/" + id.str() + "/pathway"; }

std::vector<VertebralLevel> default_levels(FormKind kind, const app::PathwayView& p) {
  if (const auto& s = p.form(kind)) {
    auto levels = app::assessed_levels(s->document);
    if (!levels.empty()) return levels;
  }
  if (kind == FormKind::kProcedure && p.assessment) {
    auto levels = app::assessed_levels(p.assessment->document);
    if (!levels.empty()) return levels;
  }
  return p.episode.referral.levels;
}

// ---- Form pages ----------------------------------------------------------------------------

struct FormState {
  std::vector<VertebralLevel> levels;
  Values values;
  std::int64_t version = 0;
  std::string levels_list;  // as typed; defaults to the levels
};

// The move to procedure's choice of the planned operator and their supervisor (HTG3-1.2-TRAINING
// judges them at the planned date), from the operators active at the episode's site.
Json planned_team_fields(const Request& req, const app::PathwayView& p, const Json& errors) {
  Json out = Json::array();
  for (auto [name, label, hint] :
       {std::tuple{"planned_operator_id", "Planned operator",
                   "Who is to operate. Their competence sign-off is checked now, at the planned "
                   "date, and again when the procedure is recorded"},
        std::tuple{"planned_supervisor_id", "Supervising operator (optional)",
                   "When the planned operator is a trainee: who will supervise them"}}) {
    FieldSpec f{name, label, form(req, name), FieldKind::kSelect, hint};
    f.options.emplace_back("", "Not named yet");
    for (const auto& o : p.site_operators) f.options.emplace_back(std::to_string(o.id), o.name);
    out.push_back(field_view(f, errors));
  }
  return out;
}

// The posted values with the names of the operators chosen by id (primary_operator_id,
// supervisor_id), as a summary shows them.
Values with_operator_names(const app::PathwayView& p, Values values) {
  for (const std::string role : {"primary_operator", "supervisor"}) {
    const auto chosen = values.find(role + "_id");
    if (chosen == values.end() || chosen->second.empty()) continue;
    for (const auto& o : p.site_operators) {
      if (std::to_string(o.id) == chosen->second.front()) values[role] = {o.name};
    }
  }
  return values;
}

std::string value_of(const Values& v, const std::string& name) {
  const auto it = v.find(name);
  return it == v.end() || it->second.empty() ? "" : it->second.front();
}

// The procedure's cement packs as the form draws them (_procedure_cement.mustache): each pack
// named in `values` (and one more when `add_pack`, and pack 1 when there is none), with what
// its scan or lot found and the steps of its IFU version to confirm.
Json cement_view(Web& web, const app::Actor& actor, const Values& values, const Json& errors,
                 bool add_pack) {
  std::vector<int> units;
  for (const auto& [name, list] : values) {
    if (name.rfind("cement_units.", 0) != 0) continue;
    const std::string n = name.substr(13, name.find('.', 13) - 13);
    const int unit = static_cast<int>(number_of(n));
    if (unit >= 1 && unit <= 10 && std::find(units.begin(), units.end(), unit) == units.end()) {
      units.push_back(unit);
    }
  }
  std::sort(units.begin(), units.end());
  if (units.empty() || (add_pack && units.back() < 10)) {
    units.push_back(units.empty() ? 1 : units.back() + 1);
  }
  const Json doc = document_of(values);
  std::map<int, app::CementChecklist> found;
  if (doc.contains("cement_units")) {
    auto lists = app::cement_checklists(web.ctx, actor, doc["cement_units"]);
    if (lists) {
      for (auto& c : *lists) found[c.unit] = std::move(c);
    }
  }
  Json out = Json::array();
  for (int n : units) {
    const std::string p = "cement_units." + std::to_string(n) + ".";
    Json u = {{"unit", n},
              {"legend", "Pack " + std::to_string(n)},
              {"scan", field_view({p + "scan", "Scan the pack's label",
                                   value_of(values, p + "scan"), FieldKind::kText,
                                   "Put the cursor here and scan the barcode with the GS1 or HIBC "
                                   "symbol, then choose Find the packs scanned.",
                                   "", "off"},
                                  errors)},
              {"lot_id", value_of(values, p + "lot_id")},
              {"ifu_version_id", value_of(values, p + "ifu_version_id")}};
    const auto f = found.find(n);
    if (f != found.end() && f->second.pack.error.empty()) {
      const auto& pack = f->second.pack;
      u["lot_id"] = pack.lot_id > 0 ? std::to_string(pack.lot_id) : "";
      u["ifu_version_id"] = std::to_string(pack.ifu_version_id);
      u["found"] = {{"product", pack.product},
                    {"code_label", pack.scheme == "hibc" ? "HIBC" : "GTIN"},
                    {"code", pack.code},
                    {"lot", pack.lot},
                    {"expiry", date_display(pack.expiry)},
                    {"ifu_version", pack.ifu_version}};
      if (!f->second.warning.empty()) u["warning"] = f->second.warning;
      Json steps = Json::array();
      for (std::size_t k = 1; k <= f->second.steps.size(); ++k) {
        const std::string name = p + "steps." + std::to_string(k);
        const std::string answer = value_of(values, name);
        const std::string note = p + "deviations." + std::to_string(k);
        Json step = {{"id", name},
                     {"name", name},
                     {"number", k},
                     {"text", f->second.steps[k - 1]},
                     {"confirmed", answer == "confirmed"},
                     {"deviation", answer == "deviation"},
                     {"deviation_field",
                      field_view({note, "If done otherwise: how, and why?", value_of(values, note),
                                  FieldKind::kTextarea, ""},
                                 errors)}};
        if (errors.contains(name)) step["error"] = errors[name];
        steps.push_back(step);
      }
      u["steps"] = steps;
    } else if (f != found.end() && !errors.contains(p + "scan")) {
      u["scan"] = field_view({p + "scan", "Scan the pack's label", value_of(values, p + "scan"),
                              FieldKind::kText, "", "", "off"},
                             Json{{p + "scan", f->second.pack.error}});
    }
    out.push_back(u);
  }
  return {{"units", out}};
}

void show_form(Web& web, Response& res, const app::Actor& actor, int status, const Loaded& l,
               FormKind kind, const FormState& state, Json data, bool add_pack = false) {
  const Json errors = data.value("errors", Json::object());
  const std::string name(app::form_kind_name(kind));
  const EpisodeId id = l.pathway.episode.id;
  const bool recorded = l.pathway.form(kind).has_value();
  data["heading"] = (recorded ? "Change the " : "Record the ") + name;
  data["caption"] = caption(l);
  data["action"] = "/episodes/" + id.str() + "/" + name;
  data["version"] = state.version;
  app::Choices operators;
  for (const auto& o : l.pathway.site_operators) operators.emplace_back(std::to_string(o.id), o.name);
  Values values = state.values;
  for (const char* role : {"primary_operator", "supervisor"}) {
    // A chosen operator's name is stored beside the id; the visiting field stays empty.
    const auto chosen = values.find(std::string(role) + "_id");
    if (chosen != values.end() && !chosen->second.empty() && !chosen->second.front().empty()) {
      values.erase(role);
    }
  }
  data["sections"] = clinical_forms::sections_json(
      kind, state.levels, values, errors,
      state.levels_list.empty() ? domain::format_levels(state.levels) : state.levels_list,
      operators);
  data["levels_shown"] = has_levels(kind) ? Json(domain::format_levels(state.levels)) : Json();
  if (kind == FormKind::kProcedure) {
    data["cement"] = cement_view(web, actor, values, errors, add_pack);
  }
  const bool overriding = data.contains("check") && data["check"].value("may_override", false);
  data["submit_label"] = (overriding ? "Override the guidance and save the " : "Save the ") + name;
  data["submit_warning"] = overriding;
  data["cancel_href"] = pathway_href(id);
  data["back_href"] = pathway_href(id);
  render_page(web, res, status, "pathway_form", data, form_title(kind), &actor);
}

void get_form(Web& web, const Request& req, Response& res, FormKind kind) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  const std::string name(app::form_kind_name(kind));
  if (!role_allows(actor->user.role, form_permission(kind))) {
    return render_error(web, res, Error::forbidden("Your role cannot record the " + name), &*actor);
  }
  auto l = load(web, *actor, episode_id(req));
  if (!l) return render_error(web, res, l.error(), &*actor);
  const auto& p = l->pathway;
  const auto& editable = p.editable_forms;
  if (std::find(editable.begin(), editable.end(), kind) == editable.end()) {
    return render_error(
        web, res,
        Error::conflict("The " + name + " cannot be recorded while the episode is at " +
                        std::string(domain::state_label(p.episode.state)) + "."),
        &*actor);
  }
  FormState state;
  state.levels = default_levels(kind, p);
  if (const auto& s = p.form(kind)) {
    state.values = values_of(s->document);
    state.version = s->version;
  } else if (kind == FormKind::kAssessment) {
    state.values["indication"] = {
        std::string(domain::indication_name(p.episode.referral.indication))};
  }
  show_form(web, res, *actor, 200, *l, kind, state, Json::object());
}

std::string notice_signature(const app::Actor& actor, const std::string& saved,
                             const std::vector<std::string>& warnings) {
  std::string text = saved;
  for (const auto& w : warnings) text += "\n" + w;
  return crypto::sha256_hex(text + "\n" + actor.csrf_token);
}

std::string saved_location(const app::Actor& actor, EpisodeId id, FormKind kind,
                           const std::vector<std::string>& warnings) {
  const std::string name(app::form_kind_name(kind));
  httplib::Params q{{"saved", name}};
  for (const auto& w : warnings) q.emplace("warning", w);
  if (!warnings.empty()) q.emplace("sig", notice_signature(actor, name, warnings));
  return pathway_href(id) + "?" + httplib::detail::params_to_query_str(q);
}

Json blocked_check_view(Web& web, const Request& req, const app::Actor& actor,
                        const app::GateCheck& check);

void post_form(Web& web, const Request& req, Response& res, FormKind kind) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  const EpisodeId id = episode_id(req);
  FormState state;
  state.values = values_of(req);
  state.version = number_of(form(req, "version"));
  Json data = Json::object();
  int status = 0;  // 0: save; otherwise show the form again with this status
  if (has_levels(kind)) {
    auto shown = domain::parse_levels(form(req, "levels_shown"), "levels_shown");
    auto wanted = domain::parse_levels(form(req, "levels_list"), "levels_list");
    if (shown) state.levels = *shown;
    state.levels_list = form(req, "levels_list");
    if (!wanted) {
      status = 422;
      data = error_view(wanted.error());
    } else if (!shown || *shown != *wanted) {
      status = 200;
      state.levels = *wanted;
      state.levels_list.clear();
      data["notice"] = "The levels changed to " + domain::format_levels(*wanted) +
                       ". Enter the details for each level, then save. Nothing has been saved yet.";
    }
  }
  const std::string cement_action = form(req, "cement_action");
  if (status == 0 && kind == FormKind::kProcedure && !cement_action.empty()) {
    status = 200;
    data["notice"] = cement_action == "add"
                         ? "A pack was added: scan its label. Nothing has been saved yet."
                         : "The packs scanned are shown with their instructions for use. Confirm "
                           "each step, then save. Nothing has been saved yet.";
  }
  if (status == 0) {
    auto saved = app::save_form(web.ctx, *actor, id, kind, state.version,
                                document_of(state.values), form(req, "override_reason"));
    if (saved && saved->saved) {
      return redirect(res, saved_location(*actor, id, kind, saved->warnings));
    }
    if (saved) {
      // The recorded-procedure check blocks: show its findings, and the reason field to those
      // who may override it.
      status = 422;
      data = blocked_check_view(web, req, *actor, *saved->check);
    } else {
      const Error& e = saved.error();
      if (e.code != Errc::kInvalid && e.code != Errc::kConflict) {
        return render_error(web, res, e, &*actor);
      }
      status = e.code == Errc::kInvalid ? 422 : 409;
      data = error_view(for_page(e));
    }
  }
  auto l = load(web, *actor, id);
  if (!l) return render_error(web, res, l.error(), &*actor);
  if (status == 409) {
    const auto& current = l->pathway.form(kind);
    const std::int64_t current_version = current ? current->version : 0;
    // Someone saved first: show their values, and list what this user typed so nothing is lost.
    data["conflict"] = true;
    data["attempted"] =
        summary_rows(kind, state.levels, with_operator_names(l->pathway, state.values));
    state.values = current ? values_of(current->document) : Values();
    state.version = current_version;
    state.levels = default_levels(kind, l->pathway);
    state.levels_list.clear();
  }
  show_form(web, res, *actor, status, *l, kind, state, data, cement_action == "add");
}

// ---- The pathway page ----------------------------------------------------------------------

std::string gate_label(guidance::Gate g) {
  switch (g) {
    case guidance::Gate::kAssessmentToMdt: return "assessment to MDT";
    case guidance::Gate::kMdtToConsent: return "MDT to consent";
    case guidance::Gate::kConsentToProcedure: return "consent to procedure";
    case guidance::Gate::kProcedureRecorded: return "recorded procedure";
  }
  return "";
}

std::string judged_at_text(const std::optional<domain::Date>& procedure_date, bool planned,
                           domain::Date today) {
  if (!procedure_date) return "today, " + today.display();
  return std::string(planned ? "the planned procedure date, " : "the procedure date, ") +
         procedure_date->display();
}

std::string state_label(const std::string& name) {
  auto s = domain::parse_state(name);
  return s ? std::string(domain::state_label(*s)) : name;
}

std::string role_label(const std::string& name) {
  auto r = domain::parse_role(name);
  return r ? std::string(domain::role_label(*r)) : name;
}

std::string who_moves(PathwayState to) {
  switch (to) {
    case PathwayState::kAssessment:
    case PathwayState::kMdt:
      return "An operator (interventional radiologist or spinal surgeon) completes the assessment "
             "and sends the case to the MDT.";
    case PathwayState::kConsent:
      return "The MDT coordinator or an operator moves the case to consent once the MDT has "
             "decided.";
    case PathwayState::kProcedure:
      return "An operator records consent and moves the case to the procedure.";
    case PathwayState::kReferral:
    case PathwayState::kFollowUp:
    case PathwayState::kClosed:
    case PathwayState::kDeclined:
    case PathwayState::kWithdrawn:
    case PathwayState::kNotSuitable:
    case PathwayState::kDeceased: break;
  }
  return "";
}

// What happens next when the page offers no gated move.
std::string next_step_text(const app::PathwayView& p) {
  const PathwayState s = p.episode.state;
  if (domain::is_final(s)) {
    return "This episode has ended: " + std::string(domain::state_label(s)) + ".";
  }
  if (s == PathwayState::kFollowUp) {
    bool all_done = !p.follow_ups.empty();
    for (const auto& slot : p.follow_ups) {
      const bool passed = slot.due && slot.due->status == guidance::FollowUpStatus::kOverdue;
      if (!slot.visit_date && !passed) all_done = false;
    }
    return all_done ? "The procedure is recorded and every follow-up time point is recorded or "
                      "past: close the episode once nothing more is expected."
                    : "The procedure is recorded; the episode is in follow-up.";
  }
  if (s == PathwayState::kReferral && p.moves.empty()) return who_moves(PathwayState::kAssessment);
  return {};
}

std::string move_label(PathwayState to) {
  if (to == PathwayState::kAssessment) return "Start the assessment";
  return "Move to " + std::string(domain::state_label(to));
}

std::string override_roles(Web& web, const app::Actor& actor, guidance::Gate gate) {
  auto config = app::get_unit_config(web.ctx, actor);
  if (!config) return "a role the unit allows";
  std::string out;
  auto it = config->override_roles.find(gate);
  if (it == config->override_roles.end() || it->second.empty()) return "nobody at present";
  for (const auto& r : it->second) {
    out += (out.empty() ? "" : " or ") + std::string(domain::role_label(r)) + "s";
  }
  return out;
}

// The error summary and findings of a recorded-procedure check that blocked a save, with the
// reason field for a role the unit allows to override it.
Json blocked_check_view(Web& web, const Request& req, const app::Actor& actor,
                        const app::GateCheck& check) {
  const std::string roles = override_roles(web, actor, check.gate);
  Json data = error_view(
      check.may_override
          ? Error::invalid({{"override_reason",
                             "Enter a reason to override the guidance, or correct the procedure "
                             "or the missing information first"}})
          : Error::invalid({}, "The guidance is not met at the procedure date. Only " + roles +
                                   " can record this procedure, with a reason to override it."));
  const Json errors = data.value("errors", Json::object());
  data["check"] = {
      {"judged_at", judged_at_text(check.procedure_date, false,
                                   domain::Date::today(web.ctx.clock()))},
      {"may_override", check.may_override},
      {"override_roles", roles},
      {"findings", findings_view(app::findings_json(check.findings))},
      {"override_field",
       check.may_override
           ? field_view({"override_reason", "Reason for overriding the guidance",
                         form(req, "override_reason"), FieldKind::kTextarea,
                         "Say why the procedure went ahead although the guidance is not met at "
                         "its date. The reason is kept with the findings and shown in the "
                         "history."},
                        errors)
           : Json()}};
  return data;
}

Json transition_view(const domain::TransitionRecord& t) {
  auto gate = guidance::parse_gate(t.gate);
  const Json findings = findings_view(Json::parse(t.findings, nullptr, false));
  const bool overridden = !t.override_reason.empty();
  // A correction of the procedure in follow-up whose check was stored again.
  const bool recheck = t.from_state == t.to_state;
  std::string heading = state_label(t.from_state) + " to " + state_label(t.to_state);
  if (recheck) heading = "Procedure record corrected: checked again";
  if (!t.step_back_reason.empty()) heading = "Stepped back: " + heading;
  const bool recorded = gate == guidance::Gate::kProcedureRecorded;
  return {
      {"heading", heading},
      {"from_label", state_label(t.from_state)},
      {"to_label", state_label(t.to_state)},
      {"step_back_reason", text_or_null(t.step_back_reason)},
      {"judged_at", t.procedure_date.empty()
                        ? Json()
                        : Json(std::string(recorded ? "the procedure date, "
                                                    : "the planned procedure date, ") +
                               date_display(t.procedure_date))},
      {"when", when(t.at)},
      {"username", t.username},
      {"gate_label", gate ? Json(gate_label(*gate)) : Json()},
      {"rule_pack_version", text_or_null(t.rule_pack_version)},
      {"blocked", t.blocked},
      {"overridden", overridden},
      {"override_reason", text_or_null(t.override_reason)},
      {"override_role_label", t.override_role.empty() ? Json() : Json(role_label(t.override_role))},
      {"exit_reason", text_or_null(t.exit_reason)},
      {"exit_date", t.exit_date.empty() ? Json() : Json(date_display(t.exit_date))},
      {"findings", findings},
      {"has_findings", !findings.empty()}};
}

Json mdt_view(const app::EpisodeMdt& m) {
  Json attendees = Json::array();
  for (const auto& a : m.attendees) {
    attendees.push_back({{"attendee", a.name + " (" + a.professional_role + ")"}});
  }
  std::string decision = "Not decided yet";
  if (auto d = guidance::parse_mdt_decision(m.listing.decision)) {
    switch (*d) {
      case guidance::MdtDecisionKind::kProceed: decision = "Proceed"; break;
      case guidance::MdtDecisionKind::kDoNotProceed: decision = "Do not proceed"; break;
      case guidance::MdtDecisionKind::kMoreInformation: decision = "More information needed"; break;
    }
  }
  return {{"meeting_date", date_display(m.meeting.meeting_date)},
          {"meeting_title", text_or_null(m.meeting.title)},
          {"decision_label", decision},
          {"rationale", text_or_null(m.listing.rationale)},
          {"attendees", attendees},
          {"has_attendees", !attendees.empty()}};
}

std::string surgery_text(const std::optional<domain::SiteSurgeryRecord>& s, domain::Date today) {
  if (!s) return "Not recorded for this site. An administrator records it.";
  if (s->access == "on_site") return "Spinal surgery on site.";
  if (s->access == "arrangement") {
    std::string text = "By arrangement with " + s->service;
    if (s->review_date.empty()) return text + ".";
    text += ", to be reviewed by " + date_display(s->review_date) + ".";
    auto review = domain::Date::parse(s->review_date, "review_date", "Review date");
    if (review && *review < today) text += " The review date has passed.";
    return text;
  }
  return "None recorded: this site has no access to a spinal surgery service.";
}

// The window of an osteoporotic fracture (guidance::refractory_window), for pathway.mustache:
// {refractory_from, refractory_note, recent_after, recent_note, closed}; null when none applies.
Json window_view(const std::optional<guidance::RefractoryWindow>& w) {
  if (!w) return nullptr;
  const int min_days = w->min_days;
  const int window_days = w->window_days;
  const std::string of = w->from_onset ? "the onset of pain" : "the fracture";
  Json out = {{"recent_after", w->recent_until.display()},
              {"recent_note", std::to_string(window_days) + " days after " + of + " on " +
                                  w->fracture.display() +
                                  ", the unit's recent-fracture window (TA279, EBI)."},
              {"closed", w->refractory_from && !w->open()}};
  if (w->refractory_from) {
    out["refractory_from"] = w->refractory_from->display();
    out["refractory_note"] =
        std::to_string(min_days) + " days of conservative treatment, the unit's minimum "
        "(HTG3-1.2-REFRACTORY), counting the first and last days" +
        (w->treatment_assumed ? ", if treatment began on the day of " + of +
                                    ": no conservative treatment is recorded yet."
                              : ", from the treatment recorded.");
  } else {
    out["refractory_from"] = "Not reached";
    out["refractory_note"] = "The conservative treatment recorded ended before reaching the "
                             "unit's minimum of " +
                             std::to_string(min_days) + " days (HTG3-1.2-REFRACTORY).";
  }
  return out;
}

Json forms_view(const app::PathwayView& p) {
  Json out = Json::array();
  const EpisodeId id = p.episode.id;
  for (auto kind : {FormKind::kAssessment, FormKind::kConsent, FormKind::kProcedure}) {
    const std::string name(app::form_kind_name(kind));
    const auto& s = p.form(kind);
    const bool editable =
        std::find(p.editable_forms.begin(), p.editable_forms.end(), kind) != p.editable_forms.end();
    const std::string href = "/episodes/" + id.str() + "/" + name;
    Json f = {{"form_title", form_title(kind)},
              {"form_name", name},
              {"recorded", s.has_value()},
              {"change_href", editable && s ? Json(href) : Json()},
              {"record_href", editable && !s ? Json(href) : Json()}};
    if (s) {
      const Values values = values_of(s->document);
      f["rows"] = summary_rows(kind, default_levels(kind, p), values);
      f["form_version"] = s->version;
      f["form_when"] = when(s->updated_at);
    }
    out.push_back(f);
  }
  return out;
}

// The episode's follow-up time points, once the procedure is recorded.
Json follow_ups_view(const app::PathwayView& p) {
  Json out = Json::array();
  for (const auto& slot : p.follow_ups) {
    std::string status = "Not yet due";
    std::string tag = "nhsuk-tag--grey";
    if (slot.visit_date) {
      status = slot.source == "patient" ? "Answered by the patient" : "Recorded";
      tag = "nhsuk-tag--green";
    } else if (slot.due && slot.due->status == guidance::FollowUpStatus::kDue) {
      status = "Due";
      tag = "nhsuk-tag--yellow";
    } else if (slot.due && slot.due->status == guidance::FollowUpStatus::kOverdue) {
      status = "Overdue";
      tag = "nhsuk-tag--red";
    }
    const std::string href = "/episodes/" + p.episode.id.str() + "/follow-ups/" +
                             app::time_point_url(slot.time_point);
    out.push_back(
        {{"time_point", slot.time_point},
         {"primary", slot.primary},
         {"status_label", status},
         {"tag_class", tag},
         {"when", slot.visit_date ? "Seen " + slot.visit_date->display()
                  : slot.due     ? "Due " + slot.due->due.display() + " (window " +
                                   slot.due->window_start.display() + " to " +
                                   slot.due->window_end.display() + ")"
                                 : std::string("No procedure date")},
         {"href", href},
         {"link_label", slot.visit_date || !p.may_record_follow_up ? "View" : "Record"}});
  }
  return out;
}

// The episode's HTG3 measures, for the pathway page: efficacy at the primary time point, safety
// over everything recorded.
Json measures_view(const std::optional<app::EpisodeMeasures>& m) {
  if (!m) return Json();
  Json rows = Json::array();
  const std::string at = m->primary_time_point;
  auto efficacy = [&](const char* id, const std::string& label, const std::optional<bool>& b) {
    std::string value = !m->primary_recorded ? "No " + at + " follow-up recorded"
                        : !b                  ? "Not known"
                        : *b                  ? "Yes"
                                              : "No";
    rows.push_back({{"measure_id", id}, {"measure_label", label + " at " + at}, {"value", value}});
  };
  auto safety = [&](const char* id, const std::string& label, bool b, std::string yes = "Yes") {
    rows.push_back({{"measure_id", id}, {"measure_label", label}, {"value", b ? yes : "None recorded"}});
  };
  efficacy("HTG3-EFF-PAIN", "Pain relief", m->pain_relief);
  efficacy("HTG3-EFF-MEDS", "Reduced analgesic use", m->reduced_medication);
  efficacy("HTG3-EFF-MOBILITY", "Improved mobility", m->improved_mobility);
  efficacy("HTG3-EFF-SATISFIED", "Satisfied and would have it again", m->satisfied);
  rows.push_back({{"measure_id", "HTG3-SAFE-LEAK"},
                  {"measure_label", "Cement leakage"},
                  {"value", !m->leakage ? "Not known" : *m->leakage ? "Yes" : "None recorded"}});
  safety("HTG3-SAFE-LEAK-INTERVENTION", "Leakage needing further intervention",
         m->leakage_needing_intervention);
  safety("HTG3-SAFE-PARAPLEGIA", "Paraplegia", m->paraplegia);
  safety("HTG3-SAFE-OTHER",
         "Needle misplacement or cement migration, other neurological injury, nerve root damage "
         "or infection",
         m->other_harm);
  safety("HTG3-SAFE-NEWFRACTURE", "New vertebral fracture", m->new_fracture,
         m->new_fracture_adjacent ? "Yes, next to a treated level" : "Yes");
  return rows;
}

// What became of a device-related event's Yellow Card report (HTG3-YELLOWCARD), for its row:
// {text, href (the report, or preparing one, for the device safety officer; else null)}; null
// when no device was involved.
Json yellow_card_cell(const app::PathwayView& p, const domain::ComplicationRecord& c) {
  if (!c.device_involved) return Json();
  const auto r = p.yellow_cards.find(c.id);
  if (r == p.yellow_cards.end()) {
    return {{"text", "No Yellow Card report yet"},
            {"href", p.may_report_device_incidents
                         ? Json("/yellow-card/new?complication=" + std::to_string(c.id))
                         : Json()},
            {"link_text", "Prepare a report"}};
  }
  const auto& y = r->second;
  const std::string text =
      y.status == "draft"       ? "Yellow Card report: draft"
      : y.status == "submitted" ? "Yellow Card report submitted (" + y.regulator_reference + ")"
      : y.regulator_reference.empty() ? "Yellow Card report closed, not sent"
                                      : "Yellow Card report closed (" + y.regulator_reference + ")";
  return {{"text", text},
          {"href", p.may_report_device_incidents ? Json("/yellow-card/" + std::to_string(y.id))
                                                 : Json()},
          {"link_text", "Open the report"}};
}

// The episode's complications and adverse events, for the pathway page.
Json complications_view(const app::PathwayView& p) {
  Json out = Json::array();
  auto label = [](const app::Choices& choices, const Json& doc, const char* key) {
    const std::string name = doc.value(key, "");
    for (const auto& [n, l] : choices) {
      if (n == name) return l;
    }
    return name;
  };
  for (const auto& c : p.complications) {
    const Json doc = Json::parse(c.data, nullptr, false);
    if (!doc.is_object()) continue;
    std::string treatment = doc.value("further_intervention", false)
                                ? "Further intervention: " + doc.value("intervention", "")
                                : "No further intervention";
    std::string device = label(app::complication_device_choices(), doc, "device");
    if (doc.contains("cement_lot")) device += " (lot " + doc.value("cement_lot", "") + ")";
    if (doc.contains("level")) device += "; level " + doc.value("level", "");
    out.push_back(
        {{"type_label", label(app::complication_type_choices(), doc, "type")},
         {"date", date_display(c.event_date)},
         {"severity", label(app::complication_severity_choices(), doc, "severity")},
         {"treatment", treatment},
         {"device", device},
         {"device_involved", c.device_involved},
         {"outcome", label(app::complication_outcome_choices(), doc, "outcome")},
         {"yellow_card", yellow_card_cell(p, c)},
         {"change_href", p.may_record_complication
                             ? Json("/episodes/" + p.episode.id.str() + "/complications/" +
                                    std::to_string(c.id))
                             : Json()}});
  }
  return out;
}

Json notices(const Request& req, const app::Actor& actor, const app::PathwayView& p) {
  Json out = Json::object();
  const std::string saved = form(req, "saved");
  if (auto kind = app::parse_form_kind(saved)) {
    out["saved"] = "The " + saved + " was saved.";
    std::vector<std::string> warnings;
    for (std::size_t i = 0; i < req.get_param_value_count("warning"); ++i) {
      warnings.push_back(req.get_param_value("warning", i));
    }
    if (!warnings.empty() &&
        crypto::constant_time_equal(form(req, "sig"), notice_signature(actor, saved, warnings))) {
      Json list = Json::array();
      for (const auto& w : warnings) list.push_back({{"warning", w}});
      out["warnings"] = list;
      out["has_warnings"] = true;
    }
  }
  if (saved == "complication") out["saved"] = "The complication was saved.";
  if (form(req, "moved") == "1") {
    out["saved"] =
        "The episode moved to " + std::string(domain::state_label(p.episode.state)) + ".";
  }
  if (form(req, "stepped") == "1") {
    out["saved"] =
        "The episode stepped back to " + std::string(domain::state_label(p.episode.state)) + ".";
  }
  if (form(req, "ended") == "1") {
    out["saved"] = "The episode ended: " + std::string(domain::state_label(p.episode.state)) + ".";
  }
  return out;
}

void show_pathway(Web& web, const Request& req, Response& res, const app::Actor& actor,
                  EpisodeId id, int status, Json data, const app::MoveResult* blocked) {
  auto l = load(web, actor, id);
  if (!l) return render_error(web, res, l.error(), &actor);
  const auto& p = l->pathway;
  std::optional<app::GateCheck> next = p.next_gate;
  if (blocked && next && blocked->gate == next->gate) {
    // Show what the refused move found, at the date it judged.
    next->findings = blocked->findings;
    next->blocked = true;
    next->procedure_date = blocked->procedure_date;
    const Error e = next->may_override
                        ? Error::invalid({{"override_reason",
                                           "Enter a reason to override the guidance, or complete "
                                           "the missing information first"}})
                        : Error::invalid({}, "The guidance blocks this move. Only " +
                                                 override_roles(web, actor, next->gate) +
                                                 " can override it, with a reason.");
    data = error_view(e);
  }
  const Json errors = data.value("errors", Json::object());
  if (status == 200) data.update(notices(req, actor, p));
  data["caption"] = caption(*l);
  data["episode_id"] = id.value;
  data["version"] = p.episode.version;
  data["state_label"] = std::string(domain::state_label(p.episode.state));
  data["site_name"] = l->pathway.site_name;
  data["levels"] = domain::format_levels(p.episode.referral.levels);
  data["indication_label"] = std::string(domain::indication_label(p.episode.referral.indication));
  data["episode_href"] = "/episodes/" + id.str();
  data["window"] = window_view(p.window);
  Json other_moves = Json::array();
  for (auto to : p.moves) {
    if (p.next_gate && p.next_gate->to == to) continue;
    other_moves.push_back({{"move_to", std::string(domain::state_name(to))},
                           {"move_label", move_label(to)}});
  }
  data["other_moves"] = other_moves;
  if (next) {
    const auto& g = *next;
    const bool recording = g.gate == guidance::Gate::kProcedureRecorded;
    const bool can_move =
        !recording && std::find(p.moves.begin(), p.moves.end(), g.to) != p.moves.end();
    data["next_gate"] = {
        {"recording", recording},
        {"judged_at", judged_at_text(g.procedure_date, true, domain::Date::today(web.ctx.clock()))},
        {"record_href", recording && std::find(p.editable_forms.begin(), p.editable_forms.end(),
                                               FormKind::kProcedure) != p.editable_forms.end()
                            ? Json("/episodes/" + id.str() + "/procedure")
                            : Json()},
        {"planned_field",
         g.gate == guidance::Gate::kConsentToProcedure
             ? field_view({"planned_procedure_date", "Planned procedure date",
                           form(req, "planned_procedure_date"), FieldKind::kText,
                           "For example, " + domain::Date::today(web.ctx.clock()).iso() +
                               " (year-month-day). Leave it blank for today. The procedure's "
                               "rules judge the case at this date.",
                           "10", "off"},
                          errors)
             : Json()},
        {"team_fields", g.gate == guidance::Gate::kConsentToProcedure
                            ? planned_team_fields(req, p, errors)
                            : Json()},
        {"to", std::string(domain::state_name(g.to))},
        {"to_label", std::string(domain::state_label(g.to))},
        {"gate_label", gate_label(g.gate)},
        {"blocked", g.blocked},
        {"may_override", g.may_override},
        {"can_move", can_move},
        {"who_moves", who_moves(g.to)},
        {"override_roles", override_roles(web, actor, g.gate)},
        {"findings", findings_view(app::findings_json(g.findings))},
        {"override_field",
         field_view({"override_reason", "Reason for overriding the guidance",
                     form(req, "override_reason"), FieldKind::kTextarea,
                     "Say why the case should go ahead although the guidance is not met. The "
                     "reason is kept with the findings and shown in the history."},
                    errors)}};
  }
  data["next_step_text"] = text_or_null(next_step_text(p));
  data["step_back"] =
      p.step_back ? Json({{"step_back_href", "/episodes/" + id.str() + "/step-back"},
                          {"step_back_label", "Step back to " +
                                                  std::string(domain::state_label(*p.step_back))}})
                  : Json();
  data["exit_href"] = p.may_exit ? Json("/episodes/" + id.str() + "/exit") : Json();
  data["exit_label"] = p.episode.state == PathwayState::kFollowUp
                           ? "Close this episode (follow-up complete, lost to follow-up), or "
                             "record that it ended otherwise"
                           : "End this episode (declined, withdrawn, not suitable or deceased)";
  data["forms"] = forms_view(p);
  data["follow_ups"] = follow_ups_view(p);
  data["measures"] = measures_view(p.measures);
  data["has_measures"] = p.measures.has_value();
  data["complications"] = complications_view(p);
  data["has_complications"] = !p.complications.empty();
  data["record_complication_href"] =
      p.may_record_complication ? Json("/episodes/" + id.str() + "/complications/new") : Json();
  data["complications_shown"] = !p.complications.empty() || p.may_record_complication;
  data["has_follow_ups"] = !p.follow_ups.empty();
  Json mdt = Json::array();
  for (const auto& m : p.mdt) mdt.push_back(mdt_view(m));
  data["mdt"] = mdt;
  data["has_mdt"] = !mdt.empty();
  data["surgery_text"] = surgery_text(p.surgery, domain::Date::today(web.ctx.clock()));
  Json transitions = Json::array();
  for (auto it = p.transitions.rbegin(); it != p.transitions.rend(); ++it) {
    transitions.push_back(transition_view(*it));
  }
  data["transitions"] = transitions;
  data["has_transitions"] = !transitions.empty();
  data["back_href"] = "/episodes/" + id.str();
  render_page(web, res, status, "pathway", data, "Pathway", &actor);
}

}  // namespace pathway_pages

using namespace pathway_pages;

void add_pathway_pages(Router& router, Web& web) {
  router.get("/episodes/{id}/pathway", "The pathway of an episode: forms, MDT, gates, history",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               show_pathway(web, req, res, *actor, episode_id(req), 200, Json::object());
             });

  for (auto kind : {FormKind::kAssessment, FormKind::kConsent, FormKind::kProcedure}) {
    const std::string path = "/episodes/{id}/" + std::string(app::form_kind_name(kind));
    router.get(path, "Form: the " + std::string(app::form_kind_name(kind)),
               [&web, kind](const Request& req, Response& res) { get_form(web, req, res, kind); });
    router.post(
        path, "Save the " + std::string(app::form_kind_name(kind)),
        [&web, kind](const Request& req, Response& res) { post_form(web, req, res, kind); });
  }

  add_pathway_move_pages(router, web);
}

}  // namespace vertebro::http
