// The HTG3 pathway through the API and the pages: every gate passed, blocked (HTG3-1.2-REFRACTORY,
// HTG3-1.2-MDT) and overridden; roles refused; bad form input naming its field; stale versions.
// The fixture is in pathway_fixture.h.

#include "app/operators.h"
#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

TEST_F(PathwayTest, EveryGatePassesThroughTheApi) {
  const std::int64_t id = new_episode();
  auto saved = put_form(operator_, id, "assessment", passing_assessment());
  expect_status(saved, 200);
  const Json a = json_of(*saved);
  EXPECT_EQ(a["version"], 1);
  EXPECT_EQ(saved->get_header_value("ETag"), "\"1\"");
  EXPECT_EQ(a["document"]["levels"][0]["genant"], "moderate");  // 30% height loss
  EXPECT_EQ(a["episode_state"], "referral");

  expect_status(move(operator_, id, "assessment"), 200);
  auto to_mdt = move(operator_, id, "mdt");
  expect_status(to_mdt, 200);
  const Json m = json_of(*to_mdt);
  EXPECT_EQ(m["moved"], true);
  EXPECT_EQ(m["overridden"], false);
  EXPECT_EQ(m["gate"], "assessment_to_mdt");
  EXPECT_EQ(finding(m["findings"], "HTG3-1.2-REFRACTORY")["outcome"], "pass") << m.dump();
  EXPECT_EQ(to_mdt->get_header_value("ETag"), quoted(version(id)));

  discuss_at_mdt(id);
  auto to_consent = move(coordinator_, id, "consent");
  expect_status(to_consent, 200);
  EXPECT_EQ(finding(json_of(*to_consent)["findings"], "HTG3-1.2-MDT")["outcome"], "pass");

  expect_status(put_form(operator_, id, "consent", full_consent()), 200);
  surgery_on_site();
  auto to_procedure = move(operator_, id, "procedure");
  expect_status(to_procedure, 200);
  const Json p = json_of(*to_procedure);
  EXPECT_EQ(finding(p["findings"], "HTG3-1.1")["outcome"], "pass") << p.dump();
  EXPECT_EQ(finding(p["findings"], "HTG3-1.2-SURGERY")["outcome"], "pass") << p.dump();

  auto done = put_form(operator_, id, "procedure", procedure());
  expect_status(done, 200);
  EXPECT_EQ(json_of(*done)["episode_state"], "follow_up");
  EXPECT_TRUE(json_of(*done)["warnings"].empty());

  const Json pw = get_pathway(id);
  EXPECT_EQ(pw["state"], "follow_up");
  ASSERT_EQ(pw["transitions"].size(), 5u) << pw.dump();
  const Json& gated = pw["transitions"][1];
  EXPECT_EQ(gated["to"], "mdt");
  EXPECT_EQ(gated["gate"], "assessment_to_mdt");
  EXPECT_EQ(gated["blocked"], false);
  EXPECT_TRUE(gated["findings"].is_array() && !gated["findings"].empty());
  EXPECT_EQ(pw["forms"]["procedure"]["version"], 1);
  ASSERT_EQ(pw["mdt"].size(), 1u);
  EXPECT_EQ(pw["mdt"][0]["decision"], "proceed");
  EXPECT_EQ(pw["mdt"][0]["attendees"].size(), 2u);
  EXPECT_EQ(pw["surgery"]["access"], "on_site");
}

TEST_F(PathwayTest, BlockedGateIs422WithTheFailingFindings) {
  const std::int64_t id = new_episode();
  expect_status(put_form(operator_, id, "assessment", blocked_assessment()), 200);
  expect_status(move(operator_, id, "assessment"), 200);
  const std::int64_t before = version(id);

  auto r = move(operator_, id, "mdt");
  expect_status(r, 422);
  const Json j = json_of(*r);
  EXPECT_EQ(j["error"]["code"], "invalid");
  EXPECT_TRUE(names_field(j, "override_reason")) << r->body;
  EXPECT_EQ(j["gate"], "assessment_to_mdt");
  EXPECT_EQ(j["may_override"], true);
  const Json f = finding(j["findings"], "HTG3-1.2-REFRACTORY");
  ASSERT_TRUE(f.is_object()) << j.dump();
  EXPECT_NE(f["outcome"], "pass");
  EXPECT_EQ(f["pack"], "HTG3");
  EXPECT_EQ(state(id), "assessment");
  EXPECT_EQ(version(id), before);

  // A reason of spaces is no reason.
  expect_status(move(operator_, id, "mdt", "   "), 422);
  EXPECT_EQ(state(id), "assessment");

  const Json pw = get_pathway(id);
  EXPECT_EQ(pw["next_gate"]["blocked"], true);
  EXPECT_EQ(pw["next_gate"]["to"], "mdt");
}

TEST_F(PathwayTest, OverrideIsStoredWithReasonRoleAndFindings) {
  const std::int64_t id = new_episode();
  expect_status(put_form(operator_, id, "assessment", blocked_assessment()), 200);
  expect_status(move(operator_, id, "assessment"), 200);
  const std::string reason = "Pain uncontrolled on strong opioids; inpatient for 3 weeks";
  auto r = move(operator_, id, "mdt", reason);
  expect_status(r, 200);
  EXPECT_EQ(json_of(*r)["overridden"], true);
  EXPECT_EQ(state(id), "mdt");

  const Json pw = get_pathway(id);
  const Json& t = pw["transitions"].back();
  EXPECT_EQ(t["to"], "mdt");
  EXPECT_EQ(t["blocked"], true);
  EXPECT_EQ(t["override_reason"], reason);
  EXPECT_EQ(t["override_role"], "operator");
  EXPECT_EQ(t["username"], "surgeon");
  EXPECT_FALSE(t.value("rule_pack_version", "").empty());
  EXPECT_TRUE(finding(t["findings"], "HTG3-1.2-REFRACTORY").is_object()) << t.dump();
}

TEST_F(PathwayTest, WrongRolesAreRefusedWith403) {
  // A nurse does not record assessments.
  const ApiSession nurse = api_sign_in("nurse");
  const std::int64_t fresh = new_episode();
  auto r = put_form(nurse, fresh, "assessment", passing_assessment());
  expect_status(r, 403);
  EXPECT_EQ(json_of(*r)["error"]["code"], "forbidden");

  // No MDT decision: HTG3-1.2-MDT blocks the move to consent, and a coordinator may not override.
  const std::int64_t id = episode_at_mdt();
  auto blocked = move(coordinator_, id, "consent");
  expect_status(blocked, 422);
  EXPECT_EQ(json_of(*blocked)["may_override"], false);
  EXPECT_TRUE(finding(json_of(*blocked)["findings"], "HTG3-1.2-MDT").is_object());
  auto refused = move(coordinator_, id, "consent", "The MDT agreed by telephone");
  expect_status(refused, 403);
  EXPECT_EQ(state(id), "mdt");
  // An operator may.
  expect_status(move(operator_, id, "consent", "The MDT agreed by telephone"), 200);
}

TEST_F(PathwayTest, ImpossibleMoveIs409AndStaleVersionIs412) {
  const std::int64_t id = new_episode();
  auto jump = move(operator_, id, "procedure");
  expect_status(jump, 409);
  EXPECT_EQ(json_of(*jump)["error"]["code"], "wrong_state");

  const std::int64_t v = version(id);
  expect_status(move(operator_, id, "assessment", "", v), 200);
  auto stale = move(operator_, id, "mdt", "", v);
  expect_status(stale, 412);
  EXPECT_EQ(json_of(*stale)["error"]["code"], "conflict");

  auto no_if_match = client()->Post(path(id, "transitions"), bearer(operator_.token),
                                    Json{{"to", "mdt"}}.dump(), "application/json");
  expect_status(no_if_match, 428);
}

TEST_F(PathwayTest, FormsNeedTheCurrentIfMatch) {
  const std::int64_t id = new_episode();
  auto none = client()->Put(path(id, "assessment"), bearer(operator_.token),
                            passing_assessment().dump(), "application/json");
  expect_status(none, 428);
  expect_status(put_form(operator_, id, "assessment", passing_assessment(), "\"0\""), 200);
  auto stale = put_form(operator_, id, "assessment", passing_assessment(), "\"0\"");
  expect_status(stale, 412);
  EXPECT_EQ(json_of(*stale)["error"]["code"], "conflict");
  expect_status(put_form(operator_, id, "assessment", passing_assessment(), "\"1\""), 200);

  auto got = client()->Get(path(id, "assessment"), bearer(operator_.token));
  expect_status(got, 200);
  EXPECT_EQ(got->get_header_value("ETag"), "\"2\"");
  auto consent = client()->Get(path(id, "consent"), bearer(operator_.token));
  expect_status(consent, 200);
  EXPECT_EQ(consent->get_header_value("ETag"), "\"0\"");
  EXPECT_TRUE(json_of(*consent)["document"].is_null());

  // The procedure form is not open while the episode is at referral.
  auto closed = put_form(operator_, id, "procedure", procedure());
  expect_status(closed, 409);
  EXPECT_EQ(json_of(*closed)["error"]["code"], "wrong_state");
}

struct BadForm {
  const char* name;
  Json body;
  const char* field;
};

TEST_F(PathwayTest, BadAssessmentInputNamesTheFieldAndSavesNothing) {
  const std::int64_t id = new_episode();
  Json pain = passing_assessment();
  pain["pain_at_rest"] = 11;
  Json backwards = passing_assessment();
  backwards["treatments"] = {{"bracing", {{"start", "2026-10-01"}, {"end", "2026-09-01"}}}};
  Json unknown_level = passing_assessment();
  unknown_level["levels"]["X9"] = {{"height_loss_percent", 10}};
  Json no_levels = passing_assessment();
  no_levels.erase("levels");
  const std::vector<BadForm> cases = {{"pain 11", pain, "pain_at_rest"},
                                      {"end before start", backwards, "treatments.bracing.end"},
                                      {"unknown level", unknown_level, "levels.X9"},
                                      {"no levels", no_levels, "levels"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = put_form(operator_, id, "assessment", c.body);
    expect_status(r, 422);
    EXPECT_TRUE(names_field(json_of(*r), c.field)) << r->body;
  }
  auto got = client()->Get(path(id, "assessment"), bearer(operator_.token));
  ASSERT_TRUE(got);
  EXPECT_TRUE(json_of(*got)["document"].is_null()) << got->body;
}

TEST_F(PathwayTest, BadProcedureInputNamesTheFieldAndSavesNothing) {
  const std::int64_t id = episode_at_procedure("2026-11-20");
  Json cement = procedure();
  cement["levels"]["T12"]["cement_ml"] = 25;
  Json before_referral = procedure("2026-10-30");
  Json future = procedure("2026-11-26");
  const std::vector<BadForm> cases = {{"25 mL of cement", cement, "levels.T12.cement_ml"},
                                      {"before the referral", before_referral, "date"},
                                      {"tomorrow", future, "date"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = put_form(operator_, id, "procedure", c.body);
    expect_status(r, 422);
    EXPECT_TRUE(names_field(json_of(*r), c.field)) << r->body;
  }
  auto r = put_form(operator_, id, "procedure", before_referral);
  ASSERT_TRUE(r);
  EXPECT_NE(field_message(json_of(*r), "date").find("referral"), std::string::npos) << r->body;
  EXPECT_TRUE(get_pathway(id)["forms"]["procedure"].is_null());
  EXPECT_EQ(state(id), "procedure");

  // A level treated that was not assessed is accepted with a warning.
  Json other_level = procedure();
  other_level["levels"]["L2"] = {
      {"approach", "parapedicular"}, {"pedicles", "unipedicular"}, {"cement_ml", 3}};
  auto warned = put_form(operator_, id, "procedure", other_level);
  expect_status(warned, 200);
  const Json w = json_of(*warned);
  ASSERT_EQ(w["warnings"].size(), 1u) << w.dump();
  EXPECT_NE(w["warnings"][0].get<std::string>().find("L2"), std::string::npos);
  EXPECT_EQ(w["episode_state"], "follow_up");
}

TEST_F(PathwayTest, ExitNeedsAReasonAndEndsTheEpisodeOnce) {
  const std::int64_t id = new_episode();
  auto end_episode = [&](const Json& body, std::int64_t v) {
    return client()->Post(path(id, "exit"), with(bearer(coordinator_.token), "If-Match", quoted(v)),
                          body.dump(), "application/json");
  };
  const std::int64_t v = version(id);
  auto no_reason = end_episode({{"state", "withdrawn"}, {"date", "2026-11-24"}}, v);
  expect_status(no_reason, 422);
  EXPECT_TRUE(names_field(json_of(*no_reason), "reason")) << no_reason->body;
  EXPECT_EQ(state(id), "referral");

  auto bad_state = end_episode({{"state", "closed"}, {"reason", "x"}, {"date", "2026-11-24"}}, v);
  expect_status(bad_state, 422);
  EXPECT_TRUE(names_field(json_of(*bad_state), "state"));

  const Json ok_body = {{"state", "withdrawn"},
                        {"reason", "Patient chose another treatment"},
                        {"date", "2026-11-24"}};
  expect_status(end_episode(ok_body, v + 5), 412);
  auto ended = end_episode(ok_body, v);
  expect_status(ended, 200);
  EXPECT_EQ(json_of(*ended)["state"], "withdrawn");
  auto again = end_episode(ok_body, version(id));
  expect_status(again, 409);

  const Json t = get_pathway(id)["transitions"].back();
  EXPECT_EQ(t["to"], "withdrawn");
  EXPECT_EQ(t["exit_reason"], "Patient chose another treatment");
  EXPECT_EQ(t["exit_date"], "2026-11-24");
}

// ---- Pages ---------------------------------------------------------------------------------

TEST_F(PathwayTest, EpisodePageLinksToThePathway) {
  const std::int64_t id = new_episode();
  auto r = client()->Get("/episodes/" + std::to_string(id), page_cookie(coordinator_));
  expect_status(r, 200);
  EXPECT_NE(r->body.find("href=\"/episodes/" + std::to_string(id) + "/pathway\""),
            std::string::npos);
  EXPECT_NE(r->body.find("Pathway: assessment, MDT, consent and procedure"), std::string::npos);
}

TEST_F(PathwayTest, AssessmentPageShowsErrorSummaryAndKeepsTheValues) {
  const std::int64_t id = new_episode("T12");
  const std::string url = "/episodes/" + std::to_string(id) + "/assessment";
  auto form_page = client()->Get(url, page_cookie(operator_));
  expect_status(form_page, 200);
  EXPECT_NE(form_page->body.find("name=\"levels.T12.height_loss_percent\""), std::string::npos);
  EXPECT_NE(form_page->body.find("Unverified list"), std::string::npos);

  httplib::Params params{{"csrf", operator_.csrf},
                         {"version", "0"},
                         {"levels_shown", "T12"},
                         {"levels_list", "T12"},
                         {"assessed_on", "2026-11-20"},
                         {"indication", "haemangioma"},
                         {"levels.T12.height_loss_percent", "30"},
                         {"levels.T12.mri_oedema", "yes"},
                         {"pain_at_rest", "11"},
                         {"pain_on_movement", "9"},
                         {"treatments.bracing.start", "2026-10-01"},
                         {"treatments.bracing.end", ""},
                         {"treatments.physiotherapy.start", ""},
                         {"contraindications", "active_infection"},
                         {"contraindications", "cement_allergy"}};
  auto bad = client()->Post(url, page_cookie(operator_), params);
  expect_status(bad, 422);
  EXPECT_NE(bad->body.find("nhsuk-error-summary"), std::string::npos);
  EXPECT_NE(bad->body.find("href=\"#pain_at_rest\""), std::string::npos);
  EXPECT_NE(bad->body.find("value=\"11\""), std::string::npos);
  EXPECT_NE(bad->body.find("value=\"cement_allergy\" checked"), std::string::npos);
  EXPECT_TRUE(get_pathway(id)["forms"]["assessment"].is_null());

  // Adding a level shows its section before anything is saved.
  params.erase("pain_at_rest");
  params.emplace("pain_at_rest", "8");
  params.erase("levels_list");
  params.emplace("levels_list", "T12, L1");
  auto more = client()->Post(url, page_cookie(operator_), params);
  expect_status(more, 200);
  EXPECT_NE(more->body.find("name=\"levels.L1.height_loss_percent\""), std::string::npos);
  EXPECT_TRUE(get_pathway(id)["forms"]["assessment"].is_null());

  // Saved: back to the pathway page, warning of the contraindications recorded.
  params.erase("levels_list");
  params.emplace("levels_list", "T12");
  auto saved = client()->Post(url, page_cookie(operator_), params);
  expect_status(saved, 303);
  const std::string location = saved->get_header_value("Location");
  EXPECT_EQ(location.rfind("/episodes/" + std::to_string(id) + "/pathway?saved=assessment", 0), 0u)
      << location;
  const Json doc = get_pathway(id)["forms"]["assessment"]["document"];
  EXPECT_EQ(doc["pain_at_rest"], 8);
  EXPECT_EQ(doc["contraindications"].size(), 2u);
  ASSERT_EQ(doc["treatments"].size(), 1u) << doc.dump();  // the blank rows are left out
  EXPECT_EQ(doc["treatments"][0]["kind"], "bracing");

  auto page = client()->Get(location, page_cookie(operator_));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("The assessment was saved."), std::string::npos);
  EXPECT_NE(page->body.find("Contraindications are recorded"), std::string::npos);
  // A warning the server did not sign is not shown.
  auto forged = client()->Get(
      "/episodes/" + std::to_string(id) + "/pathway?saved=assessment&warning=Forged+text&sig=00",
      page_cookie(operator_));
  expect_status(forged, 200);
  EXPECT_EQ(forged->body.find("Forged text"), std::string::npos);
}

TEST_F(PathwayTest, PathwayPageShowsOverrideReasonInHistory) {
  const std::int64_t id = new_episode();
  expect_status(put_form(operator_, id, "assessment", blocked_assessment()), 200);
  expect_status(move(operator_, id, "assessment"), 200);
  const std::string url = "/episodes/" + std::to_string(id);

  // Through the page: no reason is a 422 naming the override reason.
  auto blocked = client()->Post(
      url + "/move", page_cookie(operator_),
      httplib::Params{
          {"csrf", operator_.csrf}, {"to", "mdt"}, {"version", std::to_string(version(id))}});
  expect_status(blocked, 422);
  EXPECT_NE(blocked->body.find("href=\"#override_reason\""), std::string::npos);
  EXPECT_NE(blocked->body.find("HTG3-1.2-REFRACTORY"), std::string::npos);

  auto moved = client()->Post(url + "/move", page_cookie(operator_),
                              httplib::Params{{"csrf", operator_.csrf},
                                              {"to", "mdt"},
                                              {"version", std::to_string(version(id))},
                                              {"override_reason", "Urgent MDT review needed"}});
  expect_status(moved, 303);
  EXPECT_EQ(state(id), "mdt");

  auto page = client()->Get(url + "/pathway", page_cookie(coordinator_));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("Why was this allowed?"), std::string::npos);
  EXPECT_NE(page->body.find("Urgent MDT review needed"), std::string::npos);
  EXPECT_NE(page->body.find("Operator"), std::string::npos);
  EXPECT_NE(page->body.find("nhsuk-tag--red"), std::string::npos);
  // The coordinator is shown the next gate without an override form.
  EXPECT_EQ(page->body.find("name=\"override_reason\""), std::string::npos);
}

TEST_F(PathwayTest, StaleFormPageShowsTheSavedValuesAndListsTheTypedOnes) {
  const std::int64_t id = new_episode("T12");
  const std::string url = "/episodes/" + std::to_string(id) + "/consent";
  expect_status(put_form(operator_, id, "assessment", passing_assessment()), 200);
  expect_status(move(operator_, id, "assessment"), 200);
  expect_status(move(operator_, id, "mdt"), 200);
  discuss_at_mdt(id);
  expect_status(move(coordinator_, id, "consent"), 200);
  // Someone saves the consent while this user has the empty form open (version 0).
  expect_status(put_form(operator_, id, "consent", full_consent()), 200);
  auto r = client()->Post(url, page_cookie(operator_),
                          httplib::Params{{"csrf", operator_.csrf},
                                          {"version", "0"},
                                          {"date", "2026-11-25"},
                                          {"clinician", "Dr Typed Late"},
                                          {"leaflet_version", "PIL-VP v4"},
                                          {"capacity_confirmed", "yes"},
                                          {"risks", "infection"}});
  expect_status(r, 409);
  EXPECT_NE(r->body.find("Someone else saved first"), std::string::npos);
  EXPECT_NE(r->body.find("Dr Typed Late"), std::string::npos);  // what this user typed
  EXPECT_NE(r->body.find("value=\"Dr R Consent (interventional radiologist)\""), std::string::npos);
  EXPECT_NE(r->body.find("name=\"version\" value=\"1\""), std::string::npos);
  EXPECT_EQ(get_pathway(id)["forms"]["consent"]["document"]["clinician"],
            "Dr R Consent (interventional radiologist)");
}

TEST_F(PathwayTest, ProcedurePageNamesTheLevelInItsErrors) {
  const std::int64_t id = episode_at_procedure();
  const std::string url = "/episodes/" + std::to_string(id) + "/procedure";
  auto page = client()->Get(url, page_cookie(operator_));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("name=\"levels.T12.cement_ml\""), std::string::npos);
  auto r = client()->Post(url, page_cookie(operator_),
                          httplib::Params{{"csrf", operator_.csrf},
                                          {"version", "0"},
                                          {"levels_shown", "T12"},
                                          {"levels_list", "T12"},
                                          {"date", "2026-11-25"},
                                          {"levels.T12.cement_ml", "25"}});
  expect_status(r, 422);
  EXPECT_NE(r->body.find("href=\"#levels.T12.cement_ml\""), std::string::npos);
  EXPECT_NE(r->body.find("Level T12: Cement volume must be more than 0 and at most 20 mL"),
            std::string::npos);
  EXPECT_EQ(state(id), "procedure");
}

using ProcedureOperatorsTest = PathwayTest;

// Issue 11: the primary operator and supervisor are operators active at the episode's site,
// stored by id with their names; a supervisor who is the operator, or an operator from
// elsewhere, is a 422 naming the field and saves nothing; a typed name is a visiting operator;
// the form page offers the site's operators.
TEST_F(ProcedureOperatorsTest, NamesOperatorsActiveAtTheSite) {
  const app::Actor admin = actor_of(api_sign_in("admin"));
  const auto surgeon = active_profile(admin, "surgeon", site1_);
  const auto radiologist = active_profile(admin, "radiologist", site1_);
  ASSERT_NE(surgeon.id.value, 0);
  ASSERT_NE(radiologist.id.value, 0);
  const std::int64_t id = episode_at_procedure();

  const std::string url = "/episodes/" + std::to_string(id) + "/procedure";
  auto page = client()->Get(url, page_cookie(operator_));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("name=\"primary_operator_id\""), std::string::npos);
  EXPECT_NE(page->body.find("<option value=\"" + std::to_string(surgeon.id.value) + "\""),
            std::string::npos);

  EXPECT_EQ(surgeon.id.value, kSignedOffSurgeonProfile) << "the fixture's procedures name him";
  Json body = procedure();
  body["primary_operator_id"] = std::to_string(radiologist.id.value);
  body["supervisor_id"] = std::to_string(radiologist.id.value);
  auto same = put_form(operator_, id, "procedure", body);
  expect_status(same, 422);
  EXPECT_TRUE(names_field(json_of(*same), "supervisor_id")) << same->body;
  body["supervisor_id"] = "999999";
  auto elsewhere = put_form(operator_, id, "procedure", body);
  expect_status(elsewhere, 422);
  EXPECT_TRUE(names_field(json_of(*elsewhere), "supervisor_id")) << elsewhere->body;
  EXPECT_TRUE(get_pathway(id)["forms"]["procedure"].is_null());
  EXPECT_EQ(state(id), "procedure");

  body["supervisor_id"] = surgeon.id.value;
  auto saved = put_form(operator_, id, "procedure", body);
  expect_status(saved, 200);
  const Json doc = get_pathway(id)["forms"]["procedure"]["document"];
  EXPECT_EQ(doc["primary_operator_id"], radiologist.id.value) << doc.dump();
  EXPECT_EQ(doc["primary_operator"], radiologist.display_name);
  EXPECT_EQ(doc["supervisor_id"], surgeon.id.value);
  EXPECT_EQ(doc["supervisor"], surgeon.display_name);
  // Each profile counts the case: supervised for the radiologist, supervising for the surgeon.
  const ApiSession trainer = api_sign_in("trainer");
  auto counts = [&](domain::OperatorId op) {
    auto r = client()->Get("/api/v1/operators/" + op.str(), bearer(trainer.token));
    return r && r->status == 200 ? json_of(*r)["cases"] : Json();
  };
  const Json radiologist_cases = counts(radiologist.id);
  const Json surgeon_cases = counts(surgeon.id);
  ASSERT_TRUE(radiologist_cases.is_object());
  EXPECT_GE(radiologist_cases.value("supervised", 0), 1) << radiologist_cases;
  EXPECT_GE(surgeon_cases.value("supervising", 0), 1) << surgeon_cases;
  auto profile_page = client()->Get("/operators/" + surgeon.id.str(), page_cookie(trainer));
  ASSERT_TRUE(profile_page);
  EXPECT_NE(profile_page->body.find("As supervisor of another operator"), std::string::npos);

  // The form page of the saved procedure has the chosen operators selected.
  auto edit = client()->Get(url, page_cookie(operator_));
  expect_status(edit, 200);
  EXPECT_NE(edit->body.find("<option value=\"" + std::to_string(radiologist.id.value) +
                            "\" selected>"),
            std::string::npos);

  // A free-text name (as procedures saved before issue 11 were) is a visiting operator; the page
  // keeps it when it shows another error (no operator chosen from the list).
  const std::int64_t visiting = episode_at_procedure();
  const std::string vurl = "/episodes/" + std::to_string(visiting) + "/procedure";
  auto kept = client()->Post(vurl, page_cookie(operator_),
                             httplib::Params{{"csrf", operator_.csrf},
                                             {"version", "0"},
                                             {"levels_shown", "T12"},
                                             {"levels_list", "T12"},
                                             {"date", "2026-11-25"},
                                             {"primary_operator_id", ""},
                                             {"primary_operator", "Dr V Visitor"},
                                             {"levels.T12.cement_ml", "25"}});
  expect_status(kept, 422);
  EXPECT_NE(kept->body.find("value=\"Dr V Visitor\""), std::string::npos);
  // HTG3-1.2-TRAINING: a visiting operator alone cannot show their training, so the save is
  // blocked until an operator gives a reason to override; supervised by a signed-off operator
  // of the unit it passes.
  Json typed = procedure();
  typed.erase("primary_operator_id");
  typed["primary_operator"] = "Dr R Operator";
  auto blocked = put_form(operator_, visiting, "procedure", typed);
  expect_status(blocked, 422);
  EXPECT_NE(blocked->body.find("Dr R Operator is a visiting operator"), std::string::npos)
      << blocked->body;
  EXPECT_TRUE(get_pathway(visiting)["forms"]["procedure"].is_null()) << "nothing saved";
  typed["supervisor_id"] = surgeon.id.value;
  expect_status(put_form(operator_, visiting, "procedure", typed), 200);
  const Json vdoc = get_pathway(visiting)["forms"]["procedure"]["document"];
  EXPECT_EQ(vdoc["primary_operator"], "Dr R Operator");
  EXPECT_EQ(vdoc["primary_operator_visiting"], true);
}

TEST_F(PathwayTest, FormPagesAreRefusedToOtherRoles) {
  const std::int64_t id = new_episode();
  auto r =
      client()->Get("/episodes/" + std::to_string(id) + "/assessment", page_cookie(coordinator_));
  expect_status(r, 403);
  auto exit_page =
      client()->Get("/episodes/" + std::to_string(id) + "/exit", page_cookie(coordinator_));
  expect_status(exit_page, 200);
  EXPECT_NE(exit_page->body.find("value=\"not_suitable\""), std::string::npos);
}

}  // namespace
}  // namespace vertebro::http_test
