// Who sees which patient and every disclosure on record (issue 9, points 2 and 3), through the
// real server: an MDT meeting leaves out a case whose referral moved to another site; a listed
// referral moves only once it is off the list; candidates go only to those who manage MDT
// lists, and the patients' access logs find the views that showed them; NHS numbers known
// elsewhere are limited per user with a 429 naming the limit.

#include <algorithm>

#include "live_server.h"

namespace vertebro::http_test {
namespace {

constexpr const char* kHeld = "2026-11-20";
constexpr const char* kFuture = "2026-12-10";

class MeetingAccessTest : public CoordinatorTest {
 protected:
  void SetUp() override {
    CoordinatorTest::SetUp();
    if (HasFatalFailure()) return;
    site2_ = server().site_id("RVB02");
  }

  std::int64_t create_meeting(std::int64_t site, const std::string& date) {
    auto r = client()->Post("/api/v1/mdt/meetings", bearer(s_.token),
                            Json{{"site_id", site}, {"meeting_date", date}}.dump(),
                            "application/json");
    EXPECT_TRUE(r && r->status == 201);
    return r ? json_of(*r).value("id", std::int64_t{0}) : 0;
  }
  int add_case(std::int64_t meeting, std::int64_t episode) {
    auto r = client()->Post("/api/v1/mdt/meetings/" + std::to_string(meeting) + "/cases",
                            bearer(s_.token), Json{{"episode_id", episode}}.dump(),
                            "application/json");
    return r ? r->status : 0;
  }
  // PUT /api/v1/episodes/{id}/referral moving the referral to `site`, at its current version.
  httplib::Result move_referral(std::int64_t episode, std::int64_t site) {
    httplib::Headers h = bearer(s_.token);
    h.emplace("If-Match", "\"" + std::to_string(server().episode(episode)->version) + "\"");
    return client()->Put("/api/v1/episodes/" + std::to_string(episode) + "/referral", h,
                         referral_json(site).dump(), "application/json");
  }
  httplib::Result get(const std::string& path, const std::string& token, bool page) {
    return client()->Get(path.c_str(), page ? cookie("vb_session=" + token) : bearer(token));
  }

  std::int64_t site2_ = 0;
};

// The case: a case decided at a Northgate meeting whose referral then moved to
// Southmoor. The Northgate-only radiologist gets 404 on the episode, and the meeting (page,
// printed list and API) no longer shows its patient: only that one case is not shown.
TEST_F(MeetingAccessTest, ACaseMovedToAnotherSiteIsLeftOutOfItsOldSitesMeeting) {
  const std::int64_t meeting = create_meeting(site1_, kHeld);
  const auto [episode, nhs] = episode_awaiting_mdt(s_, site1_, "Movedsouth");
  ASSERT_GT(episode, 0);
  ASSERT_EQ(add_case(meeting, episode), 201);
  httplib::Headers h = bearer(s_.token);
  h.emplace("If-Match", "\"0\"");
  auto decided = client()->Put(
      "/api/v1/mdt/meetings/" + std::to_string(meeting) + "/cases/" + std::to_string(episode) +
          "/decision",
      h, Json{{"decision", "proceed"}, {"rationale", "Agreed"}}.dump(), "application/json");
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->status, 200) << decided->body;
  auto moved = move_referral(episode, site2_);
  ASSERT_TRUE(moved);
  ASSERT_EQ(moved->status, 200) << moved->body;

  const ApiSession radiologist = api_sign_in("radiologist");  // Northgate only
  const std::string base = "/mdt/" + std::to_string(meeting);
  for (const auto& [path, page] :
       {std::pair{"/api/v1/mdt/meetings/" + std::to_string(meeting), false},
        std::pair{base, true}, std::pair{base + "/print", true}}) {
    SCOPED_TRACE(path);
    auto r = get(path, radiologist.token, page);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
    EXPECT_FALSE(contains(r->body, "Movedsouth"));
    EXPECT_FALSE(contains(r->body, nhs));
    EXPECT_FALSE(contains(r->body, spaced(nhs)));
    EXPECT_FALSE(contains(r->body, "Painful fracture despite analgesia"));
    if (page) {
      EXPECT_TRUE(contains(r->body, "1 case on this list is not shown")) << path;
    } else {
      const Json j = json_of(*r);
      EXPECT_TRUE(j["cases"].empty());
      EXPECT_EQ(j["hidden_cases"], 1);
    }
  }
  auto own = get("/api/v1/episodes/" + std::to_string(episode), radiologist.token, false);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 404);
  // The coordinator, who works at both sites, still sees the case on the meeting.
  auto coordinator = get("/api/v1/mdt/meetings/" + std::to_string(meeting), s_.token, false);
  ASSERT_TRUE(coordinator);
  EXPECT_TRUE(contains(coordinator->body, "Movedsouth"));
}

// A referral on a meeting's list awaiting a decision keeps its site (422 naming site_id) until
// someone who manages the list takes it off (page button or API DELETE).
TEST_F(MeetingAccessTest, AListedReferralMovesOnlyOnceTakenOffTheList) {
  const std::int64_t meeting = create_meeting(site1_, kFuture);
  const auto [first, nhs1] = episode_awaiting_mdt(s_, site1_, "Listedapi");
  const auto [second, nhs2] = episode_awaiting_mdt(s_, site1_, "Listedpage");
  ASSERT_GT(first, 0);
  ASSERT_GT(second, 0);
  ASSERT_EQ(add_case(meeting, first), 201);
  ASSERT_EQ(add_case(meeting, second), 201);

  for (const std::int64_t episode : {first, second}) {
    auto refused = move_referral(episode, site2_);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 422) << refused->body;
    const Json fields = json_of(*refused)["error"]["fields"];
    ASSERT_EQ(fields.size(), 1u) << refused->body;
    EXPECT_EQ(fields[0]["field"], "site_id");
    EXPECT_TRUE(contains(fields[0].value("message", ""), "10 Dec 2026"));
    EXPECT_EQ(server().episode(episode)->referral.site.value, site1_);
  }

  const std::string path = "/api/v1/mdt/meetings/" + std::to_string(meeting) + "/cases/" +
                           std::to_string(first);
  auto removed = client()->Delete(path.c_str(), bearer(s_.token));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 204) << removed->body;
  auto again = client()->Delete(path.c_str(), bearer(s_.token));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);

  const std::string page = "/mdt/" + std::to_string(meeting);
  const std::string action = page + "/cases/" + std::to_string(second) + "/remove";
  auto shown = get(page, s_.token, true);
  ASSERT_TRUE(shown);
  ASSERT_TRUE(contains(shown->body, "action=\"" + action + "\"")) << "no Take off the list button";
  auto posted = client()->Post(action.c_str(), cookie("vb_session=" + s_.token),
                               httplib::Params{{"csrf", s_.csrf}});
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 303) << posted->body.substr(0, 300);

  for (const std::int64_t episode : {first, second}) {
    auto moved = move_referral(episode, site2_);
    ASSERT_TRUE(moved);
    EXPECT_EQ(moved->status, 200) << moved->body;
  }
}

// Candidates carry the name, NHS number and age of every episode awaiting MDT at the site: the
// API and page give them only to those who manage MDT lists, and the view is audited with
// each candidate's episode.
TEST_F(MeetingAccessTest, CandidatesGoOnlyToThoseWhoManageMdtLists) {
  const std::int64_t meeting = create_meeting(site2_, kFuture);
  const auto [episode, nhs] = episode_awaiting_mdt(s_, site2_, "Candidatename");
  ASSERT_GT(episode, 0);
  const std::string api = "/api/v1/mdt/meetings/" + std::to_string(meeting);
  const ApiSession nurse = api_sign_in("nurse");  // Southmoor, may see its patients
  for (const bool page : {false, true}) {
    auto r = get(page ? "/mdt/" + std::to_string(meeting) : api, nurse.token, page);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    EXPECT_FALSE(contains(r->body, "Candidatename"));
    EXPECT_FALSE(contains(r->body, nhs));
    if (!page) {
      EXPECT_FALSE(json_of(*r).contains("candidates")) << r->body;
    }
  }

  auto r = get(api, s_.token, false);
  ASSERT_TRUE(r);
  bool offered = false;
  const Json candidates = json_of(*r)["candidates"];
  for (const auto& c : candidates) offered |= c.value("episode_id", std::int64_t{0}) == episode;
  EXPECT_TRUE(offered) << r->body;
  const auto audit = server().audit_all();
  const auto& last = audit.back();
  EXPECT_EQ(last.action, "list");
  EXPECT_EQ(last.record_type, "mdt_meeting");
  EXPECT_EQ(last.user_id, server().user_id("coordinator"));
  EXPECT_TRUE(contains(last.detail, "\"candidates\":[" + std::to_string(episode))) << last.detail;

  // Who saw this patient, and where: the patient's access log finds the meeting view.
  const std::int64_t patient = server().patient_by_nhs(nhs)->id.value;
  auto log = get("/api/v1/patients/" + std::to_string(patient) + "/log",
                 api_sign_in("governance").token, false);
  ASSERT_TRUE(log);
  ASSERT_EQ(log->status, 200) << log->body;
  bool found = false;
  const Json entries = json_of(*log)["entries"];
  for (const auto& e : entries) {
    found |= e.value("seq", std::int64_t{0}) == last.seq &&
             e.value("note", "") == "Shown on MDT meeting " + std::to_string(meeting);
  }
  EXPECT_TRUE(found) << log->body;
}

// ---- NHS numbers registered elsewhere --------------------------------------------------------

// The nurse works at Southmoor only. Each NHS number registered only at Northgate that she
// enters tells her the person is a patient there: 409 without a link, audited; after the
// default limit of 10 in 24 hours, every registration by her is 429 naming the limit.
class RegistrationLimitTest : public CoordinatorTest {};

TEST_F(RegistrationLimitTest, NumbersRegisteredElsewhereAreLimitedPerUserWith429) {
  std::vector<std::string> northgate;
  for (int i = 0; i < 11; ++i) {
    northgate.push_back(next_nhs_number());
    create_patient(s_, patient_json(site1_, northgate.back()));
  }
  const ApiSession nurse = api_sign_in("nurse");
  const std::int64_t site2 = server().site_id("RVB02");
  auto post = [&](const std::string& nhs) {
    return client()->Post("/api/v1/patients", bearer(nurse.token),
                          patient_json(site2, nhs, "Probe").dump(), "application/json");
  };
  for (int i = 0; i < 10; ++i) {
    auto r = post(northgate[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 409) << i << ": " << r->body;
    EXPECT_FALSE(json_of(*r)["error"].contains("existing"));
  }
  for (const std::string& nhs : {northgate[10], next_nhs_number()}) {
    auto r = post(nhs);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429) << r->body;
    EXPECT_EQ(json_of(*r)["error"]["code"], "rate_limited");
    const std::string message = json_of(*r)["error"].value("message", "");
    EXPECT_TRUE(contains(message, "10 NHS numbers")) << message;
    EXPECT_TRUE(contains(message, "24 hours")) << message;
    EXPECT_FALSE(r->get_header_value("Retry-After").empty());
    EXPECT_FALSE(server().patient_by_nhs(nhs).has_value() &&
                 server().patient_by_nhs(nhs)->site.value == site2);
  }
  // The registration page says the same, with 429.
  auto page = client()->Post("/patients/new", cookie("vb_session=" + nurse.token),
                             httplib::Params{{"csrf", nurse.csrf},
                                             {"site_id", std::to_string(site2)},
                                             {"nhs_number", next_nhs_number()},
                                             {"family_name", "Probe"},
                                             {"given_name", "Pat"},
                                             {"date_of_birth", "1950-01-01"},
                                             {"sex", "female"}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 429);
  EXPECT_TRUE(contains(page->body, "10 NHS numbers")) << page->body.substr(0, 500);
  EXPECT_FALSE(page->get_header_value("Retry-After").empty());

  const auto audit = server().audit_all();
  const auto nurse_id = server().user_id("nurse");
  EXPECT_EQ(std::count_if(audit.begin(), audit.end(),
                          [&](const auto& e) {
                            return e.action == "denied" && e.user_id == nurse_id &&
                                   e.record_type == "patient" && e.record_id > 0;
                          }),
            10);
}

}  // namespace
}  // namespace vertebro::http_test
