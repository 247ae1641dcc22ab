#pragma once
// A real vertebro server for the HTTP tests: a fresh SQLite file under testing::TempDir()
// (or, with VERTEBRO_HTTP_PG, a fresh PostgreSQL database), a copy of one made once per run
// and filled with demonstration data (20 patients; users admin, coordinator, radiologist (site
// RVB01 only), surgeon, nurse (site RVB02 only), governance, safety, trainer, researcher, all
// with password "vertebro-demo"), a FixedClock the tests can move, and a log file of its own.
// The server listens on 127.0.0.1 at a free port and runs on its own thread until destroyed.
//
// HttpTest shares one LiveServer per test suite (SetUpTestSuite). Tests must not depend on
// each other: each registers its own patients with fresh NHS numbers (next_nhs_number()).

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/context.h"
#include "base/clock.h"
#include "domain/audit.h"
#include "http/server.h"
#include "store/store.h"
#include "support/pg_schema.h"

namespace vertebro::http_test {

using Json = nlohmann::json;

inline constexpr const char* kPassword = "vertebro-demo";

// True when an API error body {"error": {"fields": [...]}} names `field`.
inline bool names_field(const Json& j, const std::string& field) {
  if (!j.is_object() || !j.contains("error")) return false;
  for (const auto& f : j["error"]["fields"]) {
    if (f.value("field", "") == field) return true;
  }
  return false;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}
// The fixed "now" of every server: 2026-11-25T10:00:00Z.
TimePoint start_time();

class LiveServer {
 public:
  // Starts a server; throws std::runtime_error saying why if anything cannot be set up. `open`
  // can put the store's connections behind a fault plan (store/faults.h). `secure_cookies`: as
  // `vertebro serve --secure-cookies` (behind TLS).
  static std::unique_ptr<LiveServer> start(app::Settings settings, store::OpenOptions open = {},
                                           bool secure_cookies = false);
  ~LiveServer();
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  int port() const { return port_; }
  FixedClock& clock() { return clock_; }
  const app::Context& ctx() const { return *ctx_; }
  const std::string& log_path() const { return log_path_; }
  // The SQLite file the server uses ("" on PostgreSQL).
  const std::string& db_path() const { return db_path_; }
  // Everything the server has logged so far (flushed first).
  std::string log_text() const;

  // A client with short timeouts and no redirect following.
  std::unique_ptr<httplib::Client> client() const;

  // Reads the store directly (for "nothing was saved" and audit checks).
  std::int64_t site_id(const std::string& code) const;
  std::int64_t user_id(const std::string& username) const;
  std::optional<store::PatientRecord> patient_by_nhs(const std::string& digits) const;
  std::optional<store::EpisodeRecord> episode(std::int64_t id) const;
  std::vector<store::EpisodeRecord> patient_episodes(std::int64_t patient_id) const;
  std::vector<domain::AuditEntry> audit_all() const;

 private:
  LiveServer() : clock_(start_time()) {}
  void read(const std::function<Status(store::Tx&)>& body) const;

  std::string db_path_;
  std::unique_ptr<test_support::PgDatabase> pg_;  // PostgreSQL runs only
  std::string log_path_;
  FixedClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::Context> ctx_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

struct ApiSession {
  std::string token;  // bearer token, also usable as the vb_session cookie
  std::string csrf;   // the session's CSRF token
};

// A valid NHS number in the 999 test range that no demonstration patient uses; a new one on
// every call.
std::string next_nhs_number();
// "9991234567" -> "999 123 4567".
std::string spaced(const std::string& digits);
// The value of the hidden field name="csrf" in a page, or "".
std::string csrf_field(const std::string& html);
// The value of cookie `name` set by a response's Set-Cookie headers, or nullopt; `attributes`
// receives the whole header.
std::optional<std::string> set_cookie(const httplib::Response& res, const std::string& name,
                                      std::string* attributes = nullptr);
httplib::Headers bearer(const std::string& token);
httplib::Headers cookie(const std::string& header_value);
// The JSON body of a response, or a discarded value when it is not JSON.
Json json_of(const httplib::Response& res);

Json patient_json(std::int64_t site_id, const std::string& nhs_number,
                  const std::string& family_name = "Testfamily",
                  const std::string& date_of_birth = "1948-03-15");
Json referral_json(std::int64_t site_id, const std::string& clinician = "Dr A Okafor (GP)",
                   const std::string& levels = "T12, L1");

class HttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  // What SetUpTestSuite does, with these store options; a suite that needs them calls this
  // from its own SetUpTestSuite.
  static void start_server(store::OpenOptions open);

  static LiveServer& server() { return *server_; }
  static std::unique_ptr<httplib::Client> client() { return server_->client(); }

  // Signs in through POST /api/v1/session (fatal failure unless 201).
  static ApiSession api_sign_in(const std::string& username);
  // Signs in through the sign-in page; returns the vb_session cookie value (fatal on failure).
  static std::string page_sign_in(const std::string& username);
  // POST /api/v1/patients as `s`; returns the 201 body (fatal failure otherwise).
  static Json create_patient(const ApiSession& s, const Json& body);
  // POST /api/v1/patients/{id}/episodes as `s`; returns the 201 body.
  static Json create_episode(const ApiSession& s, std::int64_t patient_id, const Json& body);
  // A new patient (family name `family`) with an episode at `site`, registered as `s` and moved
  // to "awaiting MDT" by the surgeon (an operator, who may override the assessment gate).
  // Returns {episode id, NHS number}; {0, NHS number} after a (recorded) failure.
  static std::pair<std::int64_t, std::string> episode_awaiting_mdt(const ApiSession& s,
                                                                   std::int64_t site,
                                                                   const std::string& family);

 private:
  static std::unique_ptr<LiveServer> server_;
  static std::string start_error_;  // why server_ is null
};

// A test signed in through the API as "coordinator" (both sites), with site RVB01's id.
class CoordinatorTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    s_ = api_sign_in("coordinator");
    site1_ = server().site_id("RVB01");
  }
  ApiSession s_;
  std::int64_t site1_ = 0;
};

}  // namespace vertebro::http_test
