// Every JSON write refuses a member it does not know with 422 naming it (a misspelt key must not
// lose its value silently), saves nothing, and accepts back whole what it gave out. The consent
// and procedure forms, which an episode in referral may not yet take, are checked the same way
// in tests/unit/pathway_forms_test.cpp.

#include "live_server.h"

namespace vertebro::http_test {
namespace {

class UnknownFieldsTest : public CoordinatorTest {
 protected:
  static std::string field_message(const Json& j, const std::string& field) {
    if (!j.is_object() || !j.contains("error")) return {};
    for (const auto& f : j["error"]["fields"]) {
      if (f.value("field", "") == field) return f.value("message", "");
    }
    return {};
  }

  // Bearer `token` (the coordinator's when empty) and If-Match.
  httplib::Headers if_match(std::int64_t version, const std::string& token = "") const {
    httplib::Headers h = bearer(token.empty() ? s_.token : token);
    h.emplace("If-Match", "\"" + std::to_string(version) + "\"");
    return h;
  }

  std::int64_t new_episode() {
    const Json p = create_patient(s_, patient_json(site1_, next_nhs_number()));
    return create_episode(s_, p.value("id", 0), referral_json(site1_)).value("id", 0);
  }
};

TEST_F(UnknownFieldsTest, EveryJsonWriteNamesEachUnknownMember) {
  const std::int64_t eid = new_episode();
  const std::int64_t ev = server().episode(eid)->version;
  const std::string e = "/api/v1/episodes/" + std::to_string(eid);
  const std::string p = "/api/v1/patients/" + std::to_string(server().episode(eid)->patient.value);
  const std::string site = std::to_string(site1_);
  const std::string surgeon = api_sign_in("surgeon").token;  // may record clinical forms

  Json patient = patient_json(site1_, next_nhs_number());
  patient["nhs_numbr"] = "9990000018";
  Json referral = referral_json(site1_);
  referral["referal_date"] = "2026-11-02";
  Json assessment = {{"assessed_on", "2026-11-20"},
                     {"indication", "haemangioma"},
                     {"levels", {{{"level", "T12"}, {"height_loss_percent", 30}, {"oedema", "yes"}}}}};
  struct Case {
    const char* what;
    const char* method;
    std::string path;
    httplib::Headers headers;
    Json body;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"sign-in", "POST", "/api/v1/session", {},
       {{"username", "coordinator"}, {"password", kPassword}, {"remember", true}}, "remember"},
      {"patient", "POST", "/api/v1/patients", bearer(s_.token), patient, "nhs_numbr"},
      {"new referral", "POST", p + "/episodes", bearer(s_.token), referral, "referal_date"},
      {"changed referral", "PUT", e + "/referral", if_match(ev), referral, "referal_date"},
      {"assessment form", "PUT", e + "/assessment", if_match(0, surgeon), assessment,
       "levels.T12.oedema"},
      {"assessment form, top level", "PUT", e + "/assessment", if_match(0, surgeon),
       {{"assessed_on", "2026-11-20"}, {"pain_at_reset", 7}}, "pain_at_reset"},
      {"transition", "POST", e + "/transitions", if_match(ev),
       {{"to", "assessment"}, {"overide_reason", "typo"}}, "overide_reason"},
      {"exit", "POST", e + "/exit", if_match(ev),
       {{"state", "withdrawn"}, {"reason", "Moved away"}, {"when", "2026-11-20"}}, "when"},
      {"MDT meeting", "POST", "/api/v1/mdt/meetings", bearer(s_.token),
       {{"site_id", site}, {"meeting_date", "2026-12-01"}, {"title", "MDT"}, {"room", "4"}}, "room"},
      {"MDT attendee", "POST", "/api/v1/mdt/meetings/1/attendees", bearer(s_.token),
       {{"name", "Dr A"}, {"professional_role", "Spinal surgeon"}, {"grade", "consultant"}}, "grade"},
      {"MDT case", "POST", "/api/v1/mdt/meetings/1/cases", bearer(s_.token),
       {{"episode_id", eid}, {"priority", "urgent"}}, "priority"},
      {"MDT decision", "PUT", "/api/v1/mdt/meetings/1/cases/" + std::to_string(eid) + "/decision",
       if_match(0), {{"decision", "proceed"}, {"rationale", "Meets"}, {"decided_by", "x"}},
       "decided_by"},
      {"site surgery", "PUT", "/api/v1/sites/" + site + "/surgery", bearer(api_sign_in("admin").token),
       {{"access", "on_site"}, {"reviewed", "2027-01-01"}}, "reviewed"},
      {"settings", "PUT", "/api/v1/settings", bearer(api_sign_in("admin").token),
       {{"pain_treshold", 5}}, "pain_treshold"},
      {"operator profile", "POST", "/api/v1/operators", bearer(api_sign_in("admin").token),
       {{"user_id", 4}, {"professional_role", "spinal_surgeon"}, {"gmc", "1"}}, "gmc"},
      {"changed operator profile", "PUT", "/api/v1/operators/1", if_match(1, api_sign_in("admin").token),
       {{"status", "active"}, {"grade", "consultant"}}, "grade"},
      {"competence sign-off", "POST", "/api/v1/operators/1/sign-offs",
       bearer(api_sign_in("trainer").token), {{"scope", "cervical"}, {"signed", "x"}}, "signed"},
      {"sign-off revocation", "POST", "/api/v1/operators/1/sign-offs/1/revocation",
       bearer(api_sign_in("trainer").token), {{"reason", "x"}, {"why", "x"}}, "why"},
      {"training log entry", "POST", "/api/v1/operators/1/training",
       bearer(api_sign_in("surgeon").token), {{"kind", "course"}, {"certificate", "x"}},
       "certificate"},
  };
  const std::size_t audit_before = server().audit_all().size();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = std::string(c.method) == "POST"
                 ? client()->Post(c.path, c.headers, c.body.dump(), "application/json")
                 : client()->Put(c.path, c.headers, c.body.dump(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << r->body.substr(0, 400);
    const std::string key = std::string(c.field).substr(std::string(c.field).rfind('.') + 1);
    const std::string noun = c.path == "/api/v1/settings" ? "setting" : "field";
    EXPECT_EQ(field_message(json_of(*r), c.field), "Unknown " + noun + " \"" + key + "\"")
        << r->body.substr(0, 400);
  }
  // Nothing was saved, nor even read: each was refused before its use case ran.
  EXPECT_EQ(server().episode(eid)->version, ev);
  EXPECT_FALSE(server().patient_by_nhs(patient["nhs_number"].get<std::string>()));
  EXPECT_EQ(server().audit_all().size(), audit_before);
}

TEST_F(UnknownFieldsTest, AStoredFormSentBackWholeIsAccepted) {
  const std::int64_t eid = new_episode();
  const std::string url = "/api/v1/episodes/" + std::to_string(eid) + "/assessment";
  const std::string surgeon = api_sign_in("surgeon").token;
  const Json assessment = {
      {"assessed_on", "2026-11-20"},
      {"indication", "metastasis"},
      {"tumour_primary", "Breast"},
      {"levels", {{"T12", {{"height_loss_percent", 30}, {"mri_oedema", "yes"}}}}},
      {"treatments", {{"analgesics", {{"start", "2026-09-01"}, {"effect", "no_relief"}}}}},
      {"sins", {{"level", "T12"}, {"pain", "mechanical"}, {"bone_lesion", "lytic"},
                {"alignment", "normal"}, {"collapse", "under_50"}, {"posterolateral", "none"}}}};
  auto first = client()->Put(url, if_match(0, surgeon), assessment.dump(), "application/json");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  auto got = client()->Get(url, bearer(s_.token));
  ASSERT_TRUE(got);
  const Json stored = json_of(*got);
  ASSERT_TRUE(stored["document"]["sins"].contains("total")) << got->body;
  auto again = client()->Put(url, if_match(stored.value("version", 0), surgeon), stored["document"].dump(),
                             "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(json_of(*again)["document"], stored["document"]);
}

}  // namespace
}  // namespace vertebro::http_test
