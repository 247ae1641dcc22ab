#pragma once
// The HTG3 outcomes report (issue 15; docs/reports.md): the unit's results against the figures
// HTG3 publishes, for the audit and governance meeting (HTG3-1.1). For procedures dated in a
// range at the user's sites (or one of them), optionally of one primary operator and one
// indication: every HTG3-EFF-* measure at a follow-up time point (the unit's primary one unless
// another is chosen) and every HTG3-SAFE-* measure over everything recorded, each with its
// count, missing answers, Wilson 95% interval, the guidance's figure and a verdict
// (report/htg3.h); funnel plots of operators and of sites for a chosen measure; each operator's
// CUSUM of cement leakage with the training lead's design (app/learning_curves.h); the
// Kaplan-Meier curve of time to a new vertebral fracture; and the compliance report: each gate
// passed first time, after a block or by an override (by requirement and reason), each HTG3
// condition met at the recorded procedure, follow-up completeness, with the episodes behind
// each shortfall for those who may see them.
//
// The figures are aggregate queries over the derived rows of app/report_measures.h, brought up
// to date in the same transaction. A report names operators, sites and (in the shortfall lists)
// episode numbers, never a patient; it is audited as one "list" entry of record "report" with
// its filter, linked to each episode the shortfall lists show.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "domain/date.h"
#include "domain/operator.h"
#include "domain/referral.h"
#include "report/charts.h"
#include "report/compliance.h"
#include "report/htg3.h"
#include "report/table.h"

namespace vertebro::app {

struct Htg3ReportQuery {
  domain::Date from{};
  domain::Date to{};
  std::optional<SiteId> site;  // std::nullopt: every site of the user
  std::optional<domain::OperatorId> primary_operator;
  std::optional<domain::Indication> indication;
  std::string time_point;  // "" : the unit's primary time point
  report::Measure funnel_measure = report::Measure::kLeakage;
  stats::FunnelMethod funnel_method = stats::FunnelMethod::kExact;
  bool overdispersion = false;  // widen the funnel limits by Spiegelhalter's phi when above 1
};

// Reads a report's query from a form's or a command line's values (every key optional): from,
// to (ISO dates; default the two years to `today`: enough procedures for most verdicts in a
// unit doing one a week), site, operator (ids), indication
// (domain::indication_name), time_point ("3 months" or "3-months"), measure
// (report::measure_key), method ("exact" or "normal"), overdispersion ("1"/"on"/"true").
// Errors: kInvalid with one field error per bad key (named as above; "to" before "from" names
// "to"). The time point and the ids are checked against the unit when the report runs.
Result<Htg3ReportQuery> parse_htg3_query(const std::map<std::string, std::string>& values,
                                         domain::Date today);

struct ReportChoice {
  std::string value;  // the query value ("12", "osteoporotic")
  std::string label;
};

struct OperatorCurve {
  std::string operator_name;
  std::int64_t cases = 0;
  std::int64_t outcomes = 0;
  std::int64_t signals = 0;
  report::CusumChart chart;
};

// How many procedures an override passed at each requirement.
struct OverrideTally {
  std::string requirement;  // "HTG3-1.2-MDT"
  std::string label;
  std::int64_t count = 0;
};

// One episode behind a compliance shortfall, for users who may see the episodes.
struct Shortfall {
  EpisodeId episode;
  std::string site_name;
  std::string procedure_date;  // ISO
  std::string operator_name;   // "" when the procedure names no profile
  std::string what;            // "Consent to procedure: overridden"
  std::string detail;          // the override's reason and the requirements it passed
};

inline constexpr int kShortfallLimit = 500;

struct Htg3Report {
  Htg3ReportQuery query;
  std::string site_label;       // "All your sites" or the site's name
  std::string operator_label;   // "All operators" or the operator's name
  std::string indication_label; // "All indications" or the indication's label
  std::string time_point;       // the time point the efficacy measures are read at
  bool primary_time_point = true;
  std::string generated_at;     // the clock's time, ISO
  std::int64_t procedures = 0;  // in the report
  std::vector<report::OutcomeRow> outcomes;  // every measure, in report::all_measures order
  report::FunnelSpec operator_funnel;
  std::int64_t procedures_without_operator_profile = 0;  // left out of the operator funnel
  report::FunnelSpec site_funnel;
  std::vector<OperatorCurve> curves;  // operators with at least one case, by name
  report::SurvivalChart survival;
  std::int64_t new_fractures = 0;
  // The compliance report: each gate's first pass, each requirement at the recorded procedure,
  // follow-up completeness at `time_point` (met: recorded; not_met: missing), the overrides by
  // requirement, and the episodes behind the shortfalls (at most kShortfallLimit; only for a
  // role that may see patients).
  std::vector<report::ComplianceRow> gates;
  std::vector<report::ComplianceRow> requirements;
  report::ComplianceRow follow_up;
  std::vector<OverrideTally> overrides;
  bool may_list_episodes = false;
  std::vector<Shortfall> shortfalls;
  bool shortfalls_truncated = false;
  // What the page's filter offers: the user's sites, the operator profiles at them, the
  // indications, the unit's time points, the measures.
  std::vector<ReportChoice> site_choices;
  std::vector<ReportChoice> operator_choices;
  std::vector<ReportChoice> indication_choices;
  std::vector<ReportChoice> time_point_choices;
};

// Needs kViewReports. Errors: kForbidden; kInvalid naming "site" (not one of the user's),
// "operator" (no such profile) or "time_point" (not in the unit's schedule); the store's.
Result<Htg3Report> htg3_report(const Context& ctx, const Actor& actor, const Htg3ReportQuery& q);

// The command line's reader of reports (`vertebro report`): an audit lead of every site, with
// the sites themselves to find one by its code. Errors: the store's.
struct ReportingActor {
  Actor actor;
  std::vector<domain::Site> sites;
};
Result<ReportingActor> reporting_actor(const Context& ctx, const std::string& name);

// The report's tables for CSV and XLSX (report/tabular.h): "outcomes", "operator_funnel",
// "site_funnel", "learning_curves", "new_fracture_survival".
report::Document htg3_document(const Htg3Report& r);

}  // namespace vertebro::app
