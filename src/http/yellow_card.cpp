// Yellow Card reports (app/yellow_card.h), the device safety officer's: the list of reports and
// of device-related events without one (/yellow-card), a report's form (new from an event, or
// changed), the report itself with its exports (PDF printed by Chromium, JSON, CSV), every
// report as one CSV, and the same through the API (/api/v1/yellow-card-reports).

#include "app/yellow_card.h"

#include <charconv>

#include "http/api_support.h"
#include "http/clinical_forms.h"
#include "http/forms.h"
#include "http/pathway_pages.h"
#include "http/pdf.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

// The unity build compiles this file with the other pages: the helpers' names are their own.
namespace {

using app::YellowCardReport;
using clinical_forms::Values;

std::string report_href(std::int64_t id) { return "/yellow-card/" + std::to_string(id); }

const char* status_tag(const std::string& status) {
  if (status == "draft") return "nhsuk-tag--yellow";
  if (status == "submitted") return "nhsuk-tag--blue";
  return "nhsuk-tag--grey";
}

Json event_json(const app::YellowCardEvent& e) {
  return {{"complication_id", e.complication_id},
          {"episode", e.episode.value},
          {"episode_href", pathway_pages::pathway_href(e.episode)},
          {"site_name", e.site_name},
          {"event_date", e.event_date},
          {"type", e.type},
          {"type_label", e.type_label},
          {"severity_label", e.severity_label},
          {"device_label", e.device_label},
          {"outcome_label", e.outcome_label},
          {"further_intervention", e.further_intervention},
          {"new_href", "/yellow-card/new?complication=" + std::to_string(e.complication_id)}};
}

// The report as the API and the JSON export give it.
Json report_json(const YellowCardReport& r) {
  Json warnings = Json::array();
  for (const auto& w : r.warnings) warnings.push_back(w);
  return {{"id", r.id},
          {"complication_id", r.event.complication_id},
          {"episode_id", r.event.episode.value},
          {"status", r.status},
          {"regulator_reference", r.regulator_reference},
          {"document", r.document},
          {"version", r.version},
          {"created_at", r.created_at},
          {"created_by", r.created_by_name},
          {"updated_at", r.updated_at},
          {"updated_by", r.updated_by_name},
          {"warnings", warnings}};
}

Json rows_json(const YellowCardReport& r) {
  Json rows = Json::array();
  for (const auto& f : app::yellow_card_export_fields(r)) {
    if (f.value.empty()) continue;
    rows.push_back({{"label", f.label}, {"value", f.value}});
  }
  return rows;
}

std::string status_label(const std::string& status) {
  return app::label_in(app::yellow_card_status_choices(), status);
}

std::string device_name_of(const YellowCardReport& r) {
  return r.document.value("device_name", std::string());
}

void report_list_page(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  auto list = app::list_yellow_cards(web.ctx, *actor);
  if (!list) return render_error(web, res, list.error(), &*actor);
  Json unreported = Json::array();
  for (const auto& e : list->unreported) unreported.push_back(event_json(e));
  Json reports = Json::array();
  for (const auto& r : list->reports) {
    reports.push_back({{"href", report_href(r.id)},
                       {"id", r.id},
                       {"status_label", status_label(r.status)},
                       {"status_tag", status_tag(r.status)},
                       {"reference", r.regulator_reference},
                       {"event", event_json(r.event)},
                       {"device_name", device_name_of(r)}});
  }
  render_page(web, res, 200, "yellow_cards",
              {{"unreported", unreported},
               {"has_unreported", !unreported.empty()},
               {"reports", reports},
               {"has_reports", !reports.empty()}},
              "Yellow Card reports", &*actor, "yellow_card");
}

// The form, new (report 0, of `event`) or of report `id`.
void show_report_form(Web& web, Response& res, const app::Actor& actor, int status, std::int64_t id,
               const app::YellowCardEvent& event, const Values& values, std::int64_t version,
               Json data) {
  const Json errors = data.value("errors", Json::object());
  data["heading"] = id == 0 ? "Prepare a Yellow Card report" : "Change Yellow Card report " +
                                                                   std::to_string(id);
  data["caption"] = event.type_label + " on " + event.event_date + ", episode " +
                    event.episode.str() + " (" + event.site_name + ")";
  data["action"] = id == 0 ? std::string("/yellow-card") : report_href(id);
  data["version"] = version;
  if (id == 0) {
    data["hidden"] = Json::array(
        {{{"hidden_name", "complication_id"},
          {"hidden_value", std::to_string(event.complication_id)}}});
  }
  if (!data.contains("notice")) {
    data["notice"] =
        "Prefilled from the recorded event, the procedure's cement pack and the cement "
        "catalogue: check every answer. The patient's age at the incident and sex are added "
        "from the patient record when you save.";
  }
  data["sections"] = clinical_forms::yellow_card_sections_json(values, errors);
  data["levels_shown"] = Json();
  data["submit_label"] = "Save the report";
  data["cancel_href"] = id == 0 ? std::string("/yellow-card") : report_href(id);
  data["back_href"] = data["cancel_href"];
  render_page(web, res, status, "pathway_form", data, "Yellow Card report", &actor,
              "yellow_card");
}

void show_report(Web& web, Response& res, const app::Actor& actor, const YellowCardReport& r,
                 bool saved) {
  Json warnings = Json::array();
  for (const auto& w : r.warnings) warnings.push_back({{"text", w}});
  const std::string href = report_href(r.id);
  render_page(web, res, 200, "yellow_card",
              {{"id", r.id},
               {"status_label", status_label(r.status)},
               {"status_tag", status_tag(r.status)},
               {"route", r.document.value("route", std::string())},
               {"saved", saved},
               {"warnings", warnings},
               {"has_warnings", !warnings.empty()},
               {"rows", rows_json(r)},
               {"event", event_json(r.event)},
               {"edit_href", r.status == "closed" ? Json() : Json(href + "/edit")},
               {"pdf_href", href + "/report.pdf"},
               {"json_href", href + "/report.json"},
               {"csv_href", href + "/report.csv"},
               {"created", r.created_by_name + " on " + r.created_at.substr(0, 10)},
               {"updated", r.updated_by_name + " on " + r.updated_at.substr(0, 10)}},
              "Yellow Card report " + std::to_string(r.id), &actor, "yellow_card");
}

void new_report_form(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  const std::string c = req.get_param_value("complication");
  std::int64_t complication = 0;
  std::from_chars(c.data(), c.data() + c.size(), complication);
  auto start = app::start_yellow_card(web.ctx, *actor, complication);
  if (!start) {
    Error e = start.error();
    if (e.code == Errc::kInvalid && !e.fields.empty()) {
      return render_status_page(web, res, 422, "No report is needed", e.fields.front().message,
                                &*actor);
    }
    return render_error(web, res, e, &*actor);
  }
  show_report_form(web, res, *actor, 200, 0, start->event, clinical_forms::values_of(start->document), 0,
            Json::object());
}

void post_report_form(Web& web, const Request& req, Response& res, std::int64_t id) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  Values values = clinical_forms::values_of(req);
  std::int64_t complication = 0;
  if (auto it = values.find("complication_id"); it != values.end()) {
    complication = pathway_pages::number_of(it->second.empty() ? "" : it->second.front());
    values.erase(it);
  }
  const std::int64_t version = pathway_pages::number_of(form(req, "version"));
  auto saved = app::save_yellow_card(web.ctx, *actor, id, complication, version,
                                     clinical_forms::document_of(values));
  if (saved) {
    // Warnings are shown with the saved report; otherwise the browser is sent to it, so that
    // reloading the page does not post the form again.
    if (!saved->warnings.empty()) return show_report(web, res, *actor, *saved, true);
    return redirect(res, report_href(saved->id) + "?saved=1");
  }
  const Error& e = saved.error();
  if (e.code != Errc::kInvalid && e.code != Errc::kConflict) {
    return render_error(web, res, e, &*actor);
  }
  // The form again: its event from the report, or from the complication of a new one.
  app::YellowCardEvent event;
  Values shown = values;
  std::int64_t shown_version = version;
  Json data = error_view(e);
  if (id == 0) {
    auto start = app::start_yellow_card(web.ctx, *actor, complication);
    if (!start) return render_error(web, res, e.code == Errc::kConflict ? e : start.error(), &*actor);
    event = start->event;
  } else {
    auto current = app::view_yellow_card(web.ctx, *actor, id, "form");
    if (!current) return render_error(web, res, current.error(), &*actor);
    event = current->event;
    if (e.code == Errc::kConflict) {
      data["conflict"] = true;
      data["attempted"] = clinical_forms::yellow_card_summary_rows(values);
      shown = clinical_forms::values_of(current->document);
      shown_version = current->version;
    }
  }
  show_report_form(web, res, *actor, e.code == Errc::kConflict ? 409 : 422, id, event, shown,
            shown_version, data);
}

void edit_report_form(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  auto r = app::view_yellow_card(web.ctx, *actor, path_id(req), "form");
  if (!r) return render_error(web, res, r.error(), &*actor);
  if (r->status == "closed") {
    return render_error(web, res,
                        Error::conflict("This report is closed; a closed report is not changed"),
                        &*actor);
  }
  Json document = r->document;
  for (const char* derived : {"patient_age", "patient_sex", "route"}) document.erase(derived);
  show_report_form(web, res, *actor, 200, r->id, r->event, clinical_forms::values_of(document),
            r->version, Json::object());
}

std::string csv_of(const std::vector<YellowCardReport>& reports) {
  std::vector<app::ExportField> header;
  if (!reports.empty()) header = app::yellow_card_export_fields(reports.front());
  std::string line;
  if (reports.empty()) header = app::yellow_card_export_fields(YellowCardReport{});
  for (const auto& f : header) line += (line.empty() ? "" : ",") + csv_cell(f.key);
  std::string csv = line + "\r\n";
  for (const auto& r : reports) {
    line.clear();
    bool first = true;
    for (const auto& f : app::yellow_card_export_fields(r)) {
      line += (first ? "" : ",") + csv_cell(f.value);
      first = false;
    }
    csv += line + "\r\n";
  }
  return csv;
}

void download(Response& res, const std::string& name, const std::string& body,
              const std::string& type) {
  res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, type);
}

// "2026-12-05 09:33 UTC" of a stored timestamp ("2026-12-05T09:33:12.123Z").
std::string printed_at(std::string t) {
  t.resize(std::min<std::size_t>(t.size(), 16));
  if (t.size() > 10) t[10] = ' ';
  return t + " UTC";
}

// GET /yellow-card/{id}/report.{pdf,json,csv}.
void export_report(Web& web, const Request& req, Response& res, const std::string& format) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  auto r = app::view_yellow_card(web.ctx, *actor, path_id(req), format);
  if (!r) return render_error(web, res, r.error(), &*actor);
  const std::string name = "yellow-card-report-" + std::to_string(r->id);
  if (format == "json") {
    Json body = report_json(*r);
    body.erase("warnings");
    return download(res, name + ".json", body.dump(2), "application/json");
  }
  if (format == "csv") return download(res, name + ".csv", csv_of({*r}), "text/csv; charset=utf-8");
  const std::string html = web.templates.render(
      "yellow_card_print", {{"id", r->id},
                            {"status_label", status_label(r->status)},
                            {"route", r->document.value("route", std::string())},
                            {"printed_at", printed_at(web.ctx.now_text())},
                            {"printed_by", actor->user.display_name},
                            {"demo", web.demo},
                            {"rows", rows_json(*r)}});
  auto pdf = html_to_pdf(html, PdfOptions{web.options.chromium, std::chrono::seconds(60)});
  if (!pdf) return render_error(web, res, pdf.error(), &*actor);
  download(res, name + ".pdf", *pdf, "application/pdf");
}

std::int64_t complication_in(Json& body) {
  std::int64_t c = 0;
  if (body.is_object() && body.contains("complication_id")) {
    if (body["complication_id"].is_number_integer()) c = body["complication_id"].get<std::int64_t>();
    body.erase("complication_id");
  }
  return c;
}

}  // namespace

void add_yellow_card_routes(Router& router, Web& web) {
  router.get("/yellow-card", "Yellow Card reports and device-related events without one",
             [&web](const Request& req, Response& res) { report_list_page(web, req, res); });
  router.get("/yellow-card/new", "Prepare a Yellow Card report of an event",
             [&web](const Request& req, Response& res) { new_report_form(web, req, res); });
  router.post("/yellow-card", "Save a new Yellow Card report",
              [&web](const Request& req, Response& res) { post_report_form(web, req, res, 0); });
  router.get("/yellow-card/reports.csv", "Every Yellow Card report as CSV",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               auto list = app::list_yellow_cards(web.ctx, *actor);
               if (!list) return render_error(web, res, list.error(), &*actor);
               download(res, "yellow-card-reports.csv", csv_of(list->reports),
                        "text/csv; charset=utf-8");
             });
  router.get("/yellow-card/{id}", "A Yellow Card report", [&web](const Request& req,
                                                               Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor) return;
    auto r = app::view_yellow_card(web.ctx, *actor, path_id(req), "view");
    if (!r) return render_error(web, res, r.error(), &*actor);
    show_report(web, res, *actor, *r, req.has_param("saved"));
  });
  router.get("/yellow-card/{id}/edit", "Change a Yellow Card report",
             [&web](const Request& req, Response& res) { edit_report_form(web, req, res); });
  router.post("/yellow-card/{id}", "Save a changed Yellow Card report",
              [&web](const Request& req, Response& res) {
                post_report_form(web, req, res, path_id(req));
              });
  for (const char* format : {"pdf", "json", "csv"}) {
    router.get("/yellow-card/{id}/report." + std::string(format),
               "A Yellow Card report as " + std::string(format),
               [&web, format](const Request& req, Response& res) {
                 export_report(web, req, res, format);
               });
  }

  router.get("/api/v1/yellow-card-reports",
             "Yellow Card reports, and device-related events without one",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto list = app::list_yellow_cards(web.ctx, *actor);
               if (!list) return send_error(res, list.error());
               Json reports = Json::array();
               for (const auto& r : list->reports) reports.push_back(report_json(r));
               Json unreported = Json::array();
               for (const auto& e : list->unreported) unreported.push_back(event_json(e));
               send(res, 200, {{"reports", reports}, {"unreported", unreported}});
             });
  router.post("/api/v1/yellow-card-reports",
              "Prepare a Yellow Card report of a complication (complication_id)",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto body = json_body(req, res);
                if (!body) return;
                const std::int64_t complication = complication_in(*body);
                if (complication == 0) {
                  return send_error(res, Error::invalid({{"complication_id",
                                                          "Give the complication_id of the "
                                                          "event the report is of"}}));
                }
                auto r = app::save_yellow_card(web.ctx, *actor, 0, complication, 0, *body);
                // A second report of one event is a conflict with the first (409), not a
                // stale version.
                if (!r) return send_error(res, r.error());
                res.set_header("ETag", etag(r->version));
                send(res, 201, report_json(*r));
              });
  router.get("/api/v1/yellow-card-reports/{id}", "A Yellow Card report",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto r = app::view_yellow_card(web.ctx, *actor, path_id(req), "api");
               if (!r) return send_error(res, r.error());
               res.set_header("ETag", etag(r->version));
               send(res, 200, report_json(*r));
             });
  router.put("/api/v1/yellow-card-reports/{id}",
             "Change a Yellow Card report or record its submission (If-Match: its version)",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto version = if_match(req, res, 1);
               if (!version) return;
               auto body = json_body(req, res);
               if (!body) return;
               auto r = app::save_yellow_card(web.ctx, *actor, path_id(req), 0, *version, *body);
               if (!r) return send_change_error(res, r.error());
               res.set_header("ETag", etag(r->version));
               send(res, 200, report_json(*r));
             });
}

}  // namespace vertebro::http
