// The HTG3 measures of one episode (app/measures.h): efficacy read at the primary time point
// only, satisfaction needing both answers, safety gathered from the procedure's levels, the
// visits and the complications.
#include <gtest/gtest.h>

#include "app/measures.h"

namespace vertebro::app::measures_test {
namespace {

using nlohmann::json;

json procedure_with(bool leak) {
  json level = {{"level", "T12"}, {"cement_ml", 4}};
  if (leak) level["leakage"] = json::array({"B"});
  return {{"date", "2026-11-25"}, {"levels", json::array({level})}};
}

VisitOutcomes outcomes(std::optional<bool> pain, std::optional<bool> satisfied,
                       std::optional<bool> again) {
  VisitOutcomes o;
  o.pain_relief = pain;
  o.satisfied = satisfied;
  o.would_have_again = again;
  return o;
}

TEST(MeasureEpisodeTest, EfficacyIsReadAtThePrimaryTimePointOnly) {
  const std::vector<std::pair<std::string, VisitOutcomes>> visits = {
      {"1 week", outcomes(true, true, true)}, {"3 months", outcomes(true, true, true)}};
  auto m = measure_episode(procedure_with(false), visits, {}, "1 month");
  EXPECT_FALSE(m.primary_recorded);
  EXPECT_EQ(m.pain_relief, std::nullopt);
  EXPECT_EQ(m.satisfied, std::nullopt);
  const std::vector<std::pair<std::string, VisitOutcomes>> at_month = {
      {"1 week", outcomes(true, true, true)}, {"1 month", outcomes(false, true, std::nullopt)}};
  m = measure_episode(procedure_with(false), at_month, {}, "1 month");
  EXPECT_TRUE(m.primary_recorded);
  EXPECT_EQ(m.pain_relief, false);
  EXPECT_EQ(m.satisfied, std::nullopt);  // "would have it again" not known
}

TEST(MeasureEpisodeTest, SatisfiedNeedsBothAnswersAndEitherNoIsNo) {
  struct Case {
    std::optional<bool> satisfied, again, expected;
  };
  for (const auto& c : {Case{true, true, true}, Case{true, false, false},
                        Case{false, std::nullopt, false}, Case{std::nullopt, true, std::nullopt}}) {
    auto m = measure_episode(procedure_with(false), {{"1 month", outcomes(true, c.satisfied, c.again)}},
                             {}, "1 month");
    EXPECT_EQ(m.satisfied, c.expected);
  }
}

TEST(MeasureEpisodeTest, SafetyComesFromLevelsVisitsAndComplications) {
  auto none = measure_episode(procedure_with(false), {}, {}, "1 month");
  EXPECT_EQ(none.leakage, false);
  EXPECT_FALSE(none.leakage_needing_intervention || none.paraplegia || none.other_harm ||
               none.new_fracture);
  EXPECT_EQ(measure_episode(json::object(), {}, {}, "1 month").leakage, std::nullopt);
  EXPECT_EQ(measure_episode(procedure_with(true), {}, {}, "1 month").leakage, true);

  const std::vector<json> events = {
      {{"type", "symptomatic_cement_leakage"}, {"further_intervention", true}},
      {{"type", "nerve_root_damage"}, {"further_intervention", false}},
      {{"type", "paraplegia"}, {"further_intervention", true}}};
  auto harmed = measure_episode(procedure_with(false), {}, events, "1 month");
  EXPECT_EQ(harmed.leakage, true);  // a symptomatic leak is a leak
  EXPECT_TRUE(harmed.leakage_needing_intervention);
  EXPECT_TRUE(harmed.paraplegia);
  EXPECT_TRUE(harmed.other_harm);
  // A leak treated without further intervention does not count as needing it.
  auto observed = measure_episode(
      procedure_with(false),
      {}, {{{"type", "pulmonary_cement_embolism"}, {"further_intervention", false}}}, "1 month");
  EXPECT_EQ(observed.leakage, true);
  EXPECT_FALSE(observed.leakage_needing_intervention);

  VisitOutcomes fracture;
  fracture.new_fractures.push_back(
      {*domain::VertebralLevel::parse("L1"), guidance::FractureRelation::kAdjacent});
  auto later = measure_episode(procedure_with(false), {{"6 months", fracture}}, {}, "1 month");
  EXPECT_TRUE(later.new_fracture);
  EXPECT_TRUE(later.new_fracture_adjacent);
  auto reported = measure_episode(procedure_with(false), {},
                                  {{{"type", "new_vertebral_fracture"}}}, "1 month");
  EXPECT_TRUE(reported.new_fracture);
  EXPECT_FALSE(reported.new_fracture_adjacent);
}

}  // namespace
}  // namespace vertebro::app::measures_test
