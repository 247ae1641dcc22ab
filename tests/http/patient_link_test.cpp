// HTTP tests of patient questionnaires by one-time link (issue 12): the nurse's letter with the
// link and its QR code; the patient's page with no account and only the first name; answers
// saved as the time point's visit with source "patient", once; the same "link not valid" page
// for a used, expired, cancelled or guessed link, audited, and a pause after too many; no token
// in the log; nothing stored but the token's hash. The server's clock is 2026-11-25T10:00:00Z.

#include <regex>

#include "pathway_fixture.h"

namespace vertebro::http_test {
namespace {

class PatientLinkTest : public PathwayTest {
 protected:
  void SetUp() override {
    PathwayTest::SetUp();
    if (HasFatalFailure()) return;
    sender_ = operator_;  // the surgeon, an operator at the test site
  }

  // An episode in follow-up after a procedure today.
  std::int64_t episode_in_follow_up() {
    const std::int64_t id = episode_at_procedure();
    expect_status(put_form(operator_, id, "procedure", procedure("2026-11-25")), 200);
    EXPECT_EQ(state(id), "follow_up");
    return id;
  }

  static std::string follow_up_path(std::int64_t id, const std::string& tp = "1-month") {
    return "/episodes/" + std::to_string(id) + "/follow-ups/" + tp;
  }

  // Sends a questionnaire for the episode's time point as the operator; the letter's link path
  // ("/q/...").
  std::string send(std::int64_t id, const std::string& tp = "1-month",
                   const std::string& route = "letter") {
    auto page = client()->Get(follow_up_path(id, tp), page_cookie(sender_));
    EXPECT_TRUE(page && page->status == 200);
    const std::string csrf = page ? csrf_field(page->body) : "";
    auto letter = client()->Post(follow_up_path(id, tp) + "/questionnaire", page_cookie(sender_),
                                 httplib::Params{{"csrf", csrf}, {"route", route}});
    EXPECT_TRUE(letter && letter->status == 200) << (letter ? letter->body.substr(0, 600) : "");
    if (!letter) return "";
    last_letter_ = letter->body;
    std::smatch m;
    const std::regex link("https?://[^/\"<\\s]+(/q/[0-9a-f]{32})");
    return std::regex_search(letter->body, m, link) ? m[1].str() : "";
  }

  // The questionnaire step of the episode's time point on the follow-up list (API), as the
  // sender sees it now; null when the episode or time point is not listed.
  Json step_of(std::int64_t id, const std::string& time_point = "1 week") {
    auto r = client()->Get("/api/v1/follow-ups", bearer(sender_.token));
    EXPECT_TRUE(r && r->status == 200);
    if (!r) return {};
    const Json body = json_of(*r);
    for (const auto& item : body["items"]) {
      if (item.value("id", std::int64_t{0}) != id) continue;
      for (const auto& f : item["follow_ups"]) {
        if (f["time_point"] == time_point) return f["questionnaire"];
      }
    }
    return {};
  }

  // Moves the clock to 10:00 on `iso` and signs the sender in again.
  void day(const std::string& iso) {
    set_clock_day(iso);
    sender_ = api_sign_in("surgeon");
  }

  httplib::Result answer(const std::string& link, const httplib::Params& answers) {
    return client()->Post(link, answers);
  }

  ApiSession sender_;
  std::string last_letter_;
};

TEST_F(PatientLinkTest, ThePatientAnswersOnceAndTheAnswersAreTheVisit) {
  const std::int64_t id = episode_in_follow_up();
  const std::string link = send(id);
  ASSERT_FALSE(link.empty()) << last_letter_.substr(0, 1000);
  // The letter: the patient's name, the QR code and the expiry (28 days by default).
  EXPECT_NE(last_letter_.find("Dear "), std::string::npos);
  EXPECT_NE(last_letter_.find("<svg"), std::string::npos);
  EXPECT_NE(last_letter_.find("22 Dec 2026"), std::string::npos);
  // Only the hash is stored.
  auto stored = server().ctx().read([&](store::Tx& tx) -> Status {
    auto links = tx.episode_follow_up_links(EpisodeId{id});
    EXPECT_TRUE(links.ok());
    if (!links) return std::move(links).error();
    EXPECT_EQ(links->size(), 1u);
    EXPECT_EQ(links->front().token_hash.size(), 64u);
    EXPECT_EQ(links->front().token_hash.find(link.substr(3)), std::string::npos);
    return {};
  });
  EXPECT_TRUE(stored.ok());

  // The patient's page: no account, the first name only.
  auto page = client()->Get(link);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body.substr(0, 400);
  EXPECT_NE(page->body.find("How bad is your back pain"), std::string::npos);
  EXPECT_EQ(page->body.find("Pathwayson"), std::string::npos);
  EXPECT_EQ(page->body.find("NHS number"), std::string::npos);
  EXPECT_EQ(page->get_header_value("Cache-Control"), "no-store");

  // Nothing answered: refused, nothing saved, the link still works.
  auto empty = answer(link, {});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 422);
  EXPECT_NE(empty->body.find("Answer at least one question"), std::string::npos);
  auto bad = answer(link, {{"pain_at_rest", "11"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_FALSE(server().episode(id)->state != domain::PathwayState::kFollowUp);

  auto done = answer(link, {{"pain_at_rest", "2"},
                            {"pain_on_movement", "3"},
                            {"analgesic", "non_opioid"},
                            {"analgesic_use", "less"},
                            {"mobility", "walking_with_stick"},
                            {"satisfaction", "satisfied"},
                            {"would_have_again", "yes"},
                            {"notes", "Much better, thank you"}});
  ASSERT_TRUE(done);
  ASSERT_EQ(done->status, 200) << done->body.substr(0, 600);
  EXPECT_NE(done->body.find("Thank you"), std::string::npos);

  // The answers are the 1-month visit, the patient's own.
  auto visit = client()->Get(path(id, "follow-ups/1-month"), bearer(sender_.token));
  ASSERT_TRUE(visit && visit->status == 200) << (visit ? visit->body : "");
  const Json v = json_of(*visit);
  EXPECT_EQ(v["visit"]["source"], "patient");
  EXPECT_EQ(v["visit"]["document"]["pain_on_movement"], 3);
  EXPECT_EQ(v["visit"]["document"]["visit_date"], "2026-11-25");

  // Used: the same page as any link that does not work.
  for (const std::string& p : {link, std::string("/q/0123456789abcdef0123456789abcdef"),
                               std::string("/q/not-a-token")}) {
    auto again = client()->Get(p);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 404) << p;
    EXPECT_NE(again->body.find("This link does not work"), std::string::npos) << p;
  }
  auto twice = answer(link, {{"pain_at_rest", "1"}});
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 404);

  // Audited; the token is never in the log.
  int denied = 0, patient_saves = 0;
  for (const auto& e : server().audit_all()) {
    if (e.action == "denied" && e.record_type == "follow_up_link") ++denied;
    if (e.action == "create" && e.record_id == id &&
        e.detail.find("\"source\":\"patient\"") != std::string::npos) {
      ++patient_saves;
    }
  }
  EXPECT_GE(denied, 4);
  EXPECT_EQ(patient_saves, 1);
  EXPECT_EQ(server().log_text().find(link.substr(3)), std::string::npos);
}

TEST_F(PatientLinkTest, ANewLinkCancelsTheOldAndLinksExpire) {
  const std::int64_t id = episode_in_follow_up();
  const std::string first = send(id);
  const std::string second = send(id);
  ASSERT_FALSE(first.empty());
  ASSERT_NE(first, second);
  EXPECT_EQ(client()->Get(first)->status, 404);
  EXPECT_EQ(client()->Get(second)->status, 200);
  // The follow-up page says what became of the latest link.
  auto page = client()->Get(follow_up_path(id), page_cookie(sender_));
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("not answered yet"), std::string::npos);
  // Past its last day (28 days), it no longer works.
  set_clock_day("2026-12-23");
  EXPECT_EQ(client()->Get(second)->status, 404);
  set_clock_day("2026-11-25");
}

TEST_F(PatientLinkTest, NoLinkOnceRecordedOrForOtherRolesOrAfterTheEpisodeEnded) {
  const std::int64_t id = episode_in_follow_up();
  const std::string link = send(id, "1-week");
  ASSERT_FALSE(link.empty());
  // A clinician records the 1-week follow-up first: the link stops working.
  auto put = client()->Put(path(id, "follow-ups/1-week"), with(bearer(sender_.token), "If-Match", "\"0\""),
                           Json{{"visit_date", "2026-11-25"}, {"pain_at_rest", 3}}.dump(),
                           "application/json");
  ASSERT_TRUE(put && put->status == 200) << (put ? put->body : "");
  EXPECT_EQ(client()->Get(link)->status, 404);

  // Only nurses and operators send links.
  const ApiSession coordinator = api_sign_in("coordinator");
  auto page = client()->Get(follow_up_path(id), page_cookie(coordinator));
  ASSERT_TRUE(page);
  auto refused = client()->Post(follow_up_path(id) + "/questionnaire", page_cookie(coordinator),
                                httplib::Params{{"csrf", csrf_field(page->body)}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);

  // A patient who withdrew gets no working link.
  const std::string open = send(id);
  ASSERT_FALSE(open.empty());
  auto exit = client()->Post(path(id, "exit"), with(bearer(sender_.token), "If-Match", quoted(version(id))),
                             Json{{"state", "withdrawn"},
                                  {"reason", "Moved away"},
                                  {"date", "2026-11-25"}}
                                 .dump(),
                             "application/json");
  ASSERT_TRUE(exit);
  ASSERT_EQ(exit->status, 200) << exit->body;
  EXPECT_EQ(client()->Get(open)->status, 404);
}

TEST_F(PatientLinkTest, GuessingIsPausedAfterTenFailures) {
  // Failures of earlier tests in this process, from the same address, are out of the window.
  server().clock().advance(std::chrono::minutes(16));
  int last = 0;
  for (int i = 0; i < 11; ++i) {
    auto r = client()->Get("/q/" + std::string(31, 'a') + std::to_string(i % 10));
    ASSERT_TRUE(r);
    last = r->status;
    if (i < 10) {
      EXPECT_EQ(r->status, 404) << i;
    }
  }
  EXPECT_EQ(last, 429);
  // A real link from the same address waits too, then works once the window has passed.
  const std::int64_t id = episode_in_follow_up();
  const std::string link = send(id);
  EXPECT_EQ(client()->Get(link)->status, 429);
  server().clock().advance(std::chrono::minutes(16));
  EXPECT_EQ(client()->Get(link)->status, 200);
}

// Reminders fall due on the unit's days after the first questionnaire (7 and 14), by the way the
// last one went, then the phone list (day 21); the follow-up list's "send today" and phone
// sections show them; none once stopped, answered, or for a patient who died.
TEST_F(PatientLinkTest, RemindersFallDueThenThePhoneListAndStopWhenAnsweredOrStopped) {
  const ApiSession admin = api_sign_in("admin");
  auto settings = client()->Put("/api/v1/settings", bearer(admin.token),
                                Json{{"patient_reminder_days", {7, 14}},
                                     {"patient_phone_after_days", 21}}
                                    .dump(),
                                "application/json");
  ASSERT_TRUE(settings && settings->status == 200) << (settings ? settings->body : "");
  const std::int64_t id = episode_in_follow_up();      // procedure 25 Nov: 1 week due 2 Dec
  const std::int64_t answered = episode_in_follow_up();
  const std::int64_t stopped = episode_in_follow_up();
  const std::int64_t died = episode_in_follow_up();
  day("2026-12-02");
  EXPECT_EQ(step_of(id)["step"], "send") << step_of(id);
  auto page = client()->Get("/follow-ups", page_cookie(sender_));
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "Not sent yet"));
  ASSERT_FALSE(send(id, "1-week", "text").empty());
  const std::string answered_link = send(answered, "1-week");
  ASSERT_FALSE(send(stopped, "1-week").empty());
  ASSERT_FALSE(send(died, "1-week").empty());
  EXPECT_TRUE(contains(last_letter_, "Dear "));

  // The day before the first reminder day: nothing to send.
  day("2026-12-08");
  Json q = step_of(id);
  EXPECT_EQ(q["step"], "wait") << q;
  EXPECT_EQ(q["route"], "text");
  EXPECT_EQ(q["reminder"], 1);
  EXPECT_EQ(q["due"], "2026-12-09");
  // The patient answers one; a nurse stops another; a third patient dies.
  auto done = answer(answered_link, {{"pain_at_rest", "2"}});
  ASSERT_TRUE(done && done->status == 200);
  page = client()->Get(follow_up_path(stopped, "1-week"), page_cookie(sender_));
  ASSERT_TRUE(page);
  auto stop = client()->Post(follow_up_path(stopped, "1-week") + "/questionnaire/stop",
                             page_cookie(sender_), httplib::Params{{"csrf", csrf_field(page->body)}});
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->status, 303) << stop->body.substr(0, 600);
  auto exit = client()->Post(path(died, "exit"),
                             with(bearer(sender_.token), "If-Match", quoted(version(died))),
                             Json{{"state", "deceased"}, {"reason", "Pneumonia"}, {"date", "2026-12-08"}}.dump(),
                             "application/json");
  ASSERT_TRUE(exit && exit->status == 200) << (exit ? exit->body : "");

  // Day 7: reminder 1 is due, by text as the first went; the others owe nothing.
  day("2026-12-09");
  q = step_of(id);
  EXPECT_EQ(q["step"], "remind") << q;
  EXPECT_EQ(q["reminder"], 1);
  EXPECT_TRUE(step_of(answered).is_null()) << "an answered follow-up leaves the list";
  EXPECT_EQ(step_of(stopped)["step"], "stopped");
  EXPECT_TRUE(step_of(died).is_null()) << "a patient who died is not listed";
  page = client()->Get("/follow-ups", page_cookie(sender_));
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "Reminder links to text"));
  EXPECT_TRUE(contains(page->body, "Reminder 1 due since 9 Dec 2026"));
  EXPECT_FALSE(contains(page->body, "Reminder letters to print"));
  // Sending it replaces the link; the next is due a week later.
  const std::string reminder = send(id, "1-week", "text");
  ASSERT_FALSE(reminder.empty());
  EXPECT_TRUE(contains(last_letter_, "this new link replaces the one we sent on 2 Dec 2026"));
  q = step_of(id);
  EXPECT_EQ(q["step"], "wait") << q;
  EXPECT_EQ(q["reminders_sent"], 1);
  EXPECT_EQ(q["reminder"], 2);
  EXPECT_EQ(q["due"], "2026-12-16");

  // Day 14: reminder 2; day 21: the phone list, and no third reminder.
  day("2026-12-16");
  EXPECT_EQ(step_of(id)["step"], "remind");
  day("2026-12-23");
  q = step_of(id);
  EXPECT_EQ(q["step"], "phone") << q;
  EXPECT_EQ(q["due"], "2026-12-23");
  page = client()->Get("/follow-ups", page_cookie(sender_));
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "Not answered: phone the patient"));
  EXPECT_TRUE(contains(page->body, "Nothing to send today") ||
              !contains(page->body, "Reminder links to text"));
  // Recorded by phone: it leaves every list.
  auto put = client()->Put(path(id, "follow-ups/1-week"),
                           with(bearer(sender_.token), "If-Match", "\"0\""),
                           Json{{"visit_date", "2026-12-23"}, {"pain_at_rest", 3}}.dump(),
                           "application/json");
  ASSERT_TRUE(put && put->status == 200) << (put ? put->body : "");
  EXPECT_TRUE(step_of(id).is_null());
  // A bad route is named; nothing is issued.
  page = client()->Get(follow_up_path(stopped, "1-month"), page_cookie(sender_));
  ASSERT_TRUE(page);
  auto bad = client()->Post(follow_up_path(stopped, "1-month") + "/questionnaire",
                            page_cookie(sender_),
                            httplib::Params{{"csrf", csrf_field(page->body)}, {"route", "pigeon"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(contains(bad->body, "a letter or a text message")) << bad->body;
  set_clock_day("2026-11-25");
}

// The follow-up list's "print all as letters": every follow-up named, issued in one transaction
// and printed as one document; one that cannot be sent refuses the lot, nothing issued.
TEST_F(PatientLinkTest, PrintAllAsLettersIssuesEveryLinkOrNone) {
  const std::int64_t a = episode_in_follow_up();
  const std::int64_t b = episode_in_follow_up();
  const std::int64_t c = episode_in_follow_up();
  day("2026-12-02");
  auto page = client()->Get("/follow-ups", page_cookie(sender_));
  ASSERT_TRUE(page);
  EXPECT_TRUE(contains(page->body, "as letters"));
  const std::string csrf = csrf_field(page->body);
  const auto item = [](std::int64_t id) { return std::to_string(id) + ":1-week"; };

  // b's 1-week follow-up is recorded meanwhile: the batch is refused and nothing is issued.
  auto put = client()->Put(path(b, "follow-ups/1-week"),
                           with(bearer(sender_.token), "If-Match", "\"0\""),
                           Json{{"visit_date", "2026-12-02"}, {"pain_at_rest", 3}}.dump(),
                           "application/json");
  ASSERT_TRUE(put && put->status == 200) << (put ? put->body : "");
  auto refused = client()->Post("/follow-ups/letters", page_cookie(sender_),
                                httplib::Params{{"csrf", csrf}, {"follow_up", item(a)},
                                                {"follow_up", item(b)}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 409) << refused->body.substr(0, 600);
  EXPECT_EQ(step_of(a)["step"], "send") << "nothing issued";

  auto bad = client()->Post("/follow-ups/letters", page_cookie(sender_),
                            httplib::Params{{"csrf", csrf}, {"follow_up", "seven"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_TRUE(contains(bad->body, "is not a follow-up"));

  auto letters = client()->Post("/follow-ups/letters", page_cookie(sender_),
                                httplib::Params{{"csrf", csrf}, {"follow_up", item(a)},
                                                {"follow_up", item(c)}});
  ASSERT_TRUE(letters);
  ASSERT_EQ(letters->status, 200) << letters->body.substr(0, 600);
  EXPECT_TRUE(contains(letters->body, "2 questionnaire letters to print"));
  const std::regex link("https?://[^/\"<\\s]+(/q/[0-9a-f]{32})");
  const auto found = std::distance(
      std::sregex_iterator(letters->body.begin(), letters->body.end(), link), std::sregex_iterator());
  EXPECT_EQ(found, 2);
  EXPECT_EQ(step_of(a)["step"], "wait");
  EXPECT_EQ(step_of(a)["route"], "letter");
  set_clock_day("2026-11-25");
}

}  // namespace
}  // namespace vertebro::http_test
