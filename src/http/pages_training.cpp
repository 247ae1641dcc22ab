// The training lead's pages (HTG3-1.2-TRAINING; docs/training.md): the dashboard (sign-offs due
// for review, trainees, learning curve signals not yet reviewed), the training settings and
// their form, and the review of a signal. Forms are operator_form.mustache.

#include <fmt/format.h>

#include "app/learning_curves.h"
#include "app/operators.h"
#include "http/forms.h"
#include "http/learning_curve_views.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

// True for a training lead; otherwise renders the refusal to `what`.
bool training_lead(Web& web, Response& res, const app::Actor& actor, const std::string& what) {
  if (role_allows(actor.user.role, domain::Permission::kSignOffCompetence)) return true;
  render_error(web, res, Error::forbidden("Only a training lead can " + what), &actor);
  return false;
}

std::string scope_label(const std::string& name) {
  auto s = domain::parse_competence_scope(name);
  return s ? std::string(domain::competence_scope_label(*s)) : name;
}

// The settings form's values as typed (or as stored, for a new form).
struct SettingsForm {
  std::string supervised_cases_suggested, outcome, p0, p1, h;
};

SettingsForm settings_form(const app::TrainingSettings& s) {
  return {std::to_string(s.supervised_cases_suggested),
          std::string(app::curve_outcome_name(s.outcome)), fmt::format("{:g}", s.p0),
          fmt::format("{:g}", s.p1), fmt::format("{:g}", s.h)};
}

void show_settings_form(Web& web, Response& res, const app::Actor& actor, int status,
                        const SettingsForm& in, Json data) {
  const Json errors = data.value("errors", Json::object());
  FieldSpec outcome{"outcome", "Outcome the learning curves chart", in.outcome,
                    FieldKind::kRadios, "As recorded for each treated level on the procedure form"};
  for (auto o : app::all_curve_outcomes()) {
    outcome.options.emplace_back(std::string(app::curve_outcome_name(o)),
                                 std::string(app::curve_outcome_label(o)));
  }
  data["fields_before"] = Json::array(
      {field_view({"supervised_cases_suggested", "Supervised cases suggested before a sign-off",
                   in.supervised_cases_suggested, FieldKind::kText,
                   "A whole number from 1 to 200, shown on each profile beside the operator's "
                   "supervised cases. A local choice, not a national standard",
                   "3", "off"},
                  errors),
       field_view(outcome, errors),
       field_view({"p0", "Acceptable rate (p0)", in.p0, FieldKind::kText,
                   "As a proportion: 0.27 for 27%. HTG3 reports cement leakage in up to 27% of "
                   "patients in one study",
                   "5", "off"},
                  errors),
       field_view({"p1", "Unacceptable rate to detect (p1)", in.p1, FieldKind::kText,
                   "Higher than the acceptable rate; for example twice it", "5", "off"},
                  errors),
       field_view({"h", "Signal threshold (h)", in.h, FieldKind::kText,
                   "Above 0 and at most 20. A higher threshold gives fewer false signals and "
                   "slower detection. With p0 0.27 and p1 0.54, h 3 gives about 170 cases "
                   "between false signals at the acceptable rate and about 15 cases to a "
                   "signal at the unacceptable rate",
                   "5", "off"},
                  errors)});
  data["caption"] = "Training";
  data["heading"] = "Change the training settings";
  data["intro"] = intro({"These settings apply to every operator's profile and learning curve. "
                         "A change re-reads every learning curve under the new values and "
                         "records the signals they give; signals recorded before stay recorded."});
  data["action"] = "/training/settings/edit";
  data["back_href"] = "/training/settings";
  data["button"] = "Save the settings";
  render_page(web, res, status, "operator_form", data, "Change the training settings", &actor,
              "training");
}

void show_review_form(Web& web, Response& res, const app::Actor& actor, int status,
                      const domain::LearningCurveSignal& s, const std::string& note, Json data) {
  const Json errors = data.value("errors", Json::object());
  Json f = {{"id", "reviewed_by"}, {"label", "Reviewed by"},
            {"name", actor.user.display_name + " (you)"}};
  if (errors.contains("reviewed_by")) f["error"] = errors.at("reviewed_by");
  data["actor_field"] = f;
  data["fields_before"] = Json::array({field_view(
      {"note", "What was reviewed and decided", note, FieldKind::kTextarea,
       "For example, the cases looked at, what was found and any further supervision or "
       "training agreed. Do not write patient identifiers here"},
      errors)});
  data["caption"] = s.operator_name;
  data["heading"] = "Review a learning curve signal";
  data["intro"] = intro({"The learning curve of " + s.operator_name + " signalled at their case " +
                         std::to_string(s.case_number) + " (" + date_display(s.procedure_date) +
                         "), with a score of " + s.score + " under " + s.design +
                         ". The review is recorded once, with your name, and cannot be changed."});
  data["action"] = "/training/signals/" + std::to_string(s.id) + "/review";
  data["back_href"] = "/training";
  data["button"] = "Record the review";
  render_page(web, res, status, "operator_form", data, "Review a learning curve signal", &actor,
              "training");
}

// The unreviewed signal `id` from the dashboard, or renders the refusal.
std::optional<domain::LearningCurveSignal> open_signal(Web& web, Response& res,
                                                       const app::Actor& actor, std::int64_t id) {
  auto d = app::training_dashboard(web.ctx, actor);
  if (!d) {
    render_error(web, res, d.error(), &actor);
    return std::nullopt;
  }
  for (const auto& s : d->signals) {
    if (s.id == id) return s;
  }
  render_error(web, res, Error::not_found("No learning curve signal awaiting review"), &actor);
  return std::nullopt;
}

void show_dashboard(Web& web, const Request& req, Response& res, const app::Actor& actor) {
  auto d = app::training_dashboard(web.ctx, actor);
  if (!d) return render_error(web, res, d.error(), &actor);
  Json due = Json::array(), trainees = Json::array(), signals = Json::array();
  for (const auto& r : d->reviews_due) {
    due.push_back({{"operator", r.op.display_name},
                   {"operator_href", "/operators/" + r.op.id.str()},
                   {"scope_label", scope_label(r.sign_off.scope)},
                   {"signed_on", date_display(r.sign_off.signed_on)},
                   {"review_date", date_display(r.sign_off.review_date)},
                   {"overdue", r.overdue}});
  }
  for (const auto& t : d->trainees) {
    trainees.push_back({{"operator", t.op.display_name},
                        {"operator_href", "/operators/" + t.op.id.str()},
                        {"supervised", t.cases.supervised},
                        {"suggested", d->settings.supervised_cases_suggested},
                        {"independent", t.cases.independent},
                        {"enough", t.enough_supervised}});
  }
  for (const auto& s : d->signals) signals.push_back(signal_view(s, d->may_review));
  Json data = {{"settings", training_settings_view(d->settings)},
               {"notice_days", app::kReviewNoticeDays},
               {"reviews_due", due},
               {"has_reviews_due", !due.empty()},
               {"trainees", trainees},
               {"has_trainees", !trainees.empty()},
               {"signals_table", {{"signals", signals},
                                  {"caption", "Learning curve signals not yet reviewed"},
                                  {"show_operator", true}}},
               {"has_signals", !signals.empty()}};
  const std::string saved = form(req, "saved");
  if (saved == "review") data["notice"] = "The review of the signal was recorded.";
  render_page(web, res, 200, "training", data, "Training", &actor, "training");
}

}  // namespace

void add_training_pages(Router& router, Web& web) {
  router.get("/training",
             "The training lead's dashboard: sign-offs due for review, trainees, learning curve "
             "signals",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               show_dashboard(web, req, res, *actor);
             });

  router.get("/training/settings", "The training settings",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               auto s = app::get_training_settings(web.ctx, *actor);
               if (!s) return render_error(web, res, s.error(), &*actor);
               Json data = {{"settings", training_settings_view(*s)},
                            {"may_change", role_allows(actor->user.role,
                                                       domain::Permission::kSignOffCompetence)},
                            {"may_see_dashboard",
                             role_allows(actor->user.role,
                                         domain::Permission::kManageOperators)}};
               if (form(req, "saved") == "settings") data["notice"] = "The settings were saved.";
               render_page(web, res, 200, "training_settings", data, "Training settings",
                           &*actor, "training");
             });

  router.get("/training/settings/edit", "Form: change the training settings",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               if (!training_lead(web, res, *actor, "change the training settings")) return;
               auto s = app::get_training_settings(web.ctx, *actor);
               if (!s) return render_error(web, res, s.error(), &*actor);
               show_settings_form(web, res, *actor, 200, settings_form(*s), Json::object());
             });

  router.post("/training/settings/edit", "Change the training settings",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const SettingsForm in{form(req, "supervised_cases_suggested"),
                                      form(req, "outcome"), form(req, "p0"), form(req, "p1"),
                                      form(req, "h")};
                auto s = app::put_training_settings(
                    web.ctx, *actor,
                    Json{{"supervised_cases_suggested", in.supervised_cases_suggested},
                         {"outcome", in.outcome},
                         {"p0", in.p0},
                         {"p1", in.p1},
                         {"h", in.h}});
                if (s) return redirect(res, "/training/settings?saved=settings");
                if (!is_form_error(s.error())) return render_error(web, res, s.error(), &*actor);
                show_settings_form(web, res, *actor, 422, in, error_view(s.error()));
              });

  router.get("/training/signals/{id}/review", "Form: review a learning curve signal",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               if (!training_lead(web, res, *actor, "review a learning curve signal")) return;
               auto s = open_signal(web, res, *actor, path_id(req));
               if (!s) return;
               show_review_form(web, res, *actor, 200, *s, "", Json::object());
             });

  router.post("/training/signals/{id}/review", "Record the review of a learning curve signal",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const std::string note = form(req, "note");
                auto r = app::review_learning_curve_signal(web.ctx, *actor, path_id(req), note);
                if (r) return redirect(res, "/training?saved=review");
                if (!is_form_error(r.error())) return render_error(web, res, r.error(), &*actor);
                auto s = open_signal(web, res, *actor, path_id(req));
                if (!s) return;
                show_review_form(web, res, *actor, status_for(r.error().code), *s, note,
                                 error_view(r.error()));
              });
}

}  // namespace vertebro::http
