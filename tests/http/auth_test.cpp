// Sign-in, sign-out, lockout and CSRF refusal, through the pages and the API.


#include "live_server.h"

namespace vertebro::http_test {
namespace {

// The NHS.UK error summary of a page, or "" when there is none.
std::string error_summary(const std::string& html) {
  const auto start = html.find("<div class=\"nhsuk-error-summary\"");
  if (start == std::string::npos) return {};
  const auto end = html.find("</ul>", start);
  return html.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class SignInPageTest : public HttpTest {
 protected:
  struct Form {
    std::string pre;   // vb_pre cookie
    std::string csrf;  // hidden csrf field
  };
  Form get_form() {
    auto r = client()->Get("/sign-in");
    if (!r) return {};
    EXPECT_EQ(r->status, 200);
    return {set_cookie(*r, "vb_pre").value_or(""), csrf_field(r->body)};
  }
  httplib::Result post(const Form& f, const std::string& username, const std::string& password,
                       const std::string& next = "/worklist") {
    return client()->Post("/sign-in", cookie("vb_pre=" + f.pre),
                          httplib::Params{{"csrf", f.csrf},
                                          {"username", username},
                                          {"password", password},
                                          {"next", next}});
  }
};

TEST_F(SignInPageTest, FormCarriesPreSessionCookieAndMatchingHiddenField) {
  auto r = client()->Get("/sign-in");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  std::string attributes;
  const auto pre = set_cookie(*r, "vb_pre", &attributes);
  ASSERT_TRUE(pre.has_value());
  EXPECT_GE(pre->size(), 32u);
  EXPECT_NE(attributes.find("HttpOnly"), std::string::npos) << attributes;
  EXPECT_EQ(csrf_field(r->body), *pre);
}

TEST_F(SignInPageTest, RightPasswordRedirectsToWorklistWithSessionCookie) {
  const Form f = get_form();
  ASSERT_FALSE(f.pre.empty());
  auto r = post(f, "coordinator", kPassword);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/worklist");
  std::string attributes;
  const auto session = set_cookie(*r, "vb_session", &attributes);
  ASSERT_TRUE(session.has_value());
  EXPECT_TRUE(session->size() == 64 &&
              session->find_first_not_of("0123456789abcdef") == std::string::npos)
      << *session;
  EXPECT_NE(attributes.find("HttpOnly"), std::string::npos) << attributes;
  EXPECT_NE(attributes.find("SameSite=Lax"), std::string::npos) << attributes;

  auto worklist = client()->Get("/worklist", cookie("vb_session=" + *session));
  ASSERT_TRUE(worklist);
  EXPECT_EQ(worklist->status, 200);
  EXPECT_NE(worklist->body.find("Chris Coordinator"), std::string::npos);
}

TEST_F(SignInPageTest, OffSiteNextIsNotFollowed) {
  auto r = post(get_form(), "surgeon", kPassword, "//evil.example/phish");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/worklist");
}

TEST_F(SignInPageTest, WrongPasswordAnswers401WithTheSameMessageAsUnknownUser) {
  auto wrong = post(get_form(), "safety", "not-the-password");
  auto unknown = post(get_form(), "no-such-user", "not-the-password");
  ASSERT_TRUE(wrong);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_FALSE(set_cookie(*wrong, "vb_session").has_value());
  const std::string a = error_summary(wrong->body);
  const std::string b = error_summary(unknown->body);
  EXPECT_NE(a.find("The user name or password is not right"), std::string::npos) << a;
  EXPECT_EQ(a, b);
}

TEST_F(SignInPageTest, WithoutPreSessionTokenAnswers403) {
  const Form f = get_form();
  auto no_cookie = client()->Post(
      "/sign-in", httplib::Params{{"csrf", f.csrf}, {"username", "admin"}, {"password", kPassword}});
  ASSERT_TRUE(no_cookie);
  EXPECT_EQ(no_cookie->status, 403);
  EXPECT_FALSE(set_cookie(*no_cookie, "vb_session").has_value());

  auto no_field = client()->Post("/sign-in", cookie("vb_pre=" + f.pre),
                                 httplib::Params{{"username", "admin"}, {"password", kPassword}});
  ASSERT_TRUE(no_field);
  EXPECT_EQ(no_field->status, 403);
  EXPECT_FALSE(set_cookie(*no_field, "vb_session").has_value());

  auto mismatched = post({f.pre, std::string(f.pre.size(), '0')}, "admin", kPassword);
  ASSERT_TRUE(mismatched);
  EXPECT_EQ(mismatched->status, 403);
  EXPECT_FALSE(set_cookie(*mismatched, "vb_session").has_value());
}

TEST_F(SignInPageTest, SixthAttemptAfterFiveFailuresIsLockedOutEvenWithTheRightPassword) {
  // "trainer" is used by no other test.
  const Form f = get_form();
  for (int i = 0; i < 5; ++i) {
    auto r = post(f, "trainer", "wrong-password-" + std::to_string(i));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << "attempt " << i + 1;
  }
  auto locked = post(f, "trainer", kPassword);
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 429);
  EXPECT_FALSE(set_cookie(*locked, "vb_session").has_value());
  const std::string retry = locked->get_header_value("Retry-After");
  ASSERT_TRUE(!retry.empty() && retry[0] != '0' &&
              retry.find_first_not_of("0123456789") == std::string::npos)
      << "Retry-After: " << retry;

  // The API shares the lock (same account), with the same header.
  auto api = client()->Post("/api/v1/session",
                            Json{{"username", "Trainer"}, {"password", kPassword}}.dump(),
                            "application/json");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 429);
  EXPECT_EQ(json_of(*api)["error"]["code"], "rate_limited");
  EXPECT_FALSE(api->get_header_value("Retry-After").empty());

  // Once the wait is over the right password works again.
  server().clock().advance(std::chrono::seconds(std::stoi(retry) + 1));
  auto after = post(f, "trainer", kPassword);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 303);
}

class SignOutTest : public HttpTest {};

TEST_F(SignOutTest, OldCookieAndTokenAnswer401AfterSignOut) {
  const std::string token = page_sign_in("surgeon");
  auto page = client()->Get("/worklist", cookie("vb_session=" + token));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  const std::string csrf = csrf_field(page->body);
  ASSERT_FALSE(csrf.empty());

  auto out = client()->Post("/sign-out", cookie("vb_session=" + token),
                            httplib::Params{{"csrf", csrf}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200);
  std::string attributes;
  EXPECT_EQ(set_cookie(*out, "vb_session", &attributes).value_or("unset"), "");
  EXPECT_NE(attributes.find("Max-Age=0"), std::string::npos) << attributes;

  auto again = client()->Get("/worklist", cookie("vb_session=" + token));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 401);

  auto api = client()->Get("/api/v1/episodes", bearer(token));
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401);
  const Json j = json_of(*api);
  ASSERT_TRUE(j.is_object()) << api->body;
  EXPECT_EQ(j["error"]["code"], "unauthenticated");
  EXPECT_TRUE(j["error"]["message"].is_string());
}

TEST_F(SignOutTest, SignOutWithoutCsrfLeavesTheSessionOpen) {
  const std::string token = page_sign_in("surgeon");
  auto out = client()->Post("/sign-out", cookie("vb_session=" + token), httplib::Params{});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 403);
  auto page = client()->Get("/worklist", cookie("vb_session=" + token));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
}

TEST_F(SignOutTest, ApiSignOutEndsTheToken) {
  const ApiSession s = api_sign_in("coordinator");
  auto before = client()->Get("/api/v1/episodes", bearer(s.token));
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200);
  auto out = client()->Delete("/api/v1/session", bearer(s.token));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  auto after = client()->Get("/api/v1/episodes", bearer(s.token));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
  EXPECT_EQ(json_of(*after)["error"]["code"], "unauthenticated");
}

TEST_F(SignOutTest, IdleSessionExpires) {
  const ApiSession s = api_sign_in("surgeon");
  server().clock().advance(std::chrono::minutes(31));
  auto r = client()->Get("/api/v1/episodes", bearer(s.token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

class CsrfTest : public HttpTest {};

TEST_F(CsrfTest, PatientFormWithoutOrWithWrongCsrfIsRefusedAndSavesNothing) {
  const ApiSession s = api_sign_in("coordinator");
  const std::string nhs = next_nhs_number();
  const auto site = std::to_string(server().site_id("RVB01"));
  auto params = [&](const std::string* csrf) {
    httplib::Params p{{"site_id", site},           {"nhs_number", nhs},
                      {"family_name", "Csrfcheck"}, {"given_name", "Ann"},
                      {"date_of_birth", "1950-01-01"}, {"sex", "female"}};
    if (csrf != nullptr) p.emplace("csrf", *csrf);
    return p;
  };
  const std::string wrong(64, 'a');

  auto missing = client()->Post("/patients/new", cookie("vb_session=" + s.token), params(nullptr));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 403);
  EXPECT_FALSE(server().patient_by_nhs(nhs).has_value());

  auto bad = client()->Post("/patients/new", cookie("vb_session=" + s.token), params(&wrong));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
  EXPECT_FALSE(server().patient_by_nhs(nhs).has_value());

  // The same form with the session's token is accepted, so the refusals were for the token.
  auto good = client()->Post("/patients/new", cookie("vb_session=" + s.token), params(&s.csrf));
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 303);
  EXPECT_TRUE(server().patient_by_nhs(nhs).has_value());
}

TEST_F(CsrfTest, CookieAuthenticatedApiChangeNeedsCsrfHeader) {
  const ApiSession s = api_sign_in("coordinator");
  const std::string nhs = next_nhs_number();
  const std::string body = patient_json(server().site_id("RVB01"), nhs).dump();

  auto without = client()->Post("/api/v1/patients", cookie("vb_session=" + s.token), body,
                                "application/json");
  ASSERT_TRUE(without);
  EXPECT_EQ(without->status, 403);
  EXPECT_EQ(json_of(*without)["error"]["code"], "csrf");
  EXPECT_FALSE(server().patient_by_nhs(nhs).has_value());

  httplib::Headers wrong = cookie("vb_session=" + s.token);
  wrong.emplace("X-CSRF-Token", std::string(64, 'b'));
  auto bad = client()->Post("/api/v1/patients", wrong, body, "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
  EXPECT_FALSE(server().patient_by_nhs(nhs).has_value());

  // Reads need no header; a change with the right header is accepted.
  auto read = client()->Get("/api/v1/episodes", cookie("vb_session=" + s.token));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  httplib::Headers right = cookie("vb_session=" + s.token);
  right.emplace("X-CSRF-Token", s.csrf);
  auto ok = client()->Post("/api/v1/patients", right, body, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201);
}

}  // namespace
}  // namespace vertebro::http_test
