// Operator profiles, competence sign-offs and the training log through the real server: the
// API (If-Match on profiles, 403 for a role that may not sign, 422 naming the field for a review
// date before the sign-off date, 403 naming signed_by for a self sign-off, one revocation, one
// check) and the pages (NHS.UK error summaries naming the same fields). HTG3-1.2-TRAINING.

#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

class OperatorsTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    admin_ = api_sign_in("admin");
    trainer_ = api_sign_in("trainer");
    surgeon_ = api_sign_in("surgeon");
    site1_ = server().site_id("RVB01");
  }

  static httplib::Headers page(const ApiSession& s) { return cookie("vb_session=" + s.token); }

  // The profile of `username` (created by the administrator the first time): its JSON.
  Json profile_of(const std::string& username) {
    auto list = client()->Get("/api/v1/operators", bearer(admin_.token));
    EXPECT_TRUE(list && list->status == 200);
    if (!list) return {};
    const Json items = json_of(*list)["items"];
    for (const auto& o : items) {
      if (o.value("username", "") == username) return o;
    }
    const Json body = {{"user_id", server().user_id(username)},
                       {"professional_role", "spinal_surgeon"},
                       {"registration_number", "GMC 7000001"},
                       {"site_ids", {site1_}},
                       {"status", "active"}};
    auto r = client()->Post("/api/v1/operators", bearer(admin_.token), body.dump(),
                            "application/json");
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    return r ? json_of(*r) : Json();
  }

  std::string path(const Json& op, const std::string& rest = "") const {
    return "/api/v1/operators/" + std::to_string(op.value("id", 0)) + rest;
  }

  httplib::Result post(const ApiSession& s, const std::string& p, const Json& body) {
    return client()->Post(p.c_str(), bearer(s.token), body.dump(), "application/json");
  }

  ApiSession admin_, trainer_, surgeon_;
  std::int64_t site1_ = 0;
};

TEST_F(OperatorsTest, ProfileChangesNeedTheCurrentVersion) {
  const Json op = profile_of("surgeon");
  ASSERT_TRUE(op.contains("id"));
  auto got = client()->Get(path(op).c_str(), bearer(trainer_.token));
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200);
  const std::int64_t version = json_of(*got).value("version", 0);
  EXPECT_EQ(got->get_header_value("ETag"), quoted(version));

  Json change = {{"professional_role", "interventional_radiologist"},
                 {"registration_number", "GMC 7000002"},
                 {"site_ids", {site1_, server().site_id("RVB02")}},
                 {"status", "active"}};
  auto none = client()->Put(path(op).c_str(), bearer(trainer_.token), change.dump(),
                            "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 428);
  auto stale = client()->Put(path(op).c_str(), with(bearer(trainer_.token), "If-Match",
                                                    quoted(version + 5)),
                             change.dump(), "application/json");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 412);
  auto ok = client()->Put(path(op).c_str(), with(bearer(trainer_.token), "If-Match", quoted(version)),
                          change.dump(), "application/json");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(json_of(*ok).value("version", 0), version + 1);
  EXPECT_EQ(json_of(*ok)["site_ids"].size(), 2u);
  EXPECT_EQ(ok->get_header_value("ETag"), quoted(version + 1));

  // Bad input names each field; nothing changes.
  Json bad = {{"professional_role", "dentist"}, {"registration_number", ""},
              {"site_ids", Json::array()}, {"status", "retired"}};
  auto r = client()->Put(path(op).c_str(), with(bearer(trainer_.token), "If-Match",
                                                quoted(version + 1)),
                         bad.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  for (const char* f : {"professional_role", "registration_number", "site_ids", "status"}) {
    EXPECT_TRUE(names_field(json_of(*r), f)) << f << ": " << r->body;
  }
  // An operator may not change profiles, and a nurse may not see them.
  auto by_surgeon = client()->Put(path(op).c_str(), with(bearer(surgeon_.token), "If-Match",
                                                         quoted(version + 1)),
                                  change.dump(), "application/json");
  ASSERT_TRUE(by_surgeon);
  EXPECT_EQ(by_surgeon->status, 403);
  auto nurse = client()->Get("/api/v1/operators", bearer(api_sign_in("nurse").token));
  ASSERT_TRUE(nurse);
  EXPECT_EQ(nurse->status, 403);
}

TEST_F(OperatorsTest, SignOffByTheTrainingLeadOnlyWithDatesInOrder) {
  const Json op = profile_of("surgeon");
  const Json good = {{"signed_on", "2026-11-20"},
                     {"scope", "osteoporotic_thoracolumbar"},
                     {"review_date", "2028-11-20"}};
  // A role that may not sign.
  auto by_admin = post(admin_, path(op, "/sign-offs"), good);
  ASSERT_TRUE(by_admin);
  EXPECT_EQ(by_admin->status, 403);
  EXPECT_TRUE(names_field(json_of(*by_admin), "signed_by")) << by_admin->body;
  // A review date before the sign-off date, and one over 5 years on.
  Json before = good;
  before["review_date"] = "2026-11-19";
  auto r = post(trainer_, path(op, "/sign-offs"), before);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(names_field(json_of(*r), "review_date")) << r->body;
  Json late = good;
  late["review_date"] = "2031-11-21";
  r = post(trainer_, path(op, "/sign-offs"), late);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(names_field(json_of(*r), "review_date")) << r->body;
  Json future = good;
  future["signed_on"] = "2026-11-26";
  r = post(trainer_, path(op, "/sign-offs"), future);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(names_field(json_of(*r), "signed_on")) << r->body;

  auto s = post(trainer_, path(op, "/sign-offs"), good);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->status, 201) << s->body;
  const Json sign_off = json_of(*s);
  EXPECT_TRUE(sign_off.value("current", false));
  EXPECT_EQ(sign_off.value("signed_by_user_id", 0), server().user_id("trainer"));

  // Revoked once, with a reason.
  const std::string revoke =
      path(op, "/sign-offs/" + std::to_string(sign_off.value("id", 0)) + "/revocation");
  auto blank = post(trainer_, revoke, {{"reason", ""}});
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->status, 422);
  EXPECT_TRUE(names_field(json_of(*blank), "reason"));
  auto done = post(trainer_, revoke, {{"reason", "Practice review"}});
  ASSERT_TRUE(done);
  ASSERT_EQ(done->status, 200) << done->body;
  EXPECT_FALSE(json_of(*done).value("current", true));
  EXPECT_EQ(json_of(*done)["revocation"].value("reason", ""), "Practice review");
  auto again = post(trainer_, revoke, {{"reason", "Again"}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);

  // Every change is on the audit trail against the profile.
  int entries = 0;
  for (const auto& e : server().audit_all()) {
    if (e.record_type == "operator" && e.record_id == op.value("id", 0)) ++entries;
  }
  EXPECT_GE(entries, 3);
}

TEST_F(OperatorsTest, NobodySignsOffTheirOwnProfile) {
  const Json own = profile_of("trainer");
  const Json body = {{"signed_on", "2026-11-20"}, {"scope", "cervical"},
                     {"review_date", "2027-11-20"}};
  auto r = post(trainer_, path(own, "/sign-offs"), body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_TRUE(names_field(json_of(*r), "signed_by")) << r->body;
  auto profile = client()->Get(path(own).c_str(), bearer(trainer_.token));
  ASSERT_TRUE(profile);
  EXPECT_TRUE(json_of(*profile)["sign_offs"].empty());

  // The page answers the same, with the error summary pointing at the signer.
  auto p = client()->Post(("/operators/" + std::to_string(own.value("id", 0)) + "/sign-offs/new")
                              .c_str(),
                          page(trainer_),
                          httplib::Params{{"csrf", trainer_.csrf},
                                          {"signed_on", "2026-11-20"},
                                          {"scope", "cervical"},
                                          {"review_date", "2027-11-20"}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 403);
  EXPECT_TRUE(contains(p->body, "nhsuk-error-summary"));
  EXPECT_TRUE(contains(p->body, "href=\"#signed_by\""));
  EXPECT_TRUE(contains(p->body, "id=\"signed_by\""));
}

TEST_F(OperatorsTest, TrainingLogAddedByTheOperatorAndCheckedByTheLead) {
  const Json op = profile_of("surgeon");
  const Json entry = {{"kind", "simulation"},
                      {"entry_date", "2026-11-02"},
                      {"description", "Cement injection on a phantom spine"},
                      {"evidence", "SIM-2026-044"}};
  auto by_trainer = post(trainer_, path(op, "/training"), entry);
  ASSERT_TRUE(by_trainer);
  EXPECT_EQ(by_trainer->status, 403);
  Json bad = entry;
  bad["kind"] = "lecture";
  bad["evidence"] = "";
  auto r = post(surgeon_, path(op, "/training"), bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(names_field(json_of(*r), "kind"));
  EXPECT_TRUE(names_field(json_of(*r), "evidence"));
  auto added = post(surgeon_, path(op, "/training"), entry);
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 201) << added->body;
  const std::string check =
      path(op, "/training/" + std::to_string(json_of(*added).value("id", 0)) + "/check");
  auto by_surgeon = post(surgeon_, check, Json::object());
  ASSERT_TRUE(by_surgeon);
  EXPECT_EQ(by_surgeon->status, 403);
  auto checked = post(trainer_, check, Json::object());
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->status, 200) << checked->body;
  auto twice = post(trainer_, check, Json::object());
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 409);

  // The operator sees their own profile, with the entry checked.
  auto mine = client()->Get(path(op).c_str(), bearer(surgeon_.token));
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->status, 200);
  bool found = false;
  const Json body = json_of(*mine);
  for (const auto& t : body["training"]) {
    if (t.value("evidence", "") == "SIM-2026-044") found = !t["checked"].is_null();
  }
  EXPECT_TRUE(found) << mine->body;
}

TEST_F(OperatorsTest, PagesShowProfilesSignOffsAndLogWithErrorSummaries) {
  const Json op = profile_of("surgeon");
  const std::string href = "/operators/" + std::to_string(op.value("id", 0));
  auto list = client()->Get("/operators", page(trainer_));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_TRUE(contains(list->body, "href=\"" + href + "\""));
  EXPECT_TRUE(contains(list->body, "Add an operator profile"));

  // A review date before the sign-off date: the form again, naming the field, values kept.
  auto bad = client()->Post((href + "/sign-offs/new").c_str(), page(trainer_),
                            httplib::Params{{"csrf", trainer_.csrf},
                                            {"signed_on", "2026-11-20"},
                                            {"scope", "tumour_thoracolumbar"},
                                            {"review_date", "2026-01-01"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(contains(bad->body, "href=\"#review_date\""));
  EXPECT_TRUE(contains(bad->body, "id=\"review_date-error\""));
  EXPECT_TRUE(contains(bad->body, "value=\"2026-01-01\""));
  // The administrator may not sign: refused before anything is read.
  auto admin = client()->Post((href + "/sign-offs/new").c_str(), page(admin_),
                              httplib::Params{{"csrf", admin_.csrf},
                                              {"signed_on", "2026-11-20"},
                                              {"scope", "tumour_thoracolumbar"},
                                              {"review_date", "2027-01-01"}});
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 403);

  auto ok = client()->Post((href + "/sign-offs/new").c_str(), page(trainer_),
                           httplib::Params{{"csrf", trainer_.csrf},
                                           {"signed_on", "2026-11-20"},
                                           {"scope", "tumour_thoracolumbar"},
                                           {"review_date", "2027-11-20"}});
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 303) << ok->body.substr(0, 400);
  auto added = client()->Post((href + "/training/new").c_str(), page(surgeon_),
                              httplib::Params{{"csrf", surgeon_.csrf},
                                              {"kind", "observed_case"},
                                              {"entry_date", "2026-11-03"},
                                              {"description", "Observed a two-level case"},
                                              {"evidence", "LOG-PAGE-7"}});
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 303) << added->body.substr(0, 400);
  auto empty = client()->Post((href + "/training/new").c_str(), page(surgeon_),
                              httplib::Params{{"csrf", surgeon_.csrf}, {"kind", "course"}});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 422);
  EXPECT_TRUE(contains(empty->body, "href=\"#entry_date\""));
  EXPECT_TRUE(contains(empty->body, "href=\"#evidence\""));

  auto profile = client()->Get(href.c_str(), page(trainer_));
  ASSERT_TRUE(profile);
  ASSERT_EQ(profile->status, 200);
  EXPECT_TRUE(contains(profile->body, "Tumour (metastasis or myeloma), thoracic or lumbar"));
  EXPECT_TRUE(contains(profile->body, "20 Nov 2027"));
  EXPECT_TRUE(contains(profile->body, "LOG-PAGE-7"));
  EXPECT_TRUE(contains(profile->body, "Mark checked"));
  // The operator's own view offers the log, not the sign-off.
  auto own = client()->Get(href.c_str(), page(surgeon_));
  ASSERT_TRUE(own);
  ASSERT_EQ(own->status, 200);
  EXPECT_TRUE(contains(own->body, "Add to your training log"));
  EXPECT_FALSE(contains(own->body, "Sign off competence</a>"));
  EXPECT_FALSE(contains(own->body, "Mark checked"));
  // A nurse has no operators page.
  auto nurse = client()->Get("/operators", page(api_sign_in("nurse")));
  ASSERT_TRUE(nurse);
  EXPECT_EQ(nurse->status, 403);
}

TEST_F(OperatorsTest, ProfileIsAddedAndChangedThroughThePages) {
  auto form = client()->Get("/operators/new", page(trainer_));
  ASSERT_TRUE(form);
  ASSERT_EQ(form->status, 200);
  auto bad = client()->Post("/operators/new", page(trainer_),
                            httplib::Params{{"csrf", trainer_.csrf}, {"user_id", ""},
                                            {"registration_number", "GMC 1"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  for (const char* f : {"user_id", "professional_role", "site_ids", "status"}) {
    EXPECT_TRUE(contains(bad->body, std::string("href=\"#") + f + "\"")) << f;
  }
  EXPECT_TRUE(contains(bad->body, "value=\"GMC 1\""));

  const Json op = profile_of("radiologist");
  const std::string href = "/operators/" + std::to_string(op.value("id", 0));
  auto edit = client()->Get((href + "/edit").c_str(), page(trainer_));
  ASSERT_TRUE(edit);
  ASSERT_EQ(edit->status, 200);
  const std::string version = std::to_string(op.value("version", 0));
  EXPECT_TRUE(contains(edit->body, "name=\"version\" value=\"" + version + "\""));
  httplib::Params change{{"csrf", trainer_.csrf},
                         {"version", version},
                         {"professional_role", "interventional_radiologist"},
                         {"registration_number", "GMC 7000009"},
                         {"site_ids", std::to_string(site1_)},
                         {"status", "active"}};
  auto saved = client()->Post((href + "/edit").c_str(), page(trainer_), change);
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 303) << saved->body.substr(0, 400);
  // The same version again is stale: 409 with the current values to start from.
  auto stale = client()->Post((href + "/edit").c_str(), page(trainer_), change);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 409);
  EXPECT_TRUE(contains(stale->body, "Someone else changed this operator profile"));
}

}  // namespace
}  // namespace vertebro::http_test
