// What a user sees when the database fails under a request: faults injected at the store's
// sql::Connection seam (store/faults.h) under the real server and database. A commit that
// fails is a 503 that says nothing was saved, on the API and on a page; a busy database that
// clears is retried and saves once; one that stays busy is a 503 asking to try again; a
// statement that fails in the middle of a move saves nothing.

#include "domain/pathway_state.h"
#include "fault_plan_server.h"

namespace vertebro::http_test {
namespace {

using store::faults::FaultPlan;
using store::faults::kAlways;

class StoreFaultTest : public FaultPlanServerTest {
 protected:
  httplib::Result post_patient(const std::string& nhs) {
    return client()->Post("/api/v1/patients", bearer(s_.token),
                          patient_json(site1_, nhs).dump(), "application/json");
  }

  int creates_after(std::int64_t seq) const {
    int n = 0;
    for (const auto& e : server().audit_all()) {
      if (e.seq > seq && e.action == "create" && e.record_type == "patient") ++n;
    }
    return n;
  }
};

TEST_F(StoreFaultTest, FailedCommitIs503SayingNothingWasSaved) {
  const std::string nhs = next_nhs_number();
  const auto seq = last_seq();
  plan_->add({"COMMIT", "INSERT INTO patients", 0, 1, store::faults::disk_full(), ""});

  auto r = post_patient(nhs);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  const Json j = json_of(*r);
  EXPECT_EQ(j["error"]["code"], "unavailable") << r->body;
  EXPECT_NE(j["error"]["message"].get<std::string>().find("not saved"), std::string::npos)
      << r->body;
  EXPECT_FALSE(server().patient_by_nhs(nhs).has_value());
  EXPECT_EQ(creates_after(seq), 0);

  // Once the fault has passed, the same request saves the patient, once.
  auto again = post_patient(nhs);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 201) << again->body;
  EXPECT_EQ(creates_after(seq), 1);
}

TEST_F(StoreFaultTest, FailedCommitOnAPageIs503PageSayingNothingWasSaved) {
  const std::string nhs = next_nhs_number();
  plan_->add({"COMMIT", "INSERT INTO patients", 0, 1, store::faults::disk_full(), ""});

  auto r = client()->Post("/patients/new", cookie("vb_session=" + s_.token),
                          httplib::Params{{"csrf", s_.csrf},
                                          {"site_id", std::to_string(site1_)},
                                          {"nhs_number", nhs},
                                          {"family_name", "Faultpage"},
                                          {"given_name", "Ann"},
                                          {"date_of_birth", "1950-01-01"},
                                          {"sex", "female"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(r->body.find("vertebro cannot save changes just now"), std::string::npos);
  EXPECT_NE(r->body.find("not saved"), std::string::npos);
  EXPECT_FALSE(server().patient_by_nhs(nhs).has_value());
}

TEST_F(StoreFaultTest, BusyThenFreeIsRetriedAndSavesOnce) {
  const std::string nhs = next_nhs_number();
  const auto seq = last_seq();
  plan_->add({"INSERT INTO patients", "", 0, 2, store::faults::busy(), ""});

  auto r = post_patient(nhs);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(plan_->injected(), 2);
  EXPECT_TRUE(server().patient_by_nhs(nhs).has_value());
  EXPECT_EQ(creates_after(seq), 1);
}

TEST_F(StoreFaultTest, BusyThroughEveryRetryIs503TryAgain) {
  const std::string nhs = next_nhs_number();
  plan_->add({"INSERT INTO patients", "", 0, kAlways, store::faults::busy(), ""});

  auto r = post_patient(nhs);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_EQ(json_of(*r)["error"]["code"], "busy") << r->body;
  EXPECT_EQ(r->get_header_value("Retry-After"), "2");
  EXPECT_FALSE(server().patient_by_nhs(nhs).has_value());
}

TEST_F(StoreFaultTest, FailureInTheMiddleOfAMoveSavesNothing) {
  const Json patient = create_patient(s_, patient_json(site1_, next_nhs_number()));
  const Json episode = create_episode(s_, patient.value("id", 0), referral_json(site1_));
  const std::int64_t id = episode.value("id", 0);
  const auto before = server().episode(id);
  ASSERT_TRUE(before.has_value());
  const auto seq = last_seq();
  // The episode's state has been updated when its transition row fails.
  plan_->add({"INSERT INTO transitions", "UPDATE episodes", 0, 1, store::faults::broken(), ""});

  const ApiSession op = api_sign_in("surgeon");
  auto r = client()->Post("/api/v1/episodes/" + std::to_string(id) + "/transitions",
                          {{"Authorization", "Bearer " + op.token},
                           {"If-Match", "\"" + std::to_string(before->version) + "\""}},
                          Json{{"to", "assessment"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500) << r->body;
  EXPECT_EQ(plan_->injected(), 1);
  const auto after = server().episode(id);
  EXPECT_EQ(after->state, before->state);
  EXPECT_EQ(after->version, before->version);
  for (const auto& e : server().audit_all()) {
    if (e.seq > seq) {
      EXPECT_NE(e.action, "transition");
    }
  }
}

}  // namespace
}  // namespace vertebro::http_test
