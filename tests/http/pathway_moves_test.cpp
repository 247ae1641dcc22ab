// Issue 14 through the API and the pages: the planned procedure date on the move to procedure,
// the check when the procedure is recorded (gate procedure_recorded, at the procedure's own
// date), the recorded step back, override roles that work as the settings say, and the
// textbook osteoporotic case that goes from referral to follow-up with no override under the
// default settings. Issue 9: a role with no part in the pathway learns nothing from the moves
// route.

#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

class PathwayMovesTest : public PathwayTest {
 protected:
  // The site's spinal surgery arrangement, due for review on `review_date`.
  void surgery_arrangement(const std::string& review_date) {
    const app::Actor admin = actor_of(api_sign_in("admin"));
    auto s = app::set_site_surgery(server().ctx(), admin, SiteId{site1_},
                                   {"arrangement", "Northgate spinal surgery", review_date});
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  // Walked to consent, with consent recorded (24 Nov) and the site's arrangement due for review
  // on 24 Nov: a procedure planned for 24 Nov meets HTG3-1.2-SURGERY, one done on 25 Nov
  // (today) does not.
  std::int64_t episode_at_consent_with_arrangement() {
    const std::int64_t id = episode_at_mdt();
    discuss_at_mdt(id);
    expect_status(move(coordinator_, id, "consent"), 200);
    expect_status(put_form(operator_, id, "consent", full_consent()), 200);
    surgery_arrangement("2026-11-24");
    return id;
  }

  httplib::Result post_move(const ApiSession& s, std::int64_t id, const Json& body) {
    return client()->Post(path(id, "transitions"),
                          with(bearer(s.token), "If-Match", quoted(version(id))), body.dump(),
                          "application/json");
  }

  httplib::Result put_settings(const Json& body) {
    return client()->Put("/api/v1/settings", bearer(api_sign_in("admin").token), body.dump(),
                         "application/json");
  }

  // The procedure form as the page posts it, for level T12.
  httplib::Params procedure_params(const ApiSession& s, const std::string& date) {
    return {{"csrf", s.csrf},
            {"version", "0"},
            {"levels_shown", "T12"},
            {"levels_list", "T12"},
            {"date", date},
            {"primary_operator_id", std::to_string(kSignedOffSurgeonProfile)},
            {"image_guidance", "fluoroscopy_biplane"},
            {"anaesthesia", "local"},
            {"cement_units.1.scan", "(01)09506000134352(10)LOT-2026-0417"},
            {"cement_units.1.steps.1", "confirmed"},
            {"cement_units.1.steps.2", "confirmed"},
            {"cement_units.1.steps.3", "confirmed"},
            {"cement_units.1.steps.4", "confirmed"},
            {"cement_units.1.steps.5", "confirmed"},
            {"cement_units.1.steps.6", "confirmed"},
            {"levels.T12.approach", "transpedicular"},
            {"levels.T12.pedicles", "bipedicular"},
            {"levels.T12.cement_ml", "4.5"}};
  }

  std::size_t audit_count(const std::string& action, std::int64_t episode) const {
    const auto all = server().audit_all();
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [&](const auto& e) {
      return e.action == action && e.record_type == "episode" && e.record_id == episode;
    }));
  }
};

// ---- The planned procedure date ------------------------------------------------------------

TEST_F(PathwayMovesTest, MoveToProcedureIsJudgedAtThePlannedDate) {
  const std::int64_t id = episode_at_consent_with_arrangement();
  // Planned for 25 Nov, the day after the arrangement's review date: blocked, and nothing moves.
  auto late =
      post_move(operator_, id, {{"to", "procedure"}, {"planned_procedure_date", "2026-11-25"}});
  expect_status(late, 422);
  const Json blocked = json_of(*late);
  EXPECT_TRUE(names_field(blocked, "override_reason")) << late->body;
  EXPECT_EQ(blocked["gate"], "consent_to_procedure");
  EXPECT_EQ(blocked["procedure_date"], "2026-11-25");
  EXPECT_EQ(finding(blocked["findings"], "HTG3-1.2-SURGERY")["outcome"], "fail") << late->body;
  EXPECT_EQ(state(id), "consent");

  // Planned for 24 Nov (entered the day after): the arrangement was in date.
  auto ok =
      post_move(operator_, id, {{"to", "procedure"}, {"planned_procedure_date", "2026-11-24"}});
  expect_status(ok, 200);
  EXPECT_EQ(json_of(*ok)["procedure_date"], "2026-11-24");
  EXPECT_EQ(finding(json_of(*ok)["findings"], "HTG3-1.2-SURGERY")["outcome"], "pass");
  const Json pw = get_pathway(id);
  EXPECT_EQ(pw["planned_procedure_date"], "2026-11-24");
  EXPECT_EQ(pw["transitions"].back()["procedure_date"], "2026-11-24");
  EXPECT_EQ(pw["next_gate"]["gate"], "procedure_recorded");
  EXPECT_EQ(pw["next_gate"]["procedure_date"], "2026-11-24");
}

TEST_F(PathwayMovesTest, BadPlannedDateIs422NamingTheField) {
  const std::int64_t id = episode_at_consent_with_arrangement();
  for (const char* bad : {"24/11/2026", "2026-02-30", "2026-11-01", "2027-05-27"}) {
    SCOPED_TRACE(bad);
    auto r = post_move(operator_, id, {{"to", "procedure"}, {"planned_procedure_date", bad}});
    expect_status(r, 422);
    EXPECT_TRUE(names_field(json_of(*r), "planned_procedure_date")) << r->body;
  }
  // Only the move to procedure takes one.
  auto other =
      post_move(coordinator_, id, {{"to", "mdt"}, {"planned_procedure_date", "2026-11-30"}});
  expect_status(other, 422);
  EXPECT_TRUE(names_field(json_of(*other), "planned_procedure_date"));
  EXPECT_EQ(state(id), "consent");

  // The page's move form has the field and names it in its error summary.
  const std::string url = "/episodes/" + std::to_string(id);
  auto page = client()->Get(url + "/pathway", page_cookie(operator_));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("name=\"planned_procedure_date\""), std::string::npos);
  auto bad = client()->Post(url + "/move", page_cookie(operator_),
                            httplib::Params{{"csrf", operator_.csrf},
                                            {"to", "procedure"},
                                            {"version", std::to_string(version(id))},
                                            {"planned_procedure_date", "2027-12-01"}});
  expect_status(bad, 422);
  EXPECT_NE(bad->body.find("href=\"#planned_procedure_date\""), std::string::npos);
  EXPECT_NE(bad->body.find("value=\"2027-12-01\""), std::string::npos);
}

TEST_F(PathwayMovesTest, BlockedMovePageShowsTheFindingsAtThePlannedDate) {
  const std::int64_t id = episode_at_consent_with_arrangement();
  const std::string url = "/episodes/" + std::to_string(id);
  auto r = client()->Post(url + "/move", page_cookie(operator_),
                          httplib::Params{{"csrf", operator_.csrf},
                                          {"to", "procedure"},
                                          {"version", std::to_string(version(id))},
                                          {"planned_procedure_date", "2026-12-10"}});
  expect_status(r, 422);
  EXPECT_NE(r->body.find("Judged at the planned procedure date, 10 Dec 2026"), std::string::npos);
  EXPECT_NE(r->body.find("href=\"#override_reason\""), std::string::npos);
  EXPECT_NE(r->body.find("value=\"2026-12-10\""), std::string::npos);  // the date is kept
  EXPECT_EQ(state(id), "consent");
}

// ---- The recorded-procedure check ----------------------------------------------------------

TEST_F(PathwayMovesTest, RecordedProcedureAfterTheReviewDateNeedsAnOverride) {
  const std::int64_t id = episode_at_consent_with_arrangement();
  expect_status(
      post_move(operator_, id, {{"to", "procedure"}, {"planned_procedure_date", "2026-11-24"}}),
      200);
  const std::size_t blocked_before = audit_count("gate_blocked", id);
  auto blocked = put_form(operator_, id, "procedure", procedure("2026-11-25"));
  expect_status(blocked, 422);
  const Json j = json_of(*blocked);
  EXPECT_TRUE(names_field(j, "override_reason")) << blocked->body;
  EXPECT_EQ(j["gate"], "procedure_recorded");
  EXPECT_EQ(j["procedure_date"], "2026-11-25");
  EXPECT_EQ(j["may_override"], true);
  EXPECT_EQ(finding(j["findings"], "HTG3-1.2-SURGERY")["outcome"], "fail") << blocked->body;
  EXPECT_EQ(state(id), "procedure");
  EXPECT_TRUE(get_pathway(id)["forms"]["procedure"].is_null());  // all or nothing
  EXPECT_EQ(audit_count("gate_blocked", id), blocked_before + 1);

  Json with_reason = procedure("2026-11-25");
  with_reason["override_reason"] = "Renewal agreed by the clinical director; register not updated";
  auto saved = put_form(operator_, id, "procedure", with_reason);
  expect_status(saved, 200);
  const Json s = json_of(*saved);
  EXPECT_EQ(s["episode_state"], "follow_up");
  EXPECT_EQ(s["check"]["overridden"], true);
  EXPECT_FALSE(s["document"].contains("override_reason"));  // not part of the form
  const Json t = get_pathway(id)["transitions"].back();
  EXPECT_EQ(t["gate"], "procedure_recorded");
  EXPECT_EQ(t["to"], "follow_up");
  EXPECT_EQ(t["blocked"], true);
  EXPECT_EQ(t["override_role"], "operator");
  EXPECT_EQ(t["procedure_date"], "2026-11-25");
  EXPECT_EQ(t["override_reason"], "Renewal agreed by the clinical director; register not updated");
}

TEST_F(PathwayMovesTest, ProcedurePageShowsTheBlockAndTakesTheReason) {
  const std::int64_t id = episode_at_consent_with_arrangement();
  expect_status(
      post_move(operator_, id, {{"to", "procedure"}, {"planned_procedure_date", "2026-11-24"}}),
      200);
  const std::string url = "/episodes/" + std::to_string(id);
  // Before recording, the pathway page shows the check at the planned date.
  auto before = client()->Get(url + "/pathway", page_cookie(operator_));
  expect_status(before, 200);
  EXPECT_NE(before->body.find("Recording the procedure"), std::string::npos);
  EXPECT_NE(before->body.find("the planned procedure date, 24 Nov 2026"), std::string::npos);

  auto blocked = client()->Post(url + "/procedure", page_cookie(operator_),
                                procedure_params(operator_, "2026-11-25"));
  expect_status(blocked, 422);
  EXPECT_NE(blocked->body.find("The guidance is not met at the procedure date"), std::string::npos);
  EXPECT_NE(blocked->body.find("HTG3-1.2-SURGERY"), std::string::npos);
  EXPECT_NE(blocked->body.find("href=\"#override_reason\""), std::string::npos);
  // The typed form is kept, the scan of the cement pack with it.
  EXPECT_NE(blocked->body.find("value=\"(01)09506000134352(10)LOT-2026-0417\""),
            std::string::npos);
  EXPECT_NE(blocked->body.find("Override the guidance and save the procedure"), std::string::npos);
  EXPECT_EQ(state(id), "procedure");

  auto params = procedure_params(operator_, "2026-11-25");
  params.emplace("override_reason", "Urgent: cord compression risk; surgeons on call confirmed");
  auto saved = client()->Post(url + "/procedure", page_cookie(operator_), params);
  expect_status(saved, 303);
  EXPECT_EQ(state(id), "follow_up");
  auto page = client()->Get(url + "/pathway", page_cookie(coordinator_));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("recorded procedure gate"), std::string::npos);
  EXPECT_NE(page->body.find("judged at the procedure date, 25 Nov 2026"), std::string::npos);
  EXPECT_NE(page->body.find("Urgent: cord compression risk"), std::string::npos);
}

// ---- The step back -------------------------------------------------------------------------

TEST_F(PathwayMovesTest, StepBackThroughTheApiNeedsAReasonAndTheRole) {
  const std::int64_t id = episode_at_procedure();
  auto no_reason = post_move(operator_, id, {{"to", "consent"}});
  expect_status(no_reason, 422);
  EXPECT_TRUE(names_field(json_of(*no_reason), "reason")) << no_reason->body;
  auto coordinator = post_move(coordinator_, id, {{"to", "consent"}, {"reason", "x"}});
  expect_status(coordinator, 403);
  EXPECT_EQ(state(id), "procedure");

  auto back = post_move(operator_, id, {{"to", "consent"}, {"reason", "Consent form unsigned"}});
  expect_status(back, 200);
  EXPECT_EQ(json_of(*back)["stepped_back"], true);
  EXPECT_EQ(state(id), "consent");
  const Json pw = get_pathway(id);
  EXPECT_EQ(pw["transitions"].back()["step_back_reason"], "Consent form unsigned");
  EXPECT_EQ(pw["transitions"].back()["from"], "procedure");
  EXPECT_FALSE(pw["forms"]["consent"].is_null());  // the consent form is kept
  EXPECT_EQ(pw["step_back"], "mdt");
}

TEST_F(PathwayMovesTest, StepBackPageAsksForTheReasonAndShowsItInTheHistory) {
  const std::int64_t id = episode_at_mdt();
  const std::string url = "/episodes/" + std::to_string(id);
  auto pathway = client()->Get(url + "/pathway", page_cookie(coordinator_));
  expect_status(pathway, 200);
  EXPECT_NE(pathway->body.find("href=\"" + url + "/step-back\""), std::string::npos);
  auto form = client()->Get(url + "/step-back", page_cookie(coordinator_));
  expect_status(form, 200);
  EXPECT_NE(form->body.find("name=\"reason\""), std::string::npos);
  EXPECT_NE(form->body.find("value=\"assessment\""), std::string::npos);

  httplib::Params params{
      {"csrf", coordinator_.csrf}, {"to", "assessment"}, {"version", std::to_string(version(id))}};
  auto empty = client()->Post(url + "/step-back", page_cookie(coordinator_), params);
  expect_status(empty, 422);
  EXPECT_NE(empty->body.find("href=\"#reason\""), std::string::npos);
  EXPECT_EQ(state(id), "mdt");
  params.emplace("reason", "The MDT asked for a repeat MRI");
  auto done = client()->Post(url + "/step-back", page_cookie(coordinator_), params);
  expect_status(done, 303);
  EXPECT_EQ(state(id), "assessment");
  auto page = client()->Get(done->get_header_value("Location"), page_cookie(coordinator_));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("The episode stepped back to Assessment."), std::string::npos);
  EXPECT_NE(page->body.find("Stepped back: MDT to Assessment"), std::string::npos);
  EXPECT_NE(page->body.find("The MDT asked for a repeat MRI"), std::string::npos);
  // A governance lead (no part in the MDT or the assessment) may not step it back.
  expect_status(move(operator_, id, "mdt"), 200);
  const ApiSession governance = api_sign_in("governance");
  expect_status(client()->Get(url + "/step-back", page_cookie(governance)), 403);
  params.erase("version");
  params.emplace("version", std::to_string(version(id)));
  params.erase("csrf");
  params.emplace("csrf", governance.csrf);
  expect_status(client()->Post(url + "/step-back", page_cookie(governance), params), 403);
  EXPECT_EQ(state(id), "mdt");
}

// ---- Override roles (point 2) ---------------------------------------------------------------

TEST_F(PathwayMovesTest, GovernanceListedAtAGatePassesItWithAReason) {
  const ApiSession governance = api_sign_in("governance");
  const std::int64_t id = episode_at_consent_with_arrangement();
  const Json late = {
      {"to", "procedure"},
      {"planned_procedure_date", "2026-11-30"},
      {"override_reason", "Renewal signed by the director; register updated Monday"}};
  auto refused = post_move(governance, id, late);
  expect_status(refused, 403);
  EXPECT_EQ(json_of(*refused)["error"]["message"],
            "Your role may not override this gate; this unit allows: operator.");

  expect_status(
      put_settings({{"override_roles", {{"consent_to_procedure", {"operator", "governance"}}}}}),
      200);
  auto blocked =
      post_move(governance, id, {{"to", "procedure"}, {"planned_procedure_date", "2026-11-30"}});
  expect_status(blocked, 422);
  EXPECT_EQ(json_of(*blocked)["may_override"], true);
  // The pathway page offers a listed governance lead the override form, with the planned date.
  auto page =
      client()->Get("/episodes/" + std::to_string(id) + "/pathway", page_cookie(governance));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("name=\"override_reason\""), std::string::npos);
  EXPECT_NE(page->body.find("name=\"planned_procedure_date\""), std::string::npos);

  auto moved = post_move(governance, id, late);
  expect_status(moved, 200);
  EXPECT_EQ(json_of(*moved)["overridden"], true);
  const Json t = get_pathway(id)["transitions"].back();
  EXPECT_EQ(t["override_role"], "governance");
  EXPECT_EQ(t["username"], "governance");
}

TEST_F(PathwayMovesTest, SettingsRefuseAnOverrideRoleWithoutEffect) {
  for (const auto& [gate, role] : {std::pair{"procedure_recorded", "governance"},
                                   std::pair{"procedure_recorded", "coordinator"},
                                   std::pair{"mdt_to_consent", "researcher"}}) {
    SCOPED_TRACE(std::string(gate) + " " + role);
    auto r = put_settings({{"override_roles", {{gate, {"operator", role}}}}});
    expect_status(r, 422);
    EXPECT_TRUE(names_field(json_of(*r), std::string("override_roles.") + gate)) << r->body;
  }
  auto got = client()->Get("/api/v1/settings", bearer(operator_.token));
  expect_status(got, 200);
  EXPECT_EQ(json_of(*got)["override_roles"]["procedure_recorded"], Json::array({"operator"}));
  // The settings page offers at each gate only the roles that could use it.
  auto page = client()->Get("/settings", page_cookie(api_sign_in("admin")));
  expect_status(page, 200);
  const std::string box = "name=\"override_roles.";
  EXPECT_NE(page->body.find(box + "procedure_recorded\" type=\"checkbox\" value=\"operator\""),
            std::string::npos);
  EXPECT_EQ(page->body.find(box + "procedure_recorded\" type=\"checkbox\" value=\"governance\""),
            std::string::npos);
  EXPECT_NE(page->body.find(box + "consent_to_procedure\" type=\"checkbox\" value=\"governance\""),
            std::string::npos);
  EXPECT_EQ(page->body.find("value=\"researcher\""), std::string::npos);
}

// Issue 9: a researcher cannot learn from the moves route whether an episode exists or where
// it stands: the same 403 before anything is read.
TEST_F(PathwayMovesTest, ResearcherIsRefusedBeforeTheEpisodeIsRead) {
  const ApiSession researcher = api_sign_in("researcher");
  const std::int64_t id = episode_at_mdt();
  std::vector<std::string> bodies;
  for (std::int64_t target : {id, id + 100000}) {
    for (const char* to : {"consent", "procedure", "assessment"}) {
      auto r = client()->Post(path(target, "transitions"),
                              with(bearer(researcher.token), "If-Match", "\"1\""),
                              Json{{"to", to}}.dump(), "application/json");
      expect_status(r, 403);
      bodies.push_back(r->body);
    }
  }
  for (const auto& b : bodies) EXPECT_EQ(b, bodies.front());
  EXPECT_EQ(audit_count("denied", id), 0u);
}

// ---- The done-when case of issue 14 ---------------------------------------------------------

// With the default settings, a textbook osteoporotic case goes from referral to follow-up with
// no override: fracture four weeks before the procedure, three weeks of optimal pain
// management that failed, an MDT with a radiologist and a spinal surgeon, consent, and a site
// with on-site spinal surgery.
TEST_F(PathwayMovesTest, TextbookOsteoporoticCaseNeedsNoOverride) {
  const std::int64_t id = new_episode("L1");
  const Json assessment = {
      {"assessed_on", "2026-11-22"},
      {"indication", "osteoporotic"},
      {"fracture_date", "2026-10-28"},
      {"levels",
       {{"L1",
         {{"height_loss_percent", 30},
          {"morphology", "wedge"},
          {"mri_oedema", "yes"},
          {"focal_tenderness", "yes"}}}}},
      {"pain_at_rest", 7},
      {"pain_on_movement", 9},
      {"analgesic", "strong_opioid"},
      {"treatments",
       {{"analgesics", {{"start", "2026-11-01"}, {"end", "2026-11-22"}, {"effect", "no_relief"}}},
        {"physiotherapy",
         {{"start", "2026-11-01"}, {"end", "2026-11-22"}, {"effect", "no_relief"}}}}},
      {"refractory", true},
      {"bone_health", true},
      {"bone_health_detail", "Alendronic acid; fracture liaison service referral"}};
  expect_status(put_form(operator_, id, "assessment", assessment), 200);
  expect_status(move(operator_, id, "assessment"), 200);
  auto to_mdt = move(operator_, id, "mdt");
  expect_status(to_mdt, 200);
  discuss_at_mdt(id, "proceed", "2026-11-24");
  auto to_consent = move(coordinator_, id, "consent");
  expect_status(to_consent, 200);
  expect_status(put_form(operator_, id, "consent", full_consent("2026-11-24")), 200);
  surgery_on_site();
  auto to_procedure =
      post_move(operator_, id, {{"to", "procedure"}, {"planned_procedure_date", "2026-11-25"}});
  expect_status(to_procedure, 200);
  Json done_body = procedure("2026-11-25");
  done_body["levels"] = {
      {"L1", {{"approach", "transpedicular"}, {"pedicles", "bipedicular"}, {"cement_ml", 4}}}};
  auto done = put_form(operator_, id, "procedure", done_body);
  expect_status(done, 200);
  EXPECT_EQ(json_of(*done)["episode_state"], "follow_up");
  for (const auto* r : {&to_mdt, &to_consent, &to_procedure}) {
    EXPECT_EQ(json_of(**r)["overridden"], false) << (*r)->body;
  }
  const Json pw = get_pathway(id);
  EXPECT_EQ(pw["state"], "follow_up");
  for (const auto& t : pw["transitions"]) {
    EXPECT_EQ(t["blocked"], false) << t.dump();
    EXPECT_TRUE(t["override_reason"].is_null()) << t.dump();
  }
}

}  // namespace
}  // namespace vertebro::http_test
