// The audit and governance reports (app/audit_reports.h; docs/reports.md): the HTG3 outcomes
// report as a page with its filter (/reports/htg3), as downloads of the same query
// (/reports/htg3.html, .pdf, .csv, .xlsx) and through the API (/api/v1/reports/htg3).

#include <map>

#include <fmt/format.h>

#include "app/follow_up_visits.h"
#include "http/api_support.h"
#include "http/report_files.h"
#include "http/web.h"
#include "report/tabular.h"

namespace vertebro::http {

// The unity build compiles this file with the other pages: the helpers' names are their own.
namespace {

constexpr const char* kReportKeys[] = {"from",    "to",     "site",          "operator",
                                       "indication", "time_point", "measure", "method",
                                       "overdispersion"};

std::map<std::string, std::string> report_params(const Request& req) {
  std::map<std::string, std::string> out;
  for (const char* key : kReportKeys) {
    if (req.has_param(key)) out[key] = req.get_param_value(key);
  }
  return out;
}

// The query string of a report's query, for its download links.
std::string report_query_string(const app::Htg3Report& r) {
  const auto& q = r.query;
  std::string s = "from=" + q.from.iso() + "&to=" + q.to.iso();
  if (q.site) s += "&site=" + q.site->str();
  if (q.primary_operator) s += "&operator=" + q.primary_operator->str();
  if (q.indication) s += "&indication=" + std::string(domain::indication_name(*q.indication));
  s += "&time_point=" + app::time_point_url(r.time_point);
  s += "&measure=" + std::string(report::measure_key(q.funnel_measure));
  s += q.funnel_method == stats::FunnelMethod::kNormal ? "&method=normal" : "&method=exact";
  if (q.overdispersion) s += "&overdispersion=1";
  return s;
}

std::string cell_text(const report::Cell& c, report::ColumnKind kind) {
  if (std::holds_alternative<std::monostate>(c)) return "–";
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&c)) return std::to_string(*i);
  const double d = std::get<double>(c);
  if (kind == report::ColumnKind::kProportion) return report::percent_text(d);
  return fmt::format("{:.4g}", d);
}

// A table of the document for _report_table.mustache.
Json table_view(const report::Table& t) {
  Json columns = Json::array();
  for (const auto& c : t.columns) {
    columns.push_back({{"label", c.label}, {"numeric", c.kind != report::ColumnKind::kText}});
  }
  Json rows = Json::array();
  for (const auto& row : t.rows) {
    Json cells = Json::array();
    for (std::size_t i = 0; i < row.size() && i < t.columns.size(); ++i) {
      cells.push_back({{"text", cell_text(row[i], t.columns[i].kind)},
                       {"numeric", t.columns[i].kind != report::ColumnKind::kText},
                       {"first", i == 0}});
    }
    rows.push_back({{"cells", cells}});
  }
  return {{"name", t.name}, {"caption", t.caption}, {"columns", columns}, {"rows", rows},
          {"empty", t.rows.empty()}};
}

const report::Table* find_table(const report::Document& d, const std::string& name) {
  for (const auto& t : d.tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Json choices_view(const std::vector<app::ReportChoice>& choices, const std::string& selected,
                  const char* all_label) {
  Json out = Json::array();
  if (all_label) out.push_back({{"value", ""}, {"label", all_label}, {"selected", selected.empty()}});
  for (const auto& c : choices) {
    out.push_back({{"value", c.value}, {"label", c.label}, {"selected", c.value == selected}});
  }
  return out;
}

Json filter_view(const app::Htg3Report& r) {
  const auto& q = r.query;
  Json measures = Json::array();
  for (auto m : report::all_measures()) {
    measures.push_back({{"value", std::string(report::measure_key(m))},
                        {"label", std::string(report::measure_label(m))},
                        {"selected", m == q.funnel_measure}});
  }
  Json time_points = Json::array();
  for (const auto& c : r.time_point_choices) {
    time_points.push_back({{"value", app::time_point_url(c.value)},
                           {"label", c.label},
                           {"selected", c.value == r.time_point}});
  }
  return {{"from", q.from.iso()},
          {"to", q.to.iso()},
          {"sites", choices_view(r.site_choices, q.site ? q.site->str() : "", "All your sites")},
          {"operators", choices_view(r.operator_choices,
                                     q.primary_operator ? q.primary_operator->str() : "",
                                     "All operators")},
          {"indications",
           choices_view(r.indication_choices,
                        q.indication ? std::string(domain::indication_name(*q.indication)) : "",
                        "All indications")},
          {"time_points", time_points},
          {"measures", measures},
          {"exact", q.funnel_method == stats::FunnelMethod::kExact},
          {"normal", q.funnel_method == stats::FunnelMethod::kNormal},
          {"overdispersion", q.overdispersion}};
}

std::string report_file_stem(const app::Htg3Report& r) {
  return "htg3-report-" + r.query.from.iso() + "-to-" + r.query.to.iso();
}

void report_page(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  const auto today = domain::Date::today(web.ctx.clock());
  const auto params = report_params(req);
  auto q = app::parse_htg3_query(params, today);
  Error problem;
  bool failed = false;
  if (!q) {
    problem = q.error();
    failed = true;
  }
  // On bad input, the default report with the form showing what was wrong.
  const app::Htg3ReportQuery query = q ? *q : *app::parse_htg3_query({}, today);
  auto r = app::htg3_report(web.ctx, *actor, query);
  if (!r && r.error().code == Errc::kInvalid && !failed) {
    problem = r.error();
    failed = true;
    r = app::htg3_report(web.ctx, *actor, *app::parse_htg3_query({}, today));
  }
  if (!r) return render_error(web, res, r.error(), &*actor);
  Json data = htg3_report_view(*r);
  data["filter"] = filter_view(*r);
  if (failed) {
    data.update(error_view(problem));
    // Keep what was typed in the dates so it can be corrected.
    for (const char* key : {"from", "to"}) {
      if (params.count(key)) data["filter"][key] = params.at(key);
    }
  }
  const std::string qs = report_query_string(*r);
  data["downloads"] = {{"html", "/reports/htg3.html?" + qs}, {"pdf", "/reports/htg3.pdf?" + qs},
                       {"csv", "/reports/htg3.csv?" + qs}, {"xlsx", "/reports/htg3.xlsx?" + qs}};
  render_page(web, res, failed ? 422 : 200, "report_htg3", data, "HTG3 outcomes report",
              &*actor, "reports");
}

void report_download(Web& web, const Request& req, Response& res, ReportFormat format) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  auto q = app::parse_htg3_query(report_params(req), domain::Date::today(web.ctx.clock()));
  if (!q) return render_error(web, res, q.error(), &*actor);
  auto r = app::htg3_report(web.ctx, *actor, *q);
  if (!r) return render_error(web, res, r.error(), &*actor);
  auto file = htg3_report_file(*r, format, PdfOptions{web.options.chromium, std::chrono::seconds(90)},
                               web.demo);
  if (!file) return render_error(web, res, file.error(), &*actor);
  res.set_header("Content-Disposition", "attachment; filename=\"" + file->file_name + "\"");
  res.set_header("Cache-Control", "no-store");
  res.set_content(file->bytes, file->content_type);
}

Json cell_json(const report::Cell& c) {
  if (std::holds_alternative<std::monostate>(c)) return nullptr;
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&c)) return *i;
  return std::get<double>(c);
}

// The report's tables as JSON: {title, facts{}, tables{name: {caption, rows[{key: value}]}}}.
Json document_json(const report::Document& d) {
  Json facts = Json::object();
  for (const auto& [name, value] : d.facts) facts[name] = value;
  Json tables = Json::object();
  for (const auto& t : d.tables) {
    Json rows = Json::array();
    for (const auto& row : t.rows) {
      Json o = Json::object();
      for (std::size_t i = 0; i < row.size() && i < t.columns.size(); ++i) {
        o[t.columns[i].key] = cell_json(row[i]);
      }
      rows.push_back(std::move(o));
    }
    tables[t.name] = {{"caption", t.caption}, {"rows", rows}};
  }
  return {{"title", d.title}, {"facts", facts}, {"tables", tables}};
}

}  // namespace

std::optional<ReportFormat> parse_report_format(std::string_view name) {
  if (name == "html") return ReportFormat::kHtml;
  if (name == "pdf") return ReportFormat::kPdf;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "xlsx") return ReportFormat::kXlsx;
  return std::nullopt;
}

Json htg3_report_view(const app::Htg3Report& r) {
  const report::Document doc = app::htg3_document(r);
  Json facts = Json::array();
  for (const auto& [name, value] : doc.facts) facts.push_back({{"name", name}, {"value", value}});
  Json outcomes = Json::array();
  for (const auto& row : r.outcomes) {
    const auto figure = report::guidance_figure(row.measure);
    Json o = {{"requirement", std::string(report::measure_requirement(row.measure))},
              {"label", std::string(report::measure_label(row.measure))},
              {"read_at", report::is_efficacy(row.measure) ? r.time_point : "any time"},
              {"yes", row.count.yes},
              {"denominator", row.count.denominator()},
              {"missing", row.count.missing()},
              {"not_expected", row.count.not_expected},
              {"has_rate", row.rate.has_value()},
              {"guidance", std::string(figure.text)},
              {"verdict", row.verdict_text},
              {"concern", row.concern},
              {"within", row.verdict == report::Verdict::kWithin}};
    if (row.rate) {
      o["rate_text"] = report::percent_text(row.rate->estimate);
      o["interval_text"] = report::percent_text(row.rate->lower) + " to " +
                           report::percent_text(row.rate->upper);
    }
    outcomes.push_back(std::move(o));
  }
  Json curves = Json::array();
  for (const auto& c : r.curves) {
    curves.push_back({{"name", c.operator_name},
                      {"cases", c.cases},
                      {"outcomes", c.outcomes},
                      {"signals", c.signals},
                      {"signals_text", c.signals == 1 ? std::string("1 signal")
                                                      : std::to_string(c.signals) + " signals"},
                      {"svg", report::cusum_svg(c.chart)}});
  }
  auto compliance_view = [](const report::ComplianceRow& row) {
    Json o = {{"key", row.key},           {"label", row.label},
              {"met", row.met},           {"after_block", row.after_block},
              {"not_met", row.not_met},   {"total", row.total()},
              {"has_share", row.share.has_value()}};
    if (row.share) {
      o["share_text"] = report::percent_text(row.share->estimate);
      o["interval_text"] = report::percent_text(row.share->lower) + " to " +
                           report::percent_text(row.share->upper);
    }
    return o;
  };
  Json gates = Json::array();
  for (const auto& g : r.gates) gates.push_back(compliance_view(g));
  Json requirements = Json::array();
  for (const auto& g : r.requirements) requirements.push_back(compliance_view(g));
  Json overrides = Json::array();
  for (const auto& o : r.overrides) {
    overrides.push_back({{"requirement", o.requirement}, {"label", o.label}, {"count", o.count}});
  }
  Json shortfalls = Json::array();
  for (const auto& x : r.shortfalls) {
    shortfalls.push_back({{"episode", x.episode.value},
                          {"href", "/episodes/" + x.episode.str()},
                          {"site", x.site_name},
                          {"procedure_date", x.procedure_date},
                          {"operator", x.operator_name},
                          {"what", x.what},
                          {"detail", x.detail}});
  }
  auto table = [&](const char* name) {
    const auto* t = find_table(doc, name);
    return t ? table_view(*t) : Json();
  };
  const std::string measure(report::measure_label(r.query.funnel_measure));
  return {{"title", doc.title},
          {"facts", facts},
          {"procedures", r.procedures},
          {"empty", r.procedures == 0},
          {"time_point", r.time_point},
          {"primary_time_point", r.primary_time_point},
          {"outcomes", outcomes},
          {"measure_label", measure},
          {"operator_funnel_svg", report::funnel_svg(r.operator_funnel)},
          {"operator_funnel_table", table("operator_funnel")},
          {"without_operator_profile", r.procedures_without_operator_profile},
          {"site_funnel_svg", report::funnel_svg(r.site_funnel)},
          {"site_funnel_table", table("site_funnel")},
          {"curves", curves},
          {"has_curves", !curves.empty()},
          {"cusum_design",
           r.curves.empty()
               ? std::string()
               : fmt::format("p0 = {:g}, p1 = {:g}, h = {:g}", r.curves.front().chart.design.p0,
                             r.curves.front().chart.design.p1, r.curves.front().chart.design.h)},
          {"survival_svg", report::kaplan_meier_svg(r.survival)},
          {"survival_table", table("new_fracture_survival")},
          {"new_fractures", r.new_fractures},
          {"gates", gates},
          {"requirements", requirements},
          {"follow_up", compliance_view(r.follow_up)},
          {"overrides", overrides},
          {"has_overrides", !overrides.empty()},
          {"may_list_episodes", r.may_list_episodes},
          {"shortfalls", shortfalls},
          {"has_shortfalls", !shortfalls.empty()},
          {"shortfalls_truncated", r.shortfalls_truncated},
          {"shortfall_limit", app::kShortfallLimit}};
}

Result<ReportFile> htg3_report_file(const app::Htg3Report& r, ReportFormat format,
                                    const PdfOptions& pdf, bool demo) {
  const std::string stem = report_file_stem(r);
  switch (format) {
    case ReportFormat::kCsv:
      return ReportFile{report::document_csv(app::htg3_document(r)), "text/csv; charset=utf-8",
                        stem + ".csv"};
    case ReportFormat::kXlsx: {
      auto bytes = report::document_xlsx(app::htg3_document(r));
      if (!bytes) return std::move(bytes).error();
      return ReportFile{std::move(*bytes),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        stem + ".xlsx"};
    }
    case ReportFormat::kHtml:
    case ReportFormat::kPdf: {
      Json data = htg3_report_view(r);
      data["demo"] = demo;
      const std::string html = Templates().render("report_htg3_print", data);
      if (format == ReportFormat::kHtml) {
        return ReportFile{html, "text/html; charset=utf-8", stem + ".html"};
      }
      auto bytes = html_to_pdf(html, pdf);
      if (!bytes) return std::move(bytes).error();
      return ReportFile{std::move(*bytes), "application/pdf", stem + ".pdf"};
    }
  }
  return Error::internal("Unknown report format");
}

void add_report_routes(Router& router, Web& web) {
  router.get("/reports", "The audit and governance reports",
             [](const Request&, Response& res) { redirect(res, "/reports/htg3"); });
  router.get("/reports/htg3", "The HTG3 outcomes report, with its filter",
             [&web](const Request& req, Response& res) { report_page(web, req, res); });
  for (const char* name : {"html", "pdf", "csv", "xlsx"}) {
    const auto format = *parse_report_format(name);
    router.get(std::string("/reports/htg3.") + name,
               std::string("The HTG3 outcomes report as ") + name,
               [&web, format](const Request& req, Response& res) {
                 report_download(web, req, res, format);
               });
  }
  router.get("/api/v1/reports/htg3", "The HTG3 outcomes report's tables as JSON",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto q = app::parse_htg3_query(report_params(req),
                                              domain::Date::today(web.ctx.clock()));
               if (!q) return send_error(res, q.error());
               auto r = app::htg3_report(web.ctx, *actor, *q);
               if (!r) return send_error(res, r.error());
               res.set_header("Cache-Control", "no-store");
               res.set_content(document_json(app::htg3_document(*r)).dump(2), "application/json");
             });
}

}  // namespace vertebro::http
