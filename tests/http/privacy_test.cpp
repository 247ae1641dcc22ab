// Site isolation, the access log of a record, and no patient identifiers in the server log.

#include <fstream>
#include <sstream>

#include "base/log.h"
#include "live_server.h"

namespace vertebro::http_test {
namespace {

class SiteIsolationTest : public HttpTest {};

TEST_F(SiteIsolationTest, RadiologistCannotRegisterAtASiteTheyDoNotWorkAt) {
  const ApiSession s = api_sign_in("radiologist");
  const std::int64_t site2 = server().site_id("RVB02");
  const std::string nhs = next_nhs_number();

  auto api = client()->Post("/api/v1/patients", bearer(s.token),
                            patient_json(site2, nhs).dump(), "application/json");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 422) << api->body;
  const Json j = json_of(*api);
  ASSERT_TRUE(j.is_object());
  ASSERT_FALSE(j["error"]["fields"].empty());
  EXPECT_EQ(j["error"]["fields"][0]["field"], "site_id");

  // A forged form naming site 2 is refused the same way.
  auto page = client()->Post("/patients/new", cookie("vb_session=" + s.token),
                             httplib::Params{{"csrf", s.csrf},
                                             {"site_id", std::to_string(site2)},
                                             {"nhs_number", nhs},
                                             {"family_name", "Elsewhere"},
                                             {"given_name", "Ann"},
                                             {"date_of_birth", "1950-01-01"},
                                             {"sex", "female"}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 422);
  EXPECT_NE(page->body.find("href=\"#site_id\""), std::string::npos);
  EXPECT_FALSE(server().patient_by_nhs(nhs).has_value());

  // Nor can they open an episode at site 2 for a site-1 patient.
  const std::int64_t site1 = server().site_id("RVB01");
  const Json p = create_patient(s, patient_json(site1, next_nhs_number()));
  auto ep = client()->Post("/api/v1/patients/" + std::to_string(p.value("id", 0)) + "/episodes",
                           bearer(s.token), referral_json(site2).dump(), "application/json");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->status, 422) << ep->body;
  EXPECT_TRUE(server().patient_episodes(p.value("id", 0)).empty());
}

TEST_F(SiteIsolationTest, NurseAtSite2GetsNotFoundForASite1PatientAndIsAudited) {
  const std::int64_t site1 = server().site_id("RVB01");
  const ApiSession coordinator = api_sign_in("coordinator");
  const Json p = create_patient(coordinator, patient_json(site1, next_nhs_number(), "Hiddenfamily"));
  const Json e = create_episode(coordinator, p.value("id", 0), referral_json(site1));
  const std::string pid = std::to_string(p.value("id", 0));
  const std::string eid = std::to_string(e.value("id", 0));

  const ApiSession nurse = api_sign_in("nurse");
  auto page = client()->Get("/patients/" + pid, cookie("vb_session=" + nurse.token));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 404);
  EXPECT_EQ(page->body.find("Hiddenfamily"), std::string::npos);

  auto api = client()->Get("/api/v1/patients/" + pid, bearer(nurse.token));
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(json_of(*api)["error"]["code"], "not_found");
  EXPECT_EQ(api->body.find("Hiddenfamily"), std::string::npos);

  // Refused exactly as a record that does not exist.
  auto absent = client()->Get("/api/v1/patients/987654321", bearer(nurse.token));
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->status, 404);
  EXPECT_EQ(absent->body, api->body);

  auto episode = client()->Get("/api/v1/episodes/" + eid, bearer(nurse.token));
  ASSERT_TRUE(episode);
  EXPECT_EQ(episode->status, 404);
  auto referral = client()->Get("/patients/" + pid + "/referrals/new",
                                cookie("vb_session=" + nurse.token));
  ASSERT_TRUE(referral);
  EXPECT_EQ(referral->status, 404);

  // Each refused look at the patient is in the audit trail under the nurse's id.
  const std::int64_t nurse_id = server().user_id("nurse");
  int denied = 0;
  for (const auto& a : server().audit_all()) {
    if (a.action == "denied" && a.user_id == nurse_id && a.record_type == "patient" &&
        std::to_string(a.record_id) == pid) {
      ++denied;
    }
  }
  EXPECT_GE(denied, 2);
}

TEST_F(SiteIsolationTest, NurseSeesPatientsAtTheirOwnSite) {
  const ApiSession coordinator = api_sign_in("coordinator");
  const Json p = create_patient(coordinator,
                                patient_json(server().site_id("RVB02"), next_nhs_number(), "Seenfamily"));
  const ApiSession nurse = api_sign_in("nurse");
  auto r = client()->Get("/patients/" + std::to_string(p.value("id", 0)),
                         cookie("vb_session=" + nurse.token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("Seenfamily"), std::string::npos);
}

class RecordLogTest : public HttpTest {};

TEST_F(RecordLogTest, GovernanceSeesTheEpisodeLogAndNurseIsRefused) {
  const std::int64_t site2 = server().site_id("RVB02");
  const ApiSession coordinator = api_sign_in("coordinator");
  const Json p = create_patient(coordinator, patient_json(site2, next_nhs_number()));
  const Json e = create_episode(coordinator, p.value("id", 0), referral_json(site2));
  const std::string eid = std::to_string(e.value("id", 0));
  httplib::Headers h = bearer(coordinator.token);
  h.emplace("If-Match", "\"" + std::to_string(e.value("version", 0)) + "\"");
  auto put = client()->Put("/api/v1/episodes/" + eid + "/referral", h,
                           referral_json(site2, "Dr L Logged").dump(), "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200);

  const ApiSession governance = api_sign_in("governance");
  auto page = client()->Get("/episodes/" + eid + "/log", cookie("vb_session=" + governance.token));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  for (const char* expected : {">Created<", ">Changed<", ">coordinator<", "Dr L Logged"}) {
    EXPECT_NE(page->body.find(expected), std::string::npos) << expected;
  }

  auto api = client()->Get("/api/v1/episodes/" + eid + "/log", bearer(governance.token));
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200);
  const Json j = json_of(*api);
  ASSERT_TRUE(j["entries"].is_array());
  EXPECT_GE(j["entries"].size(), 2u);

  // The nurse works at site 2, so the refusal is for the role, not the site.
  const ApiSession nurse = api_sign_in("nurse");
  auto refused = client()->Get("/episodes/" + eid + "/log", cookie("vb_session=" + nurse.token));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(refused->body.find("Dr L Logged"), std::string::npos);
  auto refused_api = client()->Get("/api/v1/episodes/" + eid + "/log", bearer(nurse.token));
  ASSERT_TRUE(refused_api);
  EXPECT_EQ(refused_api->status, 403);
  EXPECT_EQ(json_of(*refused_api)["error"]["code"], "forbidden");
}

class ServerLogTest : public HttpTest {};

TEST_F(ServerLogTest, HoldsNoPatientIdentifiers) {
  const std::string family = "Canarywhistle";
  const std::string given = "Quillfeather";
  const std::string dob = "1937-04-23";
  const std::string nhs = next_nhs_number();
  const std::string site1 = std::to_string(server().site_id("RVB01"));
  const std::string token = page_sign_in("coordinator");
  const auto c = cookie("vb_session=" + token);
  auto worklist = client()->Get("/worklist", c);
  ASSERT_TRUE(worklist);
  const std::string csrf = csrf_field(worklist->body);
  ASSERT_FALSE(csrf.empty());
  httplib::Params form{{"csrf", csrf},          {"site_id", site1},
                       {"nhs_number", spaced(nhs)}, {"family_name", family},
                       {"given_name", given},   {"date_of_birth", dob},
                       {"sex", "other"}};

  // Register through the page, then view it through page and API.
  auto created = client()->Post("/patients/new", c, form);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 303) << created->body.substr(0, 400);
  const std::string location = created->get_header_value("Location");
  auto shown = client()->Get(location, c);
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->status, 200);
  const std::string id = location.substr(location.rfind('/') + 1);
  auto api = client()->Get("/api/v1/patients/" + id, bearer(token));
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200);
  EXPECT_NE(api->body.find(family), std::string::npos);

  // Errors that carry the identifiers: duplicates on both faces, a failed CSRF check, a
  // validation error, searches by NHS number.
  auto dup_page = client()->Post("/patients/new", c, form);
  ASSERT_TRUE(dup_page);
  EXPECT_EQ(dup_page->status, 409);
  httplib::Headers api_headers = c;
  api_headers.emplace("X-CSRF-Token", csrf);
  Json body = patient_json(server().site_id("RVB01"), nhs, family, dob);
  auto dup_api = client()->Post("/api/v1/patients", api_headers, body.dump(), "application/json");
  ASSERT_TRUE(dup_api);
  EXPECT_EQ(dup_api->status, 409);
  httplib::Params forged = form;
  forged.erase("csrf");
  auto no_csrf = client()->Post("/patients/new", c, forged);
  ASSERT_TRUE(no_csrf);
  EXPECT_EQ(no_csrf->status, 403);
  body["date_of_birth"] = "2099-" + dob.substr(5);
  auto invalid = client()->Post("/api/v1/patients", bearer(token), body.dump(), "application/json");
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 422);
  auto find = client()->Post("/patients/find", c, httplib::Params{{"csrf", csrf}, {"nhs_number", nhs}});
  ASSERT_TRUE(find);
  EXPECT_EQ(find->status, 303);
  auto search = client()->Get("/worklist?nhs_number=" + nhs, c);
  ASSERT_TRUE(search);
  auto by_path = client()->Get("/patients/" + nhs, c);  // an NHS number where an id belongs
  ASSERT_TRUE(by_path);
  EXPECT_EQ(by_path->status, 404);
  auto sign_in_as_name = client()->Post("/api/v1/session",
                                        Json{{"username", "x"}, {"password", family}}.dump(),
                                        "application/json");
  ASSERT_TRUE(sign_in_as_name);
  EXPECT_EQ(sign_in_as_name->status, 401);

  log::flush();
  std::ifstream in(server().log_path());
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  // The log is being written (so the absences below mean something).
  EXPECT_NE(text.find("registered patient " + id), std::string::npos) << text;
  EXPECT_NE(text.find("POST /patients/new 409"), std::string::npos) << text;
  const std::string display_dob = "23 Apr 1937";
  for (const std::string& secret :
       {family, given, nhs, spaced(nhs), nhs.substr(0, 3) + "-" + nhs.substr(3, 3) + "-" + nhs.substr(6),
        dob, display_dob}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "the log holds " << secret;
  }
}

}  // namespace
}  // namespace vertebro::http_test
