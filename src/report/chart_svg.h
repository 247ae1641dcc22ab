#pragma once
// The SVG building blocks the report charts share (charts.cpp): escaping, tick steps, the frame
// of a chart with its axes, markers and legend. Internal to report/: only charts.cpp includes
// it. Names carry a chart_ or Chart prefix, since a unity build puts charts.cpp in one
// translation unit with the rest of report/. Pure and thread-safe.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace vertebro::report {

// NHS identity colours, as on the learning curve page.
inline constexpr std::string_view kChartBlue = "#005eb8", kChartRed = "#d5281b",
                                  kChartGrey = "#4c6272", kChartText = "#212b32",
                                  kChartGrid = "#d8dde0";
inline constexpr std::string_view kChartDash95 = "7 4", kChartDash998 = "2 3";
inline constexpr double kChartWidth = 720;

// Caller text as XML character data or attribute value (see charts.h).
inline std::string chart_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      const std::string_view entity = b == '&'    ? "&amp;"
                                      : b == '<'  ? "&lt;"
                                      : b == '>'  ? "&gt;"
                                      : b == '"'  ? "&quot;"
                                      : b == '\'' ? "&apos;"
                                                  : "";
      if (!entity.empty()) {
        out += entity;
      } else {
        out += (b < 0x20 && b != '\t' && b != '\n') || b == 0x7f ? ' ' : s[i];
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: its length from the lead byte, then no overlong forms, surrogates,
    // U+FFFE, U+FFFF or code points above U+10FFFF.
    const std::size_t len = b >= 0xc2 && b <= 0xdf   ? 2
                            : b >= 0xe0 && b <= 0xef ? 3
                            : b >= 0xf0 && b <= 0xf4 ? 4
                                                     : 0;
    char32_t cp = len == 2 ? b & 0x1f : len == 3 ? b & 0x0f : b & 0x07;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      ok = (c & 0xc0) == 0x80;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (ok && len == 3) ok = cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff) && cp < 0xfffe;
    if (ok && len == 4) ok = cp >= 0x10000 && cp <= 0x10ffff;
    out += ok ? s.substr(i, len) : std::string_view("\xef\xbf\xbd");  // U+FFFD
    i += ok ? len : 1;
  }
  return out;
}

// The number of characters (UTF-8 lead bytes) in s.
inline std::size_t chart_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xc0) != 0x80; }));
}

// s cut to at most `most` characters, an ellipsis ending a cut one.
inline std::string chart_clip(std::string_view s, std::size_t most) {
  if (chart_length(s) <= most) return std::string(s);
  std::size_t chars = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((s[i] & 0xc0) != 0x80 && ++chars == most) break;
  }
  return std::string(s.substr(0, i)) + "\xe2\x80\xa6";
}

// Letters, digits and hyphens only; "chart" when empty.
inline std::string chart_id(std::string_view id) {
  std::string out;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += ok ? c : '-';
  }
  return out.empty() ? "chart" : out;
}

// "new vertebral fracture" from "New vertebral fracture", but "HTG3 score" left alone.
inline std::string chart_lower_first(std::string_view s) {
  std::string out(s);
  if (out.size() >= 2 && out[0] >= 'A' && out[0] <= 'Z' && !(out[1] >= 'A' && out[1] <= 'Z')) {
    out[0] = static_cast<char>(out[0] - 'A' + 'a');
  }
  return out;
}

// "operator" or "operators", "facility" or "facilities".
inline std::string chart_plural(std::string_view noun, std::int64_t n) {
  std::string plural(noun);
  if (n == 1 || plural.empty()) return plural;
  const char last = plural.back();
  const char before = plural.size() > 1 ? plural[plural.size() - 2] : 'a';
  if (last == 'y' && std::string_view("aeiou").find(before) == std::string_view::npos) {
    plural.back() = 'i';
    plural += "es";
  } else if (last == 's' || last == 'x' || plural.ends_with("ch") || plural.ends_with("sh")) {
    plural += "es";
  } else {
    plural += 's';
  }
  return plural;
}

// "1 operator", "3 operators".
inline std::string chart_count(std::int64_t n, std::string_view noun) {
  return fmt::format("{} {}", n, chart_plural(noun, n));
}

inline double chart_clamp(double v, double lo, double hi) {
  return std::isnan(v) ? lo : std::clamp(v, lo, hi);
}

inline std::string chart_percent(double p) {
  return fmt::format("{:.1f}%", chart_clamp(p, 0, 1) * 100);
}

// A tick label: whole numbers without a decimal point or exponent, others shortest.
inline std::string chart_number(double v) {
  return v == std::floor(v) && std::fabs(v) < 1e15 ? fmt::format("{:.0f}", v)
                                                   : fmt::format("{:g}", v);
}

// A tick step of 1, 2 or 5 times a power of ten giving at most `most` ticks over `span`.
inline double chart_tick_step(double span, int most) {
  if (!(span > 0) || !std::isfinite(span)) return 1;
  const double raw = span / most;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * mag >= raw * (1 - 1e-9)) return m * mag;
  }
  return 10 * mag;
}

// The plotting area inside the margins of a kChartWidth wide chart.
struct ChartFrame {
  double height, left, top, right, bottom;  // the chart's height and the four margins
  double x0() const { return left; }
  double x1() const { return kChartWidth - right; }
  double y0() const { return top; }
  double y1() const { return height - bottom; }
  double w() const { return x1() - x0(); }
  double h() const { return y1() - y0(); }
};

struct ChartTick {
  double pos;  // x or y in the viewBox
  std::string text;
};

// The <svg> start tag, title, desc, a white background and the visible title, from raw text.
inline std::string chart_open(std::string_view raw_id, const ChartFrame& f, std::string_view title,
                              std::string_view desc) {
  const std::string id = chart_id(raw_id), t = chart_escape(title);
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"vb-chart\" viewBox=\"0 0 {0:.0f} "
      "{1:.0f}\" role=\"img\" "
      "aria-labelledby=\"{2}-title {2}-desc\" font-family=\"Arial, Helvetica, sans-serif\">"
      "<title id=\"{2}-title\">{3}</title><desc id=\"{2}-desc\">{4}</desc>"
      "<rect width=\"{0:.0f}\" height=\"{1:.0f}\" fill=\"#ffffff\"/>"
      "<text x=\"{5:.1f}\" y=\"22.0\" font-size=\"15\" font-weight=\"bold\" fill=\"{6}\">{3}"
      "</text>",
      kChartWidth, f.height, id, t, chart_escape(desc), f.x0(), kChartText);
}

// A framed message in the middle of the plotting area, and the end of the chart.
inline std::string chart_message_end(const ChartFrame& f, std::string_view text) {
  return fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" "
      "stroke=\"{}\"/><text class=\"message\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
      "font-size=\"14\" fill=\"{}\">{}</text></svg>",
      f.x0(), f.y0(), f.w(), f.h(), kChartGrid, f.x0() + f.w() / 2, f.y0() + f.h() / 2, kChartText,
      chart_escape(text));
}

// Grid lines and labels at the y ticks, labels at the x ticks, both axes and their titles (cut
// to about the length of their axis).
inline std::string chart_axes(const ChartFrame& f, const std::vector<ChartTick>& xs,
                              const std::vector<ChartTick>& ys, std::string_view x_title,
                              std::string_view y_title) {
  std::string out;
  for (const auto& t : ys) {
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" font-size=\"12\" fill=\"{}\">{}"
        "</text>",
        f.x0(), t.pos, f.x1(), t.pos, kChartGrid, f.x0() - 6, t.pos + 4, kChartGrey, t.text);
  }
  for (const auto& t : xs) {
    out += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\"/>"
        "<text x=\"{0:.1f}\" y=\"{4:.1f}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{3}\">"
        "{5}</text>",
        t.pos, f.y1(), f.y1() + 4, kChartGrey, f.y1() + 17, t.text);
  }
  const double mid_y = f.y0() + f.h() / 2;
  return out + fmt::format(
                   "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
                   "stroke=\"{4}\"/><line x1=\"{0:.1f}\" y1=\"{2:.1f}\" x2=\"{3:.1f}\" "
                   "y2=\"{2:.1f}\" stroke=\"{4}\"/><text x=\"{5:.1f}\" y=\"{6:.1f}\" "
                   "text-anchor=\"middle\" font-size=\"13\" fill=\"{7}\">{8}</text><text "
                   "x=\"16.0\" y=\"{9:.1f}\" text-anchor=\"middle\" font-size=\"13\" "
                   "fill=\"{7}\" transform=\"rotate(-90 16.0 {9:.1f})\">{10}</text>",
                   f.x0(), f.y0(), f.y1(), f.x1(), kChartGrey, f.x0() + f.w() / 2, f.y1() + 36,
                   kChartText,
                   chart_escape(chart_clip(x_title, static_cast<std::size_t>(f.w() / 7))), mid_y,
                   chart_escape(chart_clip(y_title, static_cast<std::size_t>(f.h() / 7))));
}

enum class ChartShape { kCircle, kTriangleUp, kTriangleDown };

// A marker of radius about r centred on (x, y), white inside unless filled.
inline std::string chart_marker(ChartShape shape, double x, double y, double r,
                                std::string_view colour, bool filled) {
  const std::string_view fill = filled ? colour : std::string_view("#ffffff");
  if (shape == ChartShape::kCircle) {
    return fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\" stroke=\"{}\" "
        "stroke-width=\"1.5\"/>",
        x, y, r, fill, colour);
  }
  const double k = shape == ChartShape::kTriangleUp ? 1 : -1;
  return fmt::format(
      "<polygon points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\" fill=\"{}\" stroke=\"{}\" "
      "stroke-width=\"1.5\" stroke-linejoin=\"round\"/>",
      x, y - k * r * 1.3, x - r * 1.2, y + k * r * 0.8, x + r * 1.2, y + k * r * 0.8, fill, colour);
}

// What a legend entry shows beside its text.
enum class ChartSwatch { kLine, kCircle, kTriangles, kRing, kBand, kTick };

struct ChartLegendItem {
  ChartSwatch swatch;
  std::string_view colour;
  std::string_view dash;  // kLine: the dash pattern, empty for a solid line
  bool filled;            // kCircle, kTriangles
  std::string text;
};

// An entry's swatch in the 24 by 12 box whose left middle is (x, y).
inline std::string chart_swatch(const ChartLegendItem& item, double x, double y) {
  switch (item.swatch) {
    case ChartSwatch::kLine:
      return fmt::format(
          "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
          "stroke-width=\"2\" stroke-dasharray=\"{}\"/>",
          x, y, x + 24, y, item.colour, item.dash.empty() ? "none" : item.dash);
    case ChartSwatch::kCircle:
      return chart_marker(ChartShape::kCircle, x + 12, y, 4, item.colour, item.filled);
    case ChartSwatch::kTriangles:
      return chart_marker(ChartShape::kTriangleUp, x + 6, y, 4, item.colour, item.filled) +
             chart_marker(ChartShape::kTriangleDown, x + 18, y, 4, item.colour, item.filled);
    case ChartSwatch::kRing:
      return fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"6.5\" fill=\"none\" stroke=\"{}\" "
          "stroke-width=\"2\"/>",
          x + 12, y, item.colour);
    case ChartSwatch::kBand:
      return fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"24\" height=\"12\" fill=\"{}\" "
          "fill-opacity=\"0.15\"/>",
          x, y - 6, item.colour);
    case ChartSwatch::kTick:
      return fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
          "stroke-width=\"1.5\"/>",
          x + 12, y - 5, y + 5, item.colour);
  }
  return "";
}

// A legend: its entries left to right from (x, y), wrapping to a new row 18 below at the right
// margin, and the number of rows, so that the plot can start below it.
struct ChartLegend {
  std::string svg;
  int rows = 1;
};

inline ChartLegend chart_legend(const std::vector<ChartLegendItem>& items, double x, double y) {
  std::string out = "<g class=\"legend\">";
  double at = x;
  int rows = 1;
  for (const auto& item : items) {
    const double width = 30 + 6.2 * static_cast<double>(chart_length(item.text)) + 18;
    if (at > x && at + width > kChartWidth - 12) {
      at = x;
      y += 18;
      ++rows;
    }
    out += chart_swatch(item, at, y);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"12\" fill=\"{}\">{}</text>",
                       at + 30, y + 4, kChartText, chart_escape(item.text));
    at += width;
  }
  return {out + "</g>", rows};
}

}  // namespace vertebro::report
