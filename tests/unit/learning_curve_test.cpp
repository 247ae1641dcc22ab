// An operator's learning curve (app/learning_curves.h; docs/training.md), checked against a
// sequence worked by hand, and the training settings' checks.
//
// vertebro's default design: cement leakage, p0 = 0.27, p1 = 0.54, h = 3, restart after a signal.
//   W(1) = ln(0.54 / 0.27) = ln 2              =  0.6931471805599453
//   W(0) = ln(0.46 / 0.73)                     = -0.461818044659296
// Leak, leak, none, leak x 4, then leak:
//   case 1: 0.693147   case 2: 1.386294   case 3: 1.386294 - 0.461818 = 0.924476
//   case 4: 1.617623   case 5: 2.310771   case 6: 3.003918 (>= 3: signal; the chart restarts)
//   case 7: 0.693147   case 8: 1.386294

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "app/learning_curves.h"

namespace vertebro {
namespace {

std::vector<domain::OperatorCase> cases(std::initializer_list<int> leaks) {
  std::vector<domain::OperatorCase> out;
  std::int64_t id = 100;
  for (int leak : leaks) {
    domain::OperatorCase c;
    c.episode = EpisodeId{++id};
    c.procedure_date = "2026-11-01";
    c.leakage = leak != 0;
    c.symptomatic_leakage = leak == 2;
    out.push_back(c);
  }
  return out;
}

TEST(LearningCurveTest, FollowsTheHandWorkedSequenceAndRestartsAfterASignal) {
  const auto curve = app::learning_curve(cases({1, 1, 0, 1, 1, 1, 1, 1}), {});
  const std::vector<double> expected = {0.693147, 1.386294, 0.924476, 1.617623,
                                        2.310771, 3.003918, 0.693147, 1.386294};
  ASSERT_EQ(curve.points.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(curve.points[i].score, expected[i], 1e-6) << "case " << i + 1;
    EXPECT_EQ(curve.points[i].signal, i == 5) << "case " << i + 1;
    EXPECT_EQ(curve.points[i].case_number, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(curve.points[i].episode.value, static_cast<std::int64_t>(101 + i));
  }
  EXPECT_EQ(curve.outcomes, 7);
  EXPECT_EQ(curve.signals, 1);
}

TEST(LearningCurveTest, ChartsTheChosenOutcome) {
  app::TrainingSettings s;
  s.outcome = app::CurveOutcome::kSymptomaticLeakage;
  s.p0 = 0.02;
  s.p1 = 0.08;
  s.h = 2;
  // Leaks without symptoms do not count; a symptomatic one adds ln 4 = 1.386294.
  const auto curve = app::learning_curve(cases({1, 1, 2, 2}), s);
  EXPECT_EQ(curve.outcomes, 2);
  EXPECT_DOUBLE_EQ(curve.points[1].score, 0.0);
  EXPECT_NEAR(curve.points[2].score, std::log(4.0), 1e-12);
  EXPECT_FALSE(curve.points[2].signal);
  EXPECT_NEAR(curve.points[3].score, 2 * std::log(4.0), 1e-12) << "2 ln 4 = 2.77 >= 2";
  EXPECT_TRUE(curve.points[3].signal);
  EXPECT_EQ(s.design_text(), "symptomatic_leakage p0=0.02 p1=0.08 h=2");
}

TEST(LearningCurveTest, NoCasesNoPoints) {
  const auto curve = app::learning_curve({}, {});
  EXPECT_TRUE(curve.points.empty());
  EXPECT_EQ(curve.signals, 0);
}

bool names(const Error& e, const std::string& field) {
  for (const auto& f : e.fields) {
    if (f.field == field) return true;
  }
  return false;
}

TEST(TrainingSettingsTest, ReadsNumbersFromFormTextAndNamesEveryBadField) {
  auto ok = app::parse_training_settings(
      {{"supervised_cases_suggested", "15"}, {"p0", " 0.1 "}, {"p1", "0.3"}, {"h", "4.5"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->supervised_cases_suggested, 15);
  EXPECT_DOUBLE_EQ(ok->p0, 0.1);
  EXPECT_DOUBLE_EQ(ok->h, 4.5);
  EXPECT_EQ(ok->outcome, app::CurveOutcome::kLeakage) << "left out: the default";

  auto bad = app::parse_training_settings({{"supervised_cases_suggested", "ten"},
                                           {"p0", "0.3x"},
                                           {"h", -1},
                                           {"outcome", 3}});
  ASSERT_FALSE(bad.ok());
  for (const char* f : {"supervised_cases_suggested", "p0", "h", "outcome"}) {
    EXPECT_TRUE(names(bad.error(), f)) << f;
  }
  auto equal = app::parse_training_settings({{"p0", 0.3}, {"p1", 0.3}});
  ASSERT_FALSE(equal.ok());
  EXPECT_TRUE(names(equal.error(), "p1"));
  EXPECT_FALSE(names(equal.error(), "p0"));
  EXPECT_FALSE(app::parse_training_settings(nlohmann::json::array()).ok());
}

}  // namespace
}  // namespace vertebro
