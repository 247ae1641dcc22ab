// HTTP tests of the HTG3 outcomes report (issue 15; app/audit_reports.h): the page with its
// filter, the downloads (HTML, PDF, CSV, XLSX) and the API, who may see them, bad input named
// by field, and figures that follow the records (the derived rows are worked out again after a
// change, by the database's triggers). The server's clock is 2026-11-25; the demonstration
// data has no procedure on that day, so a report of that day counts only the test's own.

#include <algorithm>

#include "app/report_measures.h"
#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

constexpr const char* kToday = "from=2026-11-25&to=2026-11-25";

class ReportTest : public PathwayTest {
 protected:
  void SetUp() override {
    PathwayTest::SetUp();
    if (HasFatalFailure()) return;
    governance_ = api_sign_in("governance");
  }
  // An episode whose procedure is recorded today, with a leak at T12 or not.
  std::int64_t treated(bool leak) {
    const std::int64_t id = episode_at_procedure();
    Json doc = procedure("2026-11-25");
    if (leak) {
      doc["levels"]["T12"]["leakage"] = {"B"};
      doc["levels"]["T12"]["leakage_symptomatic"] = "no";
      doc["levels"]["T12"]["leakage_detected_by"] = "fluoroscopy";
    }
    expect_status(put_form(operator_, id, "procedure", doc), 200);
    EXPECT_EQ(state(id), "follow_up");
    return id;
  }
  Json report(const std::string& query) {
    auto r = client()->Get("/api/v1/reports/htg3?" + query, bearer(governance_.token));
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    return json_of(*r);
  }
  // The outcomes table's row of a measure ("Cement leakage").
  static Json row(const Json& body, const std::string& measure) {
    for (const auto& r : body["tables"]["outcomes"]["rows"]) {
      if (r["measure"] == measure) return r;
    }
    ADD_FAILURE() << "no row " << measure;
    return {};
  }
  std::size_t report_reads() const {
    const auto all = server().audit_all();
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](const auto& e) {
      return e.action == "list" && e.record_type == "report";
    }));
  }
  ApiSession governance_;
};

TEST_F(ReportTest, CountsTheDaysProceduresAndFollowsLaterChanges) {
  const std::int64_t leaked = treated(true);
  const std::int64_t clean = treated(false);
  ASSERT_GT(leaked, 0);
  Json body = report(kToday);
  EXPECT_EQ(body["facts"]["Procedures"], "2");
  Json leak = row(body, "Cement leakage");
  EXPECT_EQ(leak["requirement"], "HTG3-SAFE-LEAK");
  EXPECT_EQ(leak["numerator"], 1);
  EXPECT_EQ(leak["denominator"], 2);
  EXPECT_EQ(leak["missing"], 0);
  EXPECT_DOUBLE_EQ(leak["rate"].get<double>(), 0.5);
  EXPECT_EQ(leak["verdict"], "Too few answers to say (fewer than 10)");
  // Nobody is due a 1-month follow-up yet: not expected, not missing, and no rate.
  Json pain = row(body, "Some pain relief");
  EXPECT_EQ(pain["time_point"], "1 month");
  EXPECT_EQ(pain["not_expected"], 2);
  EXPECT_EQ(pain["missing"], 0);
  EXPECT_EQ(pain["denominator"], 0);
  EXPECT_TRUE(pain["rate"].is_null());
  EXPECT_EQ(pain["verdict"], "Nothing to count yet");
  // The operator's funnel row names the signed-off surgeon with both cases.
  ASSERT_EQ(body["tables"]["operator_funnel"]["rows"].size(), 1u);
  EXPECT_EQ(body["tables"]["operator_funnel"]["rows"][0]["n"], 2);

  // A symptomatic leak treated further, recorded afterwards on the clean episode, counts at once.
  Json event = {{"type", "symptomatic_cement_leakage"},
                {"event_date", "2026-11-25"},
                {"detected", "before_discharge"},
                {"severity", "moderate"},
                {"further_intervention", true},
                {"intervention", "CT, then a nerve root block"},
                {"device", "cement"},
                {"level", "T12"},
                {"cement_unit", 1},
                {"outcome", "recovering"},
                {"description", "Root pain an hour after the procedure"}};
  auto c = client()->Post(path(clean, "complications"), bearer(operator_.token), event.dump(),
                          "application/json");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->status, 201) << c->body;
  body = report(kToday);
  EXPECT_EQ(row(body, "Cement leakage")["numerator"], 2);
  EXPECT_EQ(row(body, "Leakage needing further intervention")["numerator"], 1);
  EXPECT_EQ(row(body, "Paraplegia")["numerator"], 0);
  EXPECT_EQ(row(body, "Paraplegia")["denominator"], 2);
}

TEST_F(ReportTest, MarkedEpisodesAreWorkedOutInShortTransactionsOfTheirOwn) {
  // Every procedure marked (as after an upgrade): worked out 3 at a time, none left over, and
  // the report reads the same figures as before.
  const Json before = report("from=2024-01-01&to=2026-11-25");
  std::size_t marked = 0;
  auto s = server().ctx().write([&](store::Tx& tx) -> Status {
    if (auto m = tx.mark_all_report_stale(); !m) return m;
    auto stale = tx.report_stale_episodes(1000000);
    if (!stale) return std::move(stale).error();
    marked = stale->size();
    return {};
  });
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_GT(marked, 6u) << "the demonstration data's procedures, more than two batches";
  auto done = app::catch_up_report_rows(server().ctx(), 3);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(*done, static_cast<std::int64_t>(marked));
  s = server().ctx().read([&](store::Tx& tx) -> Status {
    auto stale = tx.report_stale_episodes(10);
    if (!stale) return std::move(stale).error();
    EXPECT_TRUE(stale->empty());
    return {};
  });
  ASSERT_TRUE(s) << s.error().message;
  const Json after = report("from=2024-01-01&to=2026-11-25");
  EXPECT_EQ(after["tables"]["outcomes"], before["tables"]["outcomes"]);
  EXPECT_EQ(after["facts"]["Procedures"], before["facts"]["Procedures"]);
}

TEST_F(ReportTest, ComplianceCountsGatesConditionsAndOverridesWithTheirEpisodes) {
  const std::int64_t clean = treated(false);
  // A second procedure recorded the day after the site's surgery arrangement lapsed: blocked
  // once, then recorded with an override of HTG3-1.2-SURGERY.
  const std::int64_t id = episode_at_mdt();
  discuss_at_mdt(id);
  expect_status(move(coordinator_, id, "consent"), 200);
  expect_status(put_form(operator_, id, "consent", full_consent()), 200);
  const app::Actor admin = actor_of(api_sign_in("admin"));
  ASSERT_TRUE(app::set_site_surgery(server().ctx(), admin, SiteId{site1_},
                                    {"arrangement", "Northgate spinal surgery", "2026-11-24"})
                  .ok());
  auto planned = client()->Post(
      path(id, "transitions"), with(bearer(operator_.token), "If-Match", quoted(version(id))),
      Json{{"to", "procedure"}, {"planned_procedure_date", "2026-11-24"}}.dump(),
      "application/json");
  expect_status(planned, 200);
  expect_status(put_form(operator_, id, "procedure", procedure("2026-11-25")), 422);
  Json with_reason = procedure("2026-11-25");
  with_reason["override_reason"] = "Renewal agreed by the clinical director; register not updated";
  expect_status(put_form(operator_, id, "procedure", with_reason), 200);
  surgery_on_site();

  const Json body = report(kToday);
  auto compliance_row = [&](const std::string& key) {
    for (const auto& r : body["tables"]["compliance"]["rows"]) {
      if (r["key"] == key) return r;
    }
    ADD_FAILURE() << "no compliance row " << key;
    return Json();
  };
  const Json recorded = compliance_row("procedure_recorded");
  EXPECT_EQ(recorded["met"], 1);
  EXPECT_EQ(recorded["not_met"], 1) << "overridden";
  EXPECT_EQ(recorded["total"], 2);
  EXPECT_DOUBLE_EQ(recorded["share"].get<double>(), 0.5);
  EXPECT_EQ(compliance_row("consent_to_procedure")["met"], 2);
  const Json surgery = compliance_row("HTG3-1.2-SURGERY");
  EXPECT_EQ(surgery["met"], 1);
  EXPECT_EQ(surgery["not_met"], 1);
  EXPECT_EQ(compliance_row("HTG3-1.2-MDT")["met"], 2);
  EXPECT_EQ(compliance_row("HTG3-1.1")["met"], 2);
  // Nobody is due the 1-month follow-up: nothing missing, no share.
  const Json follow_up = compliance_row("1 month");
  EXPECT_EQ(follow_up["total"], 0);
  EXPECT_TRUE(follow_up["share"].is_null());

  ASSERT_EQ(body["tables"]["overrides"]["rows"].size(), 1u);
  EXPECT_EQ(body["tables"]["overrides"]["rows"][0]["requirement"], "HTG3-1.2-SURGERY");
  EXPECT_EQ(body["tables"]["overrides"]["rows"][0]["procedures"], 1);

  // The episodes behind the shortfalls: only the overridden one, with the reason.
  const Json& shortfalls = body["tables"]["shortfalls"]["rows"];
  ASSERT_FALSE(shortfalls.empty());
  for (const auto& r : shortfalls) {
    EXPECT_EQ(r["episode"], id) << r.dump();
    EXPECT_NE(r["episode"], clean);
  }
  bool told = false;
  for (const auto& r : shortfalls) {
    if (r["shortfall"] == "Procedure recorded: passed by an override") {
      told = true;
      EXPECT_EQ(r["detail"],
                "Overrode HTG3-1.2-SURGERY. Reason: Renewal agreed by the clinical director; "
                "register not updated");
    }
  }
  EXPECT_TRUE(told) << shortfalls.dump(2);
  // The report's audit entry names the episode it listed, so its access log shows the report.
  const auto all = server().audit_all();
  const auto entry = std::find_if(all.rbegin(), all.rend(), [](const auto& e) {
    return e.action == "list" && e.record_type == "report";
  });
  ASSERT_NE(entry, all.rend());
  EXPECT_EQ(Json::parse(entry->detail)["episodes"], Json::array({id}));
}

TEST_F(ReportTest, AnEmptyRangeSaysSoAndDividesByNothing) {
  Json body = report("from=2001-01-01&to=2001-12-31");
  EXPECT_EQ(body["facts"]["Procedures"], "0");
  for (const auto& r : body["tables"]["outcomes"]["rows"]) {
    EXPECT_EQ(r["denominator"], 0) << r["measure"];
    EXPECT_TRUE(r["rate"].is_null()) << r["measure"];
    EXPECT_EQ(r["verdict"], "Nothing to count yet") << r["measure"];
  }
  EXPECT_TRUE(body["tables"]["operator_funnel"]["rows"].empty());

  auto page = client()->Get("/reports/htg3?from=2001-01-01&to=2001-12-31",
                            page_cookie(api_sign_in("governance")));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("No procedure is recorded in this range"), std::string::npos);
  EXPECT_NE(page->body.find("Nothing to plot: no operators had any procedures."), std::string::npos) << "the funnel says so";
}

TEST_F(ReportTest, PageShowsTheTableAndChartsAndIsAudited) {
  treated(true);
  const auto before = report_reads();
  auto r = client()->Get(std::string("/reports/htg3?") + kToday, page_cookie(api_sign_in("governance")));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  for (const char* expected :
       {"HTG3 outcomes report", "id=\"table-outcomes\"", "HTG3-EFF-PAIN", "HTG3-SAFE-LEAK",
        "58% to 97%", "<svg", "funnel-operators-title", "survival-new-fracture-title",
        "/reports/htg3.pdf?", "/reports/htg3.xlsx?",
        "href=\"/reports/htg3\" aria-current=\"page\""}) {
    EXPECT_NE(r->body.find(expected), std::string::npos) << expected;
  }
  EXPECT_EQ(report_reads(), before + 1);
}

TEST_F(ReportTest, OnlyRolesThatAnswerForResultsSeeReports) {
  for (const char* user : {"nurse", "coordinator"}) {
    auto page = client()->Get("/reports/htg3", page_cookie(api_sign_in(user)));
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 403) << user;
    const ApiSession s = api_sign_in(user);
    auto api = client()->Get("/api/v1/reports/htg3", bearer(s.token));
    ASSERT_TRUE(api);
    EXPECT_EQ(api->status, 403) << user;
    EXPECT_EQ(json_of(*api)["error"]["code"], "forbidden") << api->body;
  }
  for (const char* user : {"governance", "surgeon", "trainer", "safety", "admin"}) {
    auto page = client()->Get("/reports/htg3", page_cookie(api_sign_in(user)));
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200) << user;
  }
  auto anonymous = client()->Get("/api/v1/reports/htg3");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

TEST_F(ReportTest, BadInputIsRefusedNamingTheField) {
  struct Case {
    const char* query;
    const char* field;
  };
  for (const Case& c : {Case{"from=2026-13-01", "from"}, Case{"to=yesterday", "to"},
                        Case{"from=2026-06-01&to=2026-01-01", "to"},
                        Case{"site=abc", "site"}, Case{"operator=-4", "operator"},
                        Case{"indication=fracture", "indication"},
                        Case{"time_point=fortnight", "time_point"},
                        Case{"time_point=2-months", "time_point"},
                        Case{"measure=happiness", "measure"}, Case{"method=guess", "method"},
                        Case{"site=999", "site"}, Case{"operator=999", "operator"}}) {
    auto api = client()->Get(std::string("/api/v1/reports/htg3?") + c.query,
                             bearer(governance_.token));
    ASSERT_TRUE(api);
    EXPECT_EQ(api->status, 422) << c.query << ": " << api->body;
    const Json body = json_of(*api);
    ASSERT_TRUE(body["error"]["fields"].is_array()) << api->body;
    EXPECT_EQ(body["error"]["fields"][0]["field"], c.field) << c.query;
  }
  // The page shows the form again with the field marked, and the default report under it.
  auto page = client()->Get("/reports/htg3?from=2026-13-01", page_cookie(api_sign_in("governance")));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 422);
  EXPECT_NE(page->body.find("nhsuk-error-summary"), std::string::npos);
  EXPECT_NE(page->body.find("href=\"#from\""), std::string::npos);
  EXPECT_NE(page->body.find("value=\"2026-13-01\""), std::string::npos) << "kept as typed";
  EXPECT_NE(page->body.find("id=\"table-outcomes\""), std::string::npos);
}

TEST_F(ReportTest, DownloadsHoldTheSameFiguresInEveryFormat) {
  treated(true);
  treated(false);
  const auto session = page_cookie(api_sign_in("governance"));
  const std::string q = std::string("?") + kToday;

  auto csv = client()->Get("/reports/htg3.csv" + q, session);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200) << csv->body;
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv->get_header_value("Content-Disposition")
                .find("htg3-report-2026-11-25-to-2026-11-25.csv"),
            std::string::npos);
  EXPECT_NE(csv->body.find("table,outcomes\r\n"), std::string::npos);
  EXPECT_NE(csv->body.find("HTG3-SAFE-LEAK,Cement leakage,any time,2,0,1,2,0,0.5,"),
            std::string::npos)
      << csv->body;

  auto html = client()->Get("/reports/htg3.html" + q, session);
  ASSERT_TRUE(html);
  ASSERT_EQ(html->status, 200);
  EXPECT_EQ(html->body.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html->body.find("<svg"), std::string::npos);
  EXPECT_NE(html->body.find("Demonstration data"), std::string::npos);
  // One file: nothing loaded from anywhere.
  for (const char* external : {"<script", "<link", "src=\"http", "url(http", "<img"}) {
    EXPECT_EQ(html->body.find(external), std::string::npos) << external;
  }

  auto xlsx = client()->Get("/reports/htg3.xlsx" + q, session);
  ASSERT_TRUE(xlsx);
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.rfind("PK\x03\x04", 0), 0u);
  EXPECT_NE(xlsx->body.find("xl/worksheets/sheet2.xml"), std::string::npos);

  auto pdf = client()->Get("/reports/htg3.pdf" + q, session);
  ASSERT_TRUE(pdf);
  ASSERT_EQ(pdf->status, 200) << pdf->body.substr(0, 500);
  EXPECT_EQ(pdf->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(pdf->body.rfind("%PDF-", 0), 0u);

  auto bad = client()->Get("/reports/htg3.csv?from=nonsense", session);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
}

}  // namespace
}  // namespace vertebro::http_test
