// A full disk under the real server (issue 13, point 4; hazards H-081, H-093), on SQLite
// only: the writer connection's max_page_count is set to the file's current size at the start
// of every write transaction (through the fault seam, on the connection's own thread), so the
// file cannot grow, as on a full disk. Registrations are then answered 503 saying nothing was
// saved, and nothing of them is saved. Reads keep working: each records its audit entry in room
// drawn from the storage reserve (migration 0008), which saves never touch; once the reserve is
// spent a record is not shown (503, saying why), since its access could not be audited. Once
// the limit is lifted, the same request is saved whole, the reserve is filled up again, the
// record is shown again, and the audit chain verifies. PostgreSQL's disk-full errors (SQLSTATE
// class 53) are mapped the same way and injected in StoreFaultTest.

#include <sqlite3.h>

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
  // Rows left in the storage reserve, read from the file behind the server's back.
  std::int64_t reserve_rows() const {
    sqlite3* db = nullptr;
    std::int64_t rows = -1;
    if (sqlite3_open_v2(server().db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
        SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM storage_reserve", -1, &st, nullptr) ==
              SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW) {
        rows = sqlite3_column_int64(st, 0);
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return rows;
  }
  // Leaves `rows` rows in the storage reserve (a smaller reserve runs out sooner: the test's
  // time), writing to the file behind the server's back.
  void keep_reserve_rows(int rows) const {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(server().db_path().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr),
              SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    const std::string sql = "DELETE FROM storage_reserve WHERE id NOT IN (SELECT id FROM "
                            "storage_reserve ORDER BY id LIMIT " + std::to_string(rows) + ")";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    // The freed pages leave the file, so that saves do not fill them first.
    EXPECT_EQ(sqlite3_exec(db, "VACUUM", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  // Runs `pragma` on the writer's own connection at the start of every write transaction.
  static void limit_growth(const std::string& pragma) {
    plan_->clear();
    plan_->add({"BEGIN IMMEDIATE", "", 0, kAlways, {}, pragma});
  }
};

TEST_F(DiskFullTest, WritesAre503AndSaveNothingThenResumeWhenSpaceReturns) {
  const Json before = create_patient(s_, patient_json(site1_, next_nhs_number(), "Before"));
  ASSERT_EQ(reserve_rows(), 256);
  constexpr int kReserve = 16;  // of 256 pages
  ASSERT_NO_FATAL_FAILURE(keep_reserve_rows(kReserve));
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
  EXPECT_EQ(reserve_rows(), kReserve) << "a refused save drew on the reserve kept for reads";

  // Reads go on, each with its audit entry, in room drawn from the reserve: the record, the
  // worklist, a sign-in.
  auto sites = client()->Get("/api/v1/sites", bearer(s_.token));
  ASSERT_TRUE(sites);
  EXPECT_EQ(sites->status, 200);
  const std::int64_t patient_id = before.value("id", 0);
  const std::string record = "/api/v1/patients/" + std::to_string(patient_id);
  auto read_recorded = [&](const std::string& path, const std::string& action) {
    const auto seq = last_seq();
    auto r = client()->Get(path, bearer(s_.token));
    if (!r || r->status != 200) return false;
    const auto all = server().audit_all();
    return all.back().seq == seq + 1 && all.back().action == action;
  };
  int reads = 0;
  for (; reads < 100; ++reads) {
    ASSERT_TRUE(read_recorded(record, "read")) << "read " << reads + 1;
  }
  EXPECT_TRUE(read_recorded("/api/v1/episodes", "list"));
  const auto signed_in = api_sign_in("nurse");
  EXPECT_FALSE(signed_in.token.empty());
  const std::int64_t left = reserve_rows();
  EXPECT_LT(left, kReserve) << "the reads never needed the reserve: the file was not full";
  // Saves still never draw on it, saved or not.
  for (int i = 0; i < 3; ++i) {
    auto r = post_patient(next_nhs_number());
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->status == 201 || r->status == 503) << r->body;
    EXPECT_EQ(reserve_rows(), left);
  }

  // Reads until the reserve is spent: then a record is not shown, since its access cannot be
  // written to the audit trail (no unaudited disclosure), and the answer says why.
  httplib::Result unaudited{nullptr, httplib::Error::Unknown};
  for (int i = 0; i < 5000; ++i) {
    auto r = client()->Get(record, bearer(s_.token));
    ASSERT_TRUE(r);
    if (r->status == 200) {
      ++reads;
      continue;
    }
    unaudited = std::move(r);
    break;
  }
  ASSERT_TRUE(unaudited) << "the reserve never ran out";
  EXPECT_EQ(reserve_rows(), 0);
  const auto seq_before_read = last_seq();
  unaudited = client()->Get(record, bearer(s_.token));
  ASSERT_TRUE(unaudited);
  EXPECT_EQ(unaudited->status, 503);
  EXPECT_EQ(json_of(*unaudited)["error"]["code"], "unavailable");
  EXPECT_NE(unaudited->body.find("could not record who viewed it"), std::string::npos)
      << unaudited->body;
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
  EXPECT_EQ(reserve_rows(), 256) << "the reserve was not filled up again";
  auto got = client()->Get(record, bearer(s_.token));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  auto chain = app::verify_chain(server().ctx());
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->ok) << chain->problem;
  std::cout << "[ drill    ] " << saved_meanwhile << " registrations fitted before the file was "
            << "full; then " << reads << " record views were recorded in a reserve of " << kReserve
            << " pages (the full reserve: 256)\n";
}

}  // namespace
}  // namespace vertebro::http_test
