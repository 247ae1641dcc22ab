// Follow-up visits (app/follow_up_visits.h): the page of one time point of an episode
// (/episodes/{id}/follow-ups/{time_point}), its form (.../edit, POST to the page) and the same
// record through the API (/api/v1/episodes/{id}/follow-ups/{time_point}, GET and PUT).

#include "app/follow_up_visits.h"
#include "base/crypto.h"
#include "http/api_support.h"
#include "http/clinical_forms.h"
#include "http/forms.h"
#include "http/pathway_pages.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

using app::FollowUpVisitView;
using clinical_forms::Values;

std::string time_point_param(const Request& req) { return req.matches[2]; }

std::string visit_href(EpisodeId id, const std::string& time_point) {
  return "/episodes/" + id.str() + "/follow-ups/" + app::time_point_url(time_point);
}

Json optional_bool(const std::optional<bool>& b) { return b ? Json(*b) : Json(); }

Json optional_int(const std::optional<int>& i) { return i ? Json(*i) : Json(); }

Json due_json(const std::optional<guidance::FollowUpDue>& d) {
  if (!d) return Json();
  return {{"due_date", d->due.iso()},
          {"window_start", d->window_start.iso()},
          {"window_end", d->window_end.iso()},
          {"status", std::string(guidance::follow_up_status_name(d->status))}};
}

Json levels_json(const std::vector<domain::VertebralLevel>& levels) {
  Json out = Json::array();
  for (const auto& l : levels) out.push_back(l.name());
  return out;
}

Json outcomes_json(const app::VisitOutcomes& o) {
  Json fractures = Json::array();
  for (const auto& f : o.new_fractures) {
    fractures.push_back(
        {{"level", f.level.name()},
         {"relation", f.relation ? Json(std::string(guidance::fracture_relation_name(*f.relation)))
                                 : Json()}});
  }
  return {{"pain_relief", optional_bool(o.pain_relief)},
          {"pain_relief_at_rest", optional_bool(o.pain_relief_at_rest)},
          {"pain_relief_on_movement", optional_bool(o.pain_relief_on_movement)},
          {"reduced_medication", optional_bool(o.reduced_medication)},
          {"improved_mobility", optional_bool(o.improved_mobility)},
          {"satisfied", optional_bool(o.satisfied)},
          {"would_have_again", optional_bool(o.would_have_again)},
          {"new_fractures", fractures},
          {"height_loss_levels", levels_json(o.height_loss_levels)}};
}

Json visit_json(const FollowUpVisitView& v) {
  const auto& b = v.baseline;
  Json baseline = {
      {"pain_at_rest", optional_int(b.pain_at_rest)},
      {"pain_on_movement", optional_int(b.pain_on_movement)},
      {"analgesic", b.analgesic ? Json(std::string(guidance::analgesic_class_name(*b.analgesic)))
                                : Json()},
      {"mobility",
       b.mobility ? Json(std::string(guidance::mobility_name(*b.mobility))) : Json()}};
  Json visit;
  if (v.visit) {
    visit = {{"document", v.visit->document},
             {"source", v.visit->source},
             {"version", v.visit->version},
             {"updated_at", v.visit->updated_at},
             {"updated_by", v.visit->updated_by_name}};
  }
  Json warnings = Json::array();
  for (const auto& w : v.warnings) warnings.push_back(w);
  return {{"episode_id", v.episode.id.value},
          {"time_point", v.time_point},
          {"primary", v.primary},
          {"procedure_date", v.procedure_date ? Json(v.procedure_date->iso()) : Json()},
          {"due", due_json(v.due)},
          {"treated_levels", levels_json(v.treated_levels)},
          {"baseline", baseline},
          {"visit", visit},
          {"outcomes", v.outcomes ? outcomes_json(*v.outcomes) : Json()},
          {"definitions",
           {{"pain_relief_min_points", v.definitions.pain_min_fall_points},
            {"pain_relief_min_percent", v.definitions.pain_min_fall_percent},
            {"mobility_min_steps", v.definitions.mobility_min_steps}}},
          {"may_record", v.may_record},
          {"warnings", warnings}};
}

// A stored document as the form shows it: the new fractures' levels as one line of text.
Values form_values(const Json& document) {
  Values values = clinical_forms::values_of(document);
  auto it = values.find("new_fracture_levels");
  if (it != values.end()) it->second = {join(it->second, ", ")};
  return values;
}

// ---- The page ------------------------------------------------------------------------------

std::string caption_of(const FollowUpVisitView& v) {
  const auto& d = v.patient.details;
  return d.family_name + ", " + d.given_name + ", NHS number " + d.nhs_number.formatted() +
         (d.nhs_number.is_test_number() ? " (test number)" : "");
}

std::string heading_of(const FollowUpVisitView& v) {
  return v.time_point + " follow-up";
}

std::string label_of(const app::Choices& choices, const std::string& name) {
  for (const auto& [n, label] : choices) {
    if (n == name) return label;
  }
  return name;
}

std::string answer(const std::optional<bool>& b, const std::string& yes, const std::string& no) {
  if (!b) return "Not known";
  return *b ? yes : no;
}

std::string score_text(const std::optional<int>& s) {
  return s ? std::to_string(*s) + " of 10" : "Not recorded";
}

// The outcome rows: what was before, what is now, and what vertebro judged.
Json outcome_rows(const FollowUpVisitView& v) {
  const auto& b = v.baseline;
  const auto& o = *v.outcomes;
  const Json& doc = v.visit->document;
  auto text_in = [&](const char* key) {
    return doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>() : "";
  };
  auto int_in = [&](const char* key) -> std::optional<int> {
    if (!doc.contains(key) || !doc[key].is_number_integer()) return std::nullopt;
    return doc[key].get<int>();
  };
  Json rows = Json::array();
  auto row = [&](const std::string& measure, const std::string& before, const std::string& now,
                 const std::optional<bool>& result, const std::string& yes,
                 const std::string& no) {
    rows.push_back({{"measure", measure},
                    {"before", before},
                    {"now", now},
                    {"result", answer(result, yes, no)},
                    {"tag_class", !result ? "nhsuk-tag--grey"
                                  : *result ? "nhsuk-tag--green"
                                            : "nhsuk-tag--orange"}});
  };
  row("Pain relief on movement", score_text(b.pain_on_movement),
      score_text(int_in("pain_on_movement")), o.pain_relief_on_movement, "Pain relief",
      "No pain relief");
  row("Pain relief at rest", score_text(b.pain_at_rest), score_text(int_in("pain_at_rest")),
      o.pain_relief_at_rest, "Pain relief", "No pain relief");
  const std::string before_analgesic =
      b.analgesic ? label_of(clinical_forms::analgesic_choices(),
                             std::string(guidance::analgesic_class_name(*b.analgesic)))
                  : "Not recorded";
  const std::string now_analgesic = text_in("analgesic");
  row("Medication", before_analgesic,
      now_analgesic.empty() ? "Not recorded"
                            : label_of(clinical_forms::analgesic_choices(), now_analgesic),
      o.reduced_medication, "Reduced", "Not reduced");
  const std::string before_mobility =
      b.mobility ? label_of(app::mobility_choices(), std::string(guidance::mobility_name(*b.mobility)))
                 : "Not recorded";
  const std::string now_mobility = text_in("mobility");
  row("Mobility", before_mobility,
      now_mobility.empty() ? "Not recorded" : label_of(app::mobility_choices(), now_mobility),
      o.improved_mobility, "Improved", "Not improved");
  const std::string satisfaction = text_in("satisfaction");
  row("Satisfaction", "Not asked",
      satisfaction.empty() ? "Not recorded" : label_of(app::satisfaction_choices(), satisfaction),
      o.satisfied, "Satisfied", "Not satisfied");
  const std::string again = text_in("would_have_again");
  row("Would have it again", "Not asked",
      again.empty() ? "Not recorded" : label_of(app::would_have_again_choices(), again),
      o.would_have_again, "Yes", "No");
  return rows;
}

Json fracture_lines(const app::VisitOutcomes& o) {
  Json lines = Json::array();
  for (const auto& f : o.new_fractures) {
    std::string where = f.relation ? std::string(guidance::fracture_relation_label(*f.relation))
                                   : "no treated levels recorded";
    lines.push_back({{"line", f.level.name() + ": " + where}});
  }
  return lines;
}

std::string definitions_text(const guidance::OutcomeDefinitions& d) {
  return "Pain relief: the score fell from the pre-procedure assessment by at least " +
         std::to_string(d.pain_min_fall_points) + " points and at least " +
         std::to_string(d.pain_min_fall_percent) +
         "% of it. Reduced medication: a lower analgesic class, or none. Improved mobility: at "
         "least " +
         std::to_string(d.mobility_min_steps) + (d.mobility_min_steps == 1 ? " step" : " steps") +
         " up the mobility scale. These are the unit's outcome definitions (Settings).";
}

std::string source_text(const app::StoredVisit& s) {
  if (s.source == "patient") return "Answered by the patient";
  return "Recorded by " + (s.updated_by_name.empty() ? std::string("a clinician")
                                                     : s.updated_by_name);
}

std::string due_text(const FollowUpVisitView& v) {
  if (!v.procedure_date) return "The procedure date is not recorded, so no due date is known.";
  std::string out = (v.primary ? "The unit's primary time point for audit. " : "") +
                    std::string("Procedure on ") + v.procedure_date->display() + ".";
  if (v.due) {
    out += " Due " + v.due->due.display() + ", window " + v.due->window_start.display() + " to " +
           v.due->window_end.display() + ".";
  } else {
    out += " This time point is no longer in the unit's schedule.";
  }
  return out;
}

void show_visit(Web& web, const Request& req, Response& res, const app::Actor& actor,
                const FollowUpVisitView& v) {
  Json data = Json::object();
  data["caption"] = caption_of(v);
  data["heading"] = heading_of(v);
  data["due_text"] = due_text(v);
  data["pathway_href"] = pathway_pages::pathway_href(v.episode.id);
  data["edit_href"] = v.may_record ? Json(visit_href(v.episode.id, v.time_point) + "/edit") : Json();
  data["recorded"] = v.visit.has_value();
  const std::string visit_url = visit_href(v.episode.id, v.time_point);
  if (v.link) {
    const auto& l = *v.link;
    const std::string issued =
        "The latest questionnaire was sent " + std::string(l.route == "text" ? "by text message" : "by letter") +
        " on " + date_display(l.issued_on) + (l.issued_by.empty() ? "" : " by " + l.issued_by) +
        (l.plan.reminders_sent > 0
             ? " (" + std::string(l.plan.reminders_sent == 1 ? "a reminder" : std::to_string(l.plan.reminders_sent) + " reminders") +
                   "; first sent on " + date_display(l.plan.first_sent->iso()) + ")"
             : "");
    data["link"] = {
        {"text", issued + (l.state == "open"       ? "; its link works until " +
                                                          date_display(l.expires_on) +
                                                          " and is not answered yet."
                           : l.state == "answered" ? "; the patient answered it."
                           : l.state == "expired"  ? "; its link expired on " +
                                                         date_display(l.expires_on) +
                                                         " unanswered."
                                                   : "; it was stopped.")},
        {"next", v.visit ? Json() : Json(pathway_pages::contact_text(l.plan))}};
  } else {
    data["link"] = Json();
  }
  const bool may_send = v.may_record && !v.visit;
  const bool sent = v.link && v.link->plan.step != app::ContactStep::kSend;
  data["send_action"] = may_send ? Json(visit_url + "/questionnaire") : Json();
  data["send_label"] = sent ? "a new questionnaire" : "a questionnaire";
  data["stop_action"] =
      may_send && v.link &&
              (v.link->plan.step == app::ContactStep::kWait ||
               v.link->plan.step == app::ContactStep::kRemind ||
               v.link->plan.step == app::ContactStep::kPhone)
          ? Json(visit_url + "/questionnaire/stop")
          : Json();
  data["complication_href"] =
      role_allows(actor.user.role, domain::Permission::kRecordFollowUp) && v.procedure_date
          ? Json("/episodes/" + v.episode.id.str() + "/complications/new?detected=at_follow_up")
          : Json();
  if (v.visit) {
    data["rows"] = clinical_forms::follow_up_summary_rows(v.treated_levels,
                                                          form_values(v.visit->document));
    data["source_text"] = source_text(*v.visit) + ", " + pathway_pages::when(v.visit->updated_at) + ".";
    data["outcomes"] = outcome_rows(v);
    data["fractures"] = fracture_lines(*v.outcomes);
    data["has_fractures"] = !v.outcomes->new_fractures.empty();
    data["definitions_text"] = definitions_text(v.definitions);
  }
  if (form(req, "saved") == "1") {
    data["saved"] = "The follow-up was saved.";
    std::vector<std::string> warnings;
    for (std::size_t i = 0; i < req.get_param_value_count("warning"); ++i) {
      warnings.push_back(req.get_param_value("warning", i));
    }
    if (!warnings.empty() &&
        crypto::constant_time_equal(
            form(req, "sig"), pathway_pages::notice_signature(actor, "follow_up", warnings))) {
      Json list = Json::array();
      for (const auto& w : warnings) list.push_back({{"warning", w}});
      data["warnings"] = list;
      data["has_warnings"] = true;
    }
  }
  render_page(web, res, 200, "follow_up_visit", data, v.time_point + " follow-up", &actor,
              "follow_ups");
}

std::string saved_location(const app::Actor& actor, const FollowUpVisitView& v) {
  httplib::Params q{{"saved", "1"}};
  for (const auto& w : v.warnings) q.emplace("warning", w);
  if (!v.warnings.empty()) {
    q.emplace("sig", pathway_pages::notice_signature(actor, "follow_up", v.warnings));
  }
  return visit_href(v.episode.id, v.time_point) + "?" + httplib::detail::params_to_query_str(q);
}

// The form, with the values given and the errors found (status 200, 409 or 422).
void show_form(Web& web, Response& res, const app::Actor& actor, int status,
               const FollowUpVisitView& v, const Values& values, std::int64_t version, Json data) {
  const Json errors = data.value("errors", Json::object());
  data["heading"] = (v.visit ? "Change the " : "Record the ") + v.time_point + " follow-up";
  data["caption"] = caption_of(v);
  data["action"] = visit_href(v.episode.id, v.time_point);
  data["version"] = version;
  if (!data.contains("notice")) data["notice"] = due_text(v);
  data["sections"] = clinical_forms::follow_up_sections_json(v.treated_levels, values, errors);
  data["levels_shown"] = Json();
  data["submit_label"] = "Save the follow-up";
  data["cancel_href"] = visit_href(v.episode.id, v.time_point);
  data["back_href"] = visit_href(v.episode.id, v.time_point);
  render_page(web, res, status, "pathway_form", data, v.time_point + " follow-up", &actor,
              "follow_ups");
}

void get_edit(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  if (!role_allows(actor->user.role, domain::Permission::kRecordFollowUp)) {
    return render_error(web, res,
                        Error::forbidden("Your role cannot record follow-ups; nurses and "
                                         "operators can"),
                        &*actor);
  }
  auto v = app::view_follow_up_visit(web.ctx, *actor, episode_id(req), time_point_param(req));
  if (!v) return render_error(web, res, v.error(), &*actor);
  if (!v->may_record) {
    return render_error(web, res,
                        Error::conflict("A follow-up can be recorded only while the episode is "
                                        "in follow-up; it is at " +
                                        std::string(domain::state_label(v->episode.state)) + "."),
                        &*actor);
  }
  Values values;
  std::int64_t version = 0;
  if (v->visit) {
    values = form_values(v->visit->document);
    version = v->visit->version;
  } else {
    values["visit_date"] = {domain::Date::today(web.ctx.clock()).iso()};
  }
  show_form(web, res, *actor, 200, *v, values, version, Json::object());
}

void post_visit(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  const EpisodeId id = episode_id(req);
  const Values values = clinical_forms::values_of(req);
  const std::int64_t version = pathway_pages::number_of(form(req, "version"));
  auto saved = app::save_follow_up_visit(web.ctx, *actor, id, time_point_param(req), version,
                                         clinical_forms::document_of(values));
  if (saved) return redirect(res, saved_location(*actor, *saved));
  const Error& e = saved.error();
  if (e.code != Errc::kInvalid && e.code != Errc::kConflict) {
    return render_error(web, res, e, &*actor);
  }
  auto v = app::view_follow_up_visit(web.ctx, *actor, id, time_point_param(req));
  if (!v) return render_error(web, res, v.error(), &*actor);
  Json data = error_view(e);
  if (e.code == Errc::kConflict) {
    // Show what the other person saved, and what this one typed.
    data["conflict"] = true;
    data["attempted"] = clinical_forms::follow_up_summary_rows(v->treated_levels, values);
    const Values now = v->visit ? form_values(v->visit->document) : Values{};
    return show_form(web, res, *actor, 409, *v, now, v->visit ? v->visit->version : 0, data);
  }
  show_form(web, res, *actor, 422, *v, values, version, data);
}

}  // namespace

void add_follow_up_visit_routes(Router& router, Web& web) {
  router.get("/episodes/{id}/follow-ups/{time_point}", "A follow-up time point of an episode",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               auto v = app::view_follow_up_visit(web.ctx, *actor, episode_id(req),
                                                  time_point_param(req));
               if (!v) return render_error(web, res, v.error(), &*actor);
               show_visit(web, req, res, *actor, *v);
             });
  router.get("/episodes/{id}/follow-ups/{time_point}/edit", "Record or change a follow-up",
             [&web](const Request& req, Response& res) { get_edit(web, req, res); });
  router.post("/episodes/{id}/follow-ups/{time_point}", "Save a follow-up",
              [&web](const Request& req, Response& res) { post_visit(web, req, res); });

  router.get("/api/v1/episodes/{id}/follow-ups/{time_point}",
             "A follow-up time point: due dates, baseline, the visit and its outcomes (ETag "
             "\"0\" before its first save)",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto v = app::view_follow_up_visit(web.ctx, *actor, episode_id(req),
                                                  time_point_param(req));
               if (!v) return send_error(res, v.error());
               res.set_header("ETag", etag(v->visit ? v->visit->version : 0));
               send(res, 200, visit_json(*v));
             });
  router.put("/api/v1/episodes/{id}/follow-ups/{time_point}",
             "Record or correct a follow-up visit (If-Match: its version, \"0\" for the first)",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto version = if_match(req, res, 0);
               if (!version) return;
               auto body = json_body(req, res);
               if (!body) return;
               auto v = app::save_follow_up_visit(web.ctx, *actor, episode_id(req),
                                                  time_point_param(req), *version, *body);
               if (!v) return send_change_error(res, v.error());
               res.set_header("ETag", etag(v->visit->version));
               send(res, 200, visit_json(*v));
             });
}

}  // namespace vertebro::http
