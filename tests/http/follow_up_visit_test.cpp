// HTTP tests of follow-up visits (issue 12): recording a visit at a time point through the API
// and the pages, the outcomes judged against the assessment with the unit's definitions, bad
// input refused with nothing saved, who may record, and the follow-up list dropping a time
// point once its visit is recorded. The server's clock starts at 2026-11-25T10:00:00Z; tests
// that move it put it back.

#include <algorithm>

#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

class FollowUpVisitTest : public PathwayTest {
 protected:
  void TearDown() override { server().clock().set(start_time()); }

  // An episode in follow-up after a procedure on 2026-11-25 at T12 (the fixture's assessment:
  // pain 8 at rest and 9 on movement, a weak opioid).
  std::int64_t episode_in_follow_up() {
    const std::int64_t id = episode_at_procedure();
    expect_status(put_form(operator_, id, "procedure", procedure("2026-11-25")), 200);
    EXPECT_EQ(state(id), "follow_up");
    return id;
  }
  // Moves the clock to `iso`, 10:00, and signs the operator in again (a move of days ends
  // every earlier session).
  void set_today(const std::string& iso) {
    set_clock_day(iso);
    operator_ = api_sign_in("surgeon");
  }
  static std::string visit_path(std::int64_t id, const std::string& time_point) {
    return path(id, "follow-ups/" + time_point);
  }
  httplib::Result put_visit(const ApiSession& s, std::int64_t id, const std::string& time_point,
                            const Json& body, const std::string& if_match = "\"0\"") {
    return client()->Put(visit_path(id, time_point), with(bearer(s.token), "If-Match", if_match),
                         body.dump(), "application/json");
  }
  Json get_visit(std::int64_t id, const std::string& time_point) {
    auto r = client()->Get(visit_path(id, time_point), bearer(operator_.token));
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r ? json_of(*r) : Json();
  }
  // The 1-month visit of a patient much better on movement, a little better at rest.
  static Json month_visit() {
    return {{"visit_date", "2026-12-27"},
            {"contact", "phone"},
            {"pain_at_rest", 7},
            {"pain_on_movement", 3},
            {"analgesic", "non_opioid"},
            {"analgesic_use", "less"},
            {"mobility", "walking_with_stick"},
            {"satisfaction", "neutral"},
            {"would_have_again", "yes"},
            {"new_fracture_levels", "L1, T8"}};
  }
  std::size_t audit_count(const std::string& action, std::int64_t episode) const {
    const auto all = server().audit_all();
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [&](const auto& e) {
      return e.action == action && e.record_type == "episode" && e.record_id == episode &&
             e.detail.find("\"follow_up\"") != std::string::npos;
    }));
  }
};

TEST_F(FollowUpVisitTest, RecordsAVisitAndJudgesItsOutcomesAgainstTheAssessment) {
  const std::int64_t id = episode_in_follow_up();
  set_today("2026-12-27");
  Json before = get_visit(id, "1-month");
  EXPECT_EQ(before["time_point"], "1 month");
  EXPECT_EQ(before["primary"], true);
  EXPECT_EQ(before["due"]["due_date"], "2026-12-25");
  EXPECT_EQ(before["due"]["status"], "due");
  EXPECT_TRUE(before["visit"].is_null());
  EXPECT_EQ(before["baseline"]["pain_on_movement"], 9);
  EXPECT_EQ(before["treated_levels"], Json::array({"T12"}));

  auto r = put_visit(operator_, id, "1-month", month_visit());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("ETag"), "\"1\"");
  const Json saved = json_of(*r);
  EXPECT_TRUE(saved["warnings"].empty());
  const Json o = get_visit(id, "1-month")["outcomes"];
  // Movement: 9 -> 3, a fall of 6 points (67%). Rest: 8 -> 7, one point: no relief.
  EXPECT_EQ(o["pain_relief_on_movement"], true);
  EXPECT_EQ(o["pain_relief_at_rest"], false);
  EXPECT_EQ(o["pain_relief"], true);
  EXPECT_EQ(o["reduced_medication"], true);   // weak opioid -> non-opioid
  EXPECT_TRUE(o["improved_mobility"].is_null());  // no mobility before the procedure
  EXPECT_EQ(o["satisfied"], false);           // neither satisfied nor dissatisfied
  EXPECT_EQ(o["would_have_again"], true);
  ASSERT_EQ(o["new_fractures"].size(), 2u);
  EXPECT_EQ(o["new_fractures"][0]["level"], "T8");  // in spinal order
  EXPECT_EQ(o["new_fractures"][0]["relation"], "distant");
  EXPECT_EQ(o["new_fractures"][1]["level"], "L1");
  EXPECT_EQ(o["new_fractures"][1]["relation"], "adjacent");
  EXPECT_EQ(saved["visit"]["source"], "clinician");
  EXPECT_EQ(saved["visit"]["updated_by"], "Mr Sam Surgeon");
  EXPECT_EQ(audit_count("create", id), 1u);

  // The pathway lists the time point as recorded; the follow-up list no longer has it.
  const Json pathway = get_pathway(id);
  const auto& slots = pathway["follow_ups"];
  auto month = std::find_if(slots.begin(), slots.end(),
                            [](const Json& s) { return s["time_point"] == "1 month"; });
  ASSERT_NE(month, slots.end());
  EXPECT_EQ((*month)["status"], "recorded");
  EXPECT_EQ((*month)["visit_date"], "2026-12-27");
  auto list = client()->Get("/api/v1/follow-ups", bearer(operator_.token));
  ASSERT_TRUE(list);
  const Json listed = json_of(*list);
  ASSERT_FALSE(listed["items"].empty());
  for (const auto& item : listed["items"]) {
    if (item["id"] != id) continue;
    for (const auto& f : item["follow_ups"]) EXPECT_NE(f["time_point"], "1 month");
  }

  // A correction raises the version and is audited with what changed.
  Json corrected = month_visit();
  corrected["pain_at_rest"] = 5;
  auto c = put_visit(operator_, id, "1-month", corrected, "\"1\"");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->status, 200) << c->body;
  EXPECT_EQ(c->get_header_value("ETag"), "\"2\"");
  EXPECT_EQ(json_of(*c)["outcomes"]["pain_relief_at_rest"], true);  // 8 -> 5: 3 points, 38%
  EXPECT_EQ(audit_count("update", id), 1u);
  const auto all = server().audit_all();
  auto last = std::find_if(all.rbegin(), all.rend(), [&](const auto& e) {
    return e.action == "update" && e.record_id == id;
  });
  ASSERT_NE(last, all.rend());
  const Json detail = Json::parse(last->detail);
  EXPECT_EQ(detail["changes"]["pain_at_rest"]["from"], 7);
  EXPECT_EQ(detail["changes"]["pain_at_rest"]["to"], 5);
  EXPECT_FALSE(detail["changes"].contains("pain_on_movement"));
}

TEST_F(FollowUpVisitTest, BadVisitsAreRefusedAndNothingIsSaved) {
  const std::int64_t id = episode_in_follow_up();
  set_today("2026-12-27");
  auto refused = [&](const Json& body, const std::string& field, const std::string& words) {
    auto r = put_visit(operator_, id, "1-month", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << r->body;
    const std::string message = field_message(json_of(*r), field);
    EXPECT_TRUE(contains(message, words)) << field << ": " << r->body;
  };
  Json early = month_visit();
  early["visit_date"] = "2026-11-24";
  refused(early, "visit_date", "on or after the procedure date (25 Nov 2026)");
  Json future = month_visit();
  future["visit_date"] = "2026-12-28";
  refused(future, "visit_date", "today or in the past");
  Json no_date = month_visit();
  no_date.erase("visit_date");
  refused(no_date, "visit_date", "Enter");
  Json loud = month_visit();
  loud["pain_on_movement"] = 11;
  refused(loud, "pain_on_movement", "0 to 10");
  Json negative = month_visit();
  negative["pain_at_rest"] = -1;
  refused(negative, "pain_at_rest", "0 to 10");
  Json odi = month_visit();
  odi["odi"] = 101;
  refused(odi, "odi", "0 to 100");
  Json misspelt = month_visit();
  misspelt["pain_at_reset"] = 2;
  refused(misspelt, "pain_at_reset", "Unknown field");
  Json mobility = month_visit();
  mobility["mobility"] = "running";
  refused(mobility, "mobility", "Select a valid");
  Json untreated = month_visit();
  untreated["height_loss_levels"] = Json::array({"L2"});
  refused(untreated, "height_loss_levels", "L2 was not treated");
  Json level = month_visit();
  level["new_fracture_levels"] = "L9";
  refused(level, "new_fracture_levels", "not a vertebral level");
  refused(Json{{"visit_date", "2026-12-27"}, {"contact", "clinic"}}, "pain_at_rest",
          "Enter at least one answer");
  EXPECT_TRUE(get_visit(id, "1-month")["visit"].is_null());

  // A time point the unit does not have; a stale version after someone else saved.
  auto unknown = put_visit(operator_, id, "2-years", month_visit());
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  expect_status(put_visit(operator_, id, "1-month", month_visit()), 200);
  Json other = month_visit();
  other["pain_at_rest"] = 1;
  auto stale = put_visit(operator_, id, "1-month", other, "\"0\"");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 412) << stale->body;  // If-Match no longer holds
  EXPECT_EQ(get_visit(id, "1-month")["visit"]["document"]["pain_at_rest"], 7);

  // A visit outside its window is kept, with a warning.
  auto late = put_visit(operator_, id, "1-week", month_visit());
  ASSERT_TRUE(late);
  ASSERT_EQ(late->status, 200) << late->body;
  ASSERT_EQ(json_of(*late)["warnings"].size(), 1u);
  EXPECT_TRUE(contains(json_of(*late)["warnings"][0], "outside the 1 week window"));
}

TEST_F(FollowUpVisitTest, OnlyNursesAndOperatorsRecordAndOnlyInFollowUp) {
  const std::int64_t waiting = episode_at_procedure();
  auto early = put_visit(operator_, waiting, "1-month", month_visit());
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 409) << early->body;  // not in follow-up yet

  const std::int64_t id = episode_in_follow_up();
  set_today("2026-12-27");
  auto coordinator = put_visit(api_sign_in("coordinator"), id, "1-month", month_visit());
  ASSERT_TRUE(coordinator);
  EXPECT_EQ(coordinator->status, 403);
  auto researcher =
      client()->Get(visit_path(id, "1-month"), bearer(api_sign_in("researcher").token));
  ASSERT_TRUE(researcher);
  EXPECT_EQ(researcher->status, 403);
  // The demonstration nurse works at RVB02; the episode is at RVB01: as if it did not exist.
  auto elsewhere = put_visit(api_sign_in("nurse"), id, "1-month", month_visit());
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 404);
  EXPECT_TRUE(get_visit(id, "1-month")["visit"].is_null());
}

TEST_F(FollowUpVisitTest, PagesRecordAVisitAndShowItsOutcomes) {
  const std::int64_t id = episode_in_follow_up();
  set_today("2026-12-27");
  const std::string page = "/episodes/" + std::to_string(id) + "/follow-ups/1-month";
  const auto session = page_cookie(operator_);

  auto pathway = client()->Get("/episodes/" + std::to_string(id) + "/pathway", session);
  ASSERT_TRUE(pathway);
  EXPECT_TRUE(contains(pathway->body, "href=\"" + page + "\"")) << "the pathway links the time point";

  auto empty = client()->Get(page, session);
  ASSERT_TRUE(empty);
  ASSERT_EQ(empty->status, 200);
  EXPECT_TRUE(contains(empty->body, "No follow-up is recorded"));
  auto form_page = client()->Get(page + "/edit", session);
  ASSERT_TRUE(form_page);
  ASSERT_EQ(form_page->status, 200);
  EXPECT_TRUE(contains(form_page->body, "name=\"pain_on_movement\""));
  EXPECT_TRUE(contains(form_page->body, "have not been confirmed"));  // the ODI's licence
  EXPECT_TRUE(contains(form_page->body, "value=\"T12\""));  // height loss offers the treated level

  httplib::Params form{{"csrf", operator_.csrf},  {"version", "0"},
                       {"visit_date", "2026-11-20"}, {"pain_at_rest", "2"},
                       {"pain_on_movement", "2"},    {"new_fracture_levels", "L1"}};
  auto bad = client()->Post(page, session, form);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(contains(bad->body, "href=\"#visit_date\""));
  EXPECT_TRUE(contains(bad->body, "value=\"L1\""));  // kept as typed

  form.erase("visit_date");
  form.emplace("visit_date", "2026-12-27");
  form.emplace("mobility", "unaided");
  auto ok = client()->Post(page, session, form);
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 303) << ok->body.substr(0, 800);
  auto shown = client()->Get(ok->get_header_value("Location"), session);
  ASSERT_TRUE(shown);
  ASSERT_EQ(shown->status, 200);
  EXPECT_TRUE(contains(shown->body, "The follow-up was saved."));
  EXPECT_TRUE(contains(shown->body, "Pain relief"));
  EXPECT_TRUE(contains(shown->body, "L1: Adjacent to a treated level"));
  EXPECT_TRUE(contains(shown->body, "Change the follow-up"));
  EXPECT_EQ(get_visit(id, "1-month")["visit"]["document"]["mobility"], "unaided");
}

// Completeness at each time point: a visit counts as recorded and expected; a time point whose
// window has closed without one counts as expected only; one still open counts for nothing.
TEST_F(FollowUpVisitTest, CompletenessCountsRecordedAgainstExpectedAtEachTimePoint) {
  const std::int64_t id = episode_in_follow_up();
  set_today("2026-12-27");  // 1 week's window closed on 6 Dec; 1 month's is open to 8 Jan
  auto completeness = [&](const std::string& time_point) {
    auto r = client()->Get("/api/v1/follow-ups", bearer(operator_.token));
    EXPECT_TRUE(r && r->status == 200);
    const Json body = json_of(*r);
    for (const auto& c : body["completeness"]) {
      if (c["time_point"] == time_point) {
        return std::make_pair(c["recorded"].get<int>(), c["expected"].get<int>());
      }
    }
    ADD_FAILURE() << "no completeness for " << time_point;
    return std::make_pair(0, 0);
  };
  const auto week = completeness("1 week");
  const auto month = completeness("1 month");
  Json at_week = month_visit();
  at_week["visit_date"] = "2026-12-03";
  expect_status(put_visit(operator_, id, "1-week", at_week), 200);
  expect_status(put_visit(operator_, id, "1-month", month_visit()), 200);
  EXPECT_EQ(completeness("1 week"), std::make_pair(week.first + 1, week.second));
  EXPECT_EQ(completeness("1 month"), std::make_pair(month.first + 1, month.second + 1));
  auto page = client()->Get("/follow-ups", page_cookie(operator_));
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "Follow-up completeness"));
}

// An episode closes from follow-up, after its last time point or earlier for a recorded
// reason; it then leaves the follow-up list. Only an episode in follow-up is closed.
TEST_F(FollowUpVisitTest, AnEpisodeInFollowUpIsClosedWithAReason) {
  const std::int64_t waiting = episode_at_procedure();
  auto close = [&](std::int64_t id) {
    return client()->Post(
        path(id, "exit"), with(bearer(coordinator_.token), "If-Match", quoted(version(id))),
        Json{{"state", "closed"},
             {"reason", "Lost to follow-up: three telephone calls unanswered"},
             {"date", "2026-12-27"}}
            .dump(),
        "application/json");
  };
  const std::int64_t id = episode_in_follow_up();
  set_today("2026-12-27");
  coordinator_ = api_sign_in("coordinator");
  auto early = close(waiting);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 422) << early->body;
  EXPECT_TRUE(contains(field_message(json_of(*early), "state"), "Only an episode in follow-up"));
  EXPECT_EQ(state(waiting), "procedure");

  auto page = client()->Get("/episodes/" + std::to_string(id) + "/exit", page_cookie(coordinator_));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "value=\"closed\""));
  EXPECT_TRUE(contains(page->body, "Close or end this episode"));

  auto closed = close(id);
  ASSERT_TRUE(closed);
  ASSERT_EQ(closed->status, 200) << closed->body;
  EXPECT_EQ(state(id), "closed");
  auto list = client()->Get("/api/v1/follow-ups", bearer(operator_.token));
  ASSERT_TRUE(list);
  const Json listed = json_of(*list);
  for (const auto& item : listed["items"]) EXPECT_NE(item["id"], id);
  // A closed episode takes no more visits.
  auto visit = put_visit(operator_, id, "1-month", month_visit());
  ASSERT_TRUE(visit);
  EXPECT_EQ(visit->status, 409);
}

}  // namespace
}  // namespace vertebro::http_test
