// HTTP tests of MDT meetings (HTG3-1.2-MDT), site surgery access (HTG3-1.2-SURGERY) and unit
// settings through pages and /api/v1. The suite's server is fixed at 2026-11-25, so a meeting
// on 2026-11-20 has been held and one on 2026-12-10 has not.

#include <algorithm>

#include "app/pathway.h"
#include "app/sessions.h"
#include "app/unit_config.h"
#include "live_server.h"

namespace vertebro::http_test {
namespace {

constexpr const char* kHeld = "2026-11-20";
constexpr const char* kFuture = "2026-12-10";

class MdtAdminTest : public CoordinatorTest {
 protected:
  void SetUp() override {
    CoordinatorTest::SetUp();
    if (HasFatalFailure()) return;
    site2_ = server().site_id("RVB02");
  }

  httplib::Headers page_cookie() const { return cookie("vb_session=" + s_.token); }

  // POST /api/v1/mdt/meetings as the coordinator; returns the meeting's id.
  std::int64_t create_meeting(std::int64_t site, const std::string& date,
                              const std::string& title = "Spinal MDT") {
    auto r = client()->Post("/api/v1/mdt/meetings", bearer(s_.token),
                            Json{{"site_id", site}, {"meeting_date", date}, {"title", title}}.dump(),
                            "application/json");
    EXPECT_TRUE(r);
    if (!r) return 0;
    EXPECT_EQ(r->status, 201) << r->body;
    return json_of(*r).value("id", std::int64_t{0});
  }

  httplib::Result add_attendee(std::int64_t meeting, const std::string& name,
                               const std::string& role, const std::string& token = "") {
    return client()->Post("/api/v1/mdt/meetings/" + std::to_string(meeting) + "/attendees",
                          bearer(token.empty() ? s_.token : token),
                          Json{{"name", name}, {"professional_role", role}}.dump(),
                          "application/json");
  }

  httplib::Result add_case(std::int64_t meeting, std::int64_t episode) {
    return client()->Post("/api/v1/mdt/meetings/" + std::to_string(meeting) + "/cases",
                          bearer(s_.token), Json{{"episode_id", episode}}.dump(),
                          "application/json");
  }

  // If-Match names the case's version the decision replaces ("0": none yet); "" sends none.
  httplib::Result decide(std::int64_t meeting, std::int64_t episode, const Json& body,
                         const std::string& if_match = "\"0\"") {
    auto headers = bearer(s_.token);
    if (!if_match.empty()) headers.emplace("If-Match", if_match);
    return client()->Put("/api/v1/mdt/meetings/" + std::to_string(meeting) + "/cases/" +
                             std::to_string(episode) + "/decision",
                         headers, body.dump(), "application/json");
  }

  // The meeting page's decision form for one case, posted as the browser would, with the
  // version the page was opened at.
  httplib::Result post_decision(std::int64_t meeting, std::int64_t episode,
                                const std::string& version, const std::string& decision,
                                const std::string& rationale) {
    const std::string path = "/mdt/" + std::to_string(meeting) + "/cases/" +
                             std::to_string(episode) + "/decision";
    return client()->Post(path.c_str(), page_cookie(),
                          httplib::Params{{"csrf", s_.csrf},
                                          {"version", version},
                                          {"decision", decision},
                                          {"rationale", rationale}});
  }

  Json meeting(std::int64_t id) {
    auto r = client()->Get("/api/v1/mdt/meetings/" + std::to_string(id), bearer(s_.token));
    EXPECT_TRUE(r);
    if (!r) return Json();
    EXPECT_EQ(r->status, 200) << r->body;
    return json_of(*r);
  }

  std::pair<std::int64_t, std::string> episode_awaiting_mdt(std::int64_t site,
                                                            const std::string& family) {
    return HttpTest::episode_awaiting_mdt(s_, site, family);
  }

  std::int64_t site2_ = 0;
};

// ---- Meetings ------------------------------------------------------------------------------

TEST_F(MdtAdminTest, MeetingIsCreatedListedAndViewedThroughTheApi) {
  auto r = client()->Post(
      "/api/v1/mdt/meetings", bearer(s_.token),
      Json{{"site_id", site1_}, {"meeting_date", kHeld}, {"title", "Api listed MDT"}}.dump(),
      "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const Json created = json_of(*r);
  const std::int64_t id = created.value("id", std::int64_t{0});
  ASSERT_GT(id, 0);
  EXPECT_EQ(r->get_header_value("Location"), "/api/v1/mdt/meetings/" + std::to_string(id));
  EXPECT_EQ(created["site_name"], "Northgate General Hospital");

  auto list = client()->Get("/api/v1/mdt/meetings", bearer(s_.token));
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  bool listed = false;
  const Json items = json_of(*list)["items"];  // a named copy: a range-for over a temporary dangles
  for (const auto& m : items) listed |= m.value("id", std::int64_t{0}) == id;
  EXPECT_TRUE(listed);

  const Json v = meeting(id);
  EXPECT_EQ(v["title"], "Api listed MDT");
  EXPECT_EQ(v["meeting_date"], kHeld);
  EXPECT_EQ(v["held"], true);
  EXPECT_TRUE(v["attendees"].empty());
  EXPECT_EQ(v["attendance"]["radiologist"], false);
  EXPECT_EQ(v["attendance"]["spinal_surgeon"], false);

  const auto audit = server().audit_all();
  EXPECT_TRUE(std::any_of(audit.begin(), audit.end(), [&](const auto& e) {
    return e.action == "create" && e.record_type == "mdt_meeting" && e.record_id == id;
  }));
}

TEST_F(MdtAdminTest, MeetingsAreListedNewestFirst) {
  const std::int64_t older = create_meeting(site1_, "2026-01-05", "Older MDT");
  const std::int64_t newer = create_meeting(site1_, "2027-01-05", "Newer MDT");
  auto list = client()->Get("/api/v1/mdt/meetings", bearer(s_.token));
  ASSERT_TRUE(list);
  std::vector<std::int64_t> ids;
  const Json items = json_of(*list)["items"];
  for (const auto& m : items) ids.push_back(m.value("id", std::int64_t{0}));
  const auto o = std::find(ids.begin(), ids.end(), older);
  const auto n = std::find(ids.begin(), ids.end(), newer);
  ASSERT_NE(o, ids.end());
  ASSERT_NE(n, ids.end());
  EXPECT_LT(n, o);
}

TEST_F(MdtAdminTest, MeetingIsScheduledThroughThePage) {
  auto r = client()->Post("/mdt", page_cookie(),
                          httplib::Params{{"csrf", s_.csrf},
                                          {"site_id", std::to_string(site1_)},
                                          {"meeting_date", kFuture},
                                          {"title", "Page scheduled MDT"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303) << r->body.substr(0, 500);
  const std::string location = r->get_header_value("Location");
  ASSERT_EQ(location.rfind("/mdt/", 0), 0u) << location;

  auto list = client()->Get("/mdt", page_cookie());
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_TRUE(contains(list->body, "Page scheduled MDT"));
  EXPECT_TRUE(contains(list->body, "href=\"" + location + "\""));
  EXPECT_TRUE(contains(list->body, "Scheduled"));

  auto page = client()->Get(location.c_str(), page_cookie());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "Page scheduled MDT, 10 Dec 2026"));
  EXPECT_TRUE(contains(page->body, "has not been held yet"));
}

TEST_F(MdtAdminTest, SchedulingWithoutADateShowsTheErrorAndKeepsValues) {
  auto r = client()->Post("/mdt", page_cookie(),
                          httplib::Params{{"csrf", s_.csrf},
                                          {"site_id", std::to_string(site1_)},
                                          {"meeting_date", ""},
                                          {"title", "Kept title"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(contains(r->body, "nhsuk-error-summary"));
  EXPECT_TRUE(contains(r->body, "href=\"#meeting_date\""));
  EXPECT_TRUE(contains(r->body, "id=\"meeting_date-error\""));
  EXPECT_TRUE(contains(r->body, "value=\"Kept title\""));
}

TEST_F(MdtAdminTest, FormWithoutCsrfIsRefused) {
  auto r = client()->Post("/mdt", page_cookie(),
                          httplib::Params{{"site_id", std::to_string(site1_)},
                                          {"meeting_date", kFuture}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
}

TEST_F(MdtAdminTest, AttendeesAreAddedAndRemovedThroughTheApi) {
  const std::int64_t id = create_meeting(site1_, kHeld);
  auto a = add_attendee(id, "Dr Ada Image", "Interventional radiologist");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->status, 201) << a->body;
  const std::int64_t aid = json_of(*a).value("id", std::int64_t{0});
  auto b = add_attendee(id, "Mr Ben Spine", "  spinal SURGEON ");
  ASSERT_TRUE(b);
  ASSERT_EQ(b->status, 201) << b->body;

  Json v = meeting(id);
  ASSERT_EQ(v["attendees"].size(), 2u);
  EXPECT_EQ(v["attendance"]["radiologist"], true);
  EXPECT_EQ(v["attendance"]["spinal_surgeon"], true);

  const std::string path =
      "/api/v1/mdt/meetings/" + std::to_string(id) + "/attendees/" + std::to_string(aid);
  auto del = client()->Delete(path, bearer(s_.token));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
  v = meeting(id);
  ASSERT_EQ(v["attendees"].size(), 1u);
  EXPECT_EQ(v["attendees"][0]["name"], "Mr Ben Spine");
  EXPECT_EQ(v["attendance"]["radiologist"], false);

  auto again = client()->Delete(path, bearer(s_.token));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
}

TEST_F(MdtAdminTest, AttendeesAreAddedAndRemovedThroughThePage) {
  const std::int64_t id = create_meeting(site1_, kHeld);
  const std::string base = "/mdt/" + std::to_string(id);
  auto add = client()->Post((base + "/attendees").c_str(), page_cookie(),
                            httplib::Params{{"csrf", s_.csrf},
                                            {"name", "Dr Page Attendee"},
                                            {"professional_role", "Radiologist"}});
  ASSERT_TRUE(add);
  EXPECT_EQ(add->status, 303);
  const Json v = meeting(id);
  ASSERT_EQ(v["attendees"].size(), 1u);
  const std::int64_t aid = v["attendees"][0].value("id", std::int64_t{0});

  auto page = client()->Get(base.c_str(), page_cookie());
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "Dr Page Attendee"));
  const std::string remove = base + "/attendees/" + std::to_string(aid) + "/remove";
  EXPECT_TRUE(contains(page->body, "action=\"" + remove + "\""));

  auto gone = client()->Post(remove.c_str(), page_cookie(), httplib::Params{{"csrf", s_.csrf}});
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 303);
  EXPECT_TRUE(meeting(id)["attendees"].empty());
}

TEST_F(MdtAdminTest, AttendeeWithoutARoleIs422NamingIt) {
  const std::int64_t id = create_meeting(site1_, kHeld);
  auto r = add_attendee(id, "Dr No Role", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(names_field(json_of(*r), "professional_role")) << r->body;

  auto page = client()->Post(("/mdt/" + std::to_string(id) + "/attendees").c_str(), page_cookie(),
                             httplib::Params{{"csrf", s_.csrf},
                                             {"name", "Dr No Role"},
                                             {"professional_role", ""}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 422);
  EXPECT_TRUE(contains(page->body, "href=\"#professional_role\""));
  EXPECT_TRUE(contains(page->body, "value=\"Dr No Role\""));
  EXPECT_TRUE(meeting(id)["attendees"].empty());
}

TEST_F(MdtAdminTest, CaseAddedTwiceIs409) {
  const std::int64_t id = create_meeting(site1_, kHeld);
  const auto [episode, nhs] = episode_awaiting_mdt(site1_, "Twicelisted");
  ASSERT_GT(episode, 0);
  // Before it is listed, the episode is a candidate for the meeting.
  bool candidate = false;
  const Json candidates = meeting(id)["candidates"];
  for (const auto& c : candidates) {
    candidate |= c.value("episode_id", std::int64_t{0}) == episode;
    // A candidate has no decision yet, so none of the decision fields.
    for (const char* k : {"decision", "rationale", "decided_at", "version"}) {
      EXPECT_FALSE(c.contains(k)) << k;
    }
  }
  EXPECT_TRUE(candidate);

  auto first = add_case(id, episode);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 201) << first->body;
  auto second = add_case(id, episode);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 409) << second->body;
  EXPECT_EQ(json_of(*second)["error"]["code"], "conflict");

  const Json v = meeting(id);
  ASSERT_EQ(v["cases"].size(), 1u);
  EXPECT_EQ(v["cases"][0]["patient"]["nhs_number"], nhs);
  EXPECT_TRUE(v["cases"][0]["decision"].is_null());
  for (const auto& c : v["candidates"]) EXPECT_NE(c.value("episode_id", std::int64_t{0}), episode);
}

TEST_F(MdtAdminTest, CaseIsAddedThroughThePageAndASecondTimeRefused) {
  const std::int64_t id = create_meeting(site1_, kHeld);
  const auto [episode, nhs] = episode_awaiting_mdt(site1_, "Pagelisted");
  ASSERT_GT(episode, 0);
  const std::string base = "/mdt/" + std::to_string(id);
  auto before = client()->Get(base.c_str(), page_cookie());
  ASSERT_TRUE(before);
  EXPECT_TRUE(contains(before->body, "<option value=\"" + std::to_string(episode) + "\""));

  const httplib::Params params{{"csrf", s_.csrf}, {"episode_id", std::to_string(episode)}};
  auto add = client()->Post((base + "/cases").c_str(), page_cookie(), params);
  ASSERT_TRUE(add);
  EXPECT_EQ(add->status, 303);
  auto again = client()->Post((base + "/cases").c_str(), page_cookie(), params);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_TRUE(contains(again->body, "href=\"#episode_id\""));

  auto none = client()->Post((base + "/cases").c_str(), page_cookie(),
                             httplib::Params{{"csrf", s_.csrf}, {"episode_id", ""}});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 422);
  EXPECT_TRUE(contains(none->body, "href=\"#episode_id\""));
}

TEST_F(MdtAdminTest, CaseFromAnotherSiteIsRefused) {
  const std::int64_t id = create_meeting(site1_, kHeld);
  const auto [episode, nhs] = episode_awaiting_mdt(site2_, "Othersite");
  ASSERT_GT(episode, 0);
  auto r = add_case(id, episode);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->status == 422 || r->status == 404) << r->status << " " << r->body;
  if (r->status == 422) {
    EXPECT_TRUE(names_field(json_of(*r), "episode_id")) << r->body;
  }
  EXPECT_TRUE(meeting(id)["cases"].empty());
}

TEST_F(MdtAdminTest, CaseNotAwaitingMdtIsRefused) {
  const std::int64_t id = create_meeting(site1_, kHeld);
  const Json p = create_patient(s_, patient_json(site1_, next_nhs_number()));
  const Json e = create_episode(s_, p.value("id", 0), referral_json(site1_));
  auto r = add_case(id, e.value("id", std::int64_t{0}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  auto bad = client()->Post("/api/v1/mdt/meetings/" + std::to_string(id) + "/cases",
                            bearer(s_.token), Json{{"episode_id", "twelve"}}.dump(),
                            "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(names_field(json_of(*bad), "episode_id"));
}

// A meeting dated before the episode's referral cannot have discussed it: listing it there is
// refused (422 naming episode_id) through the API and the page, and nothing is listed
// (HTG3-1.2-MDT also ignores such a decision). The referral is dated 2 Nov 2026.
TEST_F(MdtAdminTest, CaseReferredAfterTheMeetingIs422AndNotListed) {
  const std::int64_t before = create_meeting(site1_, "2026-11-01");
  const auto [episode, nhs] = episode_awaiting_mdt(site1_, "Laterreferred");
  ASSERT_GT(episode, 0);
  ASSERT_EQ(server().episode(episode)->referral.referral_date.iso(), "2026-11-02");
  auto r = add_case(before, episode);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_TRUE(names_field(json_of(*r), "episode_id")) << r->body;
  EXPECT_NE(json_of(*r).dump().find("before the episode's referral"), std::string::npos) << r->body;
  auto page = client()->Post(("/mdt/" + std::to_string(before) + "/cases").c_str(), page_cookie(),
                             httplib::Params{{"csrf", s_.csrf}, {"episode_id", std::to_string(episode)}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 422);
  EXPECT_TRUE(contains(page->body, "href=\"#episode_id\""));
  EXPECT_TRUE(contains(page->body, "referral (2 Nov 2026)")) << page->body;
  EXPECT_TRUE(meeting(before)["cases"].empty());
  auto offered = [&](std::int64_t m) {
    const Json candidates = meeting(m)["candidates"];
    return std::any_of(candidates.begin(), candidates.end(), [&](const Json& c) {
      return c.value("episode_id", std::int64_t{0}) == episode;
    });
  };
  EXPECT_FALSE(offered(before)) << "a meeting that cannot list it does not offer it";

  // A meeting on the day of the referral may list it.
  const std::int64_t same_day = create_meeting(site1_, "2026-11-02");
  EXPECT_TRUE(offered(same_day));
  auto ok = add_case(same_day, episode);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
}

TEST_F(MdtAdminTest, DecisionBeforeTheMeetingIsHeldIs422) {
  const std::int64_t id = create_meeting(site1_, kFuture);
  const auto [episode, nhs] = episode_awaiting_mdt(site1_, "Tooearly");
  ASSERT_GT(episode, 0);
  ASSERT_EQ(add_case(id, episode)->status, 201);
  auto r = decide(id, episode, {{"decision", "proceed"}, {"rationale", "Refractory pain"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_TRUE(names_field(json_of(*r), "decision")) << r->body;
  EXPECT_TRUE(meeting(id)["cases"][0]["decision"].is_null());
}

TEST_F(MdtAdminTest, DecisionWithoutRationaleIs422NamingRationale) {
  const std::int64_t id = create_meeting(site1_, kHeld);
  const auto [episode, nhs] = episode_awaiting_mdt(site1_, "Noreason");
  ASSERT_GT(episode, 0);
  ASSERT_EQ(add_case(id, episode)->status, 201);
  auto r = decide(id, episode, {{"decision", "proceed"}, {"rationale", "   "}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(names_field(json_of(*r), "rationale")) << r->body;
  auto bad = decide(id, episode, {{"decision", "maybe"}, {"rationale", "Unsure"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(names_field(json_of(*bad), "decision")) << bad->body;

  // The page shows the error beside that case's form, linked from the summary.
  const std::string e = std::to_string(episode);
  auto page = client()->Post(("/mdt/" + std::to_string(id) + "/cases/" + e + "/decision").c_str(),
                             page_cookie(),
                             httplib::Params{{"csrf", s_.csrf}, {"decision", "do_not_proceed"}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 422);
  EXPECT_TRUE(contains(page->body, "href=\"#rationale-" + e + "\""));
  EXPECT_TRUE(contains(page->body, "id=\"rationale-" + e + "-error\""));
  EXPECT_TRUE(contains(page->body, "value=\"do_not_proceed\" checked"));
  EXPECT_TRUE(meeting(id)["cases"][0]["decision"].is_null());
}

TEST_F(MdtAdminTest, DecisionIsRecordedAndShown) {
  const std::int64_t id = create_meeting(site1_, kHeld);
  const auto [episode, nhs] = episode_awaiting_mdt(site1_, "Decided");
  ASSERT_GT(episode, 0);
  ASSERT_EQ(add_case(id, episode)->status, 201);
  auto r = decide(id, episode,
                  {{"decision", "proceed"}, {"rationale", "Pain 8/10 despite 8 weeks of care"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("ETag"), "\"1\"");
  const Json v = meeting(id);
  EXPECT_EQ(v["cases"][0]["decision"], "proceed");
  EXPECT_EQ(v["cases"][0]["rationale"], "Pain 8/10 despite 8 weeks of care");
  EXPECT_EQ(v["cases"][0]["version"], 1);

  auto page = post_decision(id, episode, "1", "more_info", "Needs MRI");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303);
  auto shown = client()->Get(("/mdt/" + std::to_string(id)).c_str(), page_cookie());
  ASSERT_TRUE(shown);
  EXPECT_TRUE(contains(shown->body, "More information needed"));
  EXPECT_TRUE(contains(shown->body, "Change the decision"));
  EXPECT_TRUE(contains(shown->body, "Needs MRI"));
  EXPECT_EQ(meeting(id)["cases"][0]["decision"], "more_info");
}

// Two people deciding about one case at once: the second save does not overwrite the first
// unseen (hazard H-018).
TEST_F(MdtAdminTest, DecisionFromAStalePageOrIfMatchReplacesNothing) {
  const std::int64_t id = create_meeting(site1_, kHeld);
  const auto [episode, nhs] = episode_awaiting_mdt(site1_, "Twice");
  ASSERT_GT(episode, 0);
  ASSERT_EQ(add_case(id, episode)->status, 201);
  const Json first = {{"decision", "proceed"}, {"rationale", "Recorded first"}};
  auto missing = decide(id, episode, first, "");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 428) << missing->body;
  ASSERT_EQ(decide(id, episode, first)->status, 200);

  // The API, with the version read before that decision.
  auto stale = decide(id, episode, {{"decision", "do_not_proceed"}, {"rationale", "Late"}});
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 412) << stale->body;
  EXPECT_EQ(json_of(*stale)["error"]["code"], "conflict");

  // A page opened before that decision, first saved with a field missing: 422, and the form
  // keeps the version it was opened at, so fixing the field cannot replace the decision unseen.
  auto incomplete = post_decision(id, episode, "0", "more_info", " ");
  ASSERT_TRUE(incomplete);
  EXPECT_EQ(incomplete->status, 422);
  EXPECT_TRUE(contains(incomplete->body, "name=\"version\" value=\"0\""));
  EXPECT_FALSE(contains(incomplete->body, "name=\"version\" value=\"1\""));
  // A garbled version counts as "no decision yet": it replaces nothing either.
  auto garbled = post_decision(id, episode, "x", "more_info", "Garbled version");
  ASSERT_TRUE(garbled);
  EXPECT_EQ(garbled->status, 409);

  // Saved again with the field filled in: 409, the recorded decision shown, the typed one kept
  // in the form with the current version, so saving again replaces it knowingly.
  auto page = post_decision(id, episode, "0", "more_info", "Typed on an old page");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 409);
  EXPECT_TRUE(contains(page->body, "Someone else recorded a decision about this case"));
  EXPECT_TRUE(contains(page->body, "Recorded first"));
  EXPECT_TRUE(contains(page->body, "Typed on an old page"));
  EXPECT_TRUE(contains(page->body, "value=\"more_info\" checked"));
  EXPECT_TRUE(contains(page->body, "name=\"version\" value=\"1\""));
  const Json unchanged = meeting(id)["cases"][0];
  EXPECT_EQ(unchanged["decision"], "proceed");
  EXPECT_EQ(unchanged["rationale"], "Recorded first");
  EXPECT_EQ(unchanged["version"], 1);

  auto again = post_decision(id, episode, "1", "more_info", "Typed on an old page");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 303);
  EXPECT_EQ(meeting(id)["cases"][0]["decision"], "more_info");
  EXPECT_EQ(meeting(id)["cases"][0]["version"], 2);

  // Each recorded decision is audited with the version it made.
  int audited = 0;
  for (const auto& entry : server().audit_all()) {
    if (entry.action != "update" || entry.record_type != "episode" || entry.record_id != episode) {
      continue;
    }
    const Json d = Json::parse(entry.detail, nullptr, false);
    if (!d.contains("mdt_decision")) continue;
    ++audited;
    EXPECT_EQ(d["mdt_decision"]["version"], audited) << entry.detail;
  }
  EXPECT_EQ(audited, 2);
}

TEST_F(MdtAdminTest, CoordinatorMayManageMeetingsAndNurseMayNot) {
  const ApiSession nurse = api_sign_in("nurse");
  auto create = client()->Post(
      "/api/v1/mdt/meetings", bearer(nurse.token),
      Json{{"site_id", site2_}, {"meeting_date", kHeld}}.dump(), "application/json");
  ASSERT_TRUE(create);
  EXPECT_EQ(create->status, 403) << create->body;
  EXPECT_EQ(json_of(*create)["error"]["code"], "forbidden");

  const std::int64_t id = create_meeting(site2_, kHeld);  // the coordinator may
  ASSERT_GT(id, 0);
  auto attendee = add_attendee(id, "Dr Nurse Added", "Radiologist", nurse.token);
  ASSERT_TRUE(attendee);
  EXPECT_EQ(attendee->status, 403);
  auto page = client()->Post("/mdt", cookie("vb_session=" + nurse.token),
                             httplib::Params{{"csrf", nurse.csrf},
                                             {"site_id", std::to_string(site2_)},
                                             {"meeting_date", kHeld}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 403);
  // The nurse may read the meeting of her site, without its forms.
  auto read = client()->Get(("/mdt/" + std::to_string(id)).c_str(),
                            cookie("vb_session=" + nurse.token));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  EXPECT_FALSE(contains(read->body, "Add an attendee"));
}

TEST_F(MdtAdminTest, MeetingAtAnotherSiteIsNotFound) {
  const std::int64_t id = create_meeting(site2_, kHeld);
  const ApiSession radiologist = api_sign_in("radiologist");  // site RVB01 only
  auto r = client()->Get("/api/v1/mdt/meetings/" + std::to_string(id), bearer(radiologist.token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  auto page = client()->Get(("/mdt/" + std::to_string(id)).c_str(),
                            cookie("vb_session=" + radiologist.token));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 404);
}

TEST_F(MdtAdminTest, MeetingAndPrintPagesShowCasesAndWarnWithoutASurgeon) {
  const std::int64_t id = create_meeting(site1_, kHeld, "Printed MDT");
  const auto [episode, nhs] = episode_awaiting_mdt(site1_, "Printable");
  ASSERT_GT(episode, 0);
  ASSERT_EQ(add_case(id, episode)->status, 201);
  ASSERT_EQ(add_attendee(id, "Dr Ada Image", "Interventional radiologist")->status, 201);
  const std::string base = "/mdt/" + std::to_string(id);

  auto page = client()->Get(base.c_str(), page_cookie());
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "Printable, Testgiven"));
  EXPECT_TRUE(contains(page->body, ">78<"));  // age on 2026-11-25, born 1948-03-15
  EXPECT_TRUE(contains(page->body, spaced(nhs)));
  EXPECT_TRUE(contains(page->body, "href=\"/episodes/" + std::to_string(episode) + "\""));
  EXPECT_TRUE(contains(page->body, "vb-mdt-roles-warning"));
  EXPECT_TRUE(contains(page->body, "a spinal surgeon (Spinal surgeon"));
  EXPECT_FALSE(contains(page->body, "a radiologist ("));
  EXPECT_TRUE(contains(page->body, "name=\"decision\""));  // held: decision forms
  EXPECT_TRUE(contains(page->body, "name=\"csrf\" value=\"" + s_.csrf + "\""));

  auto print = client()->Get((base + "/print").c_str(), page_cookie());
  ASSERT_TRUE(print);
  ASSERT_EQ(print->status, 200);
  EXPECT_TRUE(contains(print->body, "vb-print-page"));
  EXPECT_FALSE(contains(print->body, "nhsuk-header"));
  EXPECT_TRUE(contains(print->body, "Printed MDT, 20 Nov 2026"));
  EXPECT_TRUE(contains(print->body, spaced(nhs)));
  EXPECT_TRUE(contains(print->body, "Dr Ada Image"));
  EXPECT_TRUE(contains(print->body, "a spinal surgeon ("));

  ASSERT_EQ(add_attendee(id, "Mr Ben Spine", "Neurosurgeon")->status, 201);
  auto after = client()->Get(base.c_str(), page_cookie());
  ASSERT_TRUE(after);
  EXPECT_FALSE(contains(after->body, "vb-mdt-roles-warning"));
}

// ---- Sites ---------------------------------------------------------------------------------

class MdtAdminSitesTest : public MdtAdminTest {
 protected:
  httplib::Result put_surgery(const std::string& token, std::int64_t site, const Json& body) {
    return client()->Put("/api/v1/sites/" + std::to_string(site) + "/surgery", bearer(token),
                         body.dump(), "application/json");
  }
  Json site_entry(const std::string& token, std::int64_t site) {
    auto r = client()->Get("/api/v1/sites", bearer(token));
    EXPECT_TRUE(r);
    if (!r) return Json();
    EXPECT_EQ(r->status, 200);
    const Json items = json_of(*r)["items"];
    for (const auto& s : items) {
      if (s.value("id", std::int64_t{0}) == site) return s;
    }
    return Json();
  }
};

TEST_F(MdtAdminSitesTest, ArrangementWithAPastReviewDateShowsReviewDatePassed) {
  const ApiSession admin = api_sign_in("admin");
  auto r = put_surgery(admin.token, site2_,
                       {{"access", "arrangement"},
                        {"service", "Spinal surgery, Northgate General Hospital"},
                        {"review_date", "2026-10-31"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json_of(*r)["review_lapsed"], true);
  const Json s = site_entry(admin.token, site2_);
  EXPECT_EQ(s["surgery"]["access"], "arrangement");
  EXPECT_EQ(s["surgery"]["review_date"], "2026-10-31");

  auto page = client()->Get("/sites", cookie("vb_session=" + admin.token));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "Review date passed"));
  EXPECT_TRUE(contains(page->body, "Spinal surgery, Northgate General Hospital"));
  EXPECT_TRUE(contains(page->body, "31 Oct 2026"));

  const auto audit = server().audit_all();
  EXPECT_TRUE(std::any_of(audit.begin(), audit.end(), [&](const auto& e) {
    return e.action == "update" && e.record_type == "site" && e.record_id == site2_;
  }));

  // Put right: a current arrangement is no longer flagged.
  auto fixed = put_surgery(admin.token, site2_,
                           {{"access", "arrangement"},
                            {"service", "Spinal surgery, Northgate General Hospital"},
                            {"review_date", "2027-10-31"}});
  ASSERT_TRUE(fixed);
  EXPECT_EQ(json_of(*fixed)["review_lapsed"], false);
}

TEST_F(MdtAdminSitesTest, ArrangementWithoutAServiceIs422NamingService) {
  const ApiSession admin = api_sign_in("admin");
  auto r = put_surgery(admin.token, site1_,
                       {{"access", "arrangement"}, {"service", ""}, {"review_date", "2027-06-30"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(names_field(json_of(*r), "service")) << r->body;

  auto page = client()->Post(("/sites/" + std::to_string(site1_) + "/surgery").c_str(),
                             cookie("vb_session=" + admin.token),
                             httplib::Params{{"csrf", admin.csrf},
                                             {"access", "arrangement"},
                                             {"service", ""},
                                             {"review_date", "2027-06-30"}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 422);
  EXPECT_TRUE(contains(page->body, "href=\"#service\""));
  EXPECT_TRUE(contains(page->body, "value=\"2027-06-30\""));
  EXPECT_TRUE(contains(page->body, "value=\"arrangement\" checked"));
}

TEST_F(MdtAdminSitesTest, AdministratorRecordsOnSiteAccessThroughThePage) {
  const ApiSession admin = api_sign_in("admin");
  const std::string form_path = "/sites/" + std::to_string(site1_) + "/surgery";
  auto form = client()->Get(form_path.c_str(), cookie("vb_session=" + admin.token));
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  EXPECT_TRUE(contains(form->body, "name=\"access\""));
  auto r = client()->Post(form_path.c_str(), cookie("vb_session=" + admin.token),
                          httplib::Params{{"csrf", admin.csrf}, {"access", "on_site"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(site_entry(admin.token, site1_)["surgery"]["access"], "on_site");
}

TEST_F(MdtAdminSitesTest, NonAdministratorCannotChangeSurgeryAccess) {
  auto r = put_surgery(s_.token, site1_, {{"access", "on_site"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  auto form = client()->Get(("/sites/" + std::to_string(site1_) + "/surgery").c_str(),
                            page_cookie());
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 403);
  auto post = client()->Post(("/sites/" + std::to_string(site1_) + "/surgery").c_str(),
                             page_cookie(), httplib::Params{{"csrf", s_.csrf}, {"access", "none"}});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);
}

// ---- Settings ------------------------------------------------------------------------------

class MdtAdminSettingsTest : public MdtAdminTest {
 protected:
  void SetUp() override {
    MdtAdminTest::SetUp();
    if (HasFatalFailure()) return;
    admin_ = api_sign_in("admin");
  }
  // The server is shared by the suite: every test leaves the defaults behind.
  void TearDown() override {
    auto r = put(admin_.token, app::unit_config_json(app::UnitConfig{}));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
  }
  httplib::Result put(const std::string& token, const Json& body,
                      const std::string& if_match = "") {
    httplib::Headers h = bearer(token);
    if (!if_match.empty()) h.emplace("If-Match", if_match);
    return client()->Put("/api/v1/settings", h, body.dump(), "application/json");
  }
  std::size_t settings_updates() const {
    const auto all = server().audit_all();
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](const auto& e) {
      return e.action == "update" && e.record_type == "unit_settings";
    }));
  }
  ApiSession admin_;
};

TEST_F(MdtAdminSettingsTest, AdministratorChangesMinConservativeDays) {
  const std::size_t before = settings_updates();
  auto r = put(admin_.token, {{"min_conservative_days", 28}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const Json saved = json_of(*r);
  EXPECT_EQ(saved["min_conservative_days"], 28);
  // Members left out keep their values.
  EXPECT_EQ(saved["pain_threshold"], 7);
  EXPECT_EQ(saved["enabled_packs"].size(), 3u);

  auto got = client()->Get("/api/v1/settings", bearer(admin_.token));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(json_of(*got)["min_conservative_days"], 28);
  EXPECT_EQ(got->get_header_value("ETag"), r->get_header_value("ETag"));
  EXPECT_EQ(settings_updates(), before + 1);

  const auto all = server().audit_all();
  auto last = std::find_if(all.rbegin(), all.rend(), [](const auto& e) {
    return e.action == "update" && e.record_type == "unit_settings";
  });
  ASSERT_NE(last, all.rend());
  const Json detail = Json::parse(last->detail, nullptr, false);
  EXPECT_EQ(detail["from"]["min_conservative_days"], 21);
  EXPECT_EQ(detail["to"]["min_conservative_days"], 28);
}

TEST_F(MdtAdminSettingsTest, PainThresholdElevenIs422) {
  const std::size_t before = settings_updates();
  auto r = put(admin_.token, {{"pain_threshold", 11}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(names_field(json_of(*r), "pain_threshold")) << r->body;
  EXPECT_EQ(settings_updates(), before);
}

TEST_F(MdtAdminSettingsTest, DisablingHtg3Is422NamingEnabledPacks) {
  const std::size_t before = settings_updates();
  auto r = put(admin_.token, {{"enabled_packs", {"TA279", "EBI"}}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(names_field(json_of(*r), "enabled_packs")) << r->body;
  EXPECT_EQ(settings_updates(), before);
}

// While TA279 or EBI is enabled, a minimum of conservative treatment that is not shorter than
// the recent-fracture window is refused (422 naming both fields) through the API and the page,
// and nothing is saved: every osteoporotic case would otherwise need an override (H-020).
TEST_F(MdtAdminSettingsTest, MinimumNotShorterThanTheWindowIs422NamingBoth) {
  const std::size_t before = settings_updates();
  for (const Json& body : {Json{{"min_conservative_days", 42}},
                           Json{{"recent_fracture_window_days", 21}},
                           Json{{"min_conservative_days", 60}, {"enabled_packs", {"HTG3", "EBI"}}}}) {
    auto r = put(admin_.token, body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << body.dump() << " " << r->body;
    EXPECT_TRUE(names_field(json_of(*r), "min_conservative_days")) << r->body;
    EXPECT_TRUE(names_field(json_of(*r), "recent_fracture_window_days")) << r->body;
  }
  EXPECT_EQ(settings_updates(), before);
  auto got = client()->Get("/api/v1/settings", bearer(admin_.token));
  ASSERT_TRUE(got);
  EXPECT_EQ(json_of(*got)["min_conservative_days"], 21);

  const auto session = cookie("vb_session=" + admin_.token);
  httplib::Params form{{"csrf", admin_.csrf},
                       {"min_conservative_days", "42"},
                       {"recent_fracture_window_days", "42"},
                       {"pain_threshold", "7"},
                       {"radiologist_roles", "Radiologist"},
                       {"spinal_surgeon_roles", "Spinal surgeon"},
                       {"enabled_packs", "HTG3"},
                       {"enabled_packs", "TA279"},
                       {"override_roles.assessment_to_mdt", "operator"}};
  auto page = client()->Post("/settings", session, form);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 422);
  EXPECT_TRUE(contains(page->body, "href=\"#min_conservative_days\""));
  EXPECT_TRUE(contains(page->body, "href=\"#recent_fracture_window_days\""));
  EXPECT_EQ(settings_updates(), before);

  // One day shorter is accepted; so is any minimum when neither TA279 nor EBI is enabled.
  auto shorter = put(admin_.token, {{"min_conservative_days", 41}});
  ASSERT_TRUE(shorter);
  EXPECT_EQ(shorter->status, 200) << shorter->body;
  auto htg3_only = put(admin_.token, {{"min_conservative_days", 60}, {"enabled_packs", {"HTG3"}}});
  ASSERT_TRUE(htg3_only);
  EXPECT_EQ(htg3_only->status, 200) << htg3_only->body;
  // Switching TA279 back on with that minimum is refused.
  auto back_on = put(admin_.token, {{"enabled_packs", {"HTG3", "TA279"}}});
  ASSERT_TRUE(back_on);
  EXPECT_EQ(back_on->status, 422) << back_on->body;
  EXPECT_TRUE(names_field(json_of(*back_on), "recent_fracture_window_days")) << back_on->body;
}

TEST_F(MdtAdminSettingsTest, NonAdministratorCannotChangeSettings) {
  const std::size_t before = settings_updates();
  auto r = put(s_.token, {{"min_conservative_days", 14}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(json_of(*r)["error"]["code"], "forbidden");
  auto page = client()->Get("/settings", page_cookie());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 403);
  auto post = client()->Post("/settings", page_cookie(),
                             httplib::Params{{"csrf", s_.csrf}, {"min_conservative_days", "14"}});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);
  EXPECT_EQ(settings_updates(), before);
}

TEST_F(MdtAdminSettingsTest, StaleIfMatchIs412) {
  auto got = client()->Get("/api/v1/settings", bearer(admin_.token));
  ASSERT_TRUE(got);
  const std::string etag = got->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto first = put(admin_.token, {{"recent_fracture_window_days", 30}}, etag);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200) << first->body;
  auto stale = put(admin_.token, {{"recent_fracture_window_days", 35}}, etag);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 412);
}

TEST_F(MdtAdminSettingsTest, SettingsPageShowsDefaultsAndKeepsValuesOnError) {
  const auto session = cookie("vb_session=" + admin_.token);
  auto page = client()->Get("/settings", session);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "Default 21 days"));
  EXPECT_TRUE(contains(page->body, "TA279 (chapter 4)"));
  EXPECT_TRUE(contains(page->body, "Default 7."));
  EXPECT_TRUE(contains(page->body, "name=\"override_roles.assessment_to_mdt\""));

  const std::size_t before = settings_updates();
  httplib::Params bad{{"csrf", admin_.csrf},
                      {"min_conservative_days", "35"},
                      {"recent_fracture_window_days", "42"},
                      {"pain_threshold", "11"},
                      {"radiologist_roles", "Radiologist"},
                      {"spinal_surgeon_roles", "Spinal surgeon"},
                      {"enabled_packs", "HTG3"},
                      {"override_roles.assessment_to_mdt", "operator"}};
  auto r = client()->Post("/settings", session, bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_TRUE(contains(r->body, "href=\"#pain_threshold\""));
  EXPECT_TRUE(contains(r->body, "value=\"11\""));
  EXPECT_TRUE(contains(r->body, "value=\"35\""));
  EXPECT_EQ(settings_updates(), before);

  auto blank = bad;
  blank.erase("pain_threshold");
  blank.emplace("pain_threshold", "");
  auto b = client()->Post("/settings", session, blank);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 422);
  EXPECT_TRUE(contains(b->body, "href=\"#pain_threshold\""));

  auto no_htg3 = bad;
  no_htg3.erase("enabled_packs");
  no_htg3.erase("pain_threshold");
  no_htg3.emplace("pain_threshold", "7");
  auto n = client()->Post("/settings", session, no_htg3);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->status, 422);
  EXPECT_TRUE(contains(n->body, "href=\"#enabled_packs\""));

  auto good = bad;
  good.erase("pain_threshold");
  good.emplace("pain_threshold", "8");
  auto ok = client()->Post("/settings", session, good);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 303);
  EXPECT_EQ(settings_updates(), before + 1);
  auto now = client()->Get("/api/v1/settings", bearer(admin_.token));
  ASSERT_TRUE(now);
  const Json j = json_of(*now);
  EXPECT_EQ(j["pain_threshold"], 8);
  EXPECT_EQ(j["min_conservative_days"], 35);
  EXPECT_EQ(j["enabled_packs"], Json::array({"HTG3"}));
  EXPECT_EQ(j["override_roles"]["assessment_to_mdt"], Json::array({"operator"}));
  EXPECT_TRUE(j["override_roles"]["mdt_to_consent"].empty());
}

}  // namespace
}  // namespace vertebro::http_test
