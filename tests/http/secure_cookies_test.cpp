// `vertebro serve --secure-cookies` (behind TLS): every answer carries Strict-Transport-Security,
// and the session and sign-in cookies are named with the __Host- prefix (Secure, Path=/, no
// Domain), which is the only name read back, so a cookie set by another host or over plain HTTP
// is never taken for one of vertebro's.

#include "live_server.h"

namespace vertebro::http_test {
namespace {

class SecureCookiesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      server_ = LiveServer::start(app::Settings{}, {}, true);
    } catch (const std::exception& e) {
      server_.reset();
      start_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "the test server did not start: " << start_error_;
  }

  static std::unique_ptr<httplib::Client> client() { return server_->client(); }

  static void expect_hsts(const httplib::Response& r) {
    EXPECT_EQ(r.get_header_value("Strict-Transport-Security"), "max-age=31536000");
  }

  // Checks the attributes a __Host- cookie must have.
  static void expect_host_cookie(const std::string& attributes) {
    EXPECT_NE(attributes.find("; Secure"), std::string::npos) << attributes;
    EXPECT_NE(attributes.find("; Path=/"), std::string::npos) << attributes;
    EXPECT_NE(attributes.find("; HttpOnly"), std::string::npos) << attributes;
    EXPECT_EQ(attributes.find("Domain"), std::string::npos) << attributes;
  }

  static std::unique_ptr<LiveServer> server_;
  static inline std::string start_error_;
};

std::unique_ptr<LiveServer> SecureCookiesTest::server_;

TEST_F(SecureCookiesTest, SignInSignOutAndApiUseOnlyHostPrefixedCookies) {
  auto form = client()->Get("/sign-in");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  expect_hsts(*form);
  std::string attributes;
  const auto pre = set_cookie(*form, "__Host-vb_pre", &attributes);
  ASSERT_TRUE(pre);
  expect_host_cookie(attributes);
  EXPECT_FALSE(set_cookie(*form, "vb_pre"));
  const httplib::Params fields{{"csrf", csrf_field(form->body)},
                               {"username", "coordinator"},
                               {"password", kPassword},
                               {"next", "/worklist"}};

  // The double-submit check reads only the prefixed name.
  auto unprefixed = client()->Post("/sign-in", cookie("vb_pre=" + *pre), fields);
  ASSERT_TRUE(unprefixed);
  EXPECT_EQ(unprefixed->status, 403);

  auto signed_in = client()->Post("/sign-in", cookie("__Host-vb_pre=" + *pre), fields);
  ASSERT_TRUE(signed_in);
  ASSERT_EQ(signed_in->status, 303) << signed_in->body.substr(0, 300);
  expect_hsts(*signed_in);
  const auto token = set_cookie(*signed_in, "__Host-vb_session", &attributes);
  ASSERT_TRUE(token);
  ASSERT_FALSE(token->empty());
  expect_host_cookie(attributes);
  ASSERT_TRUE(set_cookie(*signed_in, "__Host-vb_pre", &attributes));
  EXPECT_NE(attributes.find("Max-Age=0"), std::string::npos) << attributes;

  // Pages and cookie-authenticated API calls take the session from the prefixed name only.
  std::string csrf;
  for (const std::string path : {"/worklist", "/api/v1/episodes"}) {
    for (const std::string name : {"__Host-vb_session", "vb_session"}) {
      SCOPED_TRACE(path + " with " + name);
      auto r = client()->Get(path, cookie(name + "=" + *token));
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, name == "vb_session" ? 401 : 200);
      expect_hsts(*r);
      if (path == "/worklist" && r->status == 200) csrf = csrf_field(r->body);
    }
  }
  ASSERT_FALSE(csrf.empty());

  // Signing out clears the prefixed cookie.
  auto out = client()->Post("/sign-out", cookie("__Host-vb_session=" + *token),
                            httplib::Params{{"csrf", csrf}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200);
  const auto cleared = set_cookie(*out, "__Host-vb_session", &attributes);
  ASSERT_TRUE(cleared);
  EXPECT_TRUE(cleared->empty());
  EXPECT_NE(attributes.find("Max-Age=0"), std::string::npos) << attributes;
  auto after = client()->Get("/worklist", cookie("__Host-vb_session=" + *token));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

TEST_F(SecureCookiesTest, ErrorsAndRefusalsCarryHsts) {
  for (const char* path : {"/no-such-page", "/api/v1/no-such-thing"}) {
    auto r = client()->Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    expect_hsts(*r);
  }
  auto refused = client()->Post("/api/v1/session", httplib::MultipartFormDataItems{{"a", "b", "", ""}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 415);
  expect_hsts(*refused);
}

// Without --secure-cookies (plain HTTP, for a machine of one's own): plain names, no HSTS,
// which would otherwise pin a browser to HTTPS for this host.
class PlainCookiesTest : public HttpTest {};

TEST_F(PlainCookiesTest, PlainNamesAndNoHsts) {
  auto form = client()->Get("/sign-in");
  ASSERT_TRUE(form);
  EXPECT_FALSE(form->has_header("Strict-Transport-Security"));
  std::string attributes;
  ASSERT_TRUE(set_cookie(*form, "vb_pre", &attributes));
  EXPECT_EQ(attributes.find("Secure"), std::string::npos) << attributes;
  EXPECT_FALSE(set_cookie(*form, "__Host-vb_pre"));
}

}  // namespace
}  // namespace vertebro::http_test
