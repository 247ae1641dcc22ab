// MDT meeting pages (HTG3-1.2-MDT): the meetings of the user's sites and a form to schedule
// one; a meeting with its attendees, its list of cases and the decision about each; and a
// printable meeting list. Every form posts with the CSRF field and works without JavaScript.

#include <cctype>
#include <charconv>

#include "app/mdt.h"
#include "app/unit_config.h"
#include "app/users.h"
#include "domain/nhs_number.h"
#include "domain/pathway_state.h"
#include "domain/referral.h"
#include "domain/vertebral_level.h"
#include "guidance/snapshot.h"
#include "http/forms.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

domain::Date today(const Web& web) { return domain::Date::today(web.ctx.clock()); }

std::string decision_label(const std::string& name) {
  const auto d = guidance::parse_mdt_decision(name);
  if (!d) return "";
  switch (*d) {
    case guidance::MdtDecisionKind::kProceed: return "Proceed";
    case guidance::MdtDecisionKind::kDoNotProceed: return "Do not proceed";
    case guidance::MdtDecisionKind::kMoreInformation: return "More information needed";
  }
  return "";
}

// Gives a field (from field_view) ids ending in `suffix`, so the same form can appear once
// per case on a page: "decision" becomes "decision-12".
void scope_field(Json& f, const std::string& suffix) {
  const std::string id = f.value("id", "") + "-" + suffix;
  f["id"] = id;
  std::string described;
  if (f.contains("hint")) described = id + "-hint";
  if (f.contains("error")) described += (described.empty() ? "" : " ") + id + "-error";
  if (described.empty()) {
    f.erase("describedby");
  } else {
    f["describedby"] = described;
  }
  std::size_t i = 0;
  for (auto& o : f["options"]) {
    o["option_id"] = id + (i == 0 ? "" : "-" + std::to_string(i + 1));
    ++i;
  }
}

// ---- Meetings list ----------------------------------------------------------------------

struct MeetingFormValues {
  std::string site_id;
  std::string meeting_date;
  std::string title;
};

void show_meetings(Web& web, Response& res, const app::Actor& actor, int status,
                   const MeetingFormValues& in, Json data) {
  auto meetings = app::list_meetings(web.ctx, actor);
  if (!meetings) return render_error(web, res, meetings.error(), &actor);
  const auto t = today(web);
  Json rows = Json::array();
  for (const auto& m : *meetings) {
    auto d = domain::Date::parse(m.meeting.meeting_date, "meeting_date", "Meeting date");
    rows.push_back({{"href", "/mdt/" + std::to_string(m.meeting.id)},
                    {"title", m.meeting.title},
                    {"date_display", d ? d->display() : m.meeting.meeting_date},
                    {"scheduled", d && t < *d},
                    {"site_name", m.site_name}});
  }
  data["meetings"] = rows;
  data["has_meetings"] = !rows.empty();
  const bool can_manage = role_allows(actor.user.role, domain::Permission::kManageMdt);
  data["can_manage"] = can_manage;
  if (can_manage) {
    const Json errors = data.value("errors", Json::object());
    std::vector<domain::Site> sites;
    if (auto all = app::list_sites(web.ctx)) {
      for (const auto& s : *all) {
        if (actor.user.has_site(s.id)) sites.push_back(s);
      }
    }
    FieldSpec site{"site_id", "Site", in.site_id, FieldKind::kSelect};
    if (sites.size() != 1) site.options.emplace_back("", "Select a site");
    for (const auto& s : sites) site.options.emplace_back(s.id.str(), s.name);
    if (in.site_id.empty() && sites.size() == 1) site.value = sites[0].id.str();
    Json fields = Json::array();
    fields.push_back(field_view(site, errors));
    fields.push_back(field_view({"meeting_date", "Date of the meeting", in.meeting_date,
                                 FieldKind::kText,
                                 "For example, " + t.iso() + " (year-month-day)", "10", "off"},
                                errors));
    fields.push_back(field_view({"title", "Title (optional)", in.title, FieldKind::kText,
                                 "For example, Spinal MDT, morning list. Left blank: Spinal MDT",
                                 "30"},
                                errors));
    data["fields"] = fields;
  }
  render_page(web, res, status, "mdt_meetings", data, "MDT meetings", &actor, "mdt");
}

// ---- One meeting --------------------------------------------------------------------------

enum class MeetingForm { kNone, kAttendee, kCase, kDecision };

// What the user sent when a form on the meeting page failed, so the page shows it again.
struct MeetingPageState {
  int status = 200;
  MeetingForm form = MeetingForm::kNone;
  std::optional<Error> error;
  std::string name;
  std::string professional_role;
  std::string episode_id;
  std::int64_t decision_episode = 0;
  std::string decision;
  std::string rationale;
  std::int64_t decision_version = 0;  // the version the failed decision form was opened at
  bool decision_conflict = false;      // someone recorded a decision after it was opened
};

Json case_view(const app::MeetingCase& c) {
  const auto& l = c.listing;
  return {{"episode_id", c.episode.id.value},
          {"episode_href", "/episodes/" + c.episode.id.str()},
          {"patient_name", c.patient_name},
          {"nhs_number_formatted", nhs_formatted(c.nhs_number)},
          {"age", c.age},
          {"state_label", std::string(domain::state_label(c.episode.state))},
          {"levels", domain::format_levels(c.episode.referral.levels)},
          {"indication_label",
           std::string(domain::indication_label(c.episode.referral.indication))},
          {"decided", !l.decision.empty()},
          {"decision", l.decision},
          {"decision_label", decision_label(l.decision)},
          {"rationale", l.rationale}};
}

// The parts of the meeting page and of the printed list that are the same.
Json meeting_data(const app::MeetingView& v, const app::UnitConfig& config) {
  const auto& rules = config.rules;
  const bool radiologist = v.has_radiologist;
  const bool surgeon = v.has_spinal_surgeon;
  Json attendees = Json::array();
  for (const auto& a : v.attendees) {
    attendees.push_back({{"id", a.id},
                         {"name", a.name},
                         {"professional_role", a.professional_role},
                         {"remove_action", "/mdt/" + std::to_string(v.meeting.id) +
                                               "/attendees/" + std::to_string(a.id) + "/remove"}});
  }
  Json missing = Json::array();
  if (!radiologist) {
    missing.push_back({{"text", "a radiologist (" + join(rules.radiologist_roles, ", ") + ")"}});
  }
  if (!surgeon) {
    missing.push_back(
        {{"text", "a spinal surgeon (" + join(rules.spinal_surgeon_roles, ", ") + ")"}});
  }
  Json cases = Json::array();
  for (const auto& c : v.cases) cases.push_back(case_view(c));
  std::string hidden;
  if (v.hidden_cases == 1) {
    hidden = "1 case on this list is not shown: its referral has moved to a site you do not "
             "work at.";
  } else if (v.hidden_cases > 1) {
    hidden = std::to_string(v.hidden_cases) +
             " cases on this list are not shown: their referrals have moved to sites you do not "
             "work at.";
  }
  return {{"meeting",
           {{"id", v.meeting.id},
            {"title", v.meeting.title},
            {"date_display", date_display(v.meeting.meeting_date)},
            {"site_name", v.site_name},
            {"held", v.held}}},
          {"attendees", attendees},
          {"has_attendees", !attendees.empty()},
          {"roles_missing", missing},
          {"roles_warning", !missing.empty()},
          {"cases", cases},
          {"has_cases", !cases.empty()},
          {"hidden_text", text_or_null(hidden)}};
}

void show_meeting(Web& web, Response& res, const app::Actor& actor, std::int64_t id,
                  const MeetingPageState& state) {
  auto view = app::view_meeting(web.ctx, actor, id, app::MeetingDetail::kWithCandidates);
  if (!view) return render_error(web, res, view.error(), &actor);
  auto config = app::get_unit_config(web.ctx, actor);
  if (!config) return render_error(web, res, config.error(), &actor);
  const bool can_manage = role_allows(actor.user.role, domain::Permission::kManageMdt);
  const std::string base = "/mdt/" + std::to_string(id);

  Json data = meeting_data(*view, *config);
  Json errors = Json::object();
  if (state.error) {
    Json ev = error_view(*state.error);
    if (state.form == MeetingForm::kDecision) {
      const std::string suffix = "-" + std::to_string(state.decision_episode);
      for (auto& item : ev["error_list"]) {
        const std::string href = item.value("href", "");
        if (href == "#decision" || href == "#rationale") item["href"] = href + suffix;
      }
    }
    errors = ev["errors"];
    ev.erase("errors");
    data.update(ev);
  }
  auto errors_for = [&](MeetingForm f) { return state.form == f ? errors : Json::object(); };

  data["can_manage"] = can_manage;
  data["print_href"] = base + "/print";
  data["back_href"] = "/mdt";
  if (can_manage) {
    const auto& rules = config->rules;
    Json attendee_fields = Json::array();
    const Json ae = errors_for(MeetingForm::kAttendee);
    const bool keep = state.form == MeetingForm::kAttendee;
    attendee_fields.push_back(field_view({"name", "Name", keep ? state.name : "",
                                          FieldKind::kText, "", "20", "off"},
                                         ae));
    attendee_fields.push_back(field_view(
        {"professional_role", "Professional role", keep ? state.professional_role : "",
         FieldKind::kText,
         "HTG3 needs a radiologist and a spinal surgeon. This unit counts as a radiologist: " +
             join(rules.radiologist_roles, ", ") +
             ". As a spinal surgeon: " + join(rules.spinal_surgeon_roles, ", ") + ".",
         "20", "off"},
        ae));
    data["attendee_fields"] = attendee_fields;
    data["attendee_action"] = base + "/attendees";

    FieldSpec pick{"episode_id", "Episode awaiting MDT at " + view->site_name,
                   state.form == MeetingForm::kCase ? state.episode_id : "", FieldKind::kSelect};
    pick.options.emplace_back("", "Select a patient");
    for (const auto& c : view->candidates) {
      pick.options.emplace_back(c.episode.id.str(), c.patient_name + ", NHS number " +
                                                        nhs_formatted(c.nhs_number) + ", age " +
                                                        std::to_string(c.age));
    }
    data["case_field"] = field_view(pick, errors_for(MeetingForm::kCase));
    data["has_candidates"] = !view->candidates.empty();
    // A failed add keeps its error visible even when no candidate is left to choose.
    data["show_case_form"] = !view->candidates.empty() || state.form == MeetingForm::kCase;
    data["case_action"] = base + "/cases";
    // An undecided case can be taken off the list (to list it elsewhere, or before its
    // referral moves to another site).
    std::size_t k = 0;
    for (auto& c : data["cases"]) {
      const auto& listing = view->cases[k++].listing;
      if (!listing.decision.empty()) continue;
      c["remove_action"] = base + "/cases/" + std::to_string(listing.episode.value) + "/remove";
    }

    if (view->held) {
      std::size_t i = 0;
      for (auto& c : data["cases"]) {
        const auto& listing = view->cases[i++].listing;
        const std::int64_t eid = listing.episode.value;
        const bool failed = state.form == MeetingForm::kDecision && state.decision_episode == eid;
        const Json ce = failed ? errors : Json::object();
        FieldSpec decision{"decision", "Decision", failed ? state.decision : listing.decision,
                           FieldKind::kRadios};
        for (auto d : {guidance::MdtDecisionKind::kProceed, guidance::MdtDecisionKind::kDoNotProceed,
                       guidance::MdtDecisionKind::kMoreInformation}) {
          const std::string name(guidance::mdt_decision_name(d));
          decision.options.emplace_back(name, decision_label(name));
        }
        Json fd = field_view(decision, ce);
        Json fr = field_view({"rationale", "Rationale", failed ? state.rationale : listing.rationale,
                              FieldKind::kTextarea,
                              "Why the meeting decided this, in words the patient's clinicians "
                              "will read later. Up to 4,000 characters."},
                             ce);
        scope_field(fd, std::to_string(eid));
        scope_field(fr, std::to_string(eid));
        c["decision_fields"] = Json::array({fd, fr});
        c["decision_action"] = base + "/cases/" + std::to_string(eid) + "/decision";
        // The decision this form replaces: saving fails if someone has recorded another since.
        // A form shown again with an error keeps the version it was opened at, so fixing the
        // error cannot replace a decision recorded in the meantime unseen.
        c["decision_version"] =
            failed && !state.decision_conflict ? state.decision_version : listing.version;
        c["show_form"] = true;
        c["form_open"] = failed;  // a decided case's form is folded away unless it failed
      }
    }
  }
  render_page(web, res, state.status, "mdt_meeting", data,
              "MDT meeting, " + date_display(view->meeting.meeting_date), &actor, "mdt");
}

// Shows the meeting page again after a form failed: field errors and conflicts beside the
// form (with `status`), anything else as an error page.
void meeting_form_failed(Web& web, Response& res, const app::Actor& actor, std::int64_t id,
                         MeetingPageState state, const Error& e, const std::string& field) {
  switch (e.code) {
    case Errc::kInvalid:
      state.error = e;
      break;
    case Errc::kConflict:
    case Errc::kWrongState:
    case Errc::kDuplicate:
      state.error = e.fields.empty() ? Error::invalid({{field, e.message}}) : e;
      break;
    case Errc::kNotFound:
    case Errc::kUnauthenticated:
    case Errc::kForbidden:
    case Errc::kRateLimited:
    case Errc::kBusy:
    case Errc::kUnavailable:
    case Errc::kSchemaTooNew:
    case Errc::kInternal:
      return render_error(web, res, e, &actor);
  }
  state.status = status_for(e.code);
  show_meeting(web, res, actor, id, state);
}

void show_print(Web& web, Response& res, const app::Actor& actor, std::int64_t id) {
  auto view = app::view_meeting(web.ctx, actor, id, app::MeetingDetail::kList);
  if (!view) return render_error(web, res, view.error(), &actor);
  auto config = app::get_unit_config(web.ctx, actor);
  if (!config) return render_error(web, res, config.error(), &actor);
  Json data = meeting_data(*view, *config);
  data["title"] = "MDT meeting list, " + date_display(view->meeting.meeting_date);
  data["back_href"] = "/mdt/" + std::to_string(id);
  data["demo"] = web.demo;
  data["printed_by"] = actor.user.display_name;
  data["printed_at"] = today(web).display();
  res.status = 200;
  res.set_content(web.templates.render("mdt_print", data), "text/html; charset=utf-8");
}

}  // namespace

void add_mdt_pages(Router& router, Web& web) {
  router.get("/mdt", "MDT meetings at your sites", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor) return;
    show_meetings(web, res, *actor, 200, {}, Json::object());
  });

  router.post("/mdt", "Schedule an MDT meeting", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor || !check_csrf(web, *actor, req, res)) return;
    const MeetingFormValues in{form(req, "site_id"), form(req, "meeting_date"), form(req, "title")};
    auto m = app::create_meeting(web.ctx, *actor, {in.site_id, in.meeting_date, in.title});
    if (m) return redirect(res, "/mdt/" + std::to_string(m->id));
    if (m.error().code != Errc::kInvalid) return render_error(web, res, m.error(), &*actor);
    show_meetings(web, res, *actor, 422, in, error_view(m.error()));
  });

  router.get("/mdt/{id}", "An MDT meeting: attendees, cases and decisions",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               show_meeting(web, res, *actor, path_id(req), {});
             });

  router.get("/mdt/{id}/print", "An MDT meeting list to print",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               show_print(web, res, *actor, path_id(req));
             });

  router.post("/mdt/{id}/attendees", "Add an attendee to an MDT meeting",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const std::int64_t id = path_id(req);
                MeetingPageState state;
                state.form = MeetingForm::kAttendee;
                state.name = form(req, "name");
                state.professional_role = form(req, "professional_role");
                auto a = app::add_attendee(web.ctx, *actor, id, state.name,
                                           state.professional_role);
                if (a) return redirect(res, "/mdt/" + std::to_string(id) + "#attendees");
                meeting_form_failed(web, res, *actor, id, state, a.error(), "name");
              });

  router.post("/mdt/{id}/attendees/{attendee}/remove", "Remove an attendee from an MDT meeting",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const std::int64_t id = path_id(req);
                auto s = app::remove_attendee(web.ctx, *actor, id, path_id(req, 2));
                if (!s) return render_error(web, res, s.error(), &*actor);
                redirect(res, "/mdt/" + std::to_string(id) + "#attendees");
              });

  router.post("/mdt/{id}/cases", "Put an episode awaiting MDT on a meeting's list",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const std::int64_t id = path_id(req);
                MeetingPageState state;
                state.form = MeetingForm::kCase;
                state.episode_id = form(req, "episode_id");
                std::int64_t episode = 0;
                const auto& s = state.episode_id;
                auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), episode);
                if (ec != std::errc() || p != s.data() + s.size() || episode <= 0) {
                  return meeting_form_failed(
                      web, res, *actor, id, state,
                      Error::invalid({{"episode_id", "Select the patient to add to the list"}}),
                      "episode_id");
                }
                auto added = app::add_case(web.ctx, *actor, id, EpisodeId{episode});
                if (added) return redirect(res, "/mdt/" + std::to_string(id) + "#cases");
                meeting_form_failed(web, res, *actor, id, state, added.error(), "episode_id");
              });

  router.post("/mdt/{id}/cases/{episode}/remove",
              "Take an undecided case off an MDT meeting's list",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const std::int64_t id = path_id(req);
                auto s = app::remove_case(web.ctx, *actor, id, EpisodeId{path_id(req, 2)});
                if (!s) return render_error(web, res, s.error(), &*actor);
                redirect(res, "/mdt/" + std::to_string(id) + "#cases");
              });

  router.post("/mdt/{id}/cases/{episode}/decision", "Record the MDT's decision about a case",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const std::int64_t id = path_id(req);
                MeetingPageState state;
                state.form = MeetingForm::kDecision;
                state.decision_episode = path_id(req, 2);
                state.decision = form(req, "decision");
                state.rationale = form(req, "rationale");
                // A missing or garbled version counts as "no decision yet", which fails safe:
                // it cannot replace a recorded decision unseen.
                const std::string v = form(req, "version");
                auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(),
                                                 state.decision_version);
                if (ec != std::errc() || end != v.data() + v.size() || state.decision_version < 0) {
                  state.decision_version = 0;
                }
                auto s = app::record_decision(web.ctx, *actor, id,
                                              EpisodeId{state.decision_episode},
                                              state.decision_version, state.decision,
                                              state.rationale);
                if (s) {
                  return redirect(res, "/mdt/" + std::to_string(id) + "#case-" +
                                           std::to_string(state.decision_episode));
                }
                if (s.error().code == Errc::kConflict) {
                  // The page shows the decision now recorded, and this user's in the form with
                  // the recorded version, so saving again replaces it knowingly.
                  state.decision_conflict = true;
                  return meeting_form_failed(
                      web, res, *actor, id, state,
                      Error::conflict("Someone else recorded a decision about this case after "
                                      "you opened the page. Theirs is shown above; yours is "
                                      "still in the form. Save it again to replace theirs."),
                      "decision");
                }
                meeting_form_failed(web, res, *actor, id, state, s.error(), "decision");
              });
}

}  // namespace vertebro::http
