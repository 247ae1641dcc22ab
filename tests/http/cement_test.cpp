// The cement catalogue and the lot register through the real server, over the demonstration
// data (three products, one with two IFU versions; lots in date, expired and recalled): the
// API (201 with Location, 409 naming the registered lot, 403 for a role that may not change
// the register, 422 naming the scan and saying what is wrong with it) and the pages (the IFU
// steps in order, Expired and Recalled named, the NHS.UK error summary, a recall made through
// its form). HTG3-1.2-CEMENT; hazards H-055 to H-057.

#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

class CementTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    safety_ = api_sign_in("safety");
  }

  static httplib::Headers page(const ApiSession& s) { return cookie("vb_session=" + s.token); }

  httplib::Result post(const ApiSession& s, const std::string& p, const Json& body) {
    return client()->Post(p.c_str(), bearer(s.token), body.dump(), "application/json");
  }

  ApiSession safety_;
};

TEST_F(CementTest, ApiRegistersScannedLotsAndRecallsThemOnce) {
  auto products = client()->Get("/api/v1/cement-products", bearer(safety_.token));
  ASSERT_TRUE(products);
  ASSERT_EQ(products->status, 200);
  const Json items = json_of(*products)["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].value("current_ifu_version", 0), 2);

  // A GS1-128 scan with its symbology identifier and a GS after the lot.
  const std::string scan = "]C1010950600013435210DEMO-NEW\x1d" "17301200";
  auto made = post(safety_, "/api/v1/cement-lots", {{"scan", scan}});
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  const Json lot = json_of(*made);
  EXPECT_EQ(lot.value("lot", ""), "DEMO-NEW");
  EXPECT_EQ(lot.value("expiry", ""), "2030-12-31");
  EXPECT_EQ(lot.value("status_today", ""), "usable");
  const std::string location = made->get_header_value("Location");
  EXPECT_EQ(location, "/api/v1/cement-lots/" + std::to_string(lot.value("id", 0)));

  auto again = post(safety_, "/api/v1/cement-lots", {{"scan", scan}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(json_of(*again)["error"].value("existing", ""), location);

  auto bad = post(safety_, "/api/v1/cement-lots", {{"scan", "(01)09506000134353(10)X"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  const Json field = json_of(*bad)["error"]["fields"][0];
  EXPECT_EQ(field.value("field", ""), "scan");
  EXPECT_TRUE(contains(field.value("message", ""), "check digit should be 2"));

  auto nurse = post(api_sign_in("nurse"), "/api/v1/cement-lots", {{"scan", scan}});
  ASSERT_TRUE(nurse);
  EXPECT_EQ(nurse->status, 403);

  const Json recall = {{"recalled_on", "2026-01-02"},
                       {"reason", "Field safety notice"},
                       {"notice", "FSN-T-1"}};
  auto recalled = post(safety_, location + "/recall", recall);
  ASSERT_TRUE(recalled);
  ASSERT_EQ(recalled->status, 200) << recalled->body;
  EXPECT_EQ(json_of(*recalled).value("status_today", ""), "recalled");
  EXPECT_EQ(json_of(*recalled)["recall"].value("notice", ""), "FSN-T-1");
  auto twice = post(safety_, location + "/recall", recall);
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 409);
}

TEST_F(CementTest, PagesShowInstructionsAndLotStatesWithErrorSummaries) {
  auto catalogue = client()->Get("/cement", page(api_sign_in("surgeon")));
  ASSERT_TRUE(catalogue);
  ASSERT_EQ(catalogue->status, 200);
  EXPECT_TRUE(contains(catalogue->body, "Demonstration PMMA bone cement, high viscosity"));
  EXPECT_FALSE(contains(catalogue->body, "Add a cement product"));  // an operator reads only

  auto product = client()->Get("/cement/1", page(safety_));
  ASSERT_TRUE(product);
  ASSERT_EQ(product->status, 200);
  EXPECT_TRUE(contains(product->body, "Instructions for use, version 2"));
  EXPECT_TRUE(contains(product->body, "<li>Mix for 60 seconds at about one turn per second</li>"));
  EXPECT_TRUE(contains(product->body, "Version 1: DEMO-IFU-HV rev B"));

  auto lots = client()->Get("/cement/lots", page(safety_));
  ASSERT_TRUE(lots);
  ASSERT_EQ(lots->status, 200);
  EXPECT_TRUE(contains(lots->body, ">Expired</strong>"));
  EXPECT_TRUE(contains(lots->body, ">Recalled</strong>"));

  // A bad scan: the form again with the error summary naming the scan, the scan kept.
  auto bad = client()->Post("/cement/lots/new", page(safety_),
                            httplib::Params{{"csrf", safety_.csrf},
                                            {"scan", "(01)09506000134383(17)300100(10)Q1"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(contains(bad->body, "href=\"#scan\""));
  EXPECT_TRUE(contains(bad->body, "is not in the catalogue"));
  EXPECT_TRUE(contains(bad->body, "href=\"/cement/new?gtin=09506000134383\""));
  EXPECT_TRUE(contains(bad->body, "value=\"(01)09506000134383(17)300100(10)Q1\""));

  auto made = client()->Post("/cement/lots/new", page(safety_),
                             httplib::Params{{"csrf", safety_.csrf},
                                             {"gtin", "09506000134376"},
                                             {"lot", "LV-PAGE"},
                                             {"expiry", "2030-01-31"}});
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 303) << made->body.substr(0, 400);
  const std::string href = made->get_header_value("Location").substr(
      0, made->get_header_value("Location").find('?'));
  auto empty = client()->Post((href + "/recall").c_str(), page(safety_),
                              httplib::Params{{"csrf", safety_.csrf}, {"recalled_on", ""}});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 422);
  EXPECT_TRUE(contains(empty->body, "href=\"#recalled_on\""));
  EXPECT_TRUE(contains(empty->body, "href=\"#reason\""));
  auto recalled = client()->Post((href + "/recall").c_str(), page(safety_),
                                 httplib::Params{{"csrf", safety_.csrf},
                                                 {"recalled_on", "2026-01-05"},
                                                 {"reason", "Seal failure"}});
  ASSERT_TRUE(recalled);
  ASSERT_EQ(recalled->status, 303);
  auto shown = client()->Get(href.c_str(), page(safety_));
  ASSERT_TRUE(shown);
  EXPECT_TRUE(contains(shown->body, "Seal failure"));
  EXPECT_TRUE(contains(shown->body, "Do not use this lot."));
  EXPECT_FALSE(contains(shown->body, "Recall this lot</a>"));
}

TEST_F(CementTest, ANewPackSizesGtinIsAddedToItsProductOnce) {
  auto products = client()->Get("/api/v1/cement-products", bearer(safety_.token));
  ASSERT_TRUE(products);
  const Json items = json_of(*products)["items"];
  ASSERT_GE(items.size(), 2u);
  const std::int64_t first = items[0].value("id", 0), second = items[1].value("id", 0);
  const std::string path = "/api/v1/cement-products/" + std::to_string(first) + "/codes";

  auto nurse = post(api_sign_in("nurse"), path, {{"gtin", "09506000134390"}});
  ASSERT_TRUE(nurse);
  EXPECT_EQ(nurse->status, 403);
  auto wrong = post(safety_, path, {{"gtin", "09506000134391"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 422);
  EXPECT_TRUE(names_field(json_of(*wrong), "gtin")) << wrong->body;
  EXPECT_TRUE(contains(wrong->body, "the check digit should be 0")) << wrong->body;
  auto taken = post(safety_, path, {{"gtin", items[1]["gtins"][0].get<std::string>()}});
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->status, 422);
  EXPECT_TRUE(contains(taken->body, "already belongs to")) << taken->body;

  // A scan as the scanner types it: its GTIN is added, and a lot of it then finds the product.
  auto added = post(safety_, path, {{"scan", "]C1010950600013439017301231"}});
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 200) << added->body;
  const Json product = json_of(*added);
  EXPECT_NE(std::find(product["gtins"].begin(), product["gtins"].end(), "09506000134390"),
            product["gtins"].end())
      << added->body;
  auto twice = post(safety_, path, {{"gtin", "9506000134390"}});
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 422);
  EXPECT_TRUE(contains(twice->body, "already this product's")) << twice->body;
  auto lot = post(safety_, "/api/v1/cement-lots",
                  {{"scan", "(01)09506000134390(17)301231(10)NEWPACK-1"}});
  ASSERT_TRUE(lot);
  ASSERT_EQ(lot->status, 201) << lot->body;
  EXPECT_EQ(json_of(*lot).value("product_id", 0), first) << lot->body;

  // The page: an unknown GTIN on the new-product form offers the products it may belong to.
  auto offer = client()->Get("/cement/new?gtin=09506000134406", page(safety_));
  ASSERT_TRUE(offer);
  const std::string to_second =
      "/cement/" + std::to_string(second) + "/codes/new?gtin=09506000134406";
  EXPECT_TRUE(contains(offer->body, to_second)) << "offers to add it to a product";
  auto form = client()->Get(to_second.c_str(), page(safety_));
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  EXPECT_TRUE(contains(form->body, "value=\"09506000134406\""));
  auto bad = client()->Post(("/cement/" + std::to_string(second) + "/codes/new").c_str(),
                            page(safety_),
                            httplib::Params{{"csrf", safety_.csrf}, {"gtin", "0950600013440"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(contains(bad->body, "href=\"#gtin\""));
  EXPECT_TRUE(contains(bad->body, "value=\"0950600013440\"")) << "what was typed stays";
  auto saved = client()->Post(("/cement/" + std::to_string(second) + "/codes/new").c_str(),
                              page(safety_),
                              httplib::Params{{"csrf", safety_.csrf}, {"gtin", "09506000134406"}});
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 303) << saved->body;
  auto shown = client()->Get(("/cement/" + std::to_string(second)).c_str(), page(safety_));
  ASSERT_TRUE(shown);
  EXPECT_TRUE(contains(shown->body, "09506000134406"));

  const auto audit = server().audit_all();
  EXPECT_EQ(std::count_if(audit.begin(), audit.end(),
                          [](const auto& e) {
                            return e.record_type == "cement_product" && e.action == "update" &&
                                   e.detail.find("added_code") != std::string::npos;
                          }),
            2);
}

}  // namespace
}  // namespace vertebro::http_test
