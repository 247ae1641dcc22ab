// vertebro-report-bench: the HTG3 outcomes and compliance report over a national registry's
// procedures (docs/performance.md, "Audit report"; issue 15's target: the full report over
// 1,000,000 procedures under 1 s and within 3x of the bare SQL aggregate over the same rows).
//
// Builds a SQLite database in a temporary folder: the demonstration data (users, sites, the
// unit's settings, a hundred procedures with full records), then OPERATORS more operator
// profiles and PROCEDURES more procedures over the two years to today, each with its patient,
// episode and the derived report rows the report reads (app/report_measures.h: the episode's
// safety measures, a visit at each time point already due, the gate and HTG3 condition checks),
// at rates like the demonstration data's: about one in five leaks, one in eight follow-ups
// missed, a few gates passed after a block or overridden. The derived rows are written directly,
// as the report's refresh writes them; the refresh itself is timed apart (below).
//
// Then, as the audit and governance lead (every site; may see the episodes behind each
// shortfall), runs what the page and the API call for the default report (the two years to
// today, every site, operator and indication): app::htg3_report (the refresh of stale episodes,
// every aggregate query, the audit entry written and committed), RUNS times, and once more with
// the document built and written as CSV. The baseline, in the same process: the bare aggregate
// over the same rows, one pass counting every outcome of the totals row (what the report could
// not be faster than). Also printed: the first report after opening (cold page cache), and the
// refresh's cost per procedure (every demonstration procedure worked out again from its records,
// as after a change of the unit's outcome definitions).
//
//   vertebro-report-bench [PROCEDURES [OPERATORS [RUNS]]]
//     defaults: 1000000 procedures, 300 operators, 3 runs; VERTEBRO_BENCH_KEEP=1 keeps the
//     database (its path is printed) for a look at the query plans

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "app/audit_reports.h"
#include "app/context.h"
#include "app/demo_data.h"
#include "app/sessions.h"
#include "base/clock.h"
#include "base/log.h"
#include "bench_db.h"
#include "domain/date.h"
#include "report/tabular.h"
#include "store/store.h"

namespace {

using vertebro::bench::Clock;
using vertebro::bench::Db;
using vertebro::bench::fail;
using vertebro::bench::ms_since;
using vertebro::bench::set_param;

std::string days_before(vertebro::domain::Date d, int days) {
  return vertebro::domain::Date::from_days(d.days() - std::chrono::days(days)).iso();
}

struct TimePoint {
  const char* name;
  int due_days;  // when the window closes: a visit is expected from then on
};
// The unit's default schedule (guidance::default_follow_up_time_points), windows closed.
constexpr TimePoint kTimePoints[] = {{"1 day", 3},     {"1 week", 14},    {"1 month", 44},
                                     {"3 months", 112}, {"6 months", 212}, {"12 months", 395}};
constexpr const char* kGates[] = {"assessment_to_mdt", "mdt_to_consent", "consent_to_procedure",
                                  "procedure_recorded"};
constexpr const char* kRules[] = {"HTG3-1.1", "HTG3-1.2-CEMENT", "HTG3-1.2-MDT",
                                  "HTG3-1.2-SURGERY", "HTG3-1.2-TRAINING"};
constexpr const char* kIndications[] = {"osteoporotic", "osteoporotic", "osteoporotic",
                                        "osteoporotic", "haemangioma", "tumour"};

class Fill {
 public:
  Fill(Db& db, std::mt19937_64& rng) : db_(db), rng_(rng) {}

  // OPERATORS operator profiles (with their user accounts), half at each site.
  std::vector<std::int64_t> operators(std::int64_t count, std::int64_t site_a,
                                      std::int64_t site_b) {
    sqlite3_stmt* user = db_.prepare(
        "INSERT INTO users (username, display_name, role, profession, password_hash, created_at) "
        "VALUES (?, ?, 'operator', 'radiologist', '!', ?)");
    sqlite3_stmt* op = db_.prepare(
        "INSERT INTO operators (user_id, professional_role, registration_number, created_at, "
        "updated_at) VALUES (?, 'consultant_radiologist', ?, ?, ?)");
    sqlite3_stmt* op_site =
        db_.prepare("INSERT INTO operator_sites (operator_id, site_id) VALUES (?, ?)");
    std::vector<std::int64_t> out;
    for (std::int64_t i = 0; i < count; ++i) {
      const std::string n = std::to_string(i + 1);
      set_param(user, 1, "bench-operator-" + n);
      set_param(user, 2, "Dr Bench Operator " + n);
      set_param(user, 3, at_);
      if (!db_.step(user)) fail("operator user: " + db_.error());
      set_param(op, 1, db_.last_id());
      set_param(op, 2, "GMC" + std::to_string(7000000 + i));
      set_param(op, 3, at_);
      set_param(op, 4, at_);
      if (!db_.step(op)) fail("operator: " + db_.error());
      out.push_back(db_.last_id());
      set_param(op_site, 1, out.back());
      set_param(op_site, 2, i % 2 ? site_b : site_a);
      if (!db_.step(op_site)) fail("operator site: " + db_.error());
    }
    for (auto* s : {user, op, op_site}) sqlite3_finalize(s);
    return out;
  }

  void procedures(std::int64_t count, const std::vector<std::int64_t>& ops, std::int64_t site_a,
                  std::int64_t site_b, vertebro::domain::Date today) {
    sqlite3_stmt* patient = db_.prepare(
        "INSERT INTO patients (site_id, nhs_number, family_name, given_name, date_of_birth, sex, "
        "version, created_at, updated_at) VALUES (?, ?, 'Benchmark', 'Pat', '1944-05-17', "
        "'female', 1, ?, ?)");
    sqlite3_stmt* episode = db_.prepare(
        "INSERT INTO episodes (patient_id, site_id, state, referring_clinician, referral_date, "
        "indication, levels, reason, version, created_at, updated_at, state_changed_at) VALUES "
        "(?, ?, ?, 'Dr A Okafor (GP)', ?, ?, 'L1', 'Painful fracture', 1, ?, ?, ?)");
    sqlite3_stmt* row = db_.prepare(
        "INSERT INTO report_episodes (episode_id, site_id, operator_id, indication, "
        "procedure_date, state, leakage, leakage_intervention, paraplegia, other_harm, "
        "new_fracture, new_fracture_adjacent, new_fracture_distant, new_fracture_days, "
        "followed_days, check_set) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt* visit = db_.prepare(
        "INSERT INTO report_visits (episode_id, time_point, pain_relief, reduced_medication, "
        "improved_mobility, satisfied, exited, site_id, operator_id, indication, "
        "procedure_date) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)");
    sqlite3_stmt* check_set = db_.prepare("INSERT INTO report_check_sets (checks) VALUES (?)");
    // The sets the demonstration data's refresh made already.
    sqlite3_stmt* sets = db_.prepare("SELECT id, checks FROM report_check_sets");
    while (sqlite3_step(sets) == SQLITE_ROW) {
      check_sets_.emplace(reinterpret_cast<const char*>(sqlite3_column_text(sets, 1)),
                          sqlite3_column_int64(sets, 0));
    }
    sqlite3_finalize(sets);
    sqlite3_stmt* check = db_.prepare(
        "INSERT INTO report_checks (episode_id, kind, name, gate, result, reason) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    std::uniform_int_distribution<std::size_t> pick_op(0, ops.size() - 1);
    // Procedures are recorded as they happen: written oldest first, as a registry fills.
    std::uniform_int_distribution<int> pick_age(1, 729);
    std::vector<int> ages(static_cast<std::size_t>(count));
    for (auto& a : ages) a = pick_age(rng_);
    std::sort(ages.begin(), ages.end(), std::greater<>());
    vertebro::bench::NhsNumbers numbers;
    std::int64_t patient_id = 0;
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < count; ++i) {
      const std::int64_t op = ops[pick_op(rng_)];
      // Operators work at one site each (odd ones at the second, as operators() placed them).
      const std::int64_t site = (op - ops.front()) % 2 ? site_b : site_a;
      if (i % 2 == 0) {
        for (;;) {
          set_param(patient, 1, site);
          set_param(patient, 2, numbers.next());
          set_param(patient, 3, at_);
          set_param(patient, 4, at_);
          if (db_.step(patient)) break;
        }
        patient_id = db_.last_id();
      }
      const int age = ages[static_cast<std::size_t>(i)];
      const std::string date = days_before(today, age);
      const bool closed = age > 395;
      const std::string state = closed ? "closed" : "follow_up";
      const std::string indication = kIndications[i % 6];
      set_param(episode, 1, patient_id);
      set_param(episode, 2, site);
      set_param(episode, 3, state);
      set_param(episode, 4, days_before(today, age + 30));
      set_param(episode, 5, indication);
      set_param(episode, 6, at_);
      set_param(episode, 7, at_);
      set_param(episode, 8, at_);
      if (!db_.step(episode)) fail("episode: " + db_.error());
      const std::int64_t id = db_.last_id();

      const int followed = std::min(age, 365);
      const bool new_fracture = chance(0.06) && followed > 14;
      const bool adjacent = new_fracture && chance(0.6);
      set_param(row, 1, id);
      set_param(row, 2, site);
      set_param(row, 3, op);
      set_param(row, 4, indication);
      set_param(row, 5, date);
      set_param(row, 6, state);
      if (chance(0.02)) {
        set_param(row, 7, nullptr);  // leakage not recorded
      } else {
        set_param(row, 7, std::int64_t{chance(0.2)});
      }
      set_param(row, 8, std::int64_t{chance(0.005)});
      set_param(row, 9, std::int64_t{chance(0.0002)});
      set_param(row, 10, std::int64_t{chance(0.02)});
      set_param(row, 11, std::int64_t{new_fracture});
      set_param(row, 12, std::int64_t{adjacent});
      set_param(row, 13, std::int64_t{new_fracture && !adjacent});
      if (new_fracture) {
        set_param(row, 14, std::int64_t{std::uniform_int_distribution<int>(14, followed)(rng_)});
      } else {
        set_param(row, 14, nullptr);
      }
      set_param(row, 15, std::int64_t{followed});
      // The checks first, for the row's summary of them (as put_report_episode writes it).
      std::vector<std::string> summary;
      for (const char* gate : kGates) {
        const double r = unit_(rng_);
        const char* result = r < 0.01 ? "overridden" : r < 0.04 ? "after_block" : "first_time";
        const std::string reason = r < 0.01 ? "Spinal surgeon agreed by telephone" : "";
        add_check(check, id, "gate", gate, "", result, reason, summary);
        if (r < 0.01) {
          add_check(check, id, "override", "HTG3-1.2-MDT", gate, "overridden", reason, summary);
        }
      }
      for (const char* rule : kRules) {
        add_check(check, id, "rule", rule, "", chance(0.01) ? "not_met" : "met", "", summary);
      }
      std::sort(summary.begin(), summary.end());
      std::string joined;
      for (const auto& part : summary) joined += (joined.empty() ? "" : ";") + part;
      auto set = check_sets_.find(joined);
      if (set == check_sets_.end()) {
        set_param(check_set, 1, joined);
        if (!db_.step(check_set)) fail("check set: " + db_.error());
        set = check_sets_.emplace(joined, db_.last_id()).first;
      }
      set_param(row, 16, set->second);
      if (!db_.step(row)) fail("report row: " + db_.error());

      for (const auto& p : kTimePoints) {
        if (age < p.due_days || chance(0.12)) continue;  // not due yet, or missed
        set_param(visit, 1, id);
        set_param(visit, 2, std::string(p.name));
        set_param(visit, 3, std::int64_t{chance(0.8)});
        set_param(visit, 4, std::int64_t{chance(0.73)});
        set_param(visit, 5, std::int64_t{chance(0.75)});
        set_param(visit, 6, std::int64_t{chance(0.77)});
        set_param(visit, 7, site);
        set_param(visit, 8, op);
        set_param(visit, 9, indication);
        set_param(visit, 10, date);
        if (!db_.step(visit)) fail("visit: " + db_.error());
      }
      if ((i + 1) % 200000 == 0) {
        std::printf("  %lld procedures written (%.0f s)\n", static_cast<long long>(i + 1),
                    ms_since(t0) / 1000);
        std::fflush(stdout);
      }
    }
    for (auto* s : {patient, episode, row, visit, check, check_set}) sqlite3_finalize(s);
  }

 private:
  bool chance(double p) { return unit_(rng_) < p; }
  void add_check(sqlite3_stmt* s, std::int64_t id, const char* kind, const char* name,
                 const char* gate, const char* result, const std::string& reason,
                 std::vector<std::string>& summary) {
    summary.push_back(std::string(kind) + "|" + name + "|" + result);
    set_param(s, 1, id);
    set_param(s, 2, std::string(kind));
    set_param(s, 3, std::string(name));
    set_param(s, 4, std::string(gate));
    set_param(s, 5, std::string(result));
    set_param(s, 6, reason);
    if (!db_.step(s)) fail("check: " + db_.error());
  }

  Db& db_;
  std::mt19937_64& rng_;
  std::map<std::string, std::int64_t> check_sets_;  // report_check_sets, by their text
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  const std::string at_ = "2026-01-01T09:00:00Z";
};

void fill(const std::string& path, std::int64_t procedures, std::int64_t operators,
          vertebro::domain::Date today, std::mt19937_64& rng) {
  Db db(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; BEGIN");
  const std::int64_t site_a = db.scalar("SELECT min(id) FROM sites");
  const std::int64_t site_b = db.scalar("SELECT max(id) FROM sites");
  if (site_a == 0) fail("the demonstration data is missing");
  Fill f(db, rng);
  const auto ops = f.operators(operators, site_a, site_b);
  f.procedures(procedures, ops, site_a, site_b, today);
  // Written without syncing, for speed; the checkpoint at full sync writes it all to disk now.
  db.exec("COMMIT; ANALYZE; PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(TRUNCATE)");
}

// The bare aggregate: the totals row's counts over the same rows, with the filter the report
// uses, straight through SQLite (no store layer, no transaction of the app's): one aggregate
// over the procedures (safety) and one over their visits at the time point (efficacy).
double bare_ms(Db& db, const std::string& from, const std::string& to,
               const std::string& time_point, std::int64_t* cases) {
  sqlite3_stmt* s = db.prepare(
      "SELECT COUNT(*), SUM(r.leakage), SUM(r.leakage_intervention), SUM(r.paraplegia), "
      "SUM(r.other_harm), SUM(r.new_fracture) FROM report_episodes r "
      "WHERE r.procedure_date >= ? AND r.procedure_date <= ?");
  sqlite3_stmt* v = db.prepare(
      "SELECT COUNT(*), SUM(v.exited), SUM(v.pain_relief), SUM(v.reduced_medication), "
      "SUM(v.improved_mobility), SUM(v.satisfied) FROM report_visits v "
      "WHERE v.time_point = ? AND v.procedure_date >= ? AND v.procedure_date <= ?");
  set_param(s, 1, from);
  set_param(s, 2, to);
  set_param(v, 1, time_point);
  set_param(v, 2, from);
  set_param(v, 3, to);
  const auto t0 = Clock::now();
  if (sqlite3_step(s) != SQLITE_ROW) fail("the bare aggregate returned nothing");
  *cases = sqlite3_column_int64(s, 0);
  if (sqlite3_step(v) != SQLITE_ROW) fail("the bare aggregate of visits returned nothing");
  const double ms = ms_since(t0);
  sqlite3_finalize(s);
  sqlite3_finalize(v);
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  namespace app = vertebro::app;
  namespace store = vertebro::store;
  using vertebro::bench::arg;
  using vertebro::bench::centile;
  vertebro::bench::program = "vertebro-report-bench";
  vertebro::log::configure("", "warn");  // the demonstration data logs every step
  const std::int64_t procedures = arg(argc, argv, 1, 1000000);
  const std::int64_t operators = arg(argc, argv, 2, 300);
  const std::int64_t runs = arg(argc, argv, 3, 3);
  if (procedures > 1800000) fail("at most 1,800,000 procedures (900,000 NHS test numbers)");

  const std::filesystem::path dir = vertebro::bench::make_work_dir();
  const std::string path = (dir / "report.sqlite").string();
  std::mt19937_64 rng(20261205);
  vertebro::SystemClock clock;

  std::printf("vertebro-report-bench: %lld procedures, %lld operators, %lld runs; %s\n",
              static_cast<long long>(procedures), static_cast<long long>(operators),
              static_cast<long long>(runs), path.c_str());
  std::int64_t demo_procedures = 0;
  double refresh_ms = 0;
  {
    auto st = store::open_store(path, {});
    if (!st) fail("open: " + st.error().message);
    app::Context ctx(**st, clock);
    auto demo = app::load_demo_data(ctx, {});
    if (!demo) fail("demo data: " + demo.error().message);
    // The refresh: the first report works out every demonstration procedure from its records.
    Db db(path);
    demo_procedures = db.scalar("SELECT count(*) FROM report_stale");
    auto who = app::reporting_actor(ctx, "bench");
    if (!who) fail("reporting actor: " + who.error().message);
    auto q = app::parse_htg3_query({}, vertebro::domain::Date::today(clock));
    if (!q) fail("query: " + q.error().message);
    const auto t0 = Clock::now();
    auto r = app::htg3_report(ctx, who->actor, *q);
    refresh_ms = ms_since(t0);
    if (!r) fail("report: " + r.error().message);
    if (db.scalar("SELECT count(*) FROM report_stale") != 0) fail("the refresh left stale rows");
  }
  auto t0 = Clock::now();
  fill(path, procedures, operators, vertebro::domain::Date::today(clock), rng);
  std::printf("  filled in %.0f s\n", ms_since(t0) / 1000);

  auto st = store::open_store(path, {});
  if (!st) fail("open: " + st.error().message);
  app::Context ctx(**st, clock);
  auto who = app::sign_in(ctx, "governance", "vertebro-demo");
  if (!who) fail("sign in: " + who.error().message);
  const app::Actor& actor = who->actor;
  auto q = app::parse_htg3_query({}, vertebro::domain::Date::today(clock));
  if (!q) fail("query: " + q.error().message);

  std::vector<double> reports;
  double first_ms = 0;
  std::int64_t in_report = 0;
  std::size_t curves = 0;
  std::size_t shortfalls = 0;
  std::string time_point;
  // The first report after opening reads the database from disk: reported on its own.
  for (std::int64_t i = 0; i <= runs; ++i) {
    const auto r0 = Clock::now();
    auto r = app::htg3_report(ctx, actor, *q);
    (i == 0 ? first_ms : reports.emplace_back()) = ms_since(r0);
    if (!r) fail("report: " + r.error().message);
    in_report = r->procedures;
    curves = r->curves.size();
    shortfalls = r->shortfalls.size();
    time_point = r->time_point;
  }
  // The download: the report, its document, the CSV text.
  const auto d0 = Clock::now();
  auto r = app::htg3_report(ctx, actor, *q);
  if (!r) fail("report: " + r.error().message);
  const std::size_t csv_bytes = vertebro::report::document_csv(app::htg3_document(*r)).size();
  const double document = ms_since(d0);
  std::vector<double> bares;
  std::int64_t bare_cases = 0;
  {
    // One connection, its page cache as large as the store's writer's (which runs reports);
    // its first run warms the cache, as the report's first run did, and is left out.
    Db db(path);
    db.exec("PRAGMA cache_size = -65536");
    for (std::int64_t i = 0; i <= runs; ++i) {
      const double ms = bare_ms(db, q->from.iso(), q->to.iso(), time_point, &bare_cases);
      if (i > 0) bares.push_back(ms);
    }
  }
  if (bare_cases != in_report) {
    fail("the report counted " + std::to_string(in_report) + " procedures, the bare aggregate " +
         std::to_string(bare_cases));
  }
  const double report = centile(reports, 0.5);
  const double bare = centile(bares, 0.5);

  std::printf("\n%-44s %12s %12s %9s   %s\n", "figure", "value", "baseline", "ratio", "target");
  std::printf("%-44s %12lld\n", "procedures in the report", static_cast<long long>(in_report));
  std::printf("%-44s %12zu\n", "operators' learning curves", curves);
  std::printf("%-44s %12zu\n", "shortfalls listed", shortfalls);
  std::printf("%-44s %9.0f ms %9.0f ms %9.2f   under 1 s and 3x (%s)\n",
              "HTG3 report, median", report, bare, report / bare,
              report < 1000 && report / bare <= 3 ? "met" : "missed");
  std::printf("%-44s %9.0f ms %9.0f ms %9.2f\n", "HTG3 report as CSV (document built)",
              document, bare, document / bare);
  std::printf("%-44s %9.0f ms\n", "HTG3 report, slowest", centile(reports, 1.0));
  std::printf("%-44s %9.0f ms\n", "first report after opening", first_ms);
  std::printf("%-44s %9.2f ms   (%lld procedures worked out in %.0f ms)\n",
              "refresh per procedure (first report)",
              demo_procedures ? refresh_ms / static_cast<double>(demo_procedures) : 0.0,
              static_cast<long long>(demo_procedures), refresh_ms);
  std::printf("%-44s %12zu bytes\n", "CSV size", csv_bytes);
  std::printf("baseline: two aggregate queries over the same rows (procedures, visits at the "
              "time point) counting the totals row's outcomes, median of %lld\n",
              static_cast<long long>(runs));

  vertebro::bench::remove_work_dir(dir);
  return 0;
}
