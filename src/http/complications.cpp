// Complications and adverse events (app/complications.h): the form to record one
// (/episodes/{id}/complications/new) or change one (/episodes/{id}/complications/{cid}), listed
// on the pathway page, and the same records through the API (/api/v1/episodes/{id}/complications).

#include "app/complications.h"
#include "http/api_support.h"
#include "http/clinical_forms.h"
#include "http/forms.h"
#include "http/pathway_pages.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

using app::ComplicationsView;
using clinical_forms::Values;

std::int64_t complication_param(const Request& req) { return path_id(req, 2); }

app::Choices pack_choices(const app::ComplicationContext& c) {
  app::Choices out;
  for (const auto& p : c.packs) {
    out.emplace_back(std::to_string(p.unit), "Pack " + std::to_string(p.unit) + ": " + p.product +
                                                 ", lot " + p.lot);
  }
  return out;
}

Json complication_json(const app::StoredComplication& c) {
  return {{"id", c.id},
          {"document", c.document},
          {"version", c.version},
          {"created_at", c.created_at},
          {"created_by", c.created_by_name},
          {"updated_at", c.updated_at},
          {"updated_by", c.updated_by_name}};
}

Json list_json(const ComplicationsView& v) {
  Json items = Json::array();
  for (const auto& c : v.complications) items.push_back(complication_json(c));
  Json warnings = Json::array();
  for (const auto& w : v.warnings) warnings.push_back(w);
  return {{"episode_id", v.episode.id.value},
          {"procedure_date", v.context.procedure_date ? Json(v.context.procedure_date->iso())
                                                      : Json()},
          {"items", items},
          {"may_record", v.may_record},
          {"warnings", warnings}};
}

const app::StoredComplication* find_in(const ComplicationsView& v, std::int64_t id) {
  for (const auto& c : v.complications) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::string caption_of(const ComplicationsView& v) {
  const auto& d = v.patient.details;
  return d.family_name + ", " + d.given_name + ", NHS number " + d.nhs_number.formatted() +
         (d.nhs_number.is_test_number() ? " (test number)" : "");
}

std::string form_href(EpisodeId id, std::int64_t complication) {
  return "/episodes/" + id.str() + "/complications" +
         (complication == 0 ? std::string() : "/" + std::to_string(complication));
}

// The form, with the values given and the errors found.
void show_form(Web& web, Response& res, const app::Actor& actor, int status,
               const ComplicationsView& v, std::int64_t complication, const Values& values,
               std::int64_t version, Json data) {
  const Json errors = data.value("errors", Json::object());
  data["heading"] = complication == 0 ? "Record a complication or adverse event"
                                      : "Change the complication or adverse event";
  data["caption"] = caption_of(v);
  data["action"] = form_href(v.episode.id, complication);
  data["version"] = version;
  if (!data.contains("notice") && v.context.procedure_date) {
    data["notice"] = "Procedure on " + v.context.procedure_date->display() + ".";
  }
  data["sections"] = clinical_forms::complication_sections_json(
      v.context.treated_levels, pack_choices(v.context), values, errors);
  data["levels_shown"] = Json();
  data["submit_label"] = "Save the complication";
  data["cancel_href"] = pathway_pages::pathway_href(v.episode.id);
  data["back_href"] = pathway_pages::pathway_href(v.episode.id);
  render_page(web, res, status, "pathway_form", data, "Complication", &actor);
}

void get_form(Web& web, const Request& req, Response& res, std::int64_t complication) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  if (!role_allows(actor->user.role, domain::Permission::kRecordFollowUp)) {
    return render_error(
        web, res,
        Error::forbidden("Your role cannot record complications; nurses and operators can"),
        &*actor);
  }
  auto v = app::view_complications(web.ctx, *actor, episode_id(req));
  if (!v) return render_error(web, res, v.error(), &*actor);
  if (!v->procedure_recorded) {
    return render_error(web, res,
                        Error::conflict("Complications are recorded once the procedure is "
                                        "recorded; it is not recorded yet."),
                        &*actor);
  }
  Values values;
  std::int64_t version = 0;
  if (complication != 0) {
    const auto* c = find_in(*v, complication);
    if (c == nullptr) {
      return render_error(web, res, Error::not_found("No such complication of this episode"),
                          &*actor);
    }
    values = clinical_forms::values_of(c->document);
    version = c->version;
  } else {
    values["event_date"] = {domain::Date::today(web.ctx.clock()).iso()};
    if (form(req, "detected") == "at_follow_up") values["detected"] = {"at_follow_up"};
  }
  show_form(web, res, *actor, 200, *v, complication, values, version, Json::object());
}

void post_form(Web& web, const Request& req, Response& res, std::int64_t complication) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  const EpisodeId id = episode_id(req);
  const Values values = clinical_forms::values_of(req);
  const std::int64_t version = pathway_pages::number_of(form(req, "version"));
  auto saved = app::save_complication(web.ctx, *actor, id, complication, version,
                                      clinical_forms::document_of(values));
  if (saved) return redirect(res, pathway_pages::pathway_href(id) + "?saved=complication");
  const Error& e = saved.error();
  if (e.code != Errc::kInvalid && e.code != Errc::kConflict) {
    return render_error(web, res, e, &*actor);
  }
  auto v = app::view_complications(web.ctx, *actor, id);
  if (!v) return render_error(web, res, v.error(), &*actor);
  Json data = error_view(e);
  if (e.code == Errc::kConflict) {
    data["conflict"] = true;
    data["attempted"] = clinical_forms::complication_summary_rows(v->context.treated_levels,
                                                                  pack_choices(v->context), values);
    const auto* c = find_in(*v, complication);
    return show_form(web, res, *actor, 409, *v, complication,
                     c ? clinical_forms::values_of(c->document) : Values{}, c ? c->version : 0,
                     data);
  }
  show_form(web, res, *actor, 422, *v, complication, values, version, data);
}

}  // namespace

void add_complication_routes(Router& router, Web& web) {
  router.get("/episodes/{id}/complications/new", "Record a complication or adverse event",
             [&web](const Request& req, Response& res) { get_form(web, req, res, 0); });
  router.post("/episodes/{id}/complications", "Save a new complication",
              [&web](const Request& req, Response& res) { post_form(web, req, res, 0); });
  router.get("/episodes/{id}/complications/{complication}", "Change a complication",
             [&web](const Request& req, Response& res) {
               get_form(web, req, res, complication_param(req));
             });
  router.post("/episodes/{id}/complications/{complication}", "Save a changed complication",
              [&web](const Request& req, Response& res) {
                post_form(web, req, res, complication_param(req));
              });

  router.get("/api/v1/episodes/{id}/complications",
             "An episode's complications and adverse events",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto v = app::view_complications(web.ctx, *actor, episode_id(req));
               if (!v) return send_error(res, v.error());
               send(res, 200, list_json(*v));
             });
  router.post("/api/v1/episodes/{id}/complications", "Record a complication or adverse event",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto body = json_body(req, res);
                if (!body) return;
                auto v = app::save_complication(web.ctx, *actor, episode_id(req), 0, 0, *body);
                if (!v) return send_change_error(res, v.error());
                const auto* c = find_in(*v, v->saved_id);
                if (c == nullptr) return send_error(res, Error::internal("The saved complication is missing"));
                res.set_header("ETag", etag(c->version));
                send(res, 201, complication_json(*c));
              });
  router.put("/api/v1/episodes/{id}/complications/{complication}",
             "Correct a complication (If-Match: its version)",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto version = if_match(req, res, 1);
               if (!version) return;
               auto body = json_body(req, res);
               if (!body) return;
               auto v = app::save_complication(web.ctx, *actor, episode_id(req),
                                               complication_param(req), *version, *body);
               if (!v) return send_change_error(res, v.error());
               const auto* c = find_in(*v, v->saved_id);
               if (c == nullptr) return send_error(res, Error::internal("The saved complication is missing"));
               res.set_header("ETag", etag(c->version));
               send(res, 200, complication_json(*c));
             });
}

}  // namespace vertebro::http
