#include "app/audit_reports.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/access.h"
#include "app/audit_trail.h"
#include "app/follow_up_visits.h"
#include "app/learning_curves.h"
#include "app/report_measures.h"
#include "app/unit_config.h"
#include "guidance/rules.h"
#include "store/store.h"

namespace vertebro::app {

namespace {

using nlohmann::json;
using report::Measure;

std::string query_value(const std::map<std::string, std::string>& values, const char* key) {
  const auto it = values.find(key);
  return it == values.end() ? std::string() : it->second;
}

std::optional<std::int64_t> positive_id(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const auto v = std::stoll(text);
  if (v <= 0) return std::nullopt;
  return v;
}

// The latest procedure date whose window at `point` has closed by `today`: a procedure on or
// before it without a visit there is missing; after it, not due yet.
domain::Date due_cutoff(const guidance::FollowUpTimePoint& point, domain::Date today) {
  const int span = point.amount * (point.unit == guidance::IntervalUnit::kMonth  ? 31
                                   : point.unit == guidance::IntervalUnit::kWeek ? 7
                                                                                 : 1) +
                   point.window_after_days + 2;
  domain::Date d = domain::Date::from_days(today.days() - std::chrono::days(span));
  while (true) {
    const domain::Date next = domain::Date::from_days(d.days() + std::chrono::days(1));
    if (guidance::follow_up_due(next, point, today).status != guidance::FollowUpStatus::kOverdue) {
      return d;
    }
    d = next;
  }
}

report::MeasureCount count_of(const store::ReportCounts& c, Measure m) {
  report::MeasureCount out;
  out.cases = c.cases;
  auto yes_of = [&](std::int64_t yes, std::int64_t no) {
    out.not_expected = c.not_due + c.exited;
    out.yes = yes;
    out.no = no;
  };
  auto flag = [&](std::int64_t yes) {
    out.yes = yes;
    out.no = c.cases - yes;
  };
  switch (m) {
    case Measure::kPainRelief: yes_of(c.pain_yes, c.pain_no); break;
    case Measure::kReducedMedication: yes_of(c.meds_yes, c.meds_no); break;
    case Measure::kImprovedMobility: yes_of(c.mobility_yes, c.mobility_no); break;
    case Measure::kSatisfied: yes_of(c.satisfied_yes, c.satisfied_no); break;
    case Measure::kLeakage:
      out.yes = c.leakage;
      out.no = c.leakage_known - c.leakage;
      break;
    case Measure::kLeakageIntervention: flag(c.leakage_intervention); break;
    case Measure::kParaplegia: flag(c.paraplegia); break;
    case Measure::kOtherHarm: flag(c.other_harm); break;
    case Measure::kNewFracture: flag(c.new_fracture); break;
    case Measure::kNewFractureAdjacent: flag(c.new_fracture_adjacent); break;
    case Measure::kNewFractureDistant: flag(c.new_fracture_distant); break;
  }
  return out;
}

report::FunnelSpec funnel_of(const std::vector<store::ReportCounts>& groups,
                             const std::map<std::int64_t, std::string>& names,
                             const Htg3ReportQuery& q, const std::string& id,
                             const std::string& noun) {
  report::FunnelSpec f;
  f.id = id;
  f.rate_label = std::string(report::measure_label(q.funnel_measure));
  f.title = f.rate_label + " by " + noun;
  f.unit_noun = noun;
  f.method = q.funnel_method;
  std::int64_t events = 0, n = 0;
  std::vector<stats::UnitCount> counts;
  for (const auto& g : groups) {
    if (g.key == 0) continue;
    const auto c = count_of(g, q.funnel_measure);
    if (c.denominator() == 0) continue;
    const auto name = names.find(g.key);
    f.units.push_back({name == names.end() ? fmt::format("#{}", g.key) : name->second, c.yes,
                       c.denominator()});
    counts.push_back({c.yes, c.denominator()});
    events += c.yes;
    n += c.denominator();
  }
  f.target = n > 0 ? static_cast<double>(events) / static_cast<double>(n) : 0.0;
  if (q.overdispersion) f.phi = stats::overdispersion_phi(counts, f.target, 0.1);
  std::sort(f.units.begin(), f.units.end(),
            [](const report::FunnelUnit& a, const report::FunnelUnit& b) { return a.label < b.label; });
  return f;
}

std::optional<bool> case_outcome(const store::ReportCaseRow& c) { return c.leakage; }

// The compliance rows from the counts by (kind, name, result).
void compliance_of(const std::vector<store::ReportCheckCount>& counts, Htg3Report& out) {
  for (const auto gate : guidance::all_gates()) {
    const std::string name(guidance::gate_name(gate));
    report::ComplianceRow row{name, report::gate_label(name), 0, 0, 0, std::nullopt};
    for (const auto& c : counts) {
      if (c.kind != "gate" || c.name != name) continue;
      if (c.result == "first_time") row.met += c.count;
      if (c.result == "after_block") row.after_block += c.count;
      if (c.result == "overridden") row.not_met += c.count;
    }
    out.gates.push_back(report::with_share(row));
  }
  for (const char* id : {"HTG3-1.2-MDT", "HTG3-1.1", "HTG3-1.2-SURGERY", "HTG3-1.2-TRAINING",
                         "HTG3-1.2-CEMENT"}) {
    report::ComplianceRow row{id, report::requirement_label(id), 0, 0, 0, std::nullopt};
    for (const auto& c : counts) {
      if (c.kind != "rule" || c.name != id) continue;
      if (c.result == "met") row.met += c.count;
      if (c.result == "not_met") row.not_met += c.count;
    }
    out.requirements.push_back(report::with_share(row));
  }
  for (const auto& c : counts) {
    if (c.kind != "override") continue;
    auto it = std::find_if(out.overrides.begin(), out.overrides.end(),
                           [&](const OverrideTally& t) { return t.requirement == c.name; });
    if (it == out.overrides.end()) {
      out.overrides.push_back({c.name, report::requirement_label(c.name), c.count});
    } else {
      it->count += c.count;
    }
  }
}

// The shortfall lists' rows: one per gate not passed first time (an override with its reason and
// the requirements it passed), per requirement not met, per missing follow-up.
void shortfalls_of(const std::vector<store::ReportShortfallRow>& rows,
                   const std::map<std::int64_t, std::string>& site_names,
                   const std::map<std::int64_t, std::string>& operator_names, Htg3Report& out) {
  for (const auto& r : rows) {
    if (r.kind == "override") continue;  // told with its gate's row
    Shortfall s;
    s.episode = r.episode;
    const auto site = site_names.find(r.site.value);
    s.site_name = site == site_names.end() ? "" : site->second;
    s.procedure_date = r.procedure_date;
    if (r.primary_operator) {
      const auto op = operator_names.find(r.primary_operator->value);
      if (op != operator_names.end()) s.operator_name = op->second;
    }
    if (r.kind == "gate") {
      s.what = report::gate_label(r.name) +
               (r.result == "overridden" ? ": passed by an override" : ": passed after a block");
      if (r.result == "overridden") {
        std::string rules;
        for (const auto& o : rows) {
          if (o.kind != "override" || o.episode != r.episode || o.gate != r.name) continue;
          rules += (rules.empty() ? "" : ", ") + o.name;
        }
        s.detail = (rules.empty() ? "" : "Overrode " + rules + ". ") + "Reason: " + r.reason;
      }
    } else if (r.kind == "rule") {
      s.what = report::requirement_label(r.name) + ": not met at the recorded procedure";
      s.detail = r.name;
    } else {
      s.what = "No " + r.name + " follow-up recorded, its window closed";
    }
    out.shortfalls.push_back(std::move(s));
  }
}

}  // namespace

Result<Htg3ReportQuery> parse_htg3_query(const std::map<std::string, std::string>& values,
                                         domain::Date today) {
  Htg3ReportQuery q;
  std::vector<FieldError> errors;
  q.to = today;
  q.from = domain::Date::from_days(today.days() - std::chrono::days(730));
  if (const auto from = query_value(values, "from"); !from.empty()) {
    auto d = domain::Date::parse(from, "from", "Start date");
    if (d) {
      q.from = *d;
    } else {
      errors.push_back({"from", "Start date must be a real date, like 2026-01-31"});
    }
  }
  if (const auto to = query_value(values, "to"); !to.empty()) {
    auto d = domain::Date::parse(to, "to", "End date");
    if (d) {
      q.to = *d;
    } else {
      errors.push_back({"to", "End date must be a real date, like 2026-12-31"});
    }
  }
  if (errors.empty() && q.to < q.from) {
    errors.push_back({"to", "End date must be on or after the start date"});
  }
  if (const auto site = query_value(values, "site"); !site.empty()) {
    if (auto id = positive_id(site)) {
      q.site = SiteId{*id};
    } else {
      errors.push_back({"site", "Choose a site from the list"});
    }
  }
  if (const auto op = query_value(values, "operator"); !op.empty()) {
    if (auto id = positive_id(op)) {
      q.primary_operator = domain::OperatorId{*id};
    } else {
      errors.push_back({"operator", "Choose an operator from the list"});
    }
  }
  if (const auto ind = query_value(values, "indication"); !ind.empty()) {
    if (auto i = domain::parse_indication(ind)) {
      q.indication = *i;
    } else {
      errors.push_back({"indication", "Choose an indication from the list"});
    }
  }
  if (const auto tp = query_value(values, "time_point"); !tp.empty()) {
    if (auto name = time_point_from_url(tp)) {
      q.time_point = *name;
    } else {
      errors.push_back({"time_point", "Choose a follow-up time point from the list"});
    }
  }
  if (const auto m = query_value(values, "measure"); !m.empty()) {
    if (auto measure = report::parse_measure(m)) {
      q.funnel_measure = *measure;
    } else {
      errors.push_back({"measure", "Choose a measure from the list"});
    }
  }
  if (const auto method = query_value(values, "method"); !method.empty()) {
    if (method == "exact") {
      q.funnel_method = stats::FunnelMethod::kExact;
    } else if (method == "normal") {
      q.funnel_method = stats::FunnelMethod::kNormal;
    } else {
      errors.push_back({"method", "Choose exact binomial or normal approximation limits"});
    }
  }
  const auto od = query_value(values, "overdispersion");
  q.overdispersion = od == "1" || od == "on" || od == "true" || od == "yes";
  if (!errors.empty()) return Error::invalid(std::move(errors));
  return q;
}

Result<Htg3Report> htg3_report(const Context& ctx, const Actor& actor, const Htg3ReportQuery& q) {
  if (!role_allows(actor.user.role, domain::Permission::kViewReports)) {
    return Error::forbidden("Your role cannot see the audit reports");
  }
  if (q.site && !actor.user.has_site(*q.site)) {
    return Error::invalid({{"site", "Choose one of your sites"}});
  }
  const auto today = domain::Date::today(ctx.clock());
  // Many marked episodes are worked out in short transactions of their own first; the report's
  // transaction then works out only those marked since.
  if (auto caught_up = catch_up_report_rows(ctx); !caught_up) {
    return std::move(caught_up).error();
  }
  Htg3Report out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    out = Htg3Report{};
    out.query = q;
    out.generated_at = ctx.now_text();
    auto config = load_unit_config(tx);
    if (!config) return std::move(config).error();
    out.time_point = q.time_point.empty() ? config->primary_follow_up : q.time_point;
    out.primary_time_point = out.time_point == config->primary_follow_up;
    const guidance::FollowUpTimePoint* point = nullptr;
    for (const auto& p : config->follow_up_time_points) {
      out.time_point_choices.push_back({p.name(), p.name()});
      if (p.name() == out.time_point) point = &p;
    }
    if (!point) {
      return Error::invalid(
          {{"time_point", "Choose one of the unit's follow-up time points"}});
    }

    // The choices, and the names of sites and operators.
    auto sites = tx.list_sites();
    if (!sites) return std::move(sites).error();
    std::map<std::int64_t, std::string> site_names;
    for (const auto& site : *sites) {
      if (!actor.user.has_site(site.id)) continue;
      site_names[site.id.value] = site.name;
      out.site_choices.push_back({site.id.str(), site.name});
    }
    auto operators = tx.list_operators();
    if (!operators) return std::move(operators).error();
    std::map<std::int64_t, std::string> operator_names;
    for (const auto& op : *operators) {
      operator_names[op.id.value] = op.display_name;
      if (shares_site(actor.user, op.sites)) {
        out.operator_choices.push_back({op.id.str(), op.display_name});
      }
    }
    std::sort(out.operator_choices.begin(), out.operator_choices.end(),
              [](const ReportChoice& a, const ReportChoice& b) { return a.label < b.label; });
    for (auto i : domain::all_indications()) {
      out.indication_choices.push_back({std::string(domain::indication_name(i)),
                                        std::string(domain::indication_label(i))});
    }
    out.site_label = q.site ? site_names[q.site->value] : "All your sites";
    if (q.primary_operator) {
      const auto name = operator_names.find(q.primary_operator->value);
      if (name == operator_names.end()) {
        return Error::invalid({{"operator", "Choose an operator from the list"}});
      }
      out.operator_label = name->second;
    } else {
      out.operator_label = "All operators";
    }
    out.indication_label =
        q.indication ? std::string(domain::indication_label(*q.indication)) : "All indications";

    if (auto r = refresh_report_rows(tx, *config); !r) return std::move(r).error();

    store::ReportFilter f;
    f.sites = q.site ? std::vector<SiteId>{*q.site} : actor.user.sites;
    f.from = q.from.iso();
    f.to = q.to.iso();
    f.primary_operator = q.primary_operator;
    if (q.indication) f.indication = std::string(domain::indication_name(*q.indication));
    const std::string cutoff = due_cutoff(*point, today).iso();

    // One pass over the procedures of all the user's sites, counted by operator and site: the
    // totals and the operators' funnel are the chosen site's (or every site's) groups; the
    // sites' funnel compares every site of the user, whichever is chosen.
    auto pass = tx.report_pass(f, actor.user.sites, out.time_point, cutoff);
    if (!pass) return std::move(pass).error();
    const store::ReportCounts& total = pass->total;
    std::map<std::int64_t, store::ReportCounts> operator_counts;
    std::map<std::int64_t, store::ReportCounts> site_counts;
    for (const auto& g : pass->groups) {
      auto& by_site = site_counts[g.site];
      by_site.key = g.site;
      store::add_counts(by_site, g);
      if (std::find(f.sites.begin(), f.sites.end(), SiteId{g.site}) == f.sites.end()) continue;
      auto& by_operator = operator_counts[g.key];
      by_operator.key = g.key;
      store::add_counts(by_operator, g);
    }
    out.procedures = total.cases;
    for (auto m : report::all_measures()) {
      out.outcomes.push_back(report::outcome_row(m, count_of(total, m)));
    }
    std::vector<store::ReportCounts> by_operator;
    for (const auto& [key, c] : operator_counts) {
      if (key == 0) out.procedures_without_operator_profile = c.cases;
      by_operator.push_back(c);
    }
    out.operator_funnel = funnel_of(by_operator, operator_names, q, "funnel-operators", "operator");
    std::vector<store::ReportCounts> by_site;
    for (const auto& [key, c] : site_counts) by_site.push_back(c);
    out.site_funnel = funnel_of(by_site, site_names, q, "funnel-sites", "site");

    // Learning curves: cement leakage with the training lead's design, case by case.
    auto training = load_training_settings(tx);
    if (!training) return std::move(training).error();
    const auto& cases = pass->cases;
    for (std::size_t i = 0; i < cases.size();) {
      const auto op = cases[i].primary_operator;
      std::vector<int> outcomes;
      for (; i < cases.size() && cases[i].primary_operator == op; ++i) {
        if (auto o = case_outcome(cases[i])) outcomes.push_back(*o ? 1 : 0);
      }
      if (outcomes.empty()) continue;
      OperatorCurve curve;
      const auto name = operator_names.find(op.value);
      curve.operator_name = name == operator_names.end() ? "#" + op.str() : name->second;
      curve.chart.id = "cusum-" + op.str();
      curve.chart.title = "Cement leakage CUSUM: " + curve.operator_name;
      curve.chart.outcome_label = "Cement leakage";
      curve.chart.design = training->design();
      curve.chart.steps = stats::bernoulli_cusum(outcomes, curve.chart.design);
      curve.cases = static_cast<std::int64_t>(outcomes.size());
      curve.outcomes = std::count(outcomes.begin(), outcomes.end(), 1);
      curve.signals = std::count_if(curve.chart.steps.begin(), curve.chart.steps.end(),
                                    [](const stats::CusumStep& st) { return st.signal; });
      out.curves.push_back(std::move(curve));
    }
    std::sort(out.curves.begin(), out.curves.end(),
              [](const OperatorCurve& a, const OperatorCurve& b) {
                return a.operator_name < b.operator_name;
              });

    out.survival.id = "survival-new-fracture";
    out.survival.title = "Freedom from a new vertebral fracture after the procedure";
    out.survival.event_label = "New vertebral fracture";
    out.survival.time_unit = "days";
    out.survival.data.reserve(pass->survival.size());
    for (const auto& row : pass->survival) {
      if (row.new_fracture_days) {
        out.survival.data.push_back({static_cast<double>(*row.new_fracture_days), true});
        ++out.new_fractures;
      } else {
        out.survival.data.push_back({static_cast<double>(row.followed_days), false});
      }
    }

    // Compliance (HTG3-1.1, HTG3-1.2-*).
    compliance_of(pass->checks, out);
    out.follow_up = report::with_share({out.time_point,
                                        "Follow-up recorded at " + out.time_point, total.recorded,
                                        0, total.cases - total.not_due - total.exited -
                                               total.recorded,
                                        std::nullopt});
    std::vector<domain::ShownRecord> shown;
    out.may_list_episodes = role_allows(actor.user.role, domain::Permission::kViewPatients);
    if (out.may_list_episodes) {
      auto rows = tx.report_shortfalls(f, out.time_point, cutoff, kShortfallLimit + 1);
      if (!rows) return std::move(rows).error();
      out.shortfalls_truncated = rows->size() > static_cast<std::size_t>(kShortfallLimit);
      if (out.shortfalls_truncated) rows->resize(kShortfallLimit);
      shortfalls_of(*rows, site_names, operator_names, out);
      for (const auto& r : *rows) {
        if (shown.empty() || shown.back().episode != r.episode) shown.push_back({r.episode, r.patient});
      }
      std::sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) {
        return a.episode.value < b.episode.value;
      });
      shown.erase(std::unique(shown.begin(), shown.end(),
                              [](const auto& a, const auto& b) { return a.episode == b.episode; }),
                  shown.end());
    }

    json detail = {{"report", "htg3"}, {"from", f.from}, {"to", f.to},
                   {"time_point", out.time_point}, {"procedures", out.procedures}};
    if (q.site) detail["site"] = q.site->value;
    if (q.primary_operator) detail["operator"] = q.primary_operator->value;
    if (q.indication) detail["indication"] = domain::indication_name(*q.indication);
    return audit_list(tx, ctx, actor, {"report", 0, 0, q.site ? q.site->value : 0},
                      std::move(detail), shown);
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<ReportingActor> reporting_actor(const Context& ctx, const std::string& name) {
  ReportingActor out;
  out.actor = system_actor(name);
  out.actor.user.role = domain::Role::kGovernance;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto sites = tx.list_sites();
    if (!sites) return std::move(sites).error();
    out.sites = std::move(*sites);
    return {};
  });
  if (!s) return std::move(s).error();
  for (const auto& site : out.sites) out.actor.user.sites.push_back(site.id);
  return out;
}

namespace {

report::Column text_column(std::string key, std::string label) {
  return {std::move(key), std::move(label), report::ColumnKind::kText};
}
report::Column int_column(std::string key, std::string label) {
  return {std::move(key), std::move(label), report::ColumnKind::kInteger};
}
report::Column rate_column(std::string key, std::string label) {
  return {std::move(key), std::move(label), report::ColumnKind::kProportion};
}

report::Table funnel_table(const report::FunnelSpec& f, const std::string& name) {
  report::Table t;
  t.name = name;
  t.caption = fmt::format("{}: funnel plot against the pooled rate {} ({} limits{})", f.title,
                          report::percent_text(f.target),
                          f.method == stats::FunnelMethod::kExact ? "exact binomial"
                                                                   : "normal approximation",
                          f.phi > 1.0 ? fmt::format(", widened for overdispersion, phi {:.3f}",
                                                    f.phi)
                                      : "");
  t.columns = {text_column(f.unit_noun, f.unit_noun == "site" ? "Site" : "Operator"),
               int_column("events", "With the outcome"),
               int_column("n", "Procedures counted"),
               rate_column("rate", "Rate"),
               rate_column("lower_95", "Lower 95% limit"),
               rate_column("upper_95", "Upper 95% limit"),
               rate_column("lower_998", "Lower 99.8% limit"),
               rate_column("upper_998", "Upper 99.8% limit"),
               text_column("position", "Position")};
  for (const auto& u : f.units) {
    const auto limits = stats::funnel_limits(u.n, f.target, f.method, f.phi);
    t.rows.push_back({u.label, u.events, u.n,
                      static_cast<double>(u.events) / static_cast<double>(u.n), limits.lower_95,
                      limits.upper_95, limits.lower_998, limits.upper_998,
                      std::string(report::funnel_position_text(
                          report::funnel_position(u, f.target, f.method, f.phi)))});
  }
  return t;
}

}  // namespace

report::Document htg3_document(const Htg3Report& r) {
  report::Document d;
  d.title = "HTG3 outcomes report";
  d.facts = {{"From", r.query.from.iso()},
             {"To", r.query.to.iso()},
             {"Sites", r.site_label},
             {"Operator", r.operator_label},
             {"Indication", r.indication_label},
             {"Efficacy time point",
              r.time_point + (r.primary_time_point ? " (the unit's primary time point)" : "")},
             {"Procedures", std::to_string(r.procedures)},
             {"Generated", r.generated_at}};

  report::Table outcomes;
  outcomes.name = "outcomes";
  outcomes.caption = "HTG3 measures: the unit against the guidance's figures";
  outcomes.columns = {text_column("requirement", "Requirement"),
                      text_column("measure", "Measure"),
                      text_column("time_point", "Read at"),
                      int_column("cases", "Procedures"),
                      int_column("not_expected", "Not expected yet or no longer"),
                      int_column("numerator", "With the outcome"),
                      int_column("denominator", "Answered"),
                      int_column("missing", "Missing"),
                      rate_column("rate", "Rate"),
                      rate_column("lower_95", "Wilson 95% lower"),
                      rate_column("upper_95", "Wilson 95% upper"),
                      text_column("guidance", "Guidance figure"),
                      text_column("verdict", "Verdict")};
  for (const auto& row : r.outcomes) {
    std::vector<report::Cell> cells = {
        std::string(report::measure_requirement(row.measure)),
        std::string(report::measure_label(row.measure)),
        report::is_efficacy(row.measure) ? r.time_point : std::string("any time"),
        row.count.cases,
        row.count.not_expected,
        row.count.yes,
        row.count.denominator(),
        row.count.missing()};
    if (row.rate) {
      cells.insert(cells.end(), {row.rate->estimate, row.rate->lower, row.rate->upper});
    } else {
      cells.insert(cells.end(), {std::monostate{}, std::monostate{}, std::monostate{}});
    }
    cells.emplace_back(std::string(report::guidance_figure(row.measure).text));
    cells.emplace_back(row.verdict_text);
    outcomes.rows.push_back(std::move(cells));
  }
  d.tables.push_back(std::move(outcomes));
  d.tables.push_back(funnel_table(r.operator_funnel, "operator_funnel"));
  d.tables.push_back(funnel_table(r.site_funnel, "site_funnel"));

  report::Table curves;
  curves.name = "learning_curves";
  curves.caption = "Cement leakage CUSUM of each primary operator, cases in procedure order";
  curves.columns = {text_column("operator", "Operator"), int_column("cases", "Cases"),
                    int_column("outcomes", "With leakage"), int_column("signals", "Signals"),
                    text_column("signal_cases", "Signalled at case")};
  for (const auto& c : r.curves) {
    std::string at;
    for (std::size_t i = 0; i < c.chart.steps.size(); ++i) {
      if (!c.chart.steps[i].signal) continue;
      if (!at.empty()) at += " ";
      at += std::to_string(i + 1);
    }
    curves.rows.push_back({c.operator_name, c.cases, c.outcomes, c.signals, at});
  }
  d.tables.push_back(std::move(curves));

  report::Table km;
  km.name = "new_fracture_survival";
  km.caption = "Kaplan-Meier: freedom from a new vertebral fracture, days after the procedure";
  km.columns = {int_column("days", "Days"), int_column("n_risk", "At risk"),
                int_column("events", "New fractures"), rate_column("survival", "Free of fracture"),
                {"se", "Standard error", report::ColumnKind::kProportion}};
  for (const auto& row : stats::kaplan_meier(r.survival.data)) {
    km.rows.push_back({static_cast<std::int64_t>(std::llround(row.time)), row.n_risk, row.events,
                       row.survival, row.se});
  }
  d.tables.push_back(std::move(km));

  report::Table compliance;
  compliance.name = "compliance";
  compliance.caption = "Compliance with HTG3's conditions, procedures in the report";
  compliance.columns = {text_column("check", "Check"),
                        text_column("key", "Gate or requirement"),
                        int_column("met", "Met (gates: first time)"),
                        int_column("after_block", "Passed after a block"),
                        int_column("not_met", "Not met, overridden or missing"),
                        int_column("total", "Procedures"),
                        rate_column("share", "Share met"),
                        rate_column("lower_95", "Wilson 95% lower"),
                        rate_column("upper_95", "Wilson 95% upper")};
  auto add = [&](const report::ComplianceRow& row) {
    std::vector<report::Cell> cells = {row.label, row.key, row.met, row.after_block, row.not_met,
                                       row.total()};
    if (row.share) {
      cells.insert(cells.end(), {row.share->estimate, row.share->lower, row.share->upper});
    } else {
      cells.insert(cells.end(), {std::monostate{}, std::monostate{}, std::monostate{}});
    }
    compliance.rows.push_back(std::move(cells));
  };
  for (const auto& row : r.gates) add(row);
  for (const auto& row : r.requirements) add(row);
  add(r.follow_up);
  d.tables.push_back(std::move(compliance));

  report::Table overrides;
  overrides.name = "overrides";
  overrides.caption = "Requirements passed by an override";
  overrides.columns = {text_column("requirement", "Requirement"), text_column("label", "Meaning"),
                       int_column("procedures", "Procedures")};
  for (const auto& o : r.overrides) overrides.rows.push_back({o.requirement, o.label, o.count});
  d.tables.push_back(std::move(overrides));

  if (r.may_list_episodes) {
    report::Table shortfalls;
    shortfalls.name = "shortfalls";
    shortfalls.caption = r.shortfalls_truncated
                             ? fmt::format("The episodes behind each shortfall (the first {})",
                                           kShortfallLimit)
                             : "The episodes behind each shortfall";
    shortfalls.columns = {int_column("episode", "Episode"),
                          text_column("site", "Site"),
                          {"procedure_date", "Procedure", report::ColumnKind::kDate},
                          text_column("operator", "Primary operator"),
                          text_column("shortfall", "Shortfall"),
                          text_column("detail", "Detail")};
    for (const auto& x : r.shortfalls) {
      shortfalls.rows.push_back(
          {x.episode.value, x.site_name, x.procedure_date, x.operator_name, x.what, x.detail});
    }
    d.tables.push_back(std::move(shortfalls));
  }
  return d;
}

}  // namespace vertebro::app
