// HTTP tests of the follow-up schedule (issue 12): the unit's time points on the settings page
// and API, and the nurses' list of due and overdue follow-ups (/follow-ups and
// GET /api/v1/follow-ups), audited as the worklist is. The server's clock starts at
// 2026-11-25T10:00:00Z; tests that move it put it back.

#include <algorithm>
#include <chrono>

#include "app/unit_config.h"
#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

class FollowUpTest : public PathwayTest {
 protected:
  void SetUp() override {
    PathwayTest::SetUp();
    if (HasFatalFailure()) return;
    admin_ = api_sign_in("admin");
  }
  void TearDown() override {
    server().clock().set(start_time());
    admin_ = api_sign_in("admin");
    auto r = put_settings(app::unit_config_json(app::UnitConfig{}));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
  }
  httplib::Result put_settings(const Json& body) {
    return client()->Put("/api/v1/settings", bearer(admin_.token), body.dump(),
                         "application/json");
  }
  // An episode in follow-up after a procedure recorded today (2026-11-25).
  std::int64_t episode_in_follow_up() {
    const std::int64_t id = episode_at_procedure();
    expect_status(put_form(operator_, id, "procedure", procedure("2026-11-25")), 200);
    EXPECT_EQ(state(id), "follow_up");
    return id;
  }
  void set_today(const std::string& iso) { set_clock_day(iso); }
  // The settings page's form with the guidance settings filled in and, as given, the follow-up
  // fields (outcome definitions left out unless added).
  httplib::Params settings_form(const std::string& time_points, const std::string& primary) {
    return {{"csrf", admin_.csrf},
            {"min_conservative_days", "21"},
            {"recent_fracture_window_days", "42"},
            {"pain_threshold", "7"},
            {"radiologist_roles", "Radiologist"},
            {"spinal_surgeon_roles", "Spinal surgeon"},
            {"enabled_packs", "HTG3"},
            {"override_roles.assessment_to_mdt", "operator"},
            {"follow_up_time_points", time_points},
            {"primary_follow_up", primary}};
  }
  // The API list's item for an episode, or null, as `username` signed in now (moving the
  // clock by days ends every earlier session).
  Json listed(const std::string& username, std::int64_t id) {
    const ApiSession s = api_sign_in(username);
    auto r = client()->Get("/api/v1/follow-ups", bearer(s.token));
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    const Json body = json_of(*r);
    for (const auto& item : body["items"]) {
      if (item.value("id", std::int64_t{0}) == id) return item;
    }
    return {};
  }
  std::size_t follow_up_lists() const {
    const auto all = server().audit_all();
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](const auto& e) {
      return e.action == "list" && e.record_type == "follow_ups";
    }));
  }
  ApiSession admin_;
};

TEST_F(FollowUpTest, SettingsApiHasTheVertosDefaultsAndRefusesBadTimePoints) {
  auto got = client()->Get("/api/v1/settings", bearer(admin_.token));
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200);
  const Json j = json_of(*got);
  ASSERT_EQ(j["follow_up_time_points"].size(), 6u);
  EXPECT_EQ(j["follow_up_time_points"][0]["time_point"], "1 day");
  EXPECT_EQ(j["follow_up_time_points"][5]["time_point"], "12 months");
  EXPECT_EQ(j["primary_follow_up"], "1 month");

  const Json bad[] = {
      Json{{"follow_up_time_points", Json::array()}},
      Json{{"follow_up_time_points", {{{"time_point", "1 year"},
                                       {"window_before_days", 0},
                                       {"window_after_days", 0}}}}},
      Json{{"follow_up_time_points", {{{"time_point", "1 month"},
                                       {"window_before_days", -1},
                                       {"window_after_days", 0}}}}},
      Json{{"follow_up_time_points", {{{"time_point", "3 months"},
                                       {"window_before_days", 0},
                                       {"window_after_days", 0}},
                                      {{"time_point", "1 month"},
                                       {"window_before_days", 0},
                                       {"window_after_days", 0}}}}},
      Json{{"follow_up_time_points", {{{"time_point", "1 month"},
                                       {"window_before_days", 0},
                                       {"window_after_days", 0},
                                       {"colour", "red"}}}}},
  };
  for (const auto& body : bad) {
    auto r = put_settings(body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << body.dump() << " " << r->body;
    EXPECT_TRUE(names_field(json_of(*r), "follow_up_time_points")) << r->body;
  }
  // The primary time point must be one of the time points.
  auto primary = put_settings({{"primary_follow_up", "2 months"}});
  ASSERT_TRUE(primary);
  EXPECT_EQ(primary->status, 422);
  EXPECT_TRUE(names_field(json_of(*primary), "primary_follow_up")) << primary->body;
  auto dropped = put_settings({{"follow_up_time_points",
                                {{{"time_point", "3 months"},
                                  {"window_before_days", 14},
                                  {"window_after_days", 28}}}}});
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->status, 422);
  EXPECT_TRUE(names_field(json_of(*dropped), "primary_follow_up")) << dropped->body;

  auto good = put_settings({{"follow_up_time_points",
                             {{{"time_point", "2 Weeks"},
                               {"window_before_days", 3},
                               {"window_after_days", "5"}},
                              {{"time_point", "3 months"},
                               {"window_before_days", 14},
                               {"window_after_days", 28}}}},
                            {"primary_follow_up", "3 months"}});
  ASSERT_TRUE(good);
  ASSERT_EQ(good->status, 200) << good->body;
  const Json saved = json_of(*good);
  EXPECT_EQ(saved["follow_up_time_points"][0]["time_point"], "2 weeks");
  EXPECT_EQ(saved["follow_up_time_points"][0]["window_after_days"], 5);
  EXPECT_EQ(saved["primary_follow_up"], "3 months");
}

// The outcome definitions are unit settings with documented defaults (2 points and 30% for pain
// relief, one step for mobility), each checked (422 naming the key, nothing saved) and shown on
// the settings page with its default and source; a blank one is named, not defaulted.
TEST_F(FollowUpTest, SettingsHoldTheOutcomeDefinitions) {
  auto got = client()->Get("/api/v1/settings", bearer(admin_.token));
  ASSERT_TRUE(got);
  const Json before = json_of(*got);
  EXPECT_EQ(before["pain_relief_min_points"], 2) << before;
  EXPECT_EQ(before["pain_relief_min_percent"], 30);
  EXPECT_EQ(before["mobility_min_steps"], 1);
  EXPECT_EQ(before["patient_link_days"], 28);
  EXPECT_EQ(before["patient_reminder_days"], Json::array({7, 14}));
  EXPECT_EQ(before["patient_phone_after_days"], 21);
  const std::pair<Json, const char*> bad[] = {
      {{{"patient_link_days", 0}}, "patient_link_days"},
      {{{"patient_reminder_days", Json::array({14, 7})}}, "patient_reminder_days"},
      {{{"patient_reminder_days", Json::array({0})}}, "patient_reminder_days"},
      {{{"patient_reminder_days", Json::array({3, 5, 7, 9})}}, "patient_reminder_days"},
      {{{"patient_reminder_days", "7, a fortnight"}}, "patient_reminder_days"},
      {{{"patient_reminder_days", Json::array({7, 21})}}, "patient_reminder_days"},
      {{{"patient_phone_after_days", 10}}, "patient_reminder_days"},
      {{{"patient_phone_after_days", 0}}, "patient_phone_after_days"},
      {{{"patient_link_days", 91}}, "patient_link_days"},
      {{{"pain_relief_min_points", 0}}, "pain_relief_min_points"},
      {{{"pain_relief_min_points", 11}}, "pain_relief_min_points"},
      {{{"pain_relief_min_percent", 101}}, "pain_relief_min_percent"},
      {{{"pain_relief_min_percent", "a third"}}, "pain_relief_min_percent"},
      {{{"mobility_min_steps", 5}}, "mobility_min_steps"}};
  for (const auto& [body, field] : bad) {
    auto r = put_settings(body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << body.dump();
    EXPECT_TRUE(names_field(json_of(*r), field)) << r->body;
  }
  auto unchanged = client()->Get("/api/v1/settings", bearer(admin_.token));
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(json_of(*unchanged), before) << "nothing was saved";
  auto good = put_settings({{"pain_relief_min_points", 3}, {"pain_relief_min_percent", "50"}});
  ASSERT_TRUE(good);
  ASSERT_EQ(good->status, 200) << good->body;
  EXPECT_EQ(json_of(*good)["pain_relief_min_points"], 3);
  EXPECT_EQ(json_of(*good)["pain_relief_min_percent"], 50);
  EXPECT_EQ(json_of(*good)["mobility_min_steps"], 1) << "a patch keeps what it leaves out";
  auto days = put_settings({{"patient_link_days", 14}});
  ASSERT_TRUE(days);
  ASSERT_EQ(days->status, 200) << days->body;
  EXPECT_EQ(json_of(*days)["patient_link_days"], 14);
  auto reminders = put_settings({{"patient_reminder_days", "5, 10, 15"}, {"patient_phone_after_days", 30}});
  ASSERT_TRUE(reminders);
  ASSERT_EQ(reminders->status, 200) << reminders->body;
  EXPECT_EQ(json_of(*reminders)["patient_reminder_days"], Json::array({5, 10, 15}));
  EXPECT_EQ(json_of(*reminders)["patient_phone_after_days"], 30);
  auto none = put_settings({{"patient_reminder_days", Json::array()}});
  ASSERT_TRUE(none);
  ASSERT_EQ(none->status, 200) << none->body;
  EXPECT_EQ(json_of(*none)["patient_reminder_days"], Json::array()) << "no reminders at all";

  const auto session = cookie("vb_session=" + admin_.token);
  auto page = client()->Get("/settings", session);
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "name=\"pain_relief_min_percent\""));
  EXPECT_TRUE(contains(page->body, "Outcome definitions"));
  httplib::Params form = settings_form("1 month, 7, 14", "1 month");
  form.emplace("pain_relief_min_points", "2");
  form.emplace("pain_relief_min_percent", "");
  form.emplace("mobility_min_steps", "9");
  auto blank = client()->Post("/settings", session, form);
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->status, 422);
  EXPECT_TRUE(contains(blank->body, "href=\"#pain_relief_min_percent\""));
  EXPECT_TRUE(contains(blank->body, "href=\"#mobility_min_steps\""));
  form.erase("pain_relief_min_percent");
  form.emplace("pain_relief_min_percent", "25");
  form.erase("mobility_min_steps");
  form.emplace("mobility_min_steps", "2");
  auto ok = client()->Post("/settings", session, form);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 303) << ok->body.substr(0, 800);
  auto now = client()->Get("/api/v1/settings", bearer(admin_.token));
  ASSERT_TRUE(now);
  EXPECT_EQ(json_of(*now)["pain_relief_min_percent"], 25);
  EXPECT_EQ(json_of(*now)["mobility_min_steps"], 2);

  // The reminder days and the phone-list day on the form: a blank day named, on_form out of
  // order named, then saved.
  form.emplace("patient_reminder_days", "9, 7");
  form.emplace("patient_phone_after_days", "");
  auto on_form = client()->Post("/settings", session, form);
  ASSERT_TRUE(on_form);
  EXPECT_EQ(on_form->status, 422);
  EXPECT_TRUE(contains(on_form->body, "href=\"#patient_phone_after_days\""));
  form.erase("patient_phone_after_days");
  form.emplace("patient_phone_after_days", "20");
  on_form = client()->Post("/settings", session, form);
  ASSERT_TRUE(on_form);
  EXPECT_EQ(on_form->status, 422);
  EXPECT_TRUE(contains(on_form->body, "href=\"#patient_reminder_days\""));
  form.erase("patient_reminder_days");
  form.emplace("patient_reminder_days", "4, 8");
  on_form = client()->Post("/settings", session, form);
  ASSERT_TRUE(on_form);
  EXPECT_EQ(on_form->status, 303) << on_form->body.substr(0, 800);
  now = client()->Get("/api/v1/settings", bearer(admin_.token));
  ASSERT_TRUE(now);
  EXPECT_EQ(json_of(*now)["patient_reminder_days"], Json::array({4, 8}));
  EXPECT_EQ(json_of(*now)["patient_phone_after_days"], 20);
  page = client()->Get("/settings", session);
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "value=\"4, 8\""));
}

TEST_F(FollowUpTest, SettingsPageShowsAndSavesTheTimePoints) {
  const auto session = cookie("vb_session=" + admin_.token);
  auto page = client()->Get("/settings", session);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "name=\"follow_up_time_points\""));
  EXPECT_TRUE(contains(page->body, "1 month, 7, 14"));
  EXPECT_TRUE(contains(page->body, "not a published standard"));

  httplib::Params form = settings_form("1 month, 7\n3 months, 14, 28", "1 month");
  auto bad = client()->Post("/settings", session, form);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(contains(bad->body, "href=\"#follow_up_time_points\""));
  EXPECT_TRUE(contains(bad->body, "days after the due date of time point 1"));
  EXPECT_TRUE(contains(bad->body, "3 months, 14, 28"));  // kept as typed

  form.erase("follow_up_time_points");
  form.emplace("follow_up_time_points", "1 month, 7, 14\r\n\r\n3 months, 14, 28\r\n");
  form.erase("primary_follow_up");
  form.emplace("primary_follow_up", "");
  auto blank = client()->Post("/settings", session, form);
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->status, 422);
  EXPECT_TRUE(contains(blank->body, "href=\"#primary_follow_up\""));

  form.erase("primary_follow_up");
  form.emplace("primary_follow_up", "3 months");
  auto ok = client()->Post("/settings", session, form);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 303) << ok->body.substr(0, 800);
  auto now = client()->Get("/api/v1/settings", bearer(admin_.token));
  ASSERT_TRUE(now);
  const Json j = json_of(*now);
  ASSERT_EQ(j["follow_up_time_points"].size(), 2u);
  EXPECT_EQ(j["follow_up_time_points"][1]["time_point"], "3 months");
  EXPECT_EQ(j["primary_follow_up"], "3 months");
}

// Once every time point is recorded or past its window, the episode is listed as ready to
// close (the API's ready_to_close and the page's section), and not before; closing it takes it
// off the list.
TEST_F(FollowUpTest, AnEpisodePastItsLastTimePointIsReadyToClose) {
  // A short schedule: 1 month only, window 7 days before and 14 after (26 Dec to 8 Jan).
  auto schedule = put_settings(
      {{"follow_up_time_points",
        {{{"time_point", "1 month"}, {"window_before_days", 7}, {"window_after_days", 14}}}},
       {"primary_follow_up", "1 month"}});
  ASSERT_TRUE(schedule && schedule->status == 200) << (schedule ? schedule->body : "");
  const std::int64_t id = episode_in_follow_up();
  const auto ready = [&](const std::string& day) {
    set_today(day);
    const ApiSession s = api_sign_in("coordinator");
    auto r = client()->Get("/api/v1/follow-ups", bearer(s.token));
    EXPECT_TRUE(r && r->status == 200);
    if (!r) return false;
    const Json body = json_of(*r);
    return std::any_of(body["ready_to_close"].begin(), body["ready_to_close"].end(),
                       [&](const Json& e) { return e.value("id", std::int64_t{0}) == id; });
  };
  EXPECT_FALSE(ready("2027-01-08")) << "the window is still open";
  EXPECT_TRUE(ready("2027-01-09")) << "past its only window, unrecorded";
  const ApiSession s = api_sign_in("coordinator");
  auto page = client()->Get("/follow-ups", page_cookie(s));
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "Ready to close"));
  EXPECT_TRUE(contains(page->body, "/episodes/" + std::to_string(id) + "/pathway"));
  auto closed = client()->Post(path(id, "exit"),
                               with(bearer(s.token), "If-Match", quoted(version(id))),
                               Json{{"state", "closed"},
                                    {"reason", "Follow-up complete"},
                                    {"date", "2027-01-09"}}
                                   .dump(),
                               "application/json");
  ASSERT_TRUE(closed && closed->status == 200) << (closed ? closed->body : "");
  EXPECT_FALSE(ready("2027-01-09"));
}

TEST_F(FollowUpTest, ListShowsOverdueBeforeDueAndIsAudited) {
  const std::int64_t id = episode_in_follow_up();
  // On the procedure day nothing is due yet.
  EXPECT_TRUE(listed("coordinator", id).is_null());

  // 1 day: due 26 Nov, open to 28 Nov. 1 week: due 2 Dec, open 30 Nov to 6 Dec.
  set_today("2026-11-28");
  Json item = listed("coordinator", id);
  ASSERT_FALSE(item.is_null());
  ASSERT_EQ(item["follow_ups"].size(), 1u);
  EXPECT_EQ(item["follow_ups"][0]["time_point"], "1 day");
  EXPECT_EQ(item["follow_ups"][0]["status"], "due");
  EXPECT_EQ(item["procedure_date"], "2026-11-25");

  set_today("2026-11-30");
  item = listed("coordinator", id);
  ASSERT_EQ(item["follow_ups"].size(), 2u);
  EXPECT_EQ(item["follow_ups"][0]["time_point"], "1 day");
  EXPECT_EQ(item["follow_ups"][0]["status"], "overdue");
  EXPECT_EQ(item["follow_ups"][1]["time_point"], "1 week");
  EXPECT_EQ(item["follow_ups"][1]["status"], "due");
  EXPECT_EQ(item["follow_ups"][1]["due_date"], "2026-12-02");
  EXPECT_EQ(item["follow_ups"][1]["window_start"], "2026-11-30");
  EXPECT_EQ(item["patient"]["family_name"], "Pathwayson");

  // Overdue episodes come before those only due: the whole list is in that order.
  const ApiSession now = api_sign_in("coordinator");
  auto r = client()->Get("/api/v1/follow-ups", bearer(now.token));
  ASSERT_TRUE(r);
  bool seen_due = false;
  const Json all_items = json_of(*r)["items"];
  for (const auto& i : all_items) {
    const bool overdue = i["follow_ups"][0]["status"] == "overdue";
    if (!overdue) seen_due = true;
    EXPECT_FALSE(overdue && seen_due) << "an overdue episode after one only due";
  }

  // The page shows the episode; every view is in the access log naming the episodes shown.
  const std::size_t before = follow_up_lists();
  auto page = client()->Get("/follow-ups", page_cookie(now));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "/episodes/" + std::to_string(id) + "\""));
  EXPECT_TRUE(contains(page->body, "Overdue"));
  EXPECT_TRUE(contains(page->body, "due 2 Dec 2026"));
  EXPECT_EQ(follow_up_lists(), before + 1);
  const auto all = server().audit_all();
  auto last = std::find_if(all.rbegin(), all.rend(), [](const auto& e) {
    return e.action == "list" && e.record_type == "follow_ups";
  });
  ASSERT_NE(last, all.rend());
  const Json detail = Json::parse(last->detail, nullptr, false);
  const auto& episodes = detail["episodes"];
  EXPECT_NE(std::find(episodes.begin(), episodes.end(), Json(id)), episodes.end())
      << last->detail;
}

TEST_F(FollowUpTest, ListKeepsToTheUsersSitesAndRoles) {
  const std::int64_t id = episode_in_follow_up();
  set_today("2026-11-30");
  EXPECT_FALSE(listed("coordinator", id).is_null());
  // The nurse works at RVB02 only; the episode is at RVB01.
  EXPECT_TRUE(listed("nurse", id).is_null());
  // A researcher cannot see patient records.
  const auto researcher = api_sign_in("researcher");
  auto r = client()->Get("/api/v1/follow-ups", bearer(researcher.token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  auto page = client()->Get("/follow-ups", page_cookie(researcher));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 403);
  auto anonymous = client()->Get("/api/v1/follow-ups");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

TEST_F(FollowUpTest, ListFollowsTheUnitsTimePoints) {
  const std::int64_t id = episode_in_follow_up();
  auto saved = put_settings({{"follow_up_time_points",
                              {{{"time_point", "1 month"},
                                {"window_before_days", 0},
                                {"window_after_days", 0}}}},
                             {"primary_follow_up", "1 month"}});
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 200) << saved->body;
  set_today("2026-12-24");
  EXPECT_TRUE(listed("coordinator", id).is_null());
  set_today("2026-12-25");
  Json item = listed("coordinator", id);
  ASSERT_FALSE(item.is_null());
  ASSERT_EQ(item["follow_ups"].size(), 1u);
  EXPECT_EQ(item["follow_ups"][0]["status"], "due");
  EXPECT_EQ(item["follow_ups"][0]["primary"], true);
  set_today("2026-12-26");
  item = listed("coordinator", id);
  EXPECT_EQ(item["follow_ups"][0]["status"], "overdue");
}

}  // namespace
}  // namespace vertebro::http_test
