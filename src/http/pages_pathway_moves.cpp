// The pathway's moves as pages: a move forward (with the planned procedure date on the move to
// procedure, and an override reason when the gate blocks), a recorded step back with its
// reason, and ending an episode. docs/pathway.md describes them for users.

#include "http/forms.h"
#include "http/pathway_pages.h"

namespace vertebro::http::pathway_pages {

namespace {

void post_move(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  const EpisodeId id = episode_id(req);
  app::MoveRequest move{form(req, "to"), number_of(form(req, "version")),
                        form(req, "override_reason"), form(req, "planned_procedure_date"), ""};
  const app::PlannedTeam team{form(req, "planned_operator_id"),
                              form(req, "planned_supervisor_id")};
  auto r = app::move_episode(web.ctx, *actor, id, move, team);
  if (r && r->moved) return redirect(res, pathway_href(id) + "?moved=1");
  if (r) return show_pathway(web, req, res, *actor, id, 422, Json::object(), &*r);
  const Error& e = r.error();
  if (e.code == Errc::kInvalid || e.code == Errc::kConflict || e.code == Errc::kWrongState) {
    return show_pathway(web, req, res, *actor, id, status_for(e.code), error_view(e));
  }
  render_error(web, res, e, &*actor);
}

void show_exit(Web& web, Response& res, const app::Actor& actor, int status, const Loaded& l,
               const app::ExitRequest& in, Json data) {
  const Json errors = data.value("errors", Json::object());
  const bool follow_up = l.pathway.episode.state == domain::PathwayState::kFollowUp;
  FieldSpec state{"state", "How did the episode end?", in.state, FieldKind::kRadios};
  if (follow_up) {
    state.options.emplace_back(domain::state_name(domain::PathwayState::kClosed),
                               "Closed: follow-up complete, or ended for another reason");
  }
  for (auto s : app::exit_states()) {
    state.options.emplace_back(domain::state_name(s), domain::state_label(s));
  }
  Json fields = Json::array();
  fields.push_back(field_view(state, errors));
  fields.push_back(field_view({"reason", "Reason", in.reason, FieldKind::kTextarea,
                               follow_up ? "For example: the last follow-up is done; lost to "
                                           "follow-up after three attempts to reach the patient; "
                                           "care moved to another hospital."
                                         : "For example, the patient chose not to go ahead."},
                              errors));
  fields.push_back(
      field_view({"date", "Date", in.date, FieldKind::kText,
                  "The date it happened. For example, 2026-11-02 (year-month-day).", "10", "off"},
                 errors));
  const EpisodeId id = l.pathway.episode.id;
  Json section = {{"section_heading", "The end of the episode"},
                  {"section_hint", Json()},
                  {"section_note", Json()},
                  {"section_warning", Json()},
                  {"section_shown", Json::array()},
                  {"section_fields", fields}};
  data["sections"] = Json::array();
  data["sections"].push_back(section);
  data["heading"] = follow_up ? "Close or end this episode" : "End this episode";
  data["caption"] = caption(l);
  data["action"] = "/episodes/" + id.str() + "/exit";
  data["version"] = in.expected_version;
  data["levels_shown"] = Json();
  data["submit_label"] = "End the episode";
  data["submit_warning"] = true;
  data["cancel_href"] = pathway_href(id);
  data["back_href"] = pathway_href(id);
  render_page(web, res, status, "pathway_form", data, "End this episode", &actor);
}

// What a step back keeps and what it undoes, for the step-back page (docs/pathway.md).
std::string step_back_note(domain::PathwayState to) {
  switch (to) {
    case domain::PathwayState::kConsent:
      return "The episode returns to consent. The consent form stays as recorded and can be "
             "changed. The planned procedure date is given again at the next move to procedure, "
             "whose gate runs again.";
    case domain::PathwayState::kMdt:
      return "The episode returns to MDT. The consent form is kept. The MDT listings and "
             "decisions are kept: list the case at a meeting to discuss it again. The move to "
             "consent reads the latest decision.";
    case domain::PathwayState::kAssessment:
      return "The episode returns to assessment. The assessment form stays and can be changed. "
             "The MDT listings and decisions are kept, and the move to MDT runs its gate again.";
    case domain::PathwayState::kReferral:
    case domain::PathwayState::kProcedure:
    case domain::PathwayState::kFollowUp:
    case domain::PathwayState::kClosed:
    case domain::PathwayState::kDeclined:
    case domain::PathwayState::kWithdrawn:
    case domain::PathwayState::kNotSuitable:
    case domain::PathwayState::kDeceased:
      break;
  }
  return "";
}

void show_step_back(Web& web, Response& res, const app::Actor& actor, int status, const Loaded& l,
                    domain::PathwayState to, const std::string& reason, std::int64_t version,
                    Json data) {
  const Json errors = data.value("errors", Json::object());
  const std::string label(domain::state_label(to));
  Json fields = Json::array();
  fields.push_back(
      field_view({"reason", "Why does the episode step back?", reason, FieldKind::kTextarea,
                  "For example, the consent was recorded on the wrong date and must "
                  "be taken again. The reason is kept in the history."},
                 errors));
  Json section = {{"section_heading", "What happens to the record"},
                  {"section_hint", Json()},
                  {"section_note", step_back_note(to)},
                  {"section_warning", Json()},
                  {"section_shown", Json::array()},
                  {"section_fields", fields}};
  const EpisodeId id = l.pathway.episode.id;
  data["sections"] = Json::array({section});
  data["hidden"] =
      Json::array({{{"hidden_name", "to"}, {"hidden_value", std::string(domain::state_name(to))}}});
  data["heading"] = "Step back to " + label;
  data["caption"] = caption(l);
  data["action"] = "/episodes/" + id.str() + "/step-back";
  data["version"] = version;
  data["levels_shown"] = Json();
  data["submit_label"] = "Step back to " + label;
  data["submit_warning"] = true;
  data["cancel_href"] = pathway_href(id);
  data["back_href"] = pathway_href(id);
  render_page(web, res, status, "pathway_form", data, "Step back to " + label, &actor);
}

void get_step_back(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  auto l = load(web, *actor, episode_id(req));
  if (!l) return render_error(web, res, l.error(), &*actor);
  const auto& p = l->pathway;
  if (!p.step_back) {
    return render_error(web, res,
                        Error::forbidden("You cannot step this episode back from " +
                                         std::string(domain::state_label(p.episode.state)) + "."),
                        &*actor);
  }
  show_step_back(web, res, *actor, 200, *l, *p.step_back, "", p.episode.version, Json::object());
}

void post_step_back(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  const EpisodeId id = episode_id(req);
  const std::int64_t version = number_of(form(req, "version"));
  const std::string reason = form(req, "reason");
  auto r = app::move_episode(web.ctx, *actor, id, {form(req, "to"), version, "", "", reason});
  if (r) return redirect(res, pathway_href(id) + "?stepped=1");
  const Error& e = r.error();
  if (e.code == Errc::kInvalid) {
    auto l = load(web, *actor, id);
    if (!l) return render_error(web, res, l.error(), &*actor);
    auto to = domain::parse_state(form(req, "to"));
    if (to) {
      return show_step_back(web, res, *actor, 422, *l, *to, reason, version, error_view(e));
    }
  }
  if (e.code == Errc::kInvalid || e.code == Errc::kConflict || e.code == Errc::kWrongState) {
    return show_pathway(web, req, res, *actor, id, status_for(e.code), error_view(e));
  }
  render_error(web, res, e, &*actor);
}

}  // namespace

void add_pathway_move_pages(Router& router, Web& web) {
  router.post("/episodes/{id}/move",
              "Move an episode on (to, version, override_reason, planned_procedure_date)",
              [&web](const Request& req, Response& res) { post_move(web, req, res); });

  router.get("/episodes/{id}/step-back", "Form: step an episode back one state, with a reason",
             [&web](const Request& req, Response& res) { get_step_back(web, req, res); });
  router.post("/episodes/{id}/step-back", "Step an episode back (to, version, reason)",
              [&web](const Request& req, Response& res) { post_step_back(web, req, res); });

  router.get("/episodes/{id}/exit", "Form: end an episode",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               if (!role_allows(actor->user.role, domain::Permission::kRecordExit)) {
                 return render_error(web, res, Error::forbidden("Your role cannot end an episode"),
                                     &*actor);
               }
               auto l = load(web, *actor, episode_id(req));
               if (!l) return render_error(web, res, l.error(), &*actor);
               if (!l->pathway.may_exit) {
                 return render_error(web, res, Error::conflict("This episode has already ended."),
                                     &*actor);
               }
               app::ExitRequest in;
               in.expected_version = l->pathway.episode.version;
               show_exit(web, res, *actor, 200, *l, in, Json::object());
             });

  router.post("/episodes/{id}/exit", "End an episode (state, reason, date, version)",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const EpisodeId id = episode_id(req);
                app::ExitRequest in{form(req, "state"), form(req, "reason"), form(req, "date"),
                                    number_of(form(req, "version"))};
                auto ended = app::exit_episode(web.ctx, *actor, id, in);
                if (ended) return redirect(res, pathway_href(id) + "?ended=1");
                const Error& e = ended.error();
                if (e.code != Errc::kInvalid && e.code != Errc::kConflict) {
                  return render_error(web, res, e, &*actor);
                }
                auto l = load(web, *actor, id);
                if (!l) return render_error(web, res, l.error(), &*actor);
                if (e.code == Errc::kConflict) {
                  in.expected_version = l->pathway.episode.version;  // the user may try again
                }
                show_exit(web, res, *actor, status_for(e.code), *l, in, error_view(e));
              });
}

}  // namespace vertebro::http::pathway_pages
