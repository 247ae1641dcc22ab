// The nurses' follow-up list (issue 12): the page /follow-ups and GET /api/v1/follow-ups show
// the same rows (app/follow_ups.h), overdue first, then due.

#include "app/follow_up_visits.h"
#include "app/follow_ups.h"
#include "http/api_support.h"
#include "http/pathway_pages.h"
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
Json due_view(const guidance::FollowUpDue& d, const app::ContactPlan& contact,
              const std::string& primary, EpisodeId id) {
  return {{"time_point", d.point.name()},
          {"questionnaire", pathway_pages::contact_json(contact)},
          {"questionnaire_text", pathway_pages::contact_text(contact)},
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
  for (std::size_t k = 0; k < r.outstanding.size(); ++k) {
    items.push_back(due_view(r.outstanding[k], r.contact.at(k), primary, r.row.episode.id));
  }
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

// What the nurses do today about questionnaires, from the list's rows: reminders to send by
// letter and by text, first questionnaires of follow-ups now in their window, and unanswered
// ones to phone. Each item: the patient, the time point, why, and where to act.
Json contact_lists(const std::vector<app::FollowUpRow>& rows) {
  Json letters = Json::array(), texts = Json::array(), first = Json::array(),
       phone = Json::array();
  for (const auto& r : rows) {
    for (std::size_t k = 0; k < r.outstanding.size(); ++k) {
      const auto& d = r.outstanding[k];
      const auto& c = r.contact.at(k);
      const std::string href = "/episodes/" + r.row.episode.id.str() + "/follow-ups/" +
                               app::time_point_url(d.point.name());
      Json item = {{"episode_id", r.row.episode.id.str()},
                   {"patient_name", r.row.family_name + ", " + r.row.given_name},
                   {"nhs_number_formatted", nhs_formatted(r.row.nhs_number)},
                   {"site_name", r.row.site_name},
                   {"time_point", d.point.name()},
                   {"href", href},
                   {"send_action", href + "/questionnaire"},
                   {"record_href", href + "/edit"},
                   {"why", pathway_pages::contact_text(c)},
                   {"batch_value", r.row.episode.id.str() + ":" + app::time_point_url(d.point.name())}};
      switch (c.step) {
        case app::ContactStep::kRemind:
          (c.route == "text" ? texts : letters).push_back(item);
          break;
        case app::ContactStep::kSend:
          if (d.status == guidance::FollowUpStatus::kDue) {
            item["why"] = "Due " + d.due.display() + ", window " + d.window_start.display() +
                          " to " + d.window_end.display();
            first.push_back(item);
          }
          break;
        case app::ContactStep::kPhone: phone.push_back(item); break;
        default: break;
      }
    }
  }
  // Each group for templates/_contact_table.mustache, or null when it is empty.
  // A group of two or more to send by letter can be printed at once ("Print all 3 letters").
  const auto group = [](Json items, const std::string& caption, bool letter, bool text,
                        bool phone_list) {
    if (items.empty()) return Json();
    const std::size_t n = items.size();
    return Json{{"caption", caption},
                {"items", std::move(items)},
                {"letter", letter},
                {"text", text},
                {"phone", phone_list},
                {"batch_label", letter && n >= 2 ? Json("Print all " + std::to_string(n) +
                                                        " as letters")
                                                 : Json()}};
  };
  const bool nothing = letters.empty() && texts.empty() && first.empty();
  const bool nobody = phone.empty();
  return {{"letters", group(letters, "Reminder letters to print", true, false, false)},
          {"texts", group(texts, "Reminder links to text", false, true, false)},
          {"first", group(first, "Not sent yet", true, true, false)},
          {"phone", group(phone, "Unanswered questionnaires to phone about", false, false, true)},
          {"nothing_to_send", nothing},
          {"nobody_to_phone", nobody}};
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
               Json ready = Json::array();
               for (const auto& r : list->ready_to_close) {
                 Json v = row_view(r, list->primary_follow_up, today);
                 v["patient_name"] = r.row.family_name + ", " + r.row.given_name;
                 v["nhs_number_formatted"] = nhs_formatted(r.row.nhs_number);
                 v["pathway_href"] = pathway_pages::pathway_href(r.row.episode.id);
                 ready.push_back(v);
               }
               Json data = {{"rows", rows},
                            {"empty", rows.empty()},
                            {"today", contact_lists(list->rows)},
                            {"has_ready", !ready.empty()},
                            {"ready_to_close", ready},
                            {"may_close", role_allows(actor->user.role,
                                                      domain::Permission::kRecordExit)},
                            {"may_send", role_allows(actor->user.role,
                                                     domain::Permission::kRecordFollowUp)},
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
               Json ready = Json::array();
               for (const auto& r : list->ready_to_close) {
                 Json v = row_view(r, list->primary_follow_up, today);
                 v.erase("follow_ups");
                 ready.push_back(v);
               }
               send(res, 200, {{"items", items},
                               {"ready_to_close", ready},
                               {"primary_follow_up", list->primary_follow_up},
                               {"completeness", completeness}});
             });
}

}  // namespace vertebro::http
