// The JSON API: registration, duplicates, episodes, If-Match/ETag versioning, pagination,
// body size limit.

#include <cstdio>
#include <cstdlib>
#include <set>

#include "live_server.h"

namespace vertebro::http_test {
namespace {

class ApiTest : public CoordinatorTest {};

std::string quoted(std::int64_t v) { return "\"" + std::to_string(v) + "\""; }

TEST_F(ApiTest, SignInGivesTokenAndUser) {
  auto r = client()->Post("/api/v1/session",
                          Json{{"username", "governance"}, {"password", kPassword}}.dump(),
                          "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  const Json j = json_of(*r);
  EXPECT_EQ(j.value("token", "").size(), 64u);
  EXPECT_FALSE(j.value("csrf_token", "").empty());
  EXPECT_EQ(j["user"]["role"], "governance");
}

TEST_F(ApiTest, WrongPasswordIs401Unauthenticated) {
  auto r = client()->Post("/api/v1/session",
                          Json{{"username", "researcher"}, {"password", "nope-nope-nope"}}.dump(),
                          "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json_of(*r)["error"]["code"], "unauthenticated");
}

TEST_F(ApiTest, NoTokenIs401) {
  auto r = client()->Get("/api/v1/episodes");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json_of(*r)["error"]["code"], "unauthenticated");
}

TEST_F(ApiTest, RegistersPatientWith201EtagAndLocation) {
  const std::string nhs = next_nhs_number();
  auto r = client()->Post("/api/v1/patients", bearer(s_.token),
                          patient_json(site1_, spaced(nhs), "Registerson").dump(),
                          "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const Json j = json_of(*r);
  const std::int64_t id = j.value("id", 0);
  ASSERT_GT(id, 0);
  EXPECT_EQ(j["nhs_number"], nhs);
  EXPECT_EQ(j["family_name"], "Registerson");
  EXPECT_EQ(j["site_id"], site1_);
  EXPECT_EQ(r->get_header_value("Location"), "/api/v1/patients/" + std::to_string(id));
  EXPECT_EQ(r->get_header_value("ETag"), quoted(j.value("version", -1)));

  auto stored = server().patient_by_nhs(nhs);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id.value, id);

  auto got = client()->Get(r->get_header_value("Location"), bearer(s_.token));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->get_header_value("ETag"), r->get_header_value("ETag"));
  const Json g = json_of(*got);
  EXPECT_EQ(g["id"], id);
  EXPECT_TRUE(g["episodes"].is_array());
}

TEST_F(ApiTest, DuplicateNhsNumberIs409NamingTheField) {
  const std::string nhs = next_nhs_number();
  const Json first = create_patient(s_, patient_json(site1_, nhs));
  // The same number written with spaces is the same patient.
  auto r = client()->Post("/api/v1/patients", bearer(s_.token),
                          patient_json(site1_, spaced(nhs), "Otherfamily").dump(),
                          "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  const Json j = json_of(*r);
  EXPECT_EQ(j["error"]["code"], "duplicate");
  bool names_field = false;
  for (const auto& f : j["error"]["fields"]) names_field |= f.value("field", "") == "nhs_number";
  EXPECT_TRUE(names_field) << r->body;
  EXPECT_EQ(j["error"].value("existing", ""),
            "/api/v1/patients/" + std::to_string(first.value("id", 0)));
  EXPECT_EQ(server().patient_by_nhs(nhs)->details.family_name, "Testfamily");
}

TEST_F(ApiTest, RegistersEpisodeWith201EtagAndLocation) {
  const Json p = create_patient(s_, patient_json(site1_, next_nhs_number()));
  const std::int64_t pid = p.value("id", 0);
  auto r = client()->Post("/api/v1/patients/" + std::to_string(pid) + "/episodes",
                          bearer(s_.token), referral_json(site1_).dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const Json e = json_of(*r);
  const std::int64_t eid = e.value("id", 0);
  ASSERT_GT(eid, 0);
  EXPECT_EQ(e["patient_id"], pid);
  EXPECT_EQ(e["state"], "referral");
  EXPECT_EQ(e["levels"], "T12, L1");
  EXPECT_EQ(r->get_header_value("Location"), "/api/v1/episodes/" + std::to_string(eid));
  EXPECT_EQ(r->get_header_value("ETag"), quoted(e.value("version", -1)));
  EXPECT_TRUE(server().episode(eid).has_value());

  auto got = client()->Get("/api/v1/episodes/" + std::to_string(eid), bearer(s_.token));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->get_header_value("ETag"), r->get_header_value("ETag"));
  EXPECT_EQ(json_of(*got)["patient"]["id"], pid);
}

TEST_F(ApiTest, ReferralUpdateNeedsTheCurrentIfMatch) {
  const Json p = create_patient(s_, patient_json(site1_, next_nhs_number()));
  const Json e = create_episode(s_, p.value("id", 0), referral_json(site1_));
  const std::string path = "/api/v1/episodes/" + std::to_string(e.value("id", 0)) + "/referral";
  const std::int64_t v1 = e.value("version", 0);

  // Without If-Match: 428, nothing saved.
  auto none = client()->Put(path, bearer(s_.token),
                            referral_json(site1_, "Dr No Precondition").dump(), "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 428);
  EXPECT_EQ(json_of(*none)["error"]["code"], "precondition_required");
  EXPECT_EQ(server().episode(e.value("id", 0))->version, v1);

  // With the current ETag: 200 and a new ETag.
  httplib::Headers current = bearer(s_.token);
  current.emplace("If-Match", quoted(v1));
  auto ok = client()->Put(path, current, referral_json(site1_, "Dr B Current").dump(),
                          "application/json");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  const Json updated = json_of(*ok);
  EXPECT_EQ(updated["referring_clinician"], "Dr B Current");
  const std::int64_t v2 = updated.value("version", 0);
  EXPECT_GT(v2, v1);
  EXPECT_EQ(ok->get_header_value("ETag"), quoted(v2));

  // With the old ETag again: 412, nothing saved.
  auto stale = client()->Put(path, current, referral_json(site1_, "Dr C Stale").dump(),
                             "application/json");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 412);
  EXPECT_EQ(json_of(*stale)["error"]["code"], "conflict");
  const auto stored = server().episode(e.value("id", 0));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->version, v2);
  EXPECT_EQ(stored->referral.referring_clinician, "Dr B Current");

  // A malformed If-Match is a 400, not a match.
  httplib::Headers junk = bearer(s_.token);
  junk.emplace("If-Match", "\"two\"");
  auto bad = client()->Put(path, junk, referral_json(site1_).dump(), "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(ApiTest, EpisodeListPagesWithNext) {
  std::set<std::int64_t> seen;
  std::string after;
  int pages = 0;
  for (; pages < 50; ++pages) {
    std::string path = "/api/v1/episodes";
    if (!after.empty()) path += "?after=" + httplib::detail::encode_query_param(after);
    auto r = client()->Get(path, bearer(s_.token));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const Json j = json_of(*r);
    ASSERT_TRUE(j.contains("next")) << r->body;
    ASSERT_TRUE(j["items"].is_array());
    EXPECT_LE(j["items"].size(), 5u);  // the suite's page size
    for (const auto& item : j["items"]) {
      EXPECT_TRUE(seen.insert(item.value("id", 0)).second) << "episode repeated: " << item;
      EXPECT_TRUE(item["open"].get<bool>());
      EXPECT_TRUE(item["patient"].contains("nhs_number"));
    }
    if (j["next"].is_null()) break;
    ASSERT_TRUE(j["next"].is_string());
    EXPECT_EQ(j["items"].size(), 5u);
    after = j["next"].get<std::string>();
  }
  EXPECT_GE(pages, 1) << "the demonstration data should fill more than one page";
  EXPECT_GT(seen.size(), 5u);
  EXPECT_LT(pages, 50);
}

TEST_F(ApiTest, EpisodeListTakesALimitPerPage) {
  auto two = client()->Get("/api/v1/episodes?limit=2", bearer(s_.token));
  ASSERT_TRUE(two);
  ASSERT_EQ(two->status, 200) << two->body;
  const Json first = json_of(*two);
  EXPECT_EQ(first["items"].size(), 2u);
  ASSERT_TRUE(first["next"].is_string()) << two->body;
  auto next = client()->Get("/api/v1/episodes?limit=2&after=" +
                                httplib::detail::encode_query_param(first["next"].get<std::string>()),
                            bearer(s_.token));
  ASSERT_TRUE(next);
  ASSERT_EQ(next->status, 200) << next->body;
  const Json second = json_of(*next);
  ASSERT_FALSE(second["items"].empty());
  EXPECT_NE(second["items"][0].value("id", 0), first["items"][1].value("id", 0));
  // More than the unit's page size (5 in this suite) when asked, up to 200.
  auto many = client()->Get("/api/v1/episodes?limit=200", bearer(s_.token));
  ASSERT_TRUE(many);
  ASSERT_EQ(many->status, 200);
  EXPECT_GT(json_of(*many)["items"].size(), 5u);
  for (const char* bad : {"0", "201", "ten", "-1", "5x"}) {
    auto r = client()->Get(std::string("/api/v1/episodes?limit=") + bad, bearer(s_.token));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << bad;
    EXPECT_TRUE(names_field(json_of(*r), "limit")) << bad << ": " << r->body;
  }
}

TEST_F(ApiTest, BadCursorIs422) {
  auto r = client()->Get("/api/v1/episodes?after=not-a-cursor", bearer(s_.token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_EQ(json_of(*r)["error"]["code"], "invalid");
}

TEST_F(ApiTest, BodyOverOneMebibyteIs413) {
  const std::string nhs = next_nhs_number();
  Json body = patient_json(site1_, nhs);
  body["padding"] = std::string((1 << 20) + 1, 'x');
  auto r = client()->Post("/api/v1/patients", bearer(s_.token), body.dump(), "application/json");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 413);
  const Json j = json_of(*r);
  ASSERT_TRUE(j.is_object()) << r->body.substr(0, 300);
  EXPECT_EQ(j["error"]["code"], "too_large");
  EXPECT_FALSE(server().patient_by_nhs(nhs).has_value());

  // Pages answer 413 too, with an HTML page.
  auto page = client()->Post("/patients/new", cookie("vb_session=" + s_.token),
                             std::string((1 << 20) + 1, 'y'), "application/x-www-form-urlencoded");
  ASSERT_TRUE(page) << httplib::to_string(page.error());
  EXPECT_EQ(page->status, 413);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
}

TEST_F(ApiTest, IndexListsRoutes) {
  // Run in a child process: if the server crashes on this request, only the child dies.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        auto r = client()->Get("/api/v1");
        bool has_put = false;
        if (r && r->status == 200) {
          const Json j = json_of(*r);
          if (j.is_object() && j["routes"].is_array()) {
            for (const auto& route : j["routes"]) {
              has_put |= route.value("path", "") == "/api/v1/episodes/{id}/referral";
            }
          }
        }
        std::fprintf(stderr, "GET /api/v1: %s\n",
                     r ? (std::to_string(r->status) + " " + r->body.substr(0, 200)).c_str()
                       : httplib::to_string(r.error()).c_str());
        std::_Exit(has_put ? 0 : 3);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace vertebro::http_test
