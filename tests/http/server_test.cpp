// Cross-cutting server behaviour: security headers, health check, unknown paths.

#include "live_server.h"
#include "store/store.h"

namespace vertebro::http_test {
namespace {

class ServerTest : public HttpTest {};

void expect_security_headers(const httplib::Response& r, const std::string& what) {
  SCOPED_TRACE(what);
  const std::string csp = r.get_header_value("Content-Security-Policy");
  EXPECT_FALSE(csp.empty());
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(r.get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(r.get_header_value("Referrer-Policy").empty());
  EXPECT_NE(r.get_header_value("Cache-Control").find("no-store"), std::string::npos)
      << r.get_header_value("Cache-Control");
  EXPECT_FALSE(r.has_header("EXCEPTION_WHAT"));
}

TEST_F(ServerTest, PagesCarrySecurityHeaders) {
  auto sign_in = client()->Get("/sign-in");
  ASSERT_TRUE(sign_in);
  EXPECT_EQ(sign_in->status, 200);
  expect_security_headers(*sign_in, "sign-in page");
  EXPECT_NE(sign_in->get_header_value("Content-Type").find("text/html"), std::string::npos);

  const ApiSession s = api_sign_in("coordinator");
  auto worklist = client()->Get("/worklist", cookie("vb_session=" + s.token));
  ASSERT_TRUE(worklist);
  EXPECT_EQ(worklist->status, 200);
  expect_security_headers(*worklist, "worklist page");
  // No inline script or style that the policy would have to allow.
  EXPECT_EQ(worklist->body.find("<script>"), std::string::npos);
  EXPECT_EQ(worklist->body.find(" style=\""), std::string::npos);

  auto api = client()->Get("/api/v1/episodes", bearer(s.token));
  ASSERT_TRUE(api);
  expect_security_headers(*api, "API answer");
}

TEST_F(ServerTest, ErrorAnswersCarrySecurityHeadersAndNoExceptionText) {
  const ApiSession s = api_sign_in("coordinator");
  struct Probe {
    const char* what;
    httplib::Result result;
  };
  auto c = client();
  std::vector<Probe> probes;
  probes.push_back({"404 page", c->Get("/no-such-page")});
  probes.push_back({"404 api", c->Get("/api/v1/no-such-thing")});
  probes.push_back({"401 page", c->Get("/worklist")});
  probes.push_back({"401 api", c->Get("/api/v1/episodes")});
  probes.push_back({"400 json", c->Post("/api/v1/patients", bearer(s.token), "{", "application/json")});
  probes.push_back({"422 json", c->Post("/api/v1/patients", bearer(s.token), "{}", "application/json")});
  probes.push_back({"413", c->Post("/api/v1/session", std::string((1 << 20) + 10, ' '),
                                   "application/json")});
  probes.push_back({"405-ish", c->Delete("/worklist")});
  probes.push_back({"huge id", c->Get("/api/v1/patients/999999999999999999", bearer(s.token))});
  for (auto& p : probes) {
    SCOPED_TRACE(p.what);
    ASSERT_TRUE(p.result) << httplib::to_string(p.result.error());
    EXPECT_GE(p.result->status, 400);
    EXPECT_LT(p.result->status, 500) << p.result->body.substr(0, 300);
    expect_security_headers(*p.result, p.what);
  }
}

TEST_F(ServerTest, HealthzReportsOkAndSchemaVersion) {
  auto r = client()->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("application/json"), std::string::npos);
  const Json j = json_of(*r);
  ASSERT_TRUE(j.is_object()) << r->body;
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["schema_version"], store::latest_schema_version());
  EXPECT_GE(store::latest_schema_version(), 1);
}

TEST_F(ServerTest, UnknownPathIs404) {
  auto page = client()->Get("/no-such-page");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 404);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("Page not found"), std::string::npos);

  auto not_numeric = client()->Get("/patients/abc");
  ASSERT_TRUE(not_numeric);
  EXPECT_EQ(not_numeric->status, 404);

  auto api = client()->Get("/api/v1/unknown");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_NE(api->get_header_value("Content-Type").find("application/json"), std::string::npos);
  const Json j = json_of(*api);
  ASSERT_TRUE(j.is_object()) << api->body;
  EXPECT_EQ(j["error"]["code"], "not_found");
  EXPECT_TRUE(j["error"]["fields"].is_array());
}

TEST_F(ServerTest, HomeRedirectsBySignInState) {
  auto anonymous = client()->Get("/");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 303);
  EXPECT_EQ(anonymous->get_header_value("Location"), "/sign-in");
  const ApiSession s = api_sign_in("nurse");
  auto signed_in = client()->Get("/", cookie("vb_session=" + s.token));
  ASSERT_TRUE(signed_in);
  EXPECT_EQ(signed_in->status, 303);
  EXPECT_EQ(signed_in->get_header_value("Location"), "/worklist");
}

}  // namespace
}  // namespace vertebro::http_test
