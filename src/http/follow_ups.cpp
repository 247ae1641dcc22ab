// The nurses' follow-up list (issue 12): the page /follow-ups and GET /api/v1/follow-ups show
// the same rows (app/follow_ups.h), overdue first, then due.

#include "app/follow_up_visits.h"
#include "app/follow_ups.h"
#include "http/api_support.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

std::string status_label(guidance::FollowUpStatus s) {
  switch (s) {
    case guidance::FollowUpStatus::kUpcoming: return "Upcoming";
    case guidance::FollowUpStatus::kDue: return "Due";
    case guidance::FollowUpStatus::kOverdue: return "Overdue";
  }
  return "Due";
}

std::string status_tag(guidance::FollowUpStatus s) {
  switch (s) {
    case guidance::FollowUpStatus::kUpcoming: return "nhsuk-tag--grey";
    case guidance::FollowUpStatus::kDue: return "nhsuk-tag--yellow";
    case guidance::FollowUpStatus::kOverdue: return "nhsuk-tag--red";
  }
  return "nhsuk-tag--grey";
}

// One outstanding time point, for the page and the API alike.
Json due_view(const guidance::FollowUpDue& d, const std::string& primary, EpisodeId id) {
  return {{"time_point", d.point.name()},
          {"href", "/episodes/" + id.str() + "/follow-ups/" + app::time_point_url(d.point.name())},
          {"primary", d.point.name() == primary},
          {"status", std::string(guidance::follow_up_status_name(d.status))},
          {"status_label", status_label(d.status)},
          {"tag_class", status_tag(d.status)},
          {"due_date", d.due.iso()},
          {"due_display", d.due.display()},
          {"window_start", d.window_start.iso()},
          {"window_end", d.window_end.iso()},
          {"window_display", d.window_start.display() + " to " + d.window_end.display()}};
}

Json row_view(const app::FollowUpRow& r, const std::string& primary, domain::Date today) {
  Json v = episode_view(r.row.episode, r.row.site_name, today);
  v["procedure_date"] = r.procedure_date ? Json(r.procedure_date->iso()) : Json();
  v["procedure_date_display"] =
      r.procedure_date ? Json(r.procedure_date->display()) : Json("Not recorded");
  Json items = Json::array();
  for (const auto& d : r.outstanding) items.push_back(due_view(d, primary, r.row.episode.id));
  v["follow_ups"] = items;
  return v;
}

Json completeness_view(const std::vector<app::TimePointCompleteness>& all) {
  Json out = Json::array();
  for (const auto& c : all) {
    const Json percent = c.expected == 0 ? Json() : Json((c.recorded * 100 + c.expected / 2) / c.expected);
    out.push_back({{"time_point", c.time_point},
                   {"primary", c.primary},
                   {"expected", c.expected},
                   {"recorded", c.recorded},
                   {"by_patient", c.by_patient},
                   {"percent", percent},
                   {"percent_text", c.expected == 0 ? std::string("None due yet")
                                                    : std::to_string(percent.get<int>()) + "%"}});
  }
  return out;
}

}  // namespace

void add_follow_up_routes(Router& router, Web& web) {
  router.get("/follow-ups", "Follow-ups due and overdue at your sites",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               auto list = app::list_follow_ups(web.ctx, *actor);
               if (!list) return render_error(web, res, list.error(), &*actor);
               const auto today = domain::Date::today(web.ctx.clock());
               Json rows = Json::array();
               for (const auto& r : list->rows) {
                 Json v = row_view(r, list->primary_follow_up, today);
                 v["patient_name"] = r.row.family_name + ", " + r.row.given_name;
                 v["nhs_number_formatted"] = nhs_formatted(r.row.nhs_number);
                 v["age"] = r.row.date_of_birth.years_until(today);
                 rows.push_back(v);
               }
               Json data = {{"rows", rows},
                            {"empty", rows.empty()},
                            {"primary_follow_up", list->primary_follow_up},
                            {"completeness", completeness_view(list->completeness)}};
               render_page(web, res, 200, "follow_ups", data, "Follow-ups", &*actor,
                           "follow_ups");
             });

  router.get("/api/v1/follow-ups", "Follow-ups due and overdue at your sites",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto list = app::list_follow_ups(web.ctx, *actor);
               if (!list) return send_error(res, list.error());
               const auto today = domain::Date::today(web.ctx.clock());
               Json items = Json::array();
               for (const auto& r : list->rows) {
                 Json v = row_view(r, list->primary_follow_up, today);
                 v["patient"] = {{"family_name", r.row.family_name},
                                 {"given_name", r.row.given_name},
                                 {"nhs_number", r.row.nhs_number},
                                 {"age", r.row.date_of_birth.years_until(today)}};
                 items.push_back(v);
               }
               Json completeness = completeness_view(list->completeness);
               for (auto& c : completeness) c.erase("percent_text");
               send(res, 200, {{"items", items},
                               {"primary_follow_up", list->primary_follow_up},
                               {"completeness", completeness}});
             });
}

}  // namespace vertebro::http
