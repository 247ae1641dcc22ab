// The cement packs of a recorded procedure through the real server (HTG3-1.2-CEMENT; hazards
// H-056, H-059, H-060): the recorded-procedure gate fails a recalled lot and a step left
// unconfirmed, a deviation needs its reason (422 naming it), a scanned lot new to the register
// is registered with the procedure, and the recall look-up (API, page and CSV) finds the patient.

#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

class ProcedureCementTest : public PathwayTest {
 protected:
  // The procedure with one pack from `scan`, steps 1..n confirmed except those in `answers`.
  static Json with_pack(const std::string& scan, int steps, const Json& answers = Json::object(),
                        const Json& deviations = Json::object()) {
    Json doc = procedure();
    Json s = Json::object();
    for (int k = 1; k <= steps; ++k) s[std::to_string(k)] = "confirmed";
    for (const auto& [k, v] : answers.items()) s[k] = v;
    doc["cement_units"] = Json::array(
        {{{"unit", 1}, {"scan", scan}, {"steps", s}, {"deviations", deviations}}});
    return doc;
  }

  static Json cement_finding(const Json& body) {
    return finding(body["findings"], "HTG3-1.2-CEMENT");
  }
};

TEST_F(ProcedureCementTest, TheGateJudgesEachPackAndTheLookUpFindsThePatient) {
  surgery_on_site();
  const std::int64_t id = episode_at_procedure();

  // The recalled demonstration lot (recalled three weeks ago, before the procedure date).
  auto recalled =
      put_form(operator_, id, "procedure", with_pack("(01)09506000134369(10)MV-2611", 5));
  expect_status(recalled, 422);
  EXPECT_EQ(cement_finding(json_of(*recalled))["outcome"], "fail") << recalled->body;
  EXPECT_NE(cement_finding(json_of(*recalled))["message"].get<std::string>().find("was recalled"),
            std::string::npos);

  // A step neither confirmed nor recorded as done otherwise.
  // A GS1 DataMatrix scan as the scanner types it, with a GS after the lot.
  const std::string scan = "]d2010950600013435210NEW-HTTP-1\x1d" "17301200";
  auto unconfirmed = put_form(operator_, id, "procedure", with_pack(scan, 5));
  expect_status(unconfirmed, 422);
  EXPECT_NE(cement_finding(json_of(*unconfirmed))["message"].get<std::string>().find("step 6 of 6"),
            std::string::npos)
      << unconfirmed->body;

  // A deviation without its reason is a field error; nothing is saved or registered.
  auto no_reason = put_form(operator_, id, "procedure", with_pack(scan, 6, {{"4", "deviation"}}));
  expect_status(no_reason, 422);
  EXPECT_TRUE(names_field(json_of(*no_reason), "cement_units.1.deviations.4")) << no_reason->body;
  EXPECT_EQ(state(id), "procedure");
  auto lookup_before = client()->Get(
      "/api/v1/recall-lookup?gtin=09506000134352&lot=NEW-HTTP-1", bearer(operator_.token));
  ASSERT_TRUE(lookup_before);
  EXPECT_EQ(lookup_before->status, 404);

  // With its reason the deviation warns, and the procedure is recorded.
  auto saved = put_form(operator_, id, "procedure",
                        with_pack(scan, 6, {{"4", "deviation"}}, {{"4", "Mixed for 75 seconds"}}));
  expect_status(saved, 200);
  EXPECT_EQ(state(id), "follow_up");
  const Json stored = get_pathway(id)["forms"]["procedure"]["document"];
  ASSERT_EQ(stored["cement_units"].size(), 1u) << stored.dump();
  EXPECT_EQ(stored["cement_units"][0]["ifu_version"], 2);
  EXPECT_EQ(stored["cement_units"][0]["expiry"], "2030-12-31");
  EXPECT_GT(stored["cement_units"][0]["lot_id"].get<std::int64_t>(), 0);
  EXPECT_EQ(stored["levels"][0]["cement_unit"], 1);

  auto lookup = client()->Get(
      ("/api/v1/recall-lookup?scan=" + httplib::detail::encode_query_param(scan)).c_str(),
      bearer(api_sign_in("safety").token));
  ASSERT_TRUE(lookup);
  ASSERT_EQ(lookup->status, 200) << lookup->body;
  const Json found = json_of(*lookup);
  ASSERT_EQ(found["uses"].size(), 1u);
  EXPECT_EQ(found["uses"][0]["episode_id"], id);
  EXPECT_EQ(found["uses"][0]["levels"], Json::array({"T12"}));
  EXPECT_TRUE(found["uses"][0]["patient"].is_object());
  EXPECT_EQ(found["lot"]["added_by"], "Mr Sam Surgeon");  // registered by the scan

  const std::string lot = std::to_string(found["lot"]["id"].get<std::int64_t>());
  auto csv = client()->Get(("/cement/lots/" + lot + "/patients.csv").c_str(),
                           page_cookie(api_sign_in("safety")));
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_NE(csv->get_header_value("Content-Type").find("text/csv"), std::string::npos);
  EXPECT_NE(csv->body.find("NEW-HTTP-1"), std::string::npos);
  EXPECT_NE(csv->body.find(found["uses"][0]["patient"]["nhs_number"].get<std::string>()),
            std::string::npos);

  auto researcher = client()->Get(("/api/v1/cement-lots/" + lot + "/uses").c_str(),
                                  bearer(api_sign_in("researcher").token));
  ASSERT_TRUE(researcher);
  EXPECT_EQ(researcher->status, 403);
}

}  // namespace
}  // namespace vertebro::http_test
