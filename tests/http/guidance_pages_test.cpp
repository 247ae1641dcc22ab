// What the guidance says, as the pages and the API show it (issue 14): the window of an
// osteoporotic fracture on the pathway page, "TA279, EBI: not applicable" findings, an
// indication's outcome the same on the episode page and at the gate, the traumatic-fracture
// indication, and the haemangioma's symptoms on the assessment form.

#include "live_server.h"

namespace vertebro::http_test {
namespace {

class GuidancePagesTest : public CoordinatorTest {
 protected:
  void SetUp() override {
    CoordinatorTest::SetUp();
    if (HasFatalFailure()) return;
    operator_ = api_sign_in("surgeon");
  }

  // A referral dated 2 Nov 2026 (the server's today is 25 Nov 2026) for `indication`.
  std::int64_t new_episode(const std::string& indication = "osteoporotic") {
    const Json p = create_patient(s_, patient_json(site1_, next_nhs_number(), "Guidance"));
    Json referral = referral_json(site1_);
    referral["indication"] = indication;
    return create_episode(s_, p.value("id", 0), referral).value("id", 0);
  }

  std::string api(std::int64_t id, const std::string& rest = "") const {
    return "/api/v1/episodes/" + std::to_string(id) + rest;
  }
  std::string page(std::int64_t id, const std::string& rest = "") const {
    return "/episodes/" + std::to_string(id) + rest;
  }

  void save_assessment(std::int64_t id, Json doc) {
    if (!doc.contains("assessed_on")) doc["assessed_on"] = "2026-11-20";
    auto r = client()->Put(api(id, "/assessment"),
                           [&] {
                             auto h = bearer(operator_.token);
                             h.emplace("If-Match", "\"0\"");
                             return h;
                           }(),
                           doc.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }

  // Referral -> assessment (no gate), so the pathway shows the assessment -> MDT gate.
  void start_assessment(std::int64_t id) {
    const auto version = server().episode(id)->version;
    auto h = bearer(operator_.token);
    h.emplace("If-Match", "\"" + std::to_string(version) + "\"");
    auto r = client()->Post(api(id, "/transitions"), h, Json{{"to", "assessment"}}.dump(),
                            "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }

  Json get_json(const std::string& path) {
    auto r = client()->Get(path, bearer(operator_.token));
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
    return r ? json_of(*r) : Json();
  }

  std::string get_page(const std::string& path) {
    auto r = client()->Get(path, cookie("vb_session=" + operator_.token));
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body.substr(0, 400) : "no response");
    return r ? r->body : std::string();
  }

  static Json finding(const Json& findings, const std::string& requirement) {
    for (const auto& f : findings) {
      if (f.value("requirement", "") == requirement) return f;
    }
    return {};
  }

  ApiSession operator_;
};

// Fracture 1 Nov, analgesics from 3 Nov: 21 days of treatment (3 to 23 Nov) make the pain
// refractory from 23 Nov; the fracture stops counting as recent after 13 Dec (42 days).
TEST_F(GuidancePagesTest, OsteoporoticPathwayShowsItsWindow) {
  const std::int64_t id = new_episode();
  save_assessment(id, {{"indication", "osteoporotic"},
                       {"fracture_date", "2026-11-01"},
                       {"levels", {{{"level", "T12"}, {"height_loss_percent", 30}}}},
                       {"treatments", {{{"kind", "analgesics"}, {"start", "2026-11-03"}}}}});
  const std::string body = get_page(page(id, "/pathway"));
  EXPECT_TRUE(contains(body, "Window for this osteoporotic fracture")) << body;
  EXPECT_TRUE(contains(body, "Pain counts as refractory from"));
  EXPECT_TRUE(contains(body, "<strong>23 Nov 2026</strong>"));
  EXPECT_TRUE(contains(body, "Fracture no longer counts as recent after"));
  EXPECT_TRUE(contains(body, "<strong>13 Dec 2026</strong>"));
  EXPECT_FALSE(contains(body, "do not overlap"));

  const Json w = get_json(api(id, "/pathway"))["window"];
  EXPECT_EQ(w["fracture_date"], "2026-11-01");
  EXPECT_EQ(w["refractory_from"], "2026-11-23");
  EXPECT_EQ(w["recent_until"], "2026-12-13");
  EXPECT_EQ(w["open"], true);
  EXPECT_EQ(w["min_conservative_days"], 21);
  EXPECT_EQ(w["recent_fracture_window_days"], 42);

  // No window for a haemangioma.
  const std::int64_t other = new_episode("haemangioma");
  save_assessment(other, {{"indication", "haemangioma"}, {"fracture_date", "2026-11-01"},
                          {"levels", Json::array()}});
  EXPECT_FALSE(contains(get_page(page(other, "/pathway")), "Window for this osteoporotic"));
  EXPECT_TRUE(get_json(api(other, "/pathway"))["window"].is_null());
}

// TA279 and EBI do not apply to a haemangioma: the gate says so in one finding that never
// blocks; the haemangioma's symptoms are the evidence HTG3-IND-HAEMANGIOMA needs.
TEST_F(GuidancePagesTest, HaemangiomaShowsTa279AndEbiAsNotApplicable) {
  const std::int64_t id = new_episode("haemangioma");
  save_assessment(id, {{"indication", "haemangioma"}, {"levels", {{{"level", "T8"}}}}});
  start_assessment(id);
  Json gate = get_json(api(id, "/pathway"))["next_gate"];
  const Json na = finding(gate["findings"], "TA279, EBI");
  ASSERT_TRUE(na.is_object()) << gate.dump();
  EXPECT_EQ(na["outcome"], "not_applicable");
  EXPECT_EQ(na["required"], false);
  EXPECT_EQ(na["message"].get<std::string>().rfind("TA279, EBI: not applicable to a haemangioma", 0),
            0u);
  EXPECT_EQ(finding(gate["findings"], "HTG3-IND-HAEMANGIOMA")["outcome"], "missing")
      << gate.dump();

  const std::string body = get_page(page(id, "/pathway"));
  EXPECT_TRUE(contains(body, "nhsuk-tag--blue\">Not applicable</strong>")) << body;
  EXPECT_TRUE(contains(body, "TA279, EBI: not applicable to a haemangioma"));
  EXPECT_FALSE(contains(body, "TA279, EBI, advisory"));  // informational, not an advisory rule
}

// "Other" fails at the assessment -> MDT gate; the episode page shows the same outcome (Fail)
// and words for the referral's indication, not a milder warning.
TEST_F(GuidancePagesTest, OtherIndicationFailsOnTheEpisodePageAsAtTheGate) {
  const std::int64_t id = new_episode("other");
  const Json episode = get_json(api(id));
  const Json shown = episode["findings"][0];
  EXPECT_EQ(shown["requirement"], "HTG3-IND");
  EXPECT_EQ(shown["outcome"], "fail");
  const std::string body = get_page(page(id));
  EXPECT_TRUE(contains(body, "nhsuk-tag--red\">Fail</strong>")) << body;

  save_assessment(id, {{"indication", "other"}, {"levels", Json::array()}});
  start_assessment(id);
  const Json gate = get_json(api(id, "/pathway"))["next_gate"];
  const Json at_gate = finding(gate["findings"], "HTG3-IND");
  ASSERT_TRUE(at_gate.is_object()) << gate.dump();
  EXPECT_EQ(at_gate["outcome"], "fail");
  EXPECT_EQ(at_gate["message"], shown["message"]);
}

// A traumatic fracture in non-osteoporotic bone is an indication of its own (not "other"),
// outside HTG3: offered on the referral form and failing HTG3-IND.
TEST_F(GuidancePagesTest, TraumaticFractureIsOfferedAndOutsideHtg3) {
  const std::string form = get_page("/patients/" +
                                    std::to_string(create_patient(s_,
                                                                  patient_json(site1_,
                                                                               next_nhs_number(),
                                                                               "Trauma"))
                                                       .value("id", 0)) +
                                    "/referrals/new");
  EXPECT_TRUE(contains(form, "value=\"traumatic\"")) << form.substr(0, 400);
  EXPECT_TRUE(contains(form, "Traumatic fracture in non-osteoporotic bone"));
  const std::int64_t id = new_episode("traumatic");
  const Json shown = get_json(api(id))["findings"][0];
  EXPECT_EQ(shown["outcome"], "fail");
  EXPECT_NE(shown["message"].get<std::string>().find("traumatic fracture in non-osteoporotic bone"),
            std::string::npos);
}

// The assessment page asks for the haemangioma's symptoms and keeps them.
TEST_F(GuidancePagesTest, AssessmentFormAsksForTheHaemangiomasSymptoms) {
  const std::int64_t id = new_episode("haemangioma");
  const std::string form = get_page(page(id, "/assessment"));
  EXPECT_TRUE(contains(form, "name=\"haemangioma_symptoms\"")) << form.substr(0, 400);
  auto r = client()->Post(page(id, "/assessment").c_str(), cookie("vb_session=" + operator_.token),
                          httplib::Params{{"csrf", operator_.csrf},
                                          {"version", "0"},
                                          {"levels_shown", "T12"},
                                          {"levels_list", "T12"},
                                          {"assessed_on", "2026-11-20"},
                                          {"indication", "haemangioma"},
                                          {"levels.T12.height_loss_percent", "30"},
                                          {"haemangioma_symptoms", "Pain at T12 limiting walking"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303) << r->body.substr(0, 800);
  start_assessment(id);
  const Json pw = get_json(api(id, "/pathway"));
  EXPECT_EQ(pw["forms"]["assessment"]["document"]["haemangioma_symptoms"],
            "Pain at T12 limiting walking");
  EXPECT_EQ(finding(pw["next_gate"]["findings"], "HTG3-IND-HAEMANGIOMA")["outcome"], "pass")
      << pw["next_gate"].dump();
}

}  // namespace
}  // namespace vertebro::http_test
