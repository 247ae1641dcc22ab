// Learning curves, the training settings and the training lead's dashboard (issue 11;
// docs/training.md): a real server over a fresh copy of the demonstration database per test.

#include <gtest/gtest.h>

#include "app/users.h"
#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

class TrainingTest : public PathwayTest {
 protected:
  void SetUp() override {
    PathwayTest::SetUp();
    if (HasFatalFailure()) return;
    trainer_ = api_sign_in("trainer");
    // A new operator, with no procedure and no sign-off yet.
    const app::Actor admin = actor_of(api_sign_in("admin"));
    auto user = app::add_user(server().ctx(), admin,
                              {"newcomer", "Dr Nia Newcomer", "operator",
                               "Interventional radiology registrar", "newcomer-password-1",
                               {"RVB01"}});
    ASSERT_TRUE(user.ok()) << user.error().message;
    trainee_ = active_profile(admin, "newcomer", site1_).id.value;
    ASSERT_NE(trainee_, 0);
  }

  // Records a procedure with the trainee as primary operator, supervised by the signed-off
  // surgeon, with a basivertebral leak or none; returns the episode.
  std::int64_t record(bool leak) {
    const std::int64_t id = episode_at_procedure();
    Json body = procedure();
    body["primary_operator_id"] = trainee_;
    body["supervisor_id"] = kSignedOffSurgeonProfile;
    if (leak) {
      body["levels"]["T12"]["leakage"] = Json::array({"B"});
      body["levels"]["T12"]["leakage_symptomatic"] = false;
      body["levels"]["T12"]["leakage_detected_by"] = "fluoroscopy";
    }
    expect_status(put_form(operator_, id, "procedure", body), 200);
    return id;
  }

  Json get_json(const ApiSession& s, const std::string& url) {
    auto r = client()->Get(url, bearer(s.token));
    EXPECT_TRUE(r && r->status == 200) << url << ": " << (r ? r->body : "no response");
    return r && r->status == 200 ? json_of(*r) : Json();
  }

  httplib::Result put_settings(const ApiSession& s, const Json& body) {
    return client()->Put("/api/v1/training/settings", bearer(s.token), body.dump(),
                         "application/json");
  }

  httplib::Result review(const ApiSession& s, std::int64_t signal, const Json& body) {
    return client()->Post("/api/v1/training/signals/" + std::to_string(signal) + "/review",
                          bearer(s.token), body.dump(), "application/json");
  }

  // The signals in `all` (a dashboard's) of operator `op`: the demonstration trainee's own
  // signal is there from the start.
  static Json signals_of(const Json& all, std::int64_t op) {
    Json out = Json::array();
    for (const auto& s : all) {
      if (s.value("operator_id", 0) == op) out.push_back(s);
    }
    return out;
  }

  Json my_signals() {
    return signals_of(get_json(trainer_, "/api/v1/training/dashboard")["signals"], trainee_);
  }

  int audit_count(const std::string& action, const std::string& record_type,
                  std::int64_t record_id = -1) {
    int n = 0;
    for (const auto& e : server().audit_all()) {
      if (e.action == action && e.record_type == record_type &&
          (record_id < 0 || e.record_id == record_id)) {
        ++n;
      }
    }
    return n;
  }

  ApiSession trainer_;
  std::int64_t trainee_ = 0;
};

// The settings have documented defaults, change only by a training lead, are checked field by
// field (422 naming the field, nothing saved), and each change is audited.
TEST_F(TrainingTest, SettingsAreTheTrainingLeadsAndCheckedFieldByField) {
  const Json defaults = get_json(trainer_, "/api/v1/training/settings");
  EXPECT_EQ(defaults.value("supervised_cases_suggested", 0), 10) << defaults;
  EXPECT_EQ(defaults.value("outcome", ""), "leakage");
  EXPECT_DOUBLE_EQ(defaults.value("p0", 0.0), 0.27);
  EXPECT_DOUBLE_EQ(defaults.value("p1", 0.0), 0.54);
  EXPECT_DOUBLE_EQ(defaults.value("h", 0.0), 3.0);

  const ApiSession administrator = api_sign_in("admin");
  auto admin = put_settings(administrator, {{"h", 4}});
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 403);
  expect_status(client()->Get("/training/settings/edit", page_cookie(administrator)), 403);
  expect_status(client()->Get("/training/settings", page_cookie(administrator)), 200);

  const std::vector<std::pair<Json, std::string>> bad = {
      {{{"p1", 0.2}}, "p1"},  // not above p0 = 0.27
      {{{"p0", 1.2}}, "p0"},
      {{{"p0", "often"}}, "p0"},
      {{{"h", 0}}, "h"},
      {{{"h", 25}}, "h"},
      {{{"supervised_cases_suggested", 0}}, "supervised_cases_suggested"},
      {{{"supervised_cases_suggested", 2.5}}, "supervised_cases_suggested"},
      {{{"outcome", "death"}}, "outcome"},
      {{{"threshold", 3}}, "threshold"}};
  for (const auto& [body, field] : bad) {
    auto r = put_settings(trainer_, body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << body;
    EXPECT_TRUE(names_field(json_of(*r), field)) << body << ": " << r->body;
  }
  EXPECT_EQ(get_json(trainer_, "/api/v1/training/settings"), defaults) << "nothing was saved";

  auto ok = put_settings(trainer_, {{"supervised_cases_suggested", 12}, {"h", 2.5}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  const Json now = get_json(trainer_, "/api/v1/training/settings");
  EXPECT_EQ(now.value("supervised_cases_suggested", 0), 12);
  EXPECT_DOUBLE_EQ(now.value("h", 0.0), 2.5);
  EXPECT_DOUBLE_EQ(now.value("p0", 0.0), 0.27) << "a patch keeps what it leaves out";
  EXPECT_EQ(audit_count("update", "training_settings"), 1);

  // The form: an error summary naming the field, then the saved values on the summary page.
  auto page = client()->Post("/training/settings/edit", page_cookie(trainer_),
                             httplib::Params{{"csrf", trainer_.csrf},
                                             {"supervised_cases_suggested", "12"},
                                             {"outcome", "leakage"},
                                             {"p0", "0.3"},
                                             {"p1", "0.3"},
                                             {"h", "2.5"}});
  expect_status(page, 422);
  EXPECT_NE(page->body.find("href=\"#p1\""), std::string::npos);
  EXPECT_NE(page->body.find("The unacceptable rate must be higher than the acceptable rate"),
            std::string::npos);
  auto saved = client()->Post("/training/settings/edit", page_cookie(trainer_),
                              httplib::Params{{"csrf", trainer_.csrf},
                                              {"supervised_cases_suggested", "8"},
                                              {"outcome", "symptomatic_leakage"},
                                              {"p0", "0.02"},
                                              {"p1", "0.08"},
                                              {"h", "2"}});
  expect_status(saved, 303);
  auto summary = client()->Get("/training/settings", page_cookie(trainer_));
  expect_status(summary, 200);
  EXPECT_NE(summary->body.find("Symptomatic cement leakage"), std::string::npos);
  EXPECT_NE(summary->body.find("8%"), std::string::npos) << "p1 shown as a percentage";
}

// A run of leaks raises the trainee's CUSUM to h = 3 at the fifth case (5 x ln 2 = 3.47): the
// signal is recorded once with an audit entry, shown on the dashboard and the profile, reviewed
// once by a training lead, and a correction that re-saves the case does not record it again.
TEST_F(TrainingTest, ALearningCurveSignalIsRecordedOnceShownAndReviewed) {
  for (int i = 0; i < 4; ++i) record(true);
  EXPECT_TRUE(my_signals().empty()) << "4 x ln 2 = 2.77 stays below h = 3";
  const std::int64_t fifth = record(true);

  const Json mine = my_signals();
  ASSERT_EQ(mine.size(), 1u) << mine;
  const Json signal = mine[0];
  EXPECT_EQ(signal.value("operator_id", 0), trainee_);
  EXPECT_EQ(signal.value("episode_id", 0), fifth);
  EXPECT_EQ(signal.value("case_number", 0), 5);
  EXPECT_EQ(signal.value("score", ""), "3.47");
  EXPECT_EQ(signal.value("design", ""), "leakage p0=0.27 p1=0.54 h=3");
  EXPECT_EQ(audit_count("signal", "operator", trainee_), 1);

  // The profile's curve: five cases, all with the outcome, the fifth signalling (then restart).
  const Json profile = get_json(trainer_, "/api/v1/operators/" + std::to_string(trainee_));
  const Json curve = profile["learning_curve"];
  ASSERT_EQ(curve["points"].size(), 5u) << curve;
  EXPECT_NEAR(curve["points"][0].value("score", 0.0), 0.6931, 1e-4);
  EXPECT_TRUE(curve["points"][4].value("signal", false));
  EXPECT_EQ(curve.value("signals", 0), 1);
  EXPECT_EQ(profile["learning_curve_signals"].size(), 1u);
  EXPECT_EQ(profile.value("supervised_cases_suggested", 0), 10);
  auto page = client()->Get("/operators/" + std::to_string(trainee_), page_cookie(trainer_));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("<svg class=\"vb-curve\""), std::string::npos);
  EXPECT_NE(page->body.find("role=\"img\""), std::string::npos);
  EXPECT_NE(page->body.find("5 of 5 procedures had the outcome"), std::string::npos);
  EXPECT_NE(page->body.find("Supervised cases suggested before a sign-off"), std::string::npos);

  EXPECT_EQ(profile["cases"].value("supervised", 0), 5);

  // Re-saving the fifth procedure (a correction) finds the same signal: not recorded again.
  Json corrected = get_pathway(fifth)["forms"]["procedure"]["document"];
  corrected["fluoroscopy_seconds"] = 200;
  expect_status(put_form(operator_, fifth, "procedure", corrected, "\"1\""), 200);
  EXPECT_EQ(audit_count("signal", "operator", trainee_), 1);

  // The review: a training lead only, with a note, once.
  const std::int64_t id = signal.value("id", 0);
  auto admin = review(api_sign_in("admin"), id, {{"note", "Looked at"}});
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 403);
  auto blank = review(trainer_, id, {{"note", "  "}});
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->status, 422);
  EXPECT_TRUE(names_field(json_of(*blank), "note")) << blank->body;
  auto done = review(trainer_, id, {{"note", "Five leaks in a row: technique reviewed."}});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200) << done->body;
  EXPECT_TRUE(json_of(*done).value("reviewed", false));
  auto again = review(trainer_, id, {{"note", "Again"}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_TRUE(my_signals().empty()) << "reviewed: no longer waiting";
  EXPECT_EQ(audit_count("review", "operator", trainee_), 1);
  auto missing = review(trainer_, 999999, {{"note", "x"}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

// A correction that takes a case away from the trainee can raise his curve: leak x 4, none x 2,
// leak stays below h (2.77, 2.31, 1.85, 2.54); the second case without a leak corrected to
// another primary operator leaves leak x 4, none, leak, which reaches 3.00 at its sixth case.
// The signal is recorded by that correction, though it names another operator now.
TEST_F(TrainingTest, ACorrectionThatTakesACaseAwayCanRaiseTheCurve) {
  for (int i = 0; i < 4; ++i) record(true);
  record(false);
  const std::int64_t moved = record(false);
  record(true);
  EXPECT_TRUE(my_signals().empty()) << "2.54 at the seventh case stays below 3";
  Json corrected = get_pathway(moved)["forms"]["procedure"]["document"];
  corrected["primary_operator_id"] = kSignedOffSurgeonProfile;
  corrected.erase("primary_operator");
  corrected.erase("supervisor_id");
  corrected.erase("supervisor");
  expect_status(put_form(operator_, moved, "procedure", corrected, "\"1\""), 200);
  const Json mine = my_signals();
  ASSERT_EQ(mine.size(), 1u) << mine;
  EXPECT_EQ(mine[0].value("case_number", 0), 6);
  EXPECT_EQ(mine[0].value("score", ""), "3.00");
}

// A change of design re-reads every curve and records the signals it gives under the new
// design; the signal under the old design stays recorded.
TEST_F(TrainingTest, AChangeOfDesignRecordsTheSignalsItGives) {
  record(true);
  record(true);
  record(false);
  EXPECT_TRUE(my_signals().empty());
  // h = 1: 2 x ln 2 = 1.39 reaches it at the second case.
  auto r = put_settings(trainer_, {{"h", 1}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  // Every operator's curve is read again: the demonstration radiologist's two leaks (cases 2
  // and 3 of hers) signal too.
  const Json all = get_json(trainer_, "/api/v1/training/dashboard")["signals"];
  const Json signals = signals_of(all, trainee_);
  ASSERT_EQ(signals.size(), 1u) << all;
  EXPECT_EQ(signals[0].value("case_number", 0), 2);
  EXPECT_EQ(signals[0].value("design", ""), "leakage p0=0.27 p1=0.54 h=1");
  EXPECT_EQ(signals_of(all, 1).size(), 1u) << all;
  EXPECT_EQ(audit_count("signal", "operator", trainee_), 1);
  EXPECT_EQ(audit_count("signal", "operator", 1), 1);
  // Symptomatic leakage never happened here: the chart under that outcome stays at 0.
  r = put_settings(trainer_, {{"outcome", "symptomatic_leakage"}, {"p0", 0.02}, {"p1", 0.08}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(my_signals().size(), 1u) << "the signal under the earlier design stays recorded";
  const Json curve =
      get_json(trainer_, "/api/v1/operators/" + std::to_string(trainee_))["learning_curve"];
  EXPECT_EQ(curve.value("outcomes", -1), 0) << curve;
}

// The dashboard: sign-offs due for review (the demonstration radiologist's tumour sign-off
// passed its review date a month ago), trainees with their supervised cases beside the
// suggested number, for a training lead or an administrator and nobody else.
TEST_F(TrainingTest, DashboardListsReviewsDueAndTrainees) {
  const Json dash = get_json(trainer_, "/api/v1/training/dashboard");
  bool tumour_overdue = false;
  for (const auto& d : dash["reviews_due"]) {
    if (d["sign_off"].value("scope", "") == "tumour_thoracolumbar" && d.value("overdue", false)) {
      tumour_overdue = true;
    }
  }
  EXPECT_TRUE(tumour_overdue) << dash["reviews_due"];
  expect_status(client()->Get("/api/v1/training/dashboard", bearer(api_sign_in("admin").token)),
                200);
  auto nurse = client()->Get("/api/v1/training/dashboard", bearer(api_sign_in("nurse").token));
  ASSERT_TRUE(nurse);
  EXPECT_EQ(nurse->status, 403);

  // An operator with no sign-off is a trainee; their supervised cases count towards the
  // suggested number.
  bool listed = false;
  for (const auto& t : dash["trainees"]) {
    if (t["operator"].value("id", 0) == trainee_) {
      listed = true;
      EXPECT_EQ(t["cases"].value("supervised", -1), 0);
      EXPECT_FALSE(t.value("enough_supervised", true));
    }
  }
  EXPECT_TRUE(listed) << dash["trainees"];
  auto page = client()->Get("/training", page_cookie(trainer_));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("Sign-offs due for review"), std::string::npos);
  EXPECT_NE(page->body.find("0 of 10 suggested"), std::string::npos) << page->body;
  EXPECT_EQ(audit_count("read", "training_dashboard"), 3);
}

// HTG3-1.2-TRAINING at the consent -> procedure move: the planned operator (here a trainee with
// no sign-off) and supervisor are judged at the planned date; a trainee planned alone blocks the
// move (nothing moves) until a signed-off supervisor is planned; a move that plans nobody
// warns; a planned operator from elsewhere, a supervisor who is the operator, or a plan on
// another move is a 422 naming the field. The page's move form offers the site's operators.
TEST_F(TrainingTest, TheMoveToProcedureChecksThePlannedOperator) {
  const std::int64_t id = episode_at_mdt();
  discuss_at_mdt(id);
  expect_status(move(coordinator_, id, "consent"), 200);
  expect_status(put_form(operator_, id, "consent", full_consent()), 200);
  surgery_on_site();
  auto plan = [&](Json body) {
    if (!body.contains("to")) body["to"] = "procedure";
    return client()->Post(path(id, "transitions"),
                          with(bearer(operator_.token), "If-Match", quoted(version(id))),
                          body.dump(), "application/json");
  };

  auto page = client()->Get("/episodes/" + std::to_string(id) + "/pathway", page_cookie(operator_));
  expect_status(page, 200);
  EXPECT_NE(page->body.find("name=\"planned_operator_id\""), std::string::npos);
  EXPECT_NE(page->body.find("<option value=\"" + std::to_string(trainee_) + "\""),
            std::string::npos);
  EXPECT_NE(page->body.find("No operator is planned for the procedure"), std::string::npos)
      << "the gate's preview warns";

  const std::vector<std::pair<Json, std::string>> bad = {
      {{{"planned_operator_id", 999999}}, "planned_operator_id"},
      {{{"planned_operator_id", "Dr Somebody"}}, "planned_operator_id"},
      {{{"planned_operator_id", trainee_}, {"planned_supervisor_id", trainee_}},
       "planned_supervisor_id"},
      {{{"planned_supervisor_id", kSignedOffSurgeonProfile}}, "planned_operator_id"},
      {{{"to", "mdt"}, {"planned_operator_id", trainee_}}, "planned_operator_id"}};
  for (const auto& [body, field] : bad) {
    auto r = plan(body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << body;
    EXPECT_TRUE(names_field(json_of(*r), field)) << body << ": " << r->body;
  }
  EXPECT_EQ(state(id), "consent");

  auto alone = plan({{"planned_operator_id", trainee_}});
  expect_status(alone, 422);
  const Json blocked = json_of(*alone);
  const Json training = finding(blocked["findings"], "HTG3-1.2-TRAINING");
  EXPECT_EQ(training["outcome"], "fail") << alone->body;
  EXPECT_NE(training.dump().find("Dr Nia Newcomer holds no competence sign-off"),
            std::string::npos)
      << training;
  EXPECT_NE(training.dump().find("no supervising operator is planned"), std::string::npos);
  EXPECT_EQ(state(id), "consent") << "nothing moved";

  auto supervised = plan({{"planned_operator_id", std::to_string(trainee_)},
                          {"planned_supervisor_id", kSignedOffSurgeonProfile}});
  expect_status(supervised, 200);
  const Json passed = finding(json_of(*supervised)["findings"], "HTG3-1.2-TRAINING");
  EXPECT_EQ(passed["outcome"], "pass") << passed;
  EXPECT_NE(passed.dump().find("is to operate under the supervision of"), std::string::npos);
  EXPECT_EQ(state(id), "procedure");
}

}  // namespace
}  // namespace vertebro::http_test
