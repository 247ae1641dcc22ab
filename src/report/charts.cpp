#include "report/charts.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "report/chart_svg.h"

namespace vertebro::report {

namespace {

// --- Funnel plot --------------------------------------------------------------------------------

// Above this n the funnel limits come from the normal approximation (see funnel_position).
constexpr std::int64_t kChartExactMaxN = 1'000'000;

std::int64_t chart_funnel_events(const FunnelUnit& u) {
  return std::clamp<std::int64_t>(u.events, 0, std::max<std::int64_t>(u.n, 0));
}

double chart_funnel_rate(const FunnelUnit& u) {
  return u.n > 0 ? static_cast<double>(chart_funnel_events(u)) / static_cast<double>(u.n) : 0;
}

// The limits funnel_position describes, with its guards.
stats::FunnelLimits chart_funnel_limits(std::int64_t n, double target, stats::FunnelMethod method,
                                        double phi) {
  target = chart_clamp(target, 0, 1);
  if (target <= 0 || target >= 1) return {target, target, target, target};
  if (!std::isfinite(phi)) phi = 1;
  if (n > kChartExactMaxN) method = stats::FunnelMethod::kNormal;
  return stats::funnel_limits(n, target, method, phi);
}

struct ChartFunnelPoint {
  const FunnelUnit* unit;
  double rate;
  FunnelPosition position;
};

std::string chart_funnel_desc(const FunnelSpec& spec, const std::vector<ChartFunnelPoint>& points,
                              std::int64_t left_out, std::string_view noun) {
  std::string desc;
  if (points.empty()) {
    desc = fmt::format("Nothing to plot: no {} had any procedures.", chart_plural(noun, 2));
  } else {
    desc = fmt::format(
        "{}; pooled rate {}; 95% and 99.8% {} limits",
        chart_count(static_cast<std::int64_t>(points.size()), noun), chart_percent(spec.target),
        spec.method == stats::FunnelMethod::kExact ? "exact binomial" : "normal approximation");
    if (std::isfinite(spec.phi) && spec.phi > 1) {
      desc += fmt::format(", widened for overdispersion (phi {:.2f})", spec.phi);
    }
    desc += '.';
    std::size_t outside = 0;
    for (auto pos : {FunnelPosition::kAbove998, FunnelPosition::kAbove95, FunnelPosition::kBelow95,
                     FunnelPosition::kBelow998}) {
      std::string list;
      for (const auto& p : points) {
        if (p.position != pos) continue;
        list += fmt::format("{}{} ({} of {}, {})", list.empty() ? "" : "; ", p.unit->label,
                            chart_funnel_events(*p.unit), p.unit->n, chart_percent(p.rate));
        ++outside;
      }
      if (list.empty()) continue;
      std::string what(funnel_position_text(pos));
      what[0] = static_cast<char>(what[0] - 'a' + 'A');
      desc += fmt::format(" {}: {}.", what, list);
    }
    if (outside == 0) {
      desc += " All are within the 95% limits.";
    } else if (outside < points.size()) {
      desc += fmt::format(" Within the 95% limits: the other {}.",
                          chart_count(static_cast<std::int64_t>(points.size() - outside), noun));
    }
  }
  if (left_out > 0) {
    desc += fmt::format(" {} with no procedures {} not plotted.", chart_count(left_out, noun),
                        left_out == 1 ? "is" : "are");
  }
  return desc;
}

struct ChartBox {
  double x0, y0, x1, y1;
  bool overlaps(const ChartBox& o) const {
    return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1;
  }
};

}  // namespace

std::string_view funnel_position_text(FunnelPosition p) {
  switch (p) {
    case FunnelPosition::kInside:
      return "within the 95% limits";
    case FunnelPosition::kAbove95:
      return "above the 95% limit";
    case FunnelPosition::kAbove998:
      return "above the 99.8% limit (an outlier)";
    case FunnelPosition::kBelow95:
      return "below the 95% limit";
    case FunnelPosition::kBelow998:
      return "below the 99.8% limit";
  }
  return "";
}

FunnelPosition funnel_position(const FunnelUnit& u, double target, stats::FunnelMethod method,
                               double phi) {
  if (u.n <= 0) return FunnelPosition::kInside;
  const double rate = chart_funnel_rate(u);
  const auto limits = chart_funnel_limits(u.n, target, method, phi);
  if (rate > limits.upper_998) return FunnelPosition::kAbove998;
  if (rate > limits.upper_95) return FunnelPosition::kAbove95;
  if (rate < limits.lower_998) return FunnelPosition::kBelow998;
  if (rate < limits.lower_95) return FunnelPosition::kBelow95;
  return FunnelPosition::kInside;
}

std::string funnel_svg(const FunnelSpec& spec) {
  const std::string noun = spec.unit_noun.empty() ? "unit" : spec.unit_noun;
  const double target = chart_clamp(spec.target, 0, 1);
  std::vector<ChartFunnelPoint> points;
  std::int64_t left_out = 0, min_n = 0, max_n = 0;
  for (const auto& u : spec.units) {
    if (u.n <= 0) {
      ++left_out;
      continue;
    }
    points.push_back({&u, chart_funnel_rate(u), funnel_position(u, target, spec.method, spec.phi)});
    min_n = points.size() == 1 ? u.n : std::min(min_n, u.n);
    max_n = std::max(max_n, u.n);
  }
  const ChartLegend legend = chart_legend(
      {
          {ChartSwatch::kLine, kChartText, "", false, "Pooled rate " + chart_percent(target)},
          {ChartSwatch::kLine, kChartBlue, kChartDash95, false, "95% limits"},
          {ChartSwatch::kLine, kChartRed, kChartDash998, false, "99.8% limits"},
          {ChartSwatch::kCircle, kChartGrey, "", false, "Inside 95% limits"},
          {ChartSwatch::kTriangles, kChartBlue, "", false, "Outside 95% limits"},
          {ChartSwatch::kTriangles, kChartRed, "", true, "Outside 99.8% limits"},
      },
      64, 44);
  const ChartFrame f{440, 64, 62.0 + 18 * (legend.rows - 1), 24, 50};
  std::string out =
      chart_open(spec.id, f, spec.title, chart_funnel_desc(spec, points, left_out, noun));
  if (points.empty()) {
    return out + chart_message_end(f, fmt::format("Nothing to plot: no {} had any procedures.",
                                                  chart_plural(noun, 2)));
  }
  auto limits = [&](std::int64_t n) {
    return chart_funnel_limits(n, target, spec.method, spec.phi);
  };
  // The y range covers the points, the widest upper limit drawn and twice the target.
  double top = std::max({0.1, 2 * target, limits(min_n).upper_998});
  for (const auto& p : points) top = std::max(top, p.rate);
  const double y_step = chart_tick_step(std::min(1.0, top) * 100, 6);
  top = std::min(1.0, std::ceil(top * 100 * 1.02 / y_step) * y_step / 100);
  const double x_end = static_cast<double>(max_n) * 1.05;
  auto x = [&](double n) { return f.x0() + f.w() * n / x_end; };
  auto y = [&](double r) { return f.y1() - f.h() * chart_clamp(r, 0, top) / top; };
  std::vector<ChartTick> xs, ys;
  const double x_step = std::max(1.0, chart_tick_step(x_end, 8));
  for (double k = 0; k * x_step <= x_end; ++k) {
    xs.push_back({x(k * x_step), chart_number(k * x_step)});
  }
  for (double k = 0; k * y_step <= top * 100 + 1e-9; ++k) {
    ys.push_back({y(k * y_step / 100), chart_number(k * y_step) + "%"});
  }
  out += chart_axes(f, xs, ys, "Procedures per " + noun,
                    (spec.rate_label.empty() ? std::string("Rate") : spec.rate_label) + " (%)");

  // The limits at every n to 100, then at steps of about 3%, to the end of the x axis.
  std::string lo95, hi95, lo998, hi998;
  for (double nd = static_cast<double>(min_n); nd <= x_end && nd < 9e18;
       nd = nd < 100 ? nd + 1 : std::max(nd + 1, std::round(nd * 1.03))) {
    const auto l = limits(static_cast<std::int64_t>(nd));
    const char* sep = lo95.empty() ? "" : " ";
    lo95 += fmt::format("{}{:.1f},{:.1f}", sep, x(nd), y(l.lower_95));
    hi95 += fmt::format("{}{:.1f},{:.1f}", sep, x(nd), y(l.upper_95));
    lo998 += fmt::format("{}{:.1f},{:.1f}", sep, x(nd), y(l.lower_998));
    hi998 += fmt::format("{}{:.1f},{:.1f}", sep, x(nd), y(l.upper_998));
  }
  for (const auto* line : {&lo95, &hi95, &lo998, &hi998}) {
    const bool is95 = line == &lo95 || line == &hi95;
    out += fmt::format(
        "<polyline class=\"limit-{}\" points=\"{}\" fill=\"none\" stroke=\"{}\" "
        "stroke-width=\"{}\" stroke-dasharray=\"{}\"/>",
        is95 ? "95" : "998", *line, is95 ? kChartBlue : kChartRed, is95 ? "1.5" : "2",
        is95 ? kChartDash95 : kChartDash998);
  }
  out += fmt::format(
      "<line class=\"target\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
      "stroke=\"{}\" stroke-width=\"1.5\"/>",
      f.x0(), y(target), f.x1(), y(target), kChartText);

  // The units, those inside first so the others are drawn on top; then the labels, each beside
  // its marker (to the left near the right edge), moved up or down until it overlaps no marker
  // or label placed before it.
  std::vector<ChartBox> placed;
  std::string labels;
  for (bool outside : {false, true}) {
    for (const auto& p : points) {
      if ((p.position != FunnelPosition::kInside) != outside) continue;
      const bool above =
          p.position == FunnelPosition::kAbove95 || p.position == FunnelPosition::kAbove998;
      const bool beyond =
          p.position == FunnelPosition::kAbove998 || p.position == FunnelPosition::kBelow998;
      const ChartShape shape = !outside ? ChartShape::kCircle
                               : above  ? ChartShape::kTriangleUp
                                        : ChartShape::kTriangleDown;
      const double px = x(static_cast<double>(p.unit->n)), py = y(p.rate);
      out += fmt::format("<g class=\"unit\">{}<title>{}: {} of {} ({}), {}</title></g>",
                         chart_marker(shape, px, py, 4,
                                      !outside ? kChartGrey
                                      : beyond ? kChartRed
                                               : kChartBlue,
                                      beyond),
                         chart_escape(p.unit->label), chart_funnel_events(*p.unit), p.unit->n,
                         chart_percent(p.rate), funnel_position_text(p.position));
      placed.push_back({px - 5, py - 5, px + 5, py + 5});
      if (!outside) continue;
      const std::string text = chart_clip(p.unit->label, 28);
      const double tw = 6.2 * static_cast<double>(chart_length(text));
      const bool right = px + 8 + tw <= kChartWidth - 4;
      const double tx = right ? px + 8 : px - 8;
      ChartBox box{};
      double ty = py + 4;
      for (double dy : {0.0, -13.0, 13.0, -26.0, 26.0, -39.0, 39.0}) {
        ty = py + 4 + dy;
        box = {right ? tx : tx - tw, ty - 11, right ? tx + tw : tx, ty + 2};
        if (box.y0 < f.y0() - 14 || box.y1 > f.y1()) continue;
        auto hits = [&](const ChartBox& b) { return b.overlaps(box); };
        if (std::none_of(placed.begin(), placed.end(), hits)) break;
      }
      placed.push_back(box);
      labels += fmt::format(
          "<text class=\"unit-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\" "
          "font-size=\"11\" fill=\"{}\">{}</text>",
          tx, ty, right ? "start" : "end", kChartText, chart_escape(text));
    }
  }
  out += labels;
  return out + legend.svg + "</svg>";
}

// --- CUSUM --------------------------------------------------------------------------------------

std::string cusum_svg(const CusumChart& chart) {
  const auto& steps = chart.steps;
  const std::string outcome =
      chart.outcome_label.empty() ? "the outcome" : chart_lower_first(chart.outcome_label);
  const double h = chart.design.h;
  const bool has_h = std::isfinite(h) && h > 0;
  std::int64_t outcomes = 0;
  std::string at;  // "3, 9 and 12": the case numbers of the signals
  std::size_t signals = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].outcome != 0) ++outcomes;
    if (!steps[i].signal) continue;
    const bool last = std::none_of(steps.begin() + static_cast<std::ptrdiff_t>(i) + 1, steps.end(),
                                   [](const stats::CusumStep& s) { return s.signal; });
    at += fmt::format("{}{}", signals == 0 ? "" : last ? " and " : ", ", i + 1);
    ++signals;
  }
  std::string desc =
      steps.empty()
          ? fmt::format("No cases yet: the CUSUM of {} has nothing to plot.", outcome)
          : fmt::format("CUSUM of {} over {} in order: {} had it.", outcome,
                        chart_count(static_cast<std::int64_t>(steps.size()), "case"), outcomes);
  desc += fmt::format(" Acceptable rate p0 {}, unacceptable rate p1 {}",
                      chart_percent(chart.design.p0), chart_percent(chart.design.p1));
  desc += has_h ? fmt::format(", decision limit h = {:.2f}.", h) : std::string(".");
  if (signals == 0 && !steps.empty()) desc += " The chart did not signal.";
  if (signals > 0) {
    desc += fmt::format(" The chart signalled {} at case{} {}{}.",
                        signals == 1 ? std::string("once") : fmt::format("{} times", signals),
                        signals == 1 ? "" : "s", at,
                        chart.design.reset ? ", restarting from 0 after each signal" : "");
  }
  const ChartLegend legend = chart_legend(
      {
          {ChartSwatch::kLine, kChartBlue, "", false, "CUSUM score"},
          {ChartSwatch::kCircle, kChartBlue, "", true, "Case with " + outcome},
          {ChartSwatch::kCircle, kChartBlue, "", false, "Case without"},
          {ChartSwatch::kRing, kChartRed, "", false, "Signal"},
          {ChartSwatch::kLine, kChartRed, kChartDash95, false, "Decision limit h"},
      },
      56, 44);
  const ChartFrame f{340, 56, 62.0 + 18 * (legend.rows - 1), 24, 50};
  std::string out = chart_open(chart.id, f, chart.title, desc);
  if (steps.empty()) return out + chart_message_end(f, "No cases");

  double top = has_h ? h * 1.25 : 1.0;
  for (const auto& s : steps) {
    if (std::isfinite(s.s)) top = std::max(top, s.s * 1.1);
  }
  const double n = static_cast<double>(steps.size());
  auto x = [&](double i) { return f.x0() + f.w() * i / n; };
  auto y = [&](double s) { return f.y1() - f.h() * chart_clamp(s, 0, top) / top; };
  auto score = [&](std::size_t i) { return std::isinf(steps[i].s) ? top : steps[i].s; };
  std::vector<ChartTick> xs, ys;
  const double x_step = std::max(1.0, chart_tick_step(n, 10));
  for (double k = 0; k * x_step <= n; ++k) {
    xs.push_back({x(k * x_step), chart_number(k * x_step)});
  }
  const double y_step = chart_tick_step(top, 5);
  for (double k = 0; k * y_step <= top; ++k) {
    ys.push_back({y(k * y_step), chart_number(k * y_step)});
  }
  out += chart_axes(f, xs, ys, "Case (in order)", "CUSUM score");
  if (has_h) {
    out += fmt::format(
        "<line class=\"decision-limit\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
        "stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"{}\"/><text x=\"{:.1f}\" "
        "y=\"{:.1f}\" text-anchor=\"end\" font-size=\"12\" fill=\"{}\">h = {:.2f}</text>",
        f.x0(), y(h), f.x1(), y(h), kChartRed, kChartDash95, f.x1() - 4, y(h) - 6, kChartRed, h);
  }
  // The score from 0 before the first case; with reset, from 0 again after each signal.
  std::string path = fmt::format("M{:.1f} {:.1f}", x(0), y(0));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (i > 0 && steps[i - 1].signal && chart.design.reset) {
      path += fmt::format(" M{:.1f} {:.1f}", x(static_cast<double>(i)), y(0));
    }
    path += fmt::format(" L{:.1f} {:.1f}", x(static_cast<double>(i + 1)), y(score(i)));
  }
  out +=
      fmt::format("<path class=\"score\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
                  path, kChartBlue);
  const double r = steps.size() > 200 ? 1.5 : 3.5;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const double cx = x(static_cast<double>(i + 1)), cy = y(score(i));
    out += chart_marker(ChartShape::kCircle, cx, cy, r, kChartBlue, steps[i].outcome != 0);
    if (steps[i].signal) {
      out += fmt::format(
          "<circle class=\"signal\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"none\" "
          "stroke=\"{}\" stroke-width=\"2\"/>",
          cx, cy, r + 4, kChartRed);
    }
  }
  return out + legend.svg + "</svg>";
}

// --- Kaplan-Meier -------------------------------------------------------------------------------

std::string kaplan_meier_svg(const SurvivalChart& chart) {
  std::vector<stats::SurvivalTime> data;
  std::int64_t events = 0, invalid = 0;
  double t_max = 0;
  for (const auto& d : chart.data) {
    if (!std::isfinite(d.time) || d.time < 0) {
      ++invalid;
      continue;
    }
    data.push_back(d);
    if (d.event) ++events;
    t_max = std::max(t_max, d.time);
  }
  const auto rows = stats::kaplan_meier(data);
  const std::string event =
      chart.event_label.empty() ? "the event" : chart_lower_first(chart.event_label);
  const std::string unit = chart.time_unit.empty() ? "days" : chart.time_unit;
  const auto n = static_cast<std::int64_t>(data.size());

  // The x ticks and the numbers at risk there (with a little tolerance for ticks like 3 * 0.1).
  const double x_step = chart_tick_step(t_max > 0 ? t_max : 1, 8);
  const double x_end = std::max(x_step, std::ceil(t_max / x_step - 1e-9) * x_step);
  std::vector<double> ticks;
  std::vector<std::int64_t> at_risk;
  for (double k = 0; k * x_step <= x_end * (1 + 1e-9); ++k) {
    const double t = k * x_step;
    ticks.push_back(t);
    at_risk.push_back(std::count_if(data.begin(), data.end(), [&](const stats::SurvivalTime& d) {
      return d.time >= t - 1e-9 * x_step;
    }));
  }

  std::string desc = "Nothing to plot: no cases.";
  if (!data.empty()) {
    desc = fmt::format("Kaplan-Meier estimate of freedom from {}: {}, {} with {}, {} censored.",
                       event, chart_count(n, "case"), events, event, n - events);
    if (rows.empty()) {
      desc += fmt::format(" No case had {}; the estimate stays at 100% to {} {}.", event,
                          chart_number(t_max), unit);
    } else {
      const auto& last = rows.back();
      desc += fmt::format(
          " At {} {}, the last event time, {} were free of it (95% confidence interval {} to {}).",
          chart_number(last.time), unit, chart_percent(last.survival),
          chart_percent(last.survival - 1.96 * last.se),
          chart_percent(last.survival + 1.96 * last.se));
    }
    desc += " Number at risk:";
    for (std::size_t i = 0; i < ticks.size(); ++i) {
      desc += fmt::format("{} {} at {}", i == 0 ? "" : ",", at_risk[i], chart_number(ticks[i]));
    }
    desc += fmt::format(" {}.", unit);
  }
  if (invalid > 0) {
    desc += fmt::format(" {} with no valid time {} left out.", chart_count(invalid, "case"),
                        invalid == 1 ? "is" : "are");
  }
  const ChartLegend legend = chart_legend(
      {
          {ChartSwatch::kLine, kChartBlue, "", false, "Kaplan-Meier estimate"},
          {ChartSwatch::kBand, kChartBlue, "", false, "95% confidence band"},
          {ChartSwatch::kTick, kChartText, "", false, "Censored"},
      },
      64, 44);
  const ChartFrame f{420, 64, 62.0 + 18 * (legend.rows - 1), 24, 92};
  std::string out = chart_open(chart.id, f, chart.title, desc);
  if (data.empty()) return out + chart_message_end(f, "Nothing to plot: no cases");

  auto x = [&](double t) { return f.x0() + f.w() * t / x_end; };
  auto y = [&](double s) { return f.y1() - f.h() * chart_clamp(s, 0, 1); };
  std::vector<ChartTick> xs, ys;
  for (double t : ticks) xs.push_back({x(t), chart_number(t)});
  for (int k = 0; k <= 5; ++k) ys.push_back({y(k * 0.2), fmt::format("{}%", k * 20)});
  out += chart_axes(f, xs, ys, "Time (" + unit + ")", "Free of " + event + " (%)");

  // The band and the curve, one flat stretch at a time, each from its start to the next one's
  // (the last to the last follow-up time); the band's lower edge is drawn back from the end.
  struct Stretch {
    double t, s, se;
  };
  std::vector<Stretch> stretches = {{0, 1, 0}};
  for (const auto& r : rows) stretches.push_back({r.time, r.survival, r.se});
  std::string upper, curve = fmt::format("M{:.1f} {:.1f}", x(0), y(1));
  std::vector<std::string> lower;
  for (std::size_t i = 0; i < stretches.size(); ++i) {
    const auto& s = stretches[i];
    const double end = i + 1 < stretches.size() ? stretches[i + 1].t : t_max;
    const double hi = s.s + 1.96 * s.se, lo = s.s - 1.96 * s.se;
    upper += fmt::format("{:.1f},{:.1f} {:.1f},{:.1f} ", x(s.t), y(hi), x(end), y(hi));
    lower.push_back(fmt::format(" {:.1f},{:.1f} {:.1f},{:.1f}", x(end), y(lo), x(s.t), y(lo)));
    if (i > 0) curve += fmt::format(" L{:.1f} {:.1f}", x(s.t), y(s.s));
    curve += fmt::format(" L{:.1f} {:.1f}", x(end), y(s.s));
  }
  for (auto it = lower.rbegin(); it != lower.rend(); ++it) upper += *it;
  out += fmt::format(
      "<polygon class=\"band\" points=\"{}\" fill=\"{}\" fill-opacity=\"0.15\" stroke=\"none\"/>"
      "<path class=\"survival\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
      upper, kChartBlue, curve, kChartBlue);
  // A tick on the curve at each time at which a case was censored.
  std::map<double, double> censored;  // time -> the estimate then
  for (const auto& d : data) {
    if (d.event) continue;
    const auto after =
        std::upper_bound(rows.begin(), rows.end(), d.time,
                         [](double t, const stats::KaplanMeierRow& r) { return t < r.time; });
    censored.emplace(d.time, after == rows.begin() ? 1.0 : std::prev(after)->survival);
  }
  for (const auto& [t, s] : censored) {
    out += fmt::format(
        "<line class=\"censored\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
        "stroke=\"{3}\" stroke-width=\"1.5\"/>",
        x(t), y(s) - 5, y(s) + 5, kChartText);
  }
  out += fmt::format(
      "<g class=\"at-risk\"><text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"12\" "
      "font-weight=\"bold\" fill=\"{}\">Number at risk</text>",
      f.x0(), f.y1() + 60, kChartText);
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{}\">{}"
        "</text>",
        x(ticks[i]), f.y1() + 78, kChartText, at_risk[i]);
  }
  return out + "</g>" + legend.svg + "</svg>";
}

}  // namespace vertebro::report
