#include <charconv>

#include "app/patients.h"
#include "app/record_log.h"
#include "app/referrals.h"
#include "app/users.h"
#include "app/worklist.h"
#include "domain/pathway_state.h"
#include "http/forms.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

std::vector<domain::Site> actor_sites(Web& web, const app::Actor& actor) {
  std::vector<domain::Site> out;
  auto all = app::list_sites(web.ctx);
  if (!all) return out;
  for (const auto& s : *all) {
    if (actor.user.has_site(s.id)) out.push_back(s);
  }
  return out;
}

domain::Date today(const Web& web) { return domain::Date::today(web.ctx.clock()); }

Json site_options_field(const std::vector<domain::Site>& sites, const std::string& name,
                        const std::string& label, const std::string& value,
                        const Json& errors) {
  FieldSpec spec{name, label, value, FieldKind::kSelect};
  if (sites.size() != 1) spec.options.emplace_back("", "Select a site");
  for (const auto& s : sites) spec.options.emplace_back(s.id.str(), s.name);
  return field_view(spec, errors);
}

// ---- Worklist -------------------------------------------------------------------------

void show_worklist(Web& web, const Request& req, Response& res, const app::Actor& actor,
                   Json find_errors = Json()) {
  app::WorklistRequest wr{form(req, "state"), form(req, "site"), form(req, "after"), ""};
  auto page = app::list_worklist(web.ctx, actor, wr);
  Json data = Json::object();
  Json errors = Json::object();
  if (!page) {
    if (page.error().code != Errc::kInvalid) return render_error(web, res, page.error(), &actor);
    data.update(error_view(page.error()));
    errors = data["errors"];
  }
  if (find_errors.is_object()) {
    data.update(find_errors);
  }
  const auto sites = actor_sites(web, actor);
  FieldSpec state{"state", "State", wr.state, FieldKind::kSelect};
  state.options.emplace_back("", "All open episodes");
  for (auto s : domain::all_states()) {
    state.options.emplace_back(std::string(domain::state_name(s)),
                               std::string(domain::state_label(s)));
  }
  state.options.emplace_back("all", "All episodes, including closed");
  FieldSpec site{"site", "Site", wr.site, FieldKind::kSelect};
  site.options.emplace_back("", "All my sites");
  for (const auto& s : sites) site.options.emplace_back(s.id.str(), s.name);
  data["state_field"] = field_view(state, errors);
  data["site_field"] = field_view(site, errors);
  data["nhs_field"] = field_view(FieldSpec{"nhs_number", "NHS number", form(req, "nhs_number"),
                                           FieldKind::kText, "", "10", "off"},
                                 data.value("errors", Json::object()));
  Json rows = Json::array();
  if (page) {
    const auto t = today(web);
    for (const auto& row : page->rows) {
      Json r = episode_view(row.episode, row.site_name, t);
      r["patient_name"] = row.family_name + ", " + row.given_name;
      auto nhs = domain::NhsNumber::parse(row.nhs_number);
      r["nhs_number_formatted"] = nhs ? nhs->formatted() : row.nhs_number;
      r["age"] = row.date_of_birth.years_until(t);
      rows.push_back(r);
    }
    if (!page->next_cursor.empty()) {
      httplib::Params p{{"state", wr.state}, {"site", wr.site}, {"after", page->next_cursor}};
      data["next_href"] = "/worklist?" + httplib::detail::params_to_query_str(p);
    }
    if (!wr.after.empty()) {
      httplib::Params p{{"state", wr.state}, {"site", wr.site}};
      data["first_href"] = "/worklist?" + httplib::detail::params_to_query_str(p);
    }
  }
  data["rows"] = rows;
  data["empty"] = rows.empty();
  // The pathway's queues, each a link to the worklist filtered to its state.
  Json queues = Json::array();
  for (auto [queue, label] : {std::pair{domain::PathwayState::kReferral, "Awaiting assessment"},
                              std::pair{domain::PathwayState::kAssessment, "Being assessed"},
                              std::pair{domain::PathwayState::kMdt, "Awaiting MDT"},
                              std::pair{domain::PathwayState::kConsent, "Awaiting consent"},
                              std::pair{domain::PathwayState::kProcedure, "Awaiting procedure"}}) {
    const std::string name(domain::state_name(queue));
    httplib::Params p{{"state", name}, {"site", wr.site}};
    queues.push_back({{"label", label},
                      {"href", "/worklist?" + httplib::detail::params_to_query_str(p)},
                      {"current", wr.state == name}});
    if (wr.state == name) data["queue_label"] = label;
  }
  data["queues"] = queues;
  data["can_register"] = role_allows(actor.user.role, domain::Permission::kRegisterPatient);
  render_page(web, res, page ? (find_errors.is_object() ? 422 : 200) : 422, "worklist", data,
              "Worklist", &actor, "worklist");
}

// ---- Patients ---------------------------------------------------------------------------

domain::PatientInput patient_input(const Request& req) {
  return {form(req, "nhs_number"), form(req, "family_name"), form(req, "given_name"),
          form(req, "date_of_birth"), form(req, "sex")};
}

void show_patient_form(Web& web, Response& res, const app::Actor& actor, int status,
                       const domain::PatientInput& in, const std::string& site_id, Json data) {
  const Json errors = data.value("errors", Json::object());
  const auto sites = actor_sites(web, actor);
  Json fields = Json::array();
  fields.push_back(site_options_field(sites, "site_id", "Site", site_id, errors));
  fields.push_back(field_view({"nhs_number", "NHS number", in.nhs_number, FieldKind::kText,
                               "10 digits, for example 943 476 5919", "10", "off"},
                              errors));
  fields.push_back(field_view({"family_name", "Family name", in.family_name, FieldKind::kText, "",
                               "20", "off"},
                              errors));
  fields.push_back(field_view({"given_name", "Given name", in.given_name, FieldKind::kText, "",
                               "20", "off"},
                              errors));
  fields.push_back(field_view({"date_of_birth", "Date of birth", in.date_of_birth,
                               FieldKind::kText, "For example, 1948-03-15 (year-month-day)", "10",
                               "off"},
                              errors));
  FieldSpec sex{"sex", "Sex", in.sex, FieldKind::kRadios};
  for (auto s : {domain::Sex::kFemale, domain::Sex::kMale, domain::Sex::kOther,
                 domain::Sex::kUnknown}) {
    sex.options.emplace_back(std::string(domain::sex_name(s)), std::string(domain::sex_label(s)));
  }
  fields.push_back(field_view(sex, errors));
  data["fields"] = fields;
  data["back_href"] = "/worklist";
  render_page(web, res, status, "patient_new", data, "Register a patient", &actor, "register");
}

// ---- Referrals --------------------------------------------------------------------------

domain::ReferralInput referral_input(const Request& req) {
  return {form(req, "site_id"),    form(req, "referring_clinician"), form(req, "referral_date"),
          form(req, "indication"), form(req, "levels"),              form(req, "reason")};
}

domain::ReferralInput referral_input(const domain::EpisodeRecord& e) {
  const auto& r = e.referral;
  return {r.site.str(), r.referring_clinician, r.referral_date.iso(),
          std::string(domain::indication_name(r.indication)), domain::format_levels(r.levels),
          r.reason};
}

Json referral_fields(Web& web, const app::Actor& actor, const domain::ReferralInput& in,
                     const Json& errors) {
  Json fields = Json::array();
  fields.push_back(site_options_field(actor_sites(web, actor), "site_id", "Site", in.site_id, errors));
  fields.push_back(field_view({"referral_date", "Referral date", in.referral_date,
                               FieldKind::kText, "For example, 2026-11-02 (year-month-day)", "10",
                               "off"},
                              errors));
  fields.push_back(field_view({"referring_clinician", "Referring clinician",
                               in.referring_clinician, FieldKind::kText,
                               "Name and specialty, for example Dr A Okafor (GP)", "30"},
                              errors));
  FieldSpec ind{"indication", "Suspected indication", in.indication, FieldKind::kSelect,
                "HTG3 supports osteoporotic fractures, haemangioma and vertebral body tumours"};
  ind.options.emplace_back("", "Select the suspected indication");
  for (auto i : domain::all_indications()) {
    ind.options.emplace_back(std::string(domain::indication_name(i)),
                             std::string(domain::indication_label(i)));
  }
  fields.push_back(field_view(ind, errors));
  fields.push_back(field_view({"levels", "Vertebral levels", in.levels, FieldKind::kText,
                               "C1 to S5, separated by commas, for example T12, L1", "20", "off"},
                              errors));
  fields.push_back(field_view({"reason", "Reason for referral", in.reason, FieldKind::kTextarea,
                               "Up to 4,000 characters"},
                              errors));
  return fields;
}

void show_referral_form(Web& web, Response& res, const app::Actor& actor, int status,
                        const domain::PatientRecord& patient, const domain::ReferralInput& in,
                        Json data, const std::string& action, const std::string& heading) {
  const Json errors = data.value("errors", Json::object());
  data["fields"] = referral_fields(web, actor, in, errors);
  data["patient"] = patient_view(patient, today(web));
  data["action"] = action;
  data["heading"] = heading;
  if (!data.contains("back_href")) data["back_href"] = "/patients/" + patient.id.str();
  render_page(web, res, status, "referral_form", data, heading, &actor);
}

// ---- Record log -------------------------------------------------------------------------

void show_record_log(Web& web, const Request& req, Response& res, const std::string& type) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  std::int64_t before = 0;
  const std::string b = form(req, "before");
  std::from_chars(b.data(), b.data() + b.size(), before);
  const std::int64_t id = path_id(req);
  auto log = app::view_record_log(web.ctx, *actor, {type, id, before});
  if (!log) return render_error(web, res, log.error(), &*actor);
  Json entries = Json::array();
  for (const auto& e : log->entries) entries.push_back(audit_view(e));
  Json data = {{"entries", entries},
               {"record_type", type},
               {"record_id", id},
               {"back_href", "/" + type + "s/" + std::to_string(id)}};
  if (log->next_before > 0) {
    data["older_href"] = "/" + type + "s/" + std::to_string(id) + "/log?before=" +
                         std::to_string(log->next_before);
  }
  render_page(web, res, 200, "record_log", data,
              std::string(type == "patient" ? "Patient" : "Episode") + " access and change log",
              &*actor);
}

}  // namespace

void add_record_pages(Router& router, Web& web) {
  router.get("/worklist", "The unit's worklist", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor) return;
    show_worklist(web, req, res, *actor);
  });

  router.post("/patients/find", "Find a patient by NHS number",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                auto p = app::find_patient_by_nhs(web.ctx, *actor, form(req, "nhs_number"));
                if (p) return redirect(res, "/patients/" + p->id.str());
                if (p.error().code != Errc::kInvalid && p.error().code != Errc::kNotFound) {
                  return render_error(web, res, p.error(), &*actor);
                }
                const Error e = p.error().code == Errc::kInvalid
                                    ? p.error()
                                    : Error::invalid({{"nhs_number", p.error().message}});
                show_worklist(web, req, res, *actor, error_view(e));
              });

  router.get("/patients/new", "Form: register a patient", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor) return;
    if (!role_allows(actor->user.role, domain::Permission::kRegisterPatient)) {
      return render_error(web, res, Error::forbidden("Your role cannot register patients"), &*actor);
    }
    const auto sites = actor_sites(web, *actor);
    show_patient_form(web, res, *actor, 200, {}, sites.size() == 1 ? sites[0].id.str() : "",
                      Json::object());
  });

  router.post("/patients/new", "Register a patient", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor || !check_csrf(web, *actor, req, res)) return;
    const auto in = patient_input(req);
    auto p = app::register_patient(web.ctx, *actor, form(req, "site_id"), in);
    if (p) return redirect(res, "/patients/" + p->id.str());
    const Error& e = p.error();
    if (e.code == Errc::kInvalid || e.code == Errc::kDuplicate) {
      Json data = error_view(e);
      if (e.code == Errc::kDuplicate && e.related_id > 0) {
        data["existing_href"] = "/patients/" + std::to_string(e.related_id);
      }
      return show_patient_form(web, res, *actor, status_for(e.code), in, form(req, "site_id"),
                               data);
    }
    render_error(web, res, e, &*actor);
  });

  router.get("/patients/{id}", "A patient and their episodes", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor) return;
    auto view = app::view_patient(web.ctx, *actor, PatientId{path_id(req)});
    if (!view) return render_error(web, res, view.error(), &*actor);
    auto sites = app::list_sites(web.ctx);
    const auto t = today(web);
    Json episodes = Json::array();
    for (const auto& e : view->episodes) {
      episodes.push_back(episode_view(e, sites ? site_name(*sites, e.referral.site) : "", t));
    }
    Json data = {{"patient", patient_view(view->patient, t)},
                 {"episodes", episodes},
                 {"has_episodes", !episodes.empty()},
                 {"can_refer", role_allows(actor->user.role, domain::Permission::kRegisterReferral)},
                 {"can_view_log", role_allows(actor->user.role, domain::Permission::kViewRecordLog)},
                 {"back_href", "/worklist"}};
    render_page(web, res, 200, "patient", data, "Patient", &*actor);
  });

  router.get("/patients/{id}/referrals/new", "Form: a new referral",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               if (!role_allows(actor->user.role, domain::Permission::kRegisterReferral)) {
                 return render_error(web, res, Error::forbidden("Your role cannot register referrals"), &*actor);
               }
               auto view = app::view_patient(web.ctx, *actor, PatientId{path_id(req)});
               if (!view) return render_error(web, res, view.error(), &*actor);
               const auto sites = actor_sites(web, *actor);
               domain::ReferralInput in;
               in.site_id = sites.size() == 1 ? sites[0].id.str() : view->patient.site.str();
               in.referral_date = today(web).iso();
               show_referral_form(web, res, *actor, 200, view->patient, in, Json::object(),
                                  "/patients/" + view->patient.id.str() + "/referrals/new",
                                  "New referral");
             });

  router.post("/patients/{id}/referrals/new", "Register a referral",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const PatientId pid{path_id(req)};
                const auto in = referral_input(req);
                auto e = app::register_referral(web.ctx, *actor, pid, in);
                if (e) return redirect(res, "/episodes/" + e->id.str());
                if (e.error().code != Errc::kInvalid) return render_error(web, res, e.error(), &*actor);
                auto view = app::view_patient(web.ctx, *actor, pid);
                if (!view) return render_error(web, res, view.error(), &*actor);
                show_referral_form(web, res, *actor, 422, view->patient, in, error_view(e.error()),
                                   "/patients/" + pid.str() + "/referrals/new", "New referral");
              });

  router.get("/episodes/{id}", "An episode of care", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor) return;
    auto view = app::view_episode(web.ctx, *actor, EpisodeId{path_id(req)});
    if (!view) return render_error(web, res, view.error(), &*actor);
    const auto t = today(web);
    Json history = Json::array();
    for (const auto& h : view->history) history.push_back(audit_view(h));
    const auto& f = view->indication_finding;
    const std::string outcome(guidance::outcome_name(f.outcome));
    // The same outcome, tag and words as HTG3-IND at the assessment -> MDT gate
    // (guidance::assess_indication).
    Json data = {{"patient", patient_view(view->patient, t)},
                 {"episode", episode_view(view->episode, view->site_name, t)},
                 {"finding", {{"requirement", f.requirement},
                              {"outcome", outcome},
                              {"outcome_label", outcome_label(outcome)},
                              {"tag_class", outcome_tag_class(outcome)},
                              {"warn", f.outcome != guidance::Outcome::kPass},
                              {"message", f.message}}},
                 {"history", history},
                 {"can_edit", role_allows(actor->user.role, domain::Permission::kEditReferral)},
                 {"can_view_log", role_allows(actor->user.role, domain::Permission::kViewRecordLog)},
                 {"saved", form(req, "saved") == "1"},
                 {"back_href", "/patients/" + view->patient.id.str()}};
    render_page(web, res, 200, "episode", data, "Episode", &*actor);
  });

  router.get("/episodes/{id}/edit", "Form: edit a referral", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor) return;
    if (!role_allows(actor->user.role, domain::Permission::kEditReferral)) {
      return render_error(web, res, Error::forbidden("Your role cannot change referrals"), &*actor);
    }
    auto view = app::view_episode(web.ctx, *actor, EpisodeId{path_id(req)});
    if (!view) return render_error(web, res, view.error(), &*actor);
    Json data = {{"version", view->episode.version},
                 {"back_href", "/episodes/" + view->episode.id.str()}};
    show_referral_form(web, res, *actor, 200, view->patient, referral_input(view->episode), data,
                       "/episodes/" + view->episode.id.str() + "/edit", "Change referral");
  });

  router.post("/episodes/{id}/edit", "Change a referral", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor || !check_csrf(web, *actor, req, res)) return;
    const EpisodeId id{path_id(req)};
    std::int64_t version = 0;
    const std::string v = form(req, "version");
    std::from_chars(v.data(), v.data() + v.size(), version);
    const auto in = referral_input(req);
    auto updated = app::update_referral(web.ctx, *actor, id, version, in);
    if (updated) return redirect(res, "/episodes/" + id.str() + "?saved=1");
    const Error& e = updated.error();
    if (e.code != Errc::kInvalid && e.code != Errc::kConflict) return render_error(web, res, e, &*actor);
    auto view = app::view_episode(web.ctx, *actor, id);
    if (!view) return render_error(web, res, view.error(), &*actor);
    Json data = error_view(e);
    data["back_href"] = "/episodes/" + id.str();
    if (e.code == Errc::kConflict) {
      // Show the values now saved, and what this user tried to save, so nothing is lost.
      data["conflict"] = true;
      data["version"] = view->episode.version;
      data["attempted"] = Json{{"referral_date", in.referral_date},
                               {"referring_clinician", in.referring_clinician},
                               {"indication", in.indication},
                               {"levels", in.levels},
                               {"reason", in.reason}};
      return show_referral_form(web, res, *actor, 409, view->patient,
                                referral_input(view->episode), data,
                                "/episodes/" + id.str() + "/edit", "Change referral");
    }
    data["version"] = version;
    show_referral_form(web, res, *actor, 422, view->patient, in, data,
                       "/episodes/" + id.str() + "/edit", "Change referral");
  });

  router.get("/patients/{id}/log", "Access and change log of a patient",
             [&web](const Request& req, Response& res) { show_record_log(web, req, res, "patient"); });
  router.get("/episodes/{id}/log", "Access and change log of an episode",
             [&web](const Request& req, Response& res) { show_record_log(web, req, res, "episode"); });
}

}  // namespace vertebro::http
