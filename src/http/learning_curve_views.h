#pragma once
// View data for learning curves (app/learning_curves.h): the SVG chart, the curve's summary and
// table for _learning_curve.mustache, and the JSON the API answers. Internal to http/.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/learning_curves.h"

namespace vertebro::http {

// An accessible SVG (role="img", a title and a description) of the CUSUM score over the cases,
// with the decision limit h dashed, each case with the outcome filled, each signal ringed.
std::string learning_curve_svg(const app::LearningCurve& curve);

// For _learning_curve.mustache: {settings, cases, outcomes, signals_text, score_now,
// has_cases, svg, points[{case_number, date, supervised, outcome, score, signal}],
// signals_table{signals[signal_view], caption, show_operator}, has_recorded_signals}.
nlohmann::json learning_curve_view(const app::LearningCurve& curve,
                                   const std::vector<domain::LearningCurveSignal>& signals,
                                   bool may_review);

// A recorded signal for pages: {operator, operator_href, outcome_label, case_number, date,
// score, design, signalled_at, reviewed, reviewed_by, reviewed_at, review_note, review_href}.
nlohmann::json signal_view(const domain::LearningCurveSignal& s, bool may_review);

// The settings and the API's JSON of a curve and a signal.
nlohmann::json training_settings_view(const app::TrainingSettings& s);
nlohmann::json learning_curve_json(const app::LearningCurve& curve);
nlohmann::json signal_json(const domain::LearningCurveSignal& s);

}  // namespace vertebro::http
