// A full disk under the real server (issue 13, point 4; hazard H-081), on SQLite only: the
// writer connection's max_page_count is set to the file's current size at the start of every
// write transaction (through the fault seam, on the connection's own thread), so the file
// cannot grow, as on a full disk. Registrations are then answered 503 saying nothing was saved,
// and nothing of them is saved; reads that show no patient go on; a patient's record is not
// shown, since its access cannot be audited; once the limit is lifted, the same request is
// saved whole, the record is shown again, and the audit chain verifies. PostgreSQL's disk-full errors (SQLSTATE class 53) are mapped the
// same way and injected in StoreFaultTest.

#include "app/audit_verify.h"
#include "fault_plan_server.h"

namespace vertebro::http_test {
namespace {

using store::faults::kAlways;

class DiskFullTest : public FaultPlanServerTest {
 protected:
  httplib::Result post_patient(const std::string& nhs) {
    return client()->Post("/api/v1/patients", bearer(s_.token),
                          patient_json(site1_, nhs, "Diskfull").dump(), "application/json");
  }
  // Runs `pragma` on the writer's own connection at the start of every write transaction.
  static void limit_growth(const std::string& pragma) {
    plan_->clear();
    plan_->add({"BEGIN IMMEDIATE", "", 0, kAlways, {}, pragma});
  }
};

TEST_F(DiskFullTest, WritesAre503AndSaveNothingThenResumeWhenSpaceReturns) {
  const Json before = create_patient(s_, patient_json(site1_, next_nhs_number(), "Before"));
  // max_page_count cannot go below the file's size: 1 means "no larger than now".
  limit_growth("PRAGMA max_page_count = 1");

  // Pages have room left: registrations fit until one needs the file to grow.
  std::string refused_nhs;
  httplib::Result refused{nullptr, httplib::Error::Unknown};
  int saved_meanwhile = 0;
  for (int i = 0; i < 400 && refused_nhs.empty(); ++i) {
    const std::string nhs = next_nhs_number();
    const auto seq = last_seq();
    auto r = post_patient(nhs);
    ASSERT_TRUE(r);
    if (r->status == 201) {
      ++saved_meanwhile;
      continue;
    }
    ASSERT_EQ(r->status, 503) << r->body;
    EXPECT_EQ(last_seq(), seq) << "a refused registration wrote to the audit trail";
    refused_nhs = nhs;
    refused = std::move(r);
  }
  ASSERT_FALSE(refused_nhs.empty()) << "the file never filled up";
  const Json body = json_of(*refused);
  EXPECT_EQ(body["error"]["code"], "unavailable") << refused->body;
  EXPECT_NE(refused->body.find("not saved"), std::string::npos) << refused->body;
  EXPECT_FALSE(server().patient_by_nhs(refused_nhs).has_value());

  // A rolled-back save leaves the file as it was, so the same save fails the same way.
  for (int i = 0; i < 3; ++i) {
    const auto seq = last_seq();
    auto r = post_patient(refused_nhs);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503) << r->body;
    EXPECT_EQ(last_seq(), seq);
  }
  EXPECT_FALSE(server().patient_by_nhs(refused_nhs).has_value());
  // Reads that show no patient record go on working. A patient's record is not shown while
  // its access cannot be written to the audit trail: 503, and no unaudited disclosure.
  auto sites = client()->Get("/api/v1/sites", bearer(s_.token));
  ASSERT_TRUE(sites);
  EXPECT_EQ(sites->status, 200);
  const std::string record = "/api/v1/patients/" + std::to_string(before.value("id", 0));
  const auto seq_before_read = last_seq();
  auto unaudited = client()->Get(record, bearer(s_.token));
  ASSERT_TRUE(unaudited);
  EXPECT_EQ(unaudited->status, 503);
  EXPECT_EQ(json_of(*unaudited)["error"]["code"], "unavailable");
  EXPECT_EQ(unaudited->body.find("Before"), std::string::npos) << "the record was shown";
  EXPECT_EQ(last_seq(), seq_before_read);
  // The server itself goes on answering.
  auto health = client()->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  // Space returns: the same registration is saved whole, with its audit entry.
  limit_growth("PRAGMA max_page_count = 1073741823");
  const auto seq = last_seq();
  auto r = post_patient(refused_nhs);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const auto saved = server().patient_by_nhs(refused_nhs);
  ASSERT_TRUE(saved.has_value());
  int creates = 0;
  for (const auto& e : server().audit_all()) {
    if (e.seq > seq && e.action == "create" && e.record_type == "patient" &&
        e.record_id == saved->id.value) {
      ++creates;
    }
  }
  EXPECT_EQ(creates, 1);
  auto got = client()->Get(record, bearer(s_.token));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  auto chain = app::verify_chain(server().ctx());
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->ok) << chain->problem;
  std::cout << "[ drill    ] " << saved_meanwhile << " registrations fitted before the file was full\n";
}

}  // namespace
}  // namespace vertebro::http_test
