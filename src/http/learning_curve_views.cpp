#include "http/learning_curve_views.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "http/views.h"

namespace vertebro::http {

using nlohmann::json;

namespace {

constexpr double kWidth = 640, kHeight = 260;
constexpr double kLeft = 52, kRight = 20, kTop = 16, kBottom = 44;

// The label of a stored outcome name.
std::string curve_outcome_text(const std::string& name) {
  auto o = app::parse_curve_outcome(name);
  return o ? std::string(app::curve_outcome_label(*o)) : name;
}

std::string percent(double p) { return fmt::format("{:g}%", std::round(p * 1000) / 10); }

// A tick step of 1, 2 or 5 times a power of ten giving at most `most` ticks over `span`.
double tick_step(double span, int most) {
  double step = 1;
  while (span / step > most) {
    for (double m : {2.0, 2.5, 2.0}) {
      step *= m;
      if (span / step <= most) break;
    }
  }
  return step;
}

}  // namespace

std::string learning_curve_svg(const app::LearningCurve& curve) {
  const auto& pts = curve.points;
  const double n = std::max<double>(1, static_cast<double>(pts.size()));
  double top = curve.settings.h * 1.25;
  for (const auto& p : pts) top = std::max(top, p.score * 1.1);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto x = [&](double i) { return kLeft + plot_w * i / n; };
  auto y = [&](double s) { return kTop + plot_h * (1 - s / top); };

  const std::string label(app::curve_outcome_label(curve.settings.outcome));
  std::string out = fmt::format(
      "<svg class=\"vb-curve\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-labelledby=\"curve-title curve-desc\" focusable=\"false\">"
      "<title id=\"curve-title\">Learning curve: CUSUM of {} over {} consecutive procedures</title>"
      "<desc id=\"curve-desc\">{} of {} procedures had the outcome; the chart signalled {} "
      "time{} at the signal threshold h = {:g}.</desc>",
      kWidth, kHeight, label, pts.size(), curve.outcomes, pts.size(), curve.signals,
      curve.signals == 1 ? "" : "s", curve.settings.h);
  // Axes and grid.
  const double ystep = tick_step(top, 5);
  for (double s = 0; s <= top + 1e-9; s += ystep) {
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#d8dde0\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" font-size=\"12\" fill=\"#4c6272\">{:g}"
        "</text>",
        kLeft, y(s), kWidth - kRight, y(s), kLeft - 6, y(s) + 4, s);
  }
  const double xstep = tick_step(n, 10);
  for (double i = xstep; i <= n + 1e-9; i += xstep) {
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"12\" "
        "fill=\"#4c6272\">{:g}</text>",
        x(i), kHeight - kBottom + 16, i);
  }
  out += fmt::format(
      "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#4c6272\"/>"
      "<line x1=\"{0:.1f}\" y1=\"{2:.1f}\" x2=\"{3:.1f}\" y2=\"{2:.1f}\" stroke=\"#4c6272\"/>"
      "<text x=\"{4:.1f}\" y=\"{5:.1f}\" text-anchor=\"middle\" font-size=\"13\" "
      "fill=\"#212b32\">Procedure (in order, as primary operator)</text>"
      "<text x=\"14\" y=\"{6:.1f}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#212b32\" "
      "transform=\"rotate(-90 14 {6:.1f})\">CUSUM score</text>",
      kLeft, kTop, y(0), kWidth - kRight, kLeft + plot_w / 2, kHeight - 8, kTop + plot_h / 2);
  // The decision limit.
  out += fmt::format(
      "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#d5281b\" "
      "stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"start\" font-size=\"12\" "
      "fill=\"#d5281b\">h = {:g}</text>",
      kLeft, y(curve.settings.h), kWidth - kRight, y(curve.settings.h), kLeft + 6,
      y(curve.settings.h) - 5, curve.settings.h);
  if (pts.empty()) return out + "</svg>";
  // The score: from 0 before the first case; after a signal the chart restarts at 0.
  std::string path = fmt::format("M{:.1f} {:.1f}", x(0), y(0));
  bool restart = false;
  for (const auto& p : pts) {
    const double i = static_cast<double>(p.case_number);
    if (restart) path += fmt::format(" M{:.1f} {:.1f}", x(i - 1), y(0));
    path += fmt::format(" L{:.1f} {:.1f}", x(i), y(p.score));
    restart = p.signal;
  }
  out += "<path d=\"" + path + "\" fill=\"none\" stroke=\"#005eb8\" stroke-width=\"2\"/>";
  const double r = pts.size() > 200 ? 1.5 : 3.5;
  for (const auto& p : pts) {
    const double i = static_cast<double>(p.case_number);
    out += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" stroke=\"#005eb8\"/>", x(i),
        y(p.score), r, p.outcome ? "#005eb8" : "#ffffff");
    if (p.signal) {
      out += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"none\" stroke=\"#d5281b\" "
          "stroke-width=\"2.5\"/>",
          x(i), y(p.score), r + 4);
    }
  }
  return out + "</svg>";
}

json signal_view(const domain::LearningCurveSignal& s, bool may_review) {
  json j = {{"operator", s.operator_name},
            {"operator_href", "/operators/" + s.operator_id.str()},
            {"outcome_label", curve_outcome_text(s.outcome)},
            {"case_number", s.case_number},
            {"date", date_display(s.procedure_date)},
            {"episode_href", "/episodes/" + s.episode.str()},
            {"score", s.score},
            {"design", s.design},
            {"signalled_at", date_display(s.signalled_at.substr(0, 10))},
            {"reviewed", s.reviewed()}};
  if (s.reviewed()) {
    j["reviewed_by"] = s.reviewed_by_name;
    j["reviewed_at"] = date_display(s.reviewed_at.substr(0, 10));
    j["review_note"] = s.review_note;
  } else if (may_review) {
    j["review_href"] = "/training/signals/" + std::to_string(s.id) + "/review";
  }
  return j;
}

json training_settings_view(const app::TrainingSettings& s) {
  return {{"supervised_cases_suggested", s.supervised_cases_suggested},
          {"outcome_label", app::curve_outcome_label(s.outcome)},
          {"p0", percent(s.p0)},
          {"p1", percent(s.p1)},
          {"h", fmt::format("{:g}", s.h)}};
}

json learning_curve_view(const app::LearningCurve& curve,
                         const std::vector<domain::LearningCurveSignal>& signals,
                         bool may_review) {
  json points = json::array();
  for (const auto& p : curve.points) {
    points.push_back({{"case_number", p.case_number},
                      {"date", date_display(p.procedure_date)},
                      {"supervised", p.supervised},
                      {"outcome", p.outcome},
                      {"score", fmt::format("{:.2f}", p.score)},
                      {"signal", p.signal}});
  }
  json recorded = json::array();
  for (const auto& s : signals) recorded.push_back(signal_view(s, may_review));
  return {{"settings", training_settings_view(curve.settings)},
          {"cases", curve.points.size()},
          {"outcomes", curve.outcomes},
          {"signals_text", curve.signals == 0   ? std::string("the chart has not signalled")
                           : curve.signals == 1 ? std::string("the chart signalled once")
                                                : fmt::format("the chart signalled {} times",
                                                              curve.signals)},
          {"score_now", curve.points.empty() ? std::string("0")
                                             : fmt::format("{:.2f}", curve.points.back().score)},
          {"has_cases", !curve.points.empty()},
          {"svg", learning_curve_svg(curve)},
          {"points", points},
          {"signals_table", {{"signals", recorded},
                             {"caption", "Recorded learning curve signals"},
                             {"show_operator", false}}},
          {"has_recorded_signals", !signals.empty()}};
}

json learning_curve_json(const app::LearningCurve& curve) {
  json points = json::array();
  for (const auto& p : curve.points) {
    points.push_back({{"case_number", p.case_number},
                      {"episode_id", p.episode.value},
                      {"procedure_date", p.procedure_date},
                      {"supervised", p.supervised},
                      {"outcome", p.outcome},
                      {"score", std::round(p.score * 10000) / 10000},
                      {"signal", p.signal}});
  }
  return {{"settings", app::training_settings_json(curve.settings)},
          {"cases", curve.points.size()},
          {"outcomes", curve.outcomes},
          {"signals", curve.signals},
          {"points", points}};
}

json signal_json(const domain::LearningCurveSignal& s) {
  json j = {{"id", s.id},
            {"operator_id", s.operator_id.value},
            {"operator_name", s.operator_name},
            {"outcome", s.outcome},
            {"episode_id", s.episode.value},
            {"case_number", s.case_number},
            {"procedure_date", s.procedure_date},
            {"score", s.score},
            {"design", s.design},
            {"signalled_at", s.signalled_at},
            {"reviewed", s.reviewed()}};
  if (s.reviewed()) {
    j["reviewed_by"] = {{"id", s.reviewed_by.value}, {"name", s.reviewed_by_name}};
    j["reviewed_at"] = s.reviewed_at;
    j["review_note"] = s.review_note;
  }
  return j;
}

}  // namespace vertebro::http
