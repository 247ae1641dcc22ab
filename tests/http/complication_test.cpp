// HTTP tests of complications and adverse events (issue 12): recorded one by one once the
// procedure is recorded (also after the episode has ended), with the cement pack and level they
// concern; bad input refused with nothing saved; who may record; the pathway page's list and
// form; the procedure form's old free-text field kept only where it was written. The server's
// clock is 2026-11-25T10:00:00Z.

#include <algorithm>

#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

class ComplicationTest : public PathwayTest {
 protected:
  // An episode in follow-up after a procedure today at T12 with one cement pack (lot
  // LOT-2026-0417).
  std::int64_t episode_in_follow_up() {
    const std::int64_t id = episode_at_procedure();
    expect_status(put_form(operator_, id, "procedure", procedure("2026-11-25")), 200);
    EXPECT_EQ(state(id), "follow_up");
    return id;
  }
  httplib::Result post_complication(const ApiSession& s, std::int64_t id, const Json& body) {
    return client()->Post(path(id, "complications"), bearer(s.token), body.dump(),
                          "application/json");
  }
  httplib::Result put_complication(const ApiSession& s, std::int64_t id, std::int64_t cid,
                                   const Json& body, const std::string& if_match) {
    return client()->Put(path(id, "complications/" + std::to_string(cid)),
                         with(bearer(s.token), "If-Match", if_match), body.dump(),
                         "application/json");
  }
  Json list(std::int64_t id) {
    auto r = client()->Get(path(id, "complications"), bearer(operator_.token));
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r ? json_of(*r)["items"] : Json();
  }
  // A symptomatic leak of the procedure's cement at T12, treated further.
  static Json leak() {
    return {{"type", "symptomatic_cement_leakage"},
            {"event_date", "2026-11-25"},
            {"detected", "before_discharge"},
            {"severity", "moderate"},
            {"further_intervention", true},
            {"intervention", "CT, then anticoagulation for a cement embolus to a segmental vein"},
            {"device", "cement"},
            {"level", "T12"},
            {"cement_unit", 1},
            {"outcome", "recovering"},
            {"description", "Leg pain on the left an hour after the procedure"}};
  }
};

TEST_F(ComplicationTest, RecordsAndCorrectsAComplicationWithItsCementLot) {
  const std::int64_t id = episode_in_follow_up();
  EXPECT_TRUE(list(id).empty());
  auto r = post_complication(operator_, id, leak());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(r->get_header_value("ETag"), "\"1\"");
  const Json saved = json_of(*r);
  const std::int64_t cid = saved["id"];
  EXPECT_EQ(saved["document"]["cement_lot"], "LOT-2026-0417");
  EXPECT_FALSE(saved["document"]["cement_product"].get<std::string>().empty());
  EXPECT_EQ(saved["document"]["further_intervention"], true);
  EXPECT_EQ(saved["created_by"], "Mr Sam Surgeon");
  ASSERT_EQ(list(id).size(), 1u);
  // The episode's HTG3 measures read it: a leak that needed further intervention.
  const Json measures = get_pathway(id)["measures"];
  EXPECT_EQ(measures["leakage"], true);
  EXPECT_EQ(measures["leakage_needing_intervention"], true);
  EXPECT_EQ(measures["paraplegia"], false);
  EXPECT_EQ(measures["primary_time_point"], "1 month");
  EXPECT_TRUE(measures["pain_relief"].is_null());  // no 1-month follow-up yet

  Json better = leak();
  better["outcome"] = "recovered";
  auto c = put_complication(operator_, id, cid, better, "\"1\"");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->status, 200) << c->body;
  EXPECT_EQ(c->get_header_value("ETag"), "\"2\"");
  EXPECT_EQ(list(id)[0]["document"]["outcome"], "recovered");
  const auto all = server().audit_all();
  auto last = std::find_if(all.rbegin(), all.rend(), [&](const auto& e) {
    return e.action == "update" && e.record_id == id &&
           e.detail.find("\"complication\"") != std::string::npos;
  });
  ASSERT_NE(last, all.rend());
  const Json detail = Json::parse(last->detail);
  EXPECT_EQ(detail["changes"]["outcome"]["from"], "recovering");
  EXPECT_EQ(detail["changes"]["outcome"]["to"], "recovered");

  // A stale correction changes nothing.
  Json other = leak();
  other["severity"] = "severe";
  auto stale = put_complication(operator_, id, cid, other, "\"1\"");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 412) << stale->body;
  EXPECT_EQ(list(id)[0]["document"]["severity"], "moderate");
}

TEST_F(ComplicationTest, BadComplicationsAreRefusedAndNothingIsSaved) {
  const std::int64_t id = episode_in_follow_up();
  auto refused = [&](const Json& body, const std::string& field, const std::string& words) {
    auto r = post_complication(operator_, id, body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << r->body;
    EXPECT_TRUE(contains(field_message(json_of(*r), field), words)) << field << ": " << r->body;
  };
  refused(Json::object(), "type", "Enter type");
  refused(Json::object(), "event_date", "Enter");
  refused(Json::object(), "further_intervention", "Enter");
  refused(Json::object(), "outcome", "Enter outcome");
  Json early = leak();
  early["event_date"] = "2026-11-24";
  refused(early, "event_date", "on or after the procedure date (25 Nov 2026)");
  Json future = leak();
  future["event_date"] = "2026-11-26";
  refused(future, "event_date", "today or in the past");
  Json untold = leak();
  untold.erase("intervention");
  refused(untold, "intervention", "Enter the further intervention");
  Json pack = leak();
  pack["cement_unit"] = 3;
  refused(pack, "cement_unit", "a cement pack the procedure used");
  Json needle = leak();
  needle["device"] = "needle";
  refused(needle, "device", "select the bone cement");
  Json level = leak();
  level["level"] = "L5";
  refused(level, "level", "Select a valid level");
  Json other = leak();
  other["type"] = "other";
  other.erase("description");
  refused(other, "description", "Describe");
  Json fatal = leak();
  fatal["severity"] = "fatal";
  refused(fatal, "outcome", "select Fatal");
  Json misspelt = leak();
  misspelt["sevrity"] = "mild";
  refused(misspelt, "sevrity", "Unknown field");
  EXPECT_TRUE(list(id).empty());

  // Another episode's complication is not this episode's to change.
  const std::int64_t second = episode_in_follow_up();
  auto made = post_complication(operator_, second, leak());
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201);
  auto wrong = put_complication(operator_, id, json_of(*made)["id"], leak(), "\"1\"");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 404);
}

TEST_F(ComplicationTest, RecordedByNursesAndOperatorsOnceTheProcedureIsRecorded) {
  const std::int64_t waiting = episode_at_procedure();
  auto early = post_complication(operator_, waiting, leak());
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 409) << early->body;

  const std::int64_t id = episode_in_follow_up();
  auto coordinator = post_complication(api_sign_in("coordinator"), id, leak());
  ASSERT_TRUE(coordinator);
  EXPECT_EQ(coordinator->status, 403);
  auto researcher = client()->Get(path(id, "complications"), bearer(api_sign_in("researcher").token));
  ASSERT_TRUE(researcher);
  EXPECT_EQ(researcher->status, 403);
  auto elsewhere = post_complication(api_sign_in("nurse"), id, leak());  // the nurse: RVB02
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 404);

  // A death after the procedure ends the episode; its cause is still recorded.
  auto ended = client()->Post(
      path(id, "exit"), with(bearer(coordinator_.token), "If-Match", quoted(version(id))),
      Json{{"state", "deceased"}, {"reason", "Died after a pulmonary embolism"}, {"date", "2026-11-25"}}
          .dump(),
      "application/json");
  ASSERT_TRUE(ended);
  ASSERT_EQ(ended->status, 200) << ended->body;
  Json death = {{"type", "death"},           {"event_date", "2026-11-25"},
                {"detected", "before_discharge"}, {"severity", "fatal"},
                {"further_intervention", false},  {"device", "none"},
                {"outcome", "fatal"},             {"description", "Pulmonary embolism"}};
  auto recorded = post_complication(operator_, id, death);
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->status, 201) << recorded->body;
}

TEST_F(ComplicationTest, PathwayPageListsThemAndTheFormRecordsOne) {
  const std::int64_t id = episode_in_follow_up();
  const auto session = page_cookie(operator_);
  const std::string pathway = "/episodes/" + std::to_string(id) + "/pathway";
  auto page = client()->Get(pathway, session);
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "No complication or adverse event is recorded"));
  EXPECT_TRUE(contains(page->body, "/complications/new"));

  auto form_page = client()->Get("/episodes/" + std::to_string(id) + "/complications/new", session);
  ASSERT_TRUE(form_page);
  ASSERT_EQ(form_page->status, 200);
  EXPECT_TRUE(contains(form_page->body, "name=\"further_intervention\""));
  EXPECT_TRUE(contains(form_page->body, "lot LOT-2026-0417"));
  EXPECT_TRUE(contains(form_page->body, "Yellow Card"));

  const std::string action = "/episodes/" + std::to_string(id) + "/complications";
  httplib::Params form{{"csrf", operator_.csrf},
                       {"version", "0"},
                       {"type", "symptomatic_cement_leakage"},
                       {"event_date", "2026-11-25"},
                       {"detected", "during_procedure"},
                       {"severity", "mild"},
                       {"further_intervention", "yes"},
                       {"device", "cement"},
                       {"cement_unit", "1"},
                       {"outcome", "recovered"}};
  auto bad = client()->Post(action, session, form);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(contains(bad->body, "href=\"#intervention\""));
  form.emplace("intervention", "Observed overnight");
  auto ok = client()->Post(action, session, form);
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 303) << ok->body.substr(0, 800);
  auto shown = client()->Get(ok->get_header_value("Location"), session);
  ASSERT_TRUE(shown);
  EXPECT_TRUE(contains(shown->body, "The complication was saved."));
  EXPECT_TRUE(contains(shown->body, "Symptomatic cement leakage"));
  EXPECT_TRUE(contains(shown->body, "Further intervention: Observed overnight"));
  EXPECT_TRUE(contains(shown->body, "(lot LOT-2026-0417)"));
  EXPECT_TRUE(contains(shown->body, "HTG3 measures for this episode"));
  EXPECT_TRUE(contains(shown->body, "No 1 month follow-up recorded"));
}

TEST_F(ComplicationTest, TheProcedureFormKeepsOldFreeTextOnlyWhereItWasWritten) {
  const std::int64_t id = episode_in_follow_up();
  const auto session = page_cookie(operator_);
  const std::string form_path = "/episodes/" + std::to_string(id) + "/procedure";
  auto fresh = client()->Get(form_path, session);
  ASSERT_TRUE(fresh);
  ASSERT_EQ(fresh->status, 200);
  EXPECT_FALSE(contains(fresh->body, "name=\"complications\""));
  EXPECT_TRUE(contains(fresh->body, "Complications and adverse events"));

  // A procedure saved with the old free text still shows it, on the form and the pathway page.
  Json old = procedure("2026-11-25");
  old["complications"] = "Transient hypotension, settled";
  expect_status(put_form(operator_, id, "procedure", old, quoted(1)), 200);
  auto kept = client()->Get(form_path, session);
  ASSERT_TRUE(kept);
  EXPECT_TRUE(contains(kept->body, "name=\"complications\""));
  EXPECT_TRUE(contains(kept->body, "Transient hypotension, settled"));
  auto pathway = client()->Get("/episodes/" + std::to_string(id) + "/pathway", session);
  ASSERT_TRUE(pathway);
  EXPECT_TRUE(contains(pathway->body, "Transient hypotension, settled"));
}

}  // namespace
}  // namespace vertebro::http_test
