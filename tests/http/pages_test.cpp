// Record pages show the record they are about, and accept every valid form.

#include <vector>

#include "live_server.h"

namespace vertebro::http_test {
namespace {

class RecordPagesTest : public CoordinatorTest {};

TEST_F(RecordPagesTest, PatientPageShowsThePatient) {
  const std::string nhs = next_nhs_number();
  const Json p = create_patient(s_, patient_json(site1_, nhs, "Pagefamily", "1941-07-09"));
  auto r = client()->Get("/patients/" + std::to_string(p.value("id", 0)),
                         cookie("vb_session=" + s_.token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("<h1>Pagefamily, Testgiven</h1>"), std::string::npos);
  EXPECT_NE(r->body.find(spaced(nhs)), std::string::npos);
  EXPECT_NE(r->body.find("9 Jul 1941"), std::string::npos);
}

TEST_F(RecordPagesTest, EpisodePageShowsPatientAndReferral) {
  const Json p = create_patient(s_, patient_json(site1_, next_nhs_number(), "Episodefamily"));
  const Json e = create_episode(s_, p.value("id", 0),
                                referral_json(site1_, "Dr Q Pagecheck", "T11, T12"));
  auto r = client()->Get("/episodes/" + std::to_string(e.value("id", 0)),
                         cookie("vb_session=" + s_.token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("Episodefamily, Testgiven"), std::string::npos);
  EXPECT_NE(r->body.find("Dr Q Pagecheck"), std::string::npos);
  EXPECT_NE(r->body.find("T11, T12"), std::string::npos);
}

TEST_F(RecordPagesTest, ReferralFormAcceptsAFullLengthReason) {
  // A reason of exactly 4,000 characters is valid ("Up to 4,000 characters"); with accented
  // letters and punctuation it url-encodes to well over 8 KiB but far under the 1 MiB limit.
  const Json p = create_patient(s_, patient_json(site1_, next_nhs_number()));
  const std::int64_t pid = p.value("id", 0);
  // Characters counted one by one: accented letters, an en dash and curly quotes.
  const std::vector<std::string> unit = {"H", "ö", "h", "e", " ", "–", " ", "“", "ü", "b",
                                         "e", "r", "”", " ", "L", "1", ";", " "};
  std::string reason;
  for (std::size_t i = 0; i < 4000; ++i) reason += unit[i % unit.size()];
  ASSERT_GT(httplib::detail::encode_query_param(reason).size(), 8192u);
  ASSERT_LT(httplib::detail::encode_query_param(reason).size(), 1u << 20);

  // The API takes it, so the input is valid.
  Json body = referral_json(site1_);
  body["reason"] = reason;
  auto api = client()->Post("/api/v1/patients/" + std::to_string(pid) + "/episodes",
                            bearer(s_.token), body.dump(), "application/json");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 201) << api->body.substr(0, 300);

  httplib::Params form{{"csrf", s_.csrf}};
  for (const auto& [k, v] : body.items()) form.emplace(k, v.get<std::string>());
  auto page = client()->Post("/patients/" + std::to_string(pid) + "/referrals/new",
                             cookie("vb_session=" + s_.token), form);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303) << page->body.substr(0, 300);
  EXPECT_EQ(server().patient_episodes(pid).size(), 2u);
}

}  // namespace
}  // namespace vertebro::http_test
