// When a questionnaire sent to a patient needs a reminder, or a phone call, or nothing
// (app/patient_links.h, plan_contact), at each boundary of the unit's days: reminders on days 7
// and 14 after the first questionnaire, the phone list from day 21, none once answered or
// stopped, and a late reminder never bringing the next one forward.
#include <gtest/gtest.h>

#include "app/patient_links.h"

namespace vertebro::app::patient_links_test {
namespace {

using domain::Date;

const Date kFirst = *Date::parse("2026-12-01", "d", "d");

Date on(int day) { return Date::from_days(kFirst.days() + std::chrono::days(day)); }

// A link sent on `day` after the first, by `route`.
LinkFacts sent(int day, const std::string& route = "letter") { return {on(day), route, false, false}; }

ContactPlan plan(const std::vector<LinkFacts>& links, int today, bool visit = false,
                 const std::vector<int>& reminders = {7, 14}, int phone = 21) {
  return plan_contact(links, visit, on(today), reminders, phone);
}

TEST(PlanContact, NothingSentIsToSendAndARecordedVisitIsAnswered) {
  EXPECT_EQ(plan({}, 0).step, ContactStep::kSend);
  EXPECT_EQ(plan({}, 30).step, ContactStep::kSend) << "never on the phone list unasked";
  EXPECT_EQ(plan({}, 0, true).step, ContactStep::kAnswered);
  EXPECT_EQ(plan({sent(0)}, 30, true).step, ContactStep::kAnswered)
      << "a visit recorded by staff ends the reminders";
  LinkFacts used = sent(0);
  used.used = true;
  EXPECT_EQ(plan({used}, 10).step, ContactStep::kAnswered);
}

TEST(PlanContact, RemindersFallDueOnTheirDaysThenThePhoneList) {
  struct Case {
    std::vector<LinkFacts> links;
    int today;
    ContactStep step;
    int reminder;
    int due;  // days after the first; -1 for none
  };
  const Case cases[] = {
      {{sent(0)}, 0, ContactStep::kWait, 1, 7},
      {{sent(0)}, 6, ContactStep::kWait, 1, 7},
      {{sent(0)}, 7, ContactStep::kRemind, 1, 7},
      {{sent(0)}, 13, ContactStep::kRemind, 1, 7},  // still due until sent
      {{sent(0), sent(7)}, 7, ContactStep::kWait, 2, 14},
      {{sent(0), sent(7)}, 14, ContactStep::kRemind, 2, 14},
      // Reminder 1 sent late (day 10): reminder 2 keeps its 7-day gap, day 17.
      {{sent(0), sent(10)}, 16, ContactStep::kWait, 2, 17},
      {{sent(0), sent(10)}, 17, ContactStep::kRemind, 2, 17},
      // Both reminders sent: wait for the phone list.
      {{sent(0), sent(7), sent(14)}, 20, ContactStep::kWait, 0, 21},
      // Day 21: the phone list, sent or not, and no reminder after it.
      {{sent(0), sent(7), sent(14)}, 21, ContactStep::kPhone, 0, 21},
      {{sent(0)}, 21, ContactStep::kPhone, 0, 21},
      {{sent(0)}, 20, ContactStep::kRemind, 1, 7},
      // A reminder pushed past the phone day by a late one is never due.
      {{sent(0), sent(16)}, 20, ContactStep::kWait, 0, 21},
  };
  for (const auto& c : cases) {
    const auto p = plan(c.links, c.today);
    const std::string label = "links " + std::to_string(c.links.size()) + ", day " +
                              std::to_string(c.today);
    EXPECT_EQ(p.step, c.step) << label;
    EXPECT_EQ(p.reminder, c.reminder) << label;
    ASSERT_TRUE(p.due.has_value()) << label;
    EXPECT_EQ(*p.due, on(c.due)) << label;
    EXPECT_EQ(p.reminders_sent, static_cast<int>(c.links.size()) - 1) << label;
    EXPECT_EQ(*p.first_sent, on(0)) << label;
  }
}

TEST(PlanContact, RemindersGoTheWayTheLastOneWent) {
  const auto p = plan({sent(0, "letter"), sent(7, "text")}, 14);
  EXPECT_EQ(p.step, ContactStep::kRemind);
  EXPECT_EQ(p.route, "text");
  EXPECT_EQ(*p.last_sent, on(7));
}

TEST(PlanContact, AStoppedQuestionnaireOwesNothing) {
  LinkFacts stopped = sent(7);
  stopped.cancelled = true;
  EXPECT_EQ(plan({sent(0), stopped}, 14).step, ContactStep::kStopped);
  EXPECT_EQ(plan({sent(0), stopped}, 30).step, ContactStep::kStopped) << "not on the phone list";
}

TEST(PlanContact, NoReminderDaysMeansWaitingForThePhoneList) {
  const auto p = plan({sent(0)}, 10, false, {}, 21);
  EXPECT_EQ(p.step, ContactStep::kWait);
  EXPECT_EQ(p.reminder, 0);
  EXPECT_EQ(*p.due, on(21));
  EXPECT_EQ(plan({sent(0)}, 21, false, {}, 21).step, ContactStep::kPhone);
}

}  // namespace
}  // namespace vertebro::app::patient_links_test
