// Follow-up visits (app/follow_up_visits.h), the pure parts: the visit's validation at the edges
// of its dates and window, the outcomes judged from a stored visit, the time points of an
// episode's page, and time points as URLs write them. The outcome definitions' own boundaries
// are tabled in tests/guidance/outcomes_test.cpp.
#include <gtest/gtest.h>

#include "app/follow_up_visits.h"

namespace vertebro::app::visits_test {
namespace {

using nlohmann::json;

domain::Date on(const char* iso) { return *domain::Date::parse(iso, "d", "d"); }
domain::VertebralLevel vertebra(const char* name) { return *domain::VertebralLevel::parse(name); }

// A procedure on 2026-11-25 at T12 and L1; the 1-month time point (due 25 Dec, window 18 Dec to
// 8 Jan); today 2027-01-20.
VisitContext visit_context() {
  VisitContext c;
  c.today = on("2027-01-20");
  c.procedure_date = on("2026-11-25");
  c.treated_levels = {vertebra("T12"), vertebra("L1")};
  c.due = guidance::follow_up_due(on("2026-11-25"), guidance::default_follow_up_time_points()[2],
                                  c.today);
  return c;
}

std::vector<std::string> fields_of(const Result<ValidatedForm>& r) {
  std::vector<std::string> out;
  if (r) return out;
  for (const auto& f : r.error().fields) out.push_back(f.field);
  return out;
}

TEST(FollowUpVisitValidationTest, DatesFromTheProcedureDayToTodayAreAccepted) {
  for (const char* date : {"2026-11-25", "2027-01-20"}) {
    auto r = validate_follow_up_visit({{"visit_date", date}, {"pain_at_rest", 0}}, visit_context());
    ASSERT_TRUE(r) << date;
    EXPECT_EQ(r->document["visit_date"], date);
  }
  auto before = validate_follow_up_visit({{"visit_date", "2026-11-24"}, {"pain_at_rest", 0}},
                                         visit_context());
  EXPECT_EQ(fields_of(before), std::vector<std::string>{"visit_date"});
  auto future = validate_follow_up_visit({{"visit_date", "2027-01-21"}, {"pain_at_rest", 0}},
                                         visit_context());
  EXPECT_EQ(fields_of(future), std::vector<std::string>{"visit_date"});
}

TEST(FollowUpVisitValidationTest, AVisitOutsideItsWindowIsKeptWithAWarning) {
  struct Case {
    const char* date;
    bool warned;
  };
  for (const auto& c : {Case{"2026-12-17", true}, Case{"2026-12-18", false},
                        Case{"2027-01-08", false}, Case{"2027-01-09", true}}) {
    auto r = validate_follow_up_visit({{"visit_date", c.date}, {"pain_at_rest", 3}}, visit_context());
    ASSERT_TRUE(r) << c.date;
    EXPECT_EQ(!r->warnings.empty(), c.warned) << c.date;
  }
}

TEST(FollowUpVisitValidationTest, ScoresAtTheirBoundsAndFormStrings) {
  auto r = validate_follow_up_visit({{"visit_date", "2026-12-27"},
                                     {"pain_at_rest", "0"},
                                     {"pain_on_movement", "10"},
                                     {"odi", "100"},
                                     {"new_fracture_levels", "l2,T9, L2"},
                                     {"height_loss_levels", {"L1", "T12"}}},
                                    visit_context());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->document["pain_at_rest"], 0);
  EXPECT_EQ(r->document["pain_on_movement"], 10);
  EXPECT_EQ(r->document["odi"], 100);
  EXPECT_EQ(r->document["new_fracture_levels"], json::array({"T9", "L2"}));
  EXPECT_EQ(r->document["height_loss_levels"], json::array({"T12", "L1"}));
  auto bad = validate_follow_up_visit({{"visit_date", "2026-12-27"},
                                       {"pain_at_rest", 11},
                                       {"pain_on_movement", "-1"},
                                       {"odi", 101},
                                       {"satisfaction", "delighted"},
                                       {"would_have_again", "maybe"},
                                       {"analgesic_use", "lots"}},
                                      visit_context());
  EXPECT_EQ(fields_of(bad),
            (std::vector<std::string>{"pain_at_rest", "pain_on_movement", "analgesic_use",
                                      "satisfaction", "would_have_again", "odi"}));
}

TEST(FollowUpVisitValidationTest, NotesAloneAreAnAnswerButAContactAloneIsNot) {
  EXPECT_TRUE(validate_follow_up_visit(
      {{"visit_date", "2026-12-27"}, {"notes", "Patient well, back at bowls"}}, visit_context()));
  auto none = validate_follow_up_visit({{"visit_date", "2026-12-27"}, {"contact", "phone"}},
                                       visit_context());
  EXPECT_EQ(fields_of(none), std::vector<std::string>{"pain_at_rest"});
  auto not_object = validate_follow_up_visit(json::array(), visit_context());
  EXPECT_EQ(fields_of(not_object), std::vector<std::string>{"body"});
}

Baseline frame_baseline() {
  return baseline_of({{"pain_at_rest", 6},
                      {"pain_on_movement", 9},
                      {"analgesic", "strong_opioid"},
                      {"mobility", "walking_with_frame"}});
}

TEST(JudgeVisitTest, PainReliefIsOnMovementOrAtRestWhenMovementIsMissing) {
  const std::vector<domain::VertebralLevel> treated = {vertebra("T12")};
  const guidance::OutcomeDefinitions defs;
  // Movement 9 -> 7: 2 points but 22%: no relief, although rest 6 -> 2 is relief.
  auto o = judge_visit({{"pain_at_rest", 2}, {"pain_on_movement", 7}}, frame_baseline(), treated, defs);
  EXPECT_EQ(o.pain_relief_on_movement, false);
  EXPECT_EQ(o.pain_relief_at_rest, true);
  EXPECT_EQ(o.pain_relief, false);
  // Without a score on movement, rest decides.
  o = judge_visit({{"pain_at_rest", 2}}, frame_baseline(), treated, defs);
  EXPECT_EQ(o.pain_relief_on_movement, std::nullopt);
  EXPECT_EQ(o.pain_relief, true);
  o = judge_visit(json::object(), frame_baseline(), treated, defs);
  EXPECT_EQ(o.pain_relief, std::nullopt);
}

TEST(JudgeVisitTest, MedicationMobilitySatisfactionAndWouldHaveAgain) {
  const guidance::OutcomeDefinitions defs;
  auto o = judge_visit({{"analgesic", "strong_opioid"},
                        {"mobility", "walking_with_stick"},
                        {"satisfaction", "very_satisfied"},
                        {"would_have_again", "unsure"}},
                       frame_baseline(), {}, defs);
  EXPECT_EQ(o.reduced_medication, false);
  EXPECT_EQ(o.improved_mobility, true);
  EXPECT_EQ(o.satisfied, true);
  EXPECT_EQ(o.would_have_again, std::nullopt);  // "not sure" is not an answer either way
  o = judge_visit({{"analgesic", "none"},
                   {"mobility", "walking_with_frame"},
                   {"satisfaction", "dissatisfied"},
                   {"would_have_again", "no"}},
                  frame_baseline(), {}, defs);
  EXPECT_EQ(o.reduced_medication, true);  // stopped
  EXPECT_EQ(o.improved_mobility, false);
  EXPECT_EQ(o.satisfied, false);
  EXPECT_EQ(o.would_have_again, false);
  guidance::OutcomeDefinitions two_steps;
  two_steps.mobility_min_steps = 2;
  o = judge_visit({{"mobility", "walking_with_stick"}}, frame_baseline(), {}, two_steps);
  EXPECT_EQ(o.improved_mobility, false);
}

TEST(JudgeVisitTest, NewFracturesAreAdjacentOrDistantFromTheTreatedLevels) {
  const guidance::OutcomeDefinitions defs;
  auto o = judge_visit({{"new_fracture_levels", {"T11", "L2", "T12"}}}, frame_baseline(),
                       {vertebra("T12"), vertebra("L1")}, defs);
  ASSERT_EQ(o.new_fractures.size(), 3u);
  EXPECT_EQ(o.new_fractures[0].relation, guidance::FractureRelation::kAdjacent);  // T11
  EXPECT_EQ(o.new_fractures[1].relation, guidance::FractureRelation::kAdjacent);  // L2
  EXPECT_EQ(o.new_fractures[2].relation, guidance::FractureRelation::kTreated);   // T12
  o = judge_visit({{"new_fracture_levels", {"L4"}}}, frame_baseline(), {}, defs);
  ASSERT_EQ(o.new_fractures.size(), 1u);
  EXPECT_EQ(o.new_fractures[0].relation, std::nullopt);  // no treated levels: nothing to say
}

TEST(FollowUpSlotsTest, TheScheduleInOrderThenVisitsAtTimePointsNoLongerInIt) {
  const auto schedule = guidance::default_follow_up_time_points();
  domain::FollowUpVisitRecord month{EpisodeId{1}, "1 month", "2026-12-27", "patient", "{}", 1,
                                    UserId{0},    ""};
  domain::FollowUpVisitRecord old{EpisodeId{1}, "2 months", "2027-01-20", "clinician", "{}", 1,
                                  UserId{3},    ""};
  auto slots = follow_up_slots(schedule, "1 month", on("2026-11-25"), {old, month},
                               on("2027-01-20"));
  ASSERT_EQ(slots.size(), schedule.size() + 1);
  EXPECT_EQ(slots[0].time_point, "1 day");
  EXPECT_EQ(slots[0].due->status, guidance::FollowUpStatus::kOverdue);
  EXPECT_FALSE(slots[0].visit_date);
  EXPECT_EQ(slots[2].time_point, "1 month");
  EXPECT_TRUE(slots[2].primary);
  EXPECT_EQ(slots[2].visit_date, on("2026-12-27"));
  EXPECT_EQ(slots[2].source, "patient");
  EXPECT_EQ(slots.back().time_point, "2 months");
  EXPECT_FALSE(slots.back().due);
  auto undated = follow_up_slots(schedule, "1 month", std::nullopt, {}, on("2027-01-20"));
  EXPECT_FALSE(undated[0].due);
}

TEST(TimePointUrlTest, ReadsTheUrlFormAndWritesIt) {
  EXPECT_EQ(time_point_from_url("1-month"), "1 month");
  EXPECT_EQ(time_point_from_url("12-months"), "12 months");
  EXPECT_EQ(time_point_from_url("1-day"), "1 day");
  EXPECT_EQ(time_point_from_url("3 months"), "3 months");
  EXPECT_EQ(time_point_from_url("0-months"), std::nullopt);
  EXPECT_EQ(time_point_from_url("month"), std::nullopt);
  EXPECT_EQ(time_point_from_url("2-fortnights"), std::nullopt);
  EXPECT_EQ(time_point_url("12 months"), "12-months");
}

}  // namespace
}  // namespace vertebro::app::visits_test
