// The register of device safety notices through the real server: the two notices NICE cites
// seeded by migration 0010 (MDA/2003/021 with its subject unconfirmed), a notice added and
// corrected with If-Match, bad input named by field, roles refused, and the device safety
// officer's acknowledgement made once. Hazards H-063, H-064.

#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

class NoticesTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    safety_ = api_sign_in("safety");
  }

  httplib::Result post(const ApiSession& s, const std::string& p, const Json& body) {
    return client()->Post(p.c_str(), bearer(s.token), body.dump(), "application/json");
  }

  httplib::Result put(const ApiSession& s, const std::string& p, const Json& body,
                      const std::string& version) {
    auto h = bearer(s.token);
    if (!version.empty()) h.emplace("If-Match", version);
    return client()->Put(p.c_str(), h, body.dump(), "application/json");
  }

  Json notice(const std::string& reference) {
    auto list = client()->Get("/api/v1/device-notices", bearer(safety_.token));
    if (!list || list->status != 200) return Json();
    const Json body = json_of(*list);
    for (const auto& n : body["items"]) {
      if (n.value("reference", "") == reference) return n;
    }
    return Json();
  }

  static Json with(Json j, const std::string& key, const Json& value) {
    j[key] = value;
    return j;
  }

  static Json valid_notice() {
    return {{"reference", "MDA/2026/901"},
            {"title", "Bone cement: test alert"},
            {"issued", "2026-10-01"},
            {"summary", "A test alert about one product."},
            {"actions_required", "Quarantine the named lots."},
            {"source", "MHRA website"},
            {"subject_confirmed", true},
            {"all_cements", false}};
  }

  static httplib::Headers page(const ApiSession& s) { return cookie("vb_session=" + s.token); }

  ApiSession safety_;
};

TEST_F(NoticesTest, SeededNoticesAreListedAndTheSafetyOfficerAcknowledgesOnce) {
  const Json old_alert = notice("MDA/2003/021");
  ASSERT_TRUE(old_alert.is_object());
  EXPECT_FALSE(old_alert.value("subject_confirmed", true));
  EXPECT_TRUE(old_alert.value("all_cements", false));
  EXPECT_EQ(old_alert.value("issued", ""), "2003");
  EXPECT_TRUE(old_alert["acknowledgement"].is_null());
  const Json alert = notice("MDA/2007/088");
  ASSERT_TRUE(alert.is_object());
  EXPECT_TRUE(alert.value("subject_confirmed", false));

  EXPECT_FALSE(alert["acknowledgement"].is_null()) << "the demonstration acknowledges it";

  // The demonstration data leaves MDA/2003/021 for the device safety officer.
  const std::string path =
      "/api/v1/device-notices/" + std::to_string(old_alert.value("id", 0));
  const Json ack = {{"acknowledged_on", "2026-11-20"},
                    {"acknowledgement", "Checked against our cements; none affected."}};
  auto nurse = post(api_sign_in("nurse"), path + "/acknowledgement", ack);
  ASSERT_TRUE(nurse);
  EXPECT_EQ(nurse->status, 403);
  auto admin = post(api_sign_in("admin"), path + "/acknowledgement", ack);
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 403) << "only the device safety officer acknowledges";

  auto future = post(safety_, path + "/acknowledgement",
                     {{"acknowledged_on", "2026-12-31"}, {"acknowledgement", "x"}});
  ASSERT_TRUE(future);
  EXPECT_EQ(future->status, 422);
  EXPECT_TRUE(names_field(json_of(*future), "acknowledged_on")) << future->body;
  auto blank = post(safety_, path + "/acknowledgement",
                    {{"acknowledged_on", "2026-11-20"}, {"acknowledgement", "  "}});
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->status, 422);
  EXPECT_TRUE(names_field(json_of(*blank), "acknowledgement")) << blank->body;

  auto done = post(safety_, path + "/acknowledgement", ack);
  ASSERT_TRUE(done);
  ASSERT_EQ(done->status, 200) << done->body;
  const Json a = json_of(*done)["acknowledgement"];
  EXPECT_EQ(a.value("acknowledged_on", ""), "2026-11-20");
  EXPECT_FALSE(a.value("acknowledged_by", "").empty());
  auto twice = post(safety_, path + "/acknowledgement", ack);
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 409);
  EXPECT_EQ(notice("MDA/2003/021")["acknowledgement"].value("acknowledgement", ""),
            "Checked against our cements; none affected.");

  const auto audit = server().audit_all();
  const std::int64_t id = old_alert.value("id", 0);
  EXPECT_EQ(std::count_if(audit.begin(), audit.end(),
                          [id](const auto& e) {
                            return e.record_type == "device_notice" && e.record_id == id &&
                                   e.action == "update";
                          }),
            1);
}

TEST_F(NoticesTest, AddedAndCorrectedWithIfMatchAndBadInputNamed) {
  auto products = client()->Get("/api/v1/cement-products", bearer(safety_.token));
  ASSERT_TRUE(products);
  const std::int64_t product = json_of(*products)["items"][0].value("id", 0);
  ASSERT_GT(product, 0);

  Json body = valid_notice();
  body["products"] = Json::array({product});
  auto nurse = post(api_sign_in("nurse"), "/api/v1/device-notices", body);
  ASSERT_TRUE(nurse);
  EXPECT_EQ(nurse->status, 403);

  Json bad = body;
  bad["title"] = "";
  bad["issued"] = "2099";
  bad["products"] = Json::array({999999});
  auto refused = post(safety_, "/api/v1/device-notices", bad);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422);
  EXPECT_TRUE(names_field(json_of(*refused), "title")) << refused->body;
  EXPECT_TRUE(names_field(json_of(*refused), "issued")) << refused->body;
  auto unknown = post(safety_, "/api/v1/device-notices",
                      with(body, "products", Json::array({999999})));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 422);
  EXPECT_TRUE(names_field(json_of(*unknown), "products")) << unknown->body;
  auto typed = post(safety_, "/api/v1/device-notices",
                    with(body, "subject_confirmed", "yes"));
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->status, 422);
  EXPECT_TRUE(names_field(json_of(*typed), "subject_confirmed")) << typed->body;

  auto made = post(safety_, "/api/v1/device-notices", body);
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  const Json n = json_of(*made);
  const std::string location = made->get_header_value("Location");
  EXPECT_EQ(location, "/api/v1/device-notices/" + std::to_string(n.value("id", 0)));
  EXPECT_EQ(n.value("version", 0), 1);
  EXPECT_EQ(n["products"], Json::array({product}));

  auto again = post(safety_, "/api/v1/device-notices", body);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(json_of(*again)["error"].value("existing", ""), location);
  EXPECT_TRUE(names_field(json_of(*again), "reference")) << again->body;

  // The product's own record lists the notice.
  auto product_view = client()->Get(("/api/v1/cement-products/" + std::to_string(product)).c_str(),
                                    bearer(safety_.token));
  ASSERT_TRUE(product_view);
  bool listed = false;
  const Json product_body = json_of(*product_view);
  for (const auto& x : product_body["notices"]) {
    listed |= x.value("reference", "") == "MDA/2026/901";
  }
  EXPECT_TRUE(listed) << product_view->body;

  Json corrected = body;
  corrected["summary"] = "A corrected summary.";
  auto no_version = put(safety_, location, corrected, "");
  ASSERT_TRUE(no_version);
  EXPECT_EQ(no_version->status, 428);
  auto ok = put(safety_, location, corrected, "\"1\"");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(json_of(*ok).value("version", 0), 2);
  EXPECT_EQ(json_of(*ok).value("summary", ""), "A corrected summary.");
  auto stale = put(safety_, location, body, "\"1\"");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 412);
  auto taken = put(safety_, location, with(corrected, "reference", "MDA/2007/088"),
                   "\"2\"");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->status, 409);
  EXPECT_EQ(notice("MDA/2026/901").value("summary", ""), "A corrected summary.");
}

TEST_F(NoticesTest, PagesAddCorrectAndAcknowledgeANoticeThatTheProductPageLists) {
  auto products = client()->Get("/api/v1/cement-products", bearer(safety_.token));
  ASSERT_TRUE(products);
  const std::int64_t product = json_of(*products)["items"][1].value("id", 0);
  ASSERT_GT(product, 0);

  auto list = client()->Get("/cement/notices", page(safety_));
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  EXPECT_TRUE(contains(list->body, "MDA/2003/021"));
  EXPECT_TRUE(contains(list->body, "Subject unconfirmed"));
  EXPECT_TRUE(contains(list->body, "Add a safety notice"));
  const ApiSession nurse = api_sign_in("nurse");
  auto read_only = client()->Get("/cement/notices", page(nurse));
  ASSERT_TRUE(read_only);
  EXPECT_EQ(read_only->status, 200);
  EXPECT_FALSE(contains(read_only->body, "Add a safety notice"));
  auto nurse_form = client()->Get("/cement/notices/new", page(nurse));
  ASSERT_TRUE(nurse_form);
  EXPECT_EQ(nurse_form->status, 403);

  httplib::Params typed{{"csrf", safety_.csrf},
                        {"reference", "FSN-PAGE-1"},
                        {"title", "Cement: page test notice"},
                        {"issued", "2026-13-01"},
                        {"summary", "What it says."},
                        {"actions_required", "Quarantine the packs."},
                        {"source", "Manufacturer"},
                        {"subject_confirmed", "yes"},
                        {"products", std::to_string(product)}};
  auto bad = client()->Post("/cement/notices/new", page(safety_), typed);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(contains(bad->body, "href=\"#issued\"")) << bad->body;
  EXPECT_TRUE(contains(bad->body, "value=\"FSN-PAGE-1\"")) << "what was typed stays";
  EXPECT_TRUE(contains(bad->body, "value=\"" + std::to_string(product) + "\" checked"));
  EXPECT_TRUE(notice("FSN-PAGE-1").is_null()) << "nothing saved";

  typed.erase("issued");
  typed.emplace("issued", "2026-11-01");
  auto made = client()->Post("/cement/notices/new", page(safety_), typed);
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 303) << made->body;
  const Json n = notice("FSN-PAGE-1");
  ASSERT_TRUE(n.is_object());
  EXPECT_EQ(n["products"], Json::array({product}));
  EXPECT_TRUE(n.value("subject_confirmed", false));
  const std::string href = "/cement/notices/" + std::to_string(n.value("id", 0));
  EXPECT_EQ(made->get_header_value("Location"), href + "?saved=notice");

  auto again = client()->Post("/cement/notices/new", page(safety_), typed);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_TRUE(contains(again->body, "href=\"#reference\""));
  EXPECT_TRUE(contains(again->body, href)) << "links to the notice that has the reference";

  auto product_page = client()->Get(("/cement/" + std::to_string(product)).c_str(),
                                    page(nurse));
  ASSERT_TRUE(product_page);
  EXPECT_TRUE(contains(product_page->body, "FSN-PAGE-1")) << "the product lists its notices";
  EXPECT_TRUE(contains(product_page->body, "MDA/2007/088")) << "and those for every cement";

  // A correction from a stale form is refused and shows the saved values.
  typed.erase("title");
  typed.emplace("title", "Cement: corrected title");
  typed.emplace("version", "1");
  auto corrected = client()->Post((href + "/edit").c_str(), page(safety_), typed);
  ASSERT_TRUE(corrected);
  ASSERT_EQ(corrected->status, 303) << corrected->body;
  auto stale = client()->Post((href + "/edit").c_str(), page(safety_), typed);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 409);
  EXPECT_TRUE(contains(stale->body, "value=\"2\"")) << "the form now names version 2";
  EXPECT_EQ(notice("FSN-PAGE-1").value("title", ""), "Cement: corrected title");

  // Only the device safety officer sees the acknowledgement form; a bad one keeps the text.
  auto admin_view = client()->Get(href.c_str(), page(api_sign_in("admin")));
  ASSERT_TRUE(admin_view);
  EXPECT_FALSE(contains(admin_view->body, "Acknowledge the notice"));
  EXPECT_TRUE(contains(admin_view->body, "Only the device safety officer"));
  auto future = client()->Post((href + "/acknowledgement").c_str(), page(safety_),
                               httplib::Params{{"csrf", safety_.csrf},
                                               {"acknowledged_on", "2027-01-01"},
                                               {"acknowledgement", "Packs quarantined."}});
  ASSERT_TRUE(future);
  EXPECT_EQ(future->status, 422);
  EXPECT_TRUE(contains(future->body, "href=\"#acknowledged_on\""));
  EXPECT_TRUE(contains(future->body, "Packs quarantined."));
  auto acked = client()->Post((href + "/acknowledgement").c_str(), page(safety_),
                              httplib::Params{{"csrf", safety_.csrf},
                                              {"acknowledged_on", "2026-11-20"},
                                              {"acknowledgement", "Packs quarantined."}});
  ASSERT_TRUE(acked);
  ASSERT_EQ(acked->status, 303) << acked->body;
  auto shown = client()->Get(href.c_str(), page(safety_));
  ASSERT_TRUE(shown);
  EXPECT_TRUE(contains(shown->body, "20 Nov 2026"));
  EXPECT_FALSE(contains(shown->body, "Acknowledge the notice")) << "acknowledged once";
  EXPECT_EQ(notice("FSN-PAGE-1")["acknowledgement"].value("acknowledgement", ""),
            "Packs quarantined.");
}

}  // namespace
}  // namespace vertebro::http_test
