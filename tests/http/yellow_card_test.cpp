// HTTP tests of Yellow Card reports (issue 12; HTG3-YELLOWCARD): the device safety officer
// prepares a report from a device-related complication, prefilled from it and the cement pack;
// saves a draft, submits it with the regulator's reference, closes it; exports it as PDF
// (printed by Chromium, read back with pdftotext), JSON and CSV with only the patient's age and
// sex; bad input refused with nothing saved; nobody else sees reports. The server's clock is
// 2026-11-25T10:00:00Z.

#include <cstdio>
#include <fstream>

#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

constexpr const char* kFamily = "Pathwayson";

class YellowCardTest : public PathwayTest {
 protected:
  void SetUp() override {
    PathwayTest::SetUp();
    if (HasFatalFailure()) return;
    safety_ = api_sign_in("safety");
  }

  // A complication of a new episode's procedure today: a symptomatic leak of the cement
  // (`device`), or of none.
  std::int64_t complication(const std::string& device = "cement") {
    const std::int64_t id = episode_at_procedure();
    last_episode_ = id;
    expect_status(put_form(operator_, id, "procedure", procedure("2026-11-25")), 200);
    Json c = {{"type", "symptomatic_cement_leakage"},
              {"event_date", "2026-11-25"},
              {"detected", "before_discharge"},
              {"severity", "moderate"},
              {"further_intervention", true},
              {"intervention", "Nerve root block"},
              {"device", device},
              {"level", "T12"},
              {"outcome", "recovering"}};
    if (device == "cement") c["cement_unit"] = 1;
    auto r = client()->Post(path(id, "complications"), bearer(operator_.token), c.dump(),
                            "application/json");
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    return r && r->status == 201 ? json_of(*r)["id"].get<std::int64_t>() : 0;
  }

  // A complete report of complication `c` with `status`.
  static Json report(std::int64_t c, const std::string& status = "draft") {
    return {{"complication_id", c},
            {"status", status},
            {"reporter_name", "Sol Safety"},
            {"reporter_role", "Medical device safety officer"},
            {"reporter_contact", "01234 567890"},
            {"organisation", "Test hospital"},
            {"nation", "scotland"},
            {"device_type", "cement"},
            {"device_name", "Test PMMA cement"},
            {"manufacturer", "Test Medical Ltd"},
            {"lot", "LOT-2026-0417"},
            {"marking", "ukca"},
            {"device_location", "kept_by_unit"},
            {"incident_date", "2026-11-25"},
            {"awareness_date", "2026-11-25"},
            {"location", "Radiology suite"},
            {"description", "Cement in the left T12 foramen, root pain"},
            {"patient_outcome", "Recovering after a root block"}};
  }

  httplib::Result post(const ApiSession& s, const Json& body) {
    return client()->Post("/api/v1/yellow-card-reports", bearer(s.token), body.dump(),
                          "application/json");
  }
  httplib::Result put(const ApiSession& s, std::int64_t id, const Json& body,
                      const std::string& if_match) {
    return client()->Put("/api/v1/yellow-card-reports/" + std::to_string(id),
                         with(bearer(s.token), "If-Match", if_match), body.dump(),
                         "application/json");
  }
  Json get(std::int64_t id) {
    auto r = client()->Get("/api/v1/yellow-card-reports/" + std::to_string(id),
                           bearer(safety_.token));
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r ? json_of(*r) : Json();
  }
  std::size_t reports_of(std::int64_t complication) {
    auto r = client()->Get("/api/v1/yellow-card-reports", bearer(safety_.token));
    EXPECT_TRUE(r && r->status == 200);
    std::size_t n = 0;
    if (!r) return n;
    const Json body = json_of(*r);
    for (const auto& item : body["reports"]) n += item["complication_id"] == complication;
    return n;
  }
  // A document of report `saved` to send back with PUT, with `changes` over it.
  static Json changed(const Json& saved, const Json& changes) {
    Json doc = saved["document"];
    for (const char* derived : {"patient_age", "patient_sex", "route"}) doc.erase(derived);
    doc.update(changes);
    return doc;
  }

  ApiSession safety_;
  std::int64_t last_episode_ = 0;  // the episode of the latest complication()
};

// The pathway's complication row says what became of a device-related event's report, with a
// link for the device safety officer only.
TEST_F(YellowCardTest, ThePathwayShowsWhatBecameOfTheEventsReport) {
  const std::int64_t c = complication();
  ASSERT_NE(c, 0);
  const std::string pathway = "/episodes/" + std::to_string(last_episode_) + "/pathway";
  auto page = client()->Get(pathway, page_cookie(safety_));
  ASSERT_TRUE(page && page->status == 200);
  EXPECT_TRUE(contains(page->body, "No Yellow Card report yet"));
  EXPECT_TRUE(contains(page->body, "/yellow-card/new?complication=" + std::to_string(c)));
  auto r = post(safety_, report(c, "draft"));
  ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "");
  page = client()->Get(pathway, page_cookie(safety_));
  ASSERT_TRUE(page && page->status == 200);
  EXPECT_TRUE(contains(page->body, "Yellow Card report: draft"));
  EXPECT_TRUE(contains(page->body, "/yellow-card/" + std::to_string(json_of(*r)["id"].get<std::int64_t>())));
  // The operator sees the status, without a link to the report.
  page = client()->Get(pathway, page_cookie(operator_));
  ASSERT_TRUE(page && page->status == 200);
  EXPECT_TRUE(contains(page->body, "Yellow Card report: draft"));
  EXPECT_FALSE(contains(page->body, "href=\"/yellow-card/"));
}

TEST_F(YellowCardTest, OfficerPreparesSubmitsAndClosesAReportWithOnlyAgeAndSex) {
  const std::int64_t c = complication();
  ASSERT_NE(c, 0);
  // The event waits in the officer's list until a report is made.
  {
    auto r = client()->Get("/api/v1/yellow-card-reports", bearer(safety_.token));
    ASSERT_TRUE(r && r->status == 200);
    const Json body = json_of(*r);
    bool waiting = false;
    for (const auto& e : body["unreported"]) waiting = waiting || e["complication_id"] == c;
    EXPECT_TRUE(waiting);
  }
  // The new report's page is prefilled from the event and the cement pack.
  auto page = client()->Get("/yellow-card/new?complication=" + std::to_string(c),
                            page_cookie(safety_));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body.substr(0, 600);
  EXPECT_NE(page->body.find("LOT-2026-0417"), std::string::npos);
  EXPECT_NE(page->body.find("Symptomatic cement leakage"), std::string::npos);

  // A draft needs little more than the device.
  Json draft = {{"complication_id", c},
                {"status", "draft"},
                {"device_type", "cement"},
                {"device_name", "Test PMMA cement"},
                {"manufacturer", "Test Medical Ltd"},
                {"incident_date", "2026-11-25"}};
  auto r = post(safety_, draft);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  Json saved = json_of(*r);
  const std::int64_t id = saved["id"];
  EXPECT_EQ(saved["status"], "draft");
  EXPECT_EQ(r->get_header_value("ETag"), "\"1\"");
  // Only the age at the incident and the sex come from the patient record.
  EXPECT_TRUE(saved["document"]["patient_age"].is_number_integer());
  EXPECT_FALSE(saved["document"]["patient_sex"].get<std::string>().empty());
  EXPECT_EQ(r->body.find(kFamily), std::string::npos);
  EXPECT_EQ(reports_of(c), 1u);

  // Submitting needs every answer and the regulator's reference.
  Json submit = changed(saved, report(c, "submitted"));
  submit.erase("complication_id");
  auto missing = put(safety_, id, submit, "\"1\"");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 422);
  EXPECT_NE(missing->body.find("regulator_reference"), std::string::npos);
  EXPECT_NE(missing->body.find("submitted_on"), std::string::npos);
  EXPECT_EQ(get(id)["status"], "draft");  // nothing saved
  submit["regulator_reference"] = "2026/011/025/291/001";
  submit["submitted_on"] = "2026-11-25";
  auto sent = put(safety_, id, submit, "\"1\"");
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->status, 200) << sent->body;
  saved = json_of(*sent);
  EXPECT_EQ(saved["status"], "submitted");
  EXPECT_EQ(saved["regulator_reference"], "2026/011/025/291/001");
  EXPECT_EQ(saved["document"]["route"],
            "Incident Reporting and Investigation Centre, Health Facilities Scotland");
  // It cannot go back to draft; a stale version changes nothing.
  auto back = put(safety_, id, changed(saved, {{"status", "draft"}}), "\"2\"");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 422);
  EXPECT_NE(back->body.find("cannot go back to draft"), std::string::npos);
  auto stale = put(safety_, id, changed(saved, {{"actions_taken", "Lot quarantined"}}), "\"1\"");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 412);

  // The exports: JSON and CSV carry the answers without identifiers, and so does the PDF.
  auto js = client()->Get("/yellow-card/" + std::to_string(id) + "/report.json",
                          page_cookie(safety_));
  ASSERT_TRUE(js && js->status == 200);
  EXPECT_EQ(json_of(*js)["regulator_reference"], "2026/011/025/291/001");
  auto csv = client()->Get("/yellow-card/" + std::to_string(id) + "/report.csv",
                           page_cookie(safety_));
  ASSERT_TRUE(csv && csv->status == 200);
  EXPECT_EQ(csv->body.rfind("report_id,status,route,", 0), 0u) << csv->body.substr(0, 200);
  EXPECT_NE(csv->body.find("Test PMMA cement"), std::string::npos);
  auto pdf = client()->Get("/yellow-card/" + std::to_string(id) + "/report.pdf",
                           page_cookie(safety_));
  ASSERT_TRUE(pdf);
  ASSERT_EQ(pdf->status, 200) << pdf->body.substr(0, 400);
  EXPECT_EQ(pdf->get_header_value("Content-Type"), "application/pdf");
  ASSERT_EQ(pdf->body.rfind("%PDF-", 0), 0u);
  const std::string file = ::testing::TempDir() + "yellow-card-" + std::to_string(id) + ".pdf";
  {
    std::ofstream out(file, std::ios::binary);
    out << pdf->body;
  }
  std::string text;
  if (FILE* p = ::popen(("pdftotext -layout '" + file + "' -").c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    EXPECT_EQ(::pclose(p), 0);
  }
  std::remove(file.c_str());
  // pdftotext keeps the page's line breaks: compare words, not lines.
  for (char& ch : text) ch = ch == '\n' ? ' ' : ch;
  for (auto at = text.find("  "); at != std::string::npos; at = text.find("  ")) text.erase(at, 1);
  EXPECT_NE(text.find("Test PMMA cement"), std::string::npos) << text.substr(0, 400);
  EXPECT_NE(text.find("2026/011/025/291/001"), std::string::npos);
  EXPECT_NE(text.find("Health Facilities Scotland"), std::string::npos);
  for (const auto* body : {&js->body, &csv->body, &text}) {
    EXPECT_EQ(body->find(kFamily), std::string::npos);
    EXPECT_EQ(body->find("date_of_birth"), std::string::npos);
  }

  // Closed, it is final.
  auto close = put(safety_, id,
                   changed(saved, {{"status", "closed"}, {"closed_on", "2026-11-25"},
                                   {"closing_note", "Manufacturer's investigation received"}}),
                   "\"2\"");
  ASSERT_TRUE(close);
  ASSERT_EQ(close->status, 200) << close->body;
  auto after = put(safety_, id, changed(json_of(*close), {{"actions_taken", "More"}}), "\"3\"");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 409);
  EXPECT_EQ(get(id)["version"], 3);

  // Every read and change is on the episode's audit trail.
  const auto trail = server().audit_all();
  int reads = 0, changes = 0;
  for (const auto& e : trail) {
    if (e.detail.find("\"yellow_card\":" + std::to_string(id)) == std::string::npos) continue;
    (e.action == "read" ? reads : changes) += 1;
  }
  EXPECT_GE(reads, 4);  // the JSON, CSV and PDF exports, and the API read
  EXPECT_EQ(changes, 3);
}

TEST_F(YellowCardTest, RefusesAReportWithoutADeviceOrTwiceForOneEvent) {
  const std::int64_t none = complication("none");
  ASSERT_NE(none, 0);
  auto r = post(safety_, report(none));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("complication_id"), std::string::npos);
  EXPECT_NE(r->body.find("No device was involved"), std::string::npos);
  EXPECT_EQ(reports_of(none), 0u);
  auto page = client()->Get("/yellow-card/new?complication=" + std::to_string(none),
                            page_cookie(safety_));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 422);

  const std::int64_t c = complication();
  Json no_device = report(c);
  no_device.erase("device_name");
  auto blank = post(safety_, no_device);
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->status, 422);
  EXPECT_NE(blank->body.find("Enter the device name"), std::string::npos);
  Json misspelt = report(c);
  misspelt["lot_number"] = "X";
  auto unknown = post(safety_, misspelt);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 422);
  EXPECT_NE(unknown->body.find("lot_number"), std::string::npos);
  Json early = report(c);
  early["awareness_date"] = "2026-11-24";
  auto before = post(safety_, early);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 422);
  EXPECT_NE(before->body.find("awareness_date"), std::string::npos);
  EXPECT_EQ(reports_of(c), 0u);  // nothing half-saved

  ASSERT_EQ(post(safety_, report(c))->status, 201);
  auto twice = post(safety_, report(c));
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 409);
  EXPECT_EQ(reports_of(c), 1u);
}

TEST_F(YellowCardTest, ADraftClosedUnsentNeedsTheReasonAndWarnsOfADiscardedDevice) {
  const std::int64_t c = complication();
  Json discarded = report(c);
  discarded["device_location"] = "discarded";
  auto r = post(safety_, discarded);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const Json saved = json_of(*r);
  ASSERT_EQ(saved["warnings"].size(), 1u);
  EXPECT_NE(saved["warnings"][0].get<std::string>().find("may need to examine"),
            std::string::npos);
  const std::int64_t id = saved["id"];
  auto unsaid = put(safety_, id, changed(saved, {{"status", "closed"}, {"closed_on", "2026-11-25"}}),
                    "\"1\"");
  ASSERT_TRUE(unsaid);
  EXPECT_EQ(unsaid->status, 422);
  EXPECT_NE(unsaid->body.find("Enter the reason the event was not reported"), std::string::npos)
      << unsaid->body;
  auto closed = put(safety_, id,
                    changed(saved, {{"status", "closed"},
                                    {"closed_on", "2026-11-25"},
                                    {"closing_note", "Known, expected risk; no device fault"}}),
                    "\"1\"");
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->status, 200) << closed->body;
}

TEST_F(YellowCardTest, OnlyTheDeviceSafetyOfficerSeesReports) {
  for (const char* user : {"surgeon", "nurse", "admin", "governance"}) {
    const ApiSession s = api_sign_in(user);
    auto list = client()->Get("/api/v1/yellow-card-reports", bearer(s.token));
    ASSERT_TRUE(list);
    EXPECT_EQ(list->status, 403) << user;
    auto one = client()->Get("/api/v1/yellow-card-reports/1", bearer(s.token));
    ASSERT_TRUE(one);
    EXPECT_EQ(one->status, 403) << user;
    auto page = client()->Get("/yellow-card", page_cookie(s));
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 403) << user;
    EXPECT_EQ(page->body.find("href=\"/yellow-card\""), std::string::npos) << user;
  }
  // The officer's page lists the demonstration reports and the events awaiting one, with no
  // patient names.
  auto page = client()->Get("/yellow-card", page_cookie(safety_));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("DEMO-MHRA-0001"), std::string::npos);
  EXPECT_NE(page->body.find("Prepare a report"), std::string::npos);
  EXPECT_EQ(page->body.find("Ward"), std::string::npos);
  EXPECT_EQ(page->body.find("Cooper"), std::string::npos);
}

TEST_F(YellowCardTest, TheFormShowsItsErrorsAndSavesAReport) {
  const std::int64_t c = complication();
  const std::string html = client()
                               ->Get("/yellow-card/new?complication=" + std::to_string(c),
                                     page_cookie(safety_))
                               ->body;
  const std::string csrf = csrf_field(html);
  ASSERT_FALSE(csrf.empty());
  httplib::Params form = {{"csrf", csrf},
                          {"version", "0"},
                          {"complication_id", std::to_string(c)},
                          {"status", "submitted"},
                          {"device_type", "cement"},
                          {"device_name", "Test PMMA cement"},
                          {"manufacturer", "Test Medical Ltd"},
                          {"incident_date", "2026-11-25"}};
  auto bad = client()->Post("/yellow-card", page_cookie(safety_), form);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_NE(bad->body.find("nhsuk-error-summary"), std::string::npos);
  EXPECT_NE(bad->body.find("Enter the regulator"), std::string::npos);
  EXPECT_EQ(reports_of(c), 0u);
  form.erase(form.find("status"));
  form.emplace("status", "draft");
  auto good = client()->Post("/yellow-card", page_cookie(safety_), form);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 303);
  EXPECT_EQ(reports_of(c), 1u);
}

}  // namespace
}  // namespace vertebro::http_test
