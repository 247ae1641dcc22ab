// vertebro-recall-bench: the recall look-up among a national registry's procedures
// (docs/performance.md, "Recall look-up"; issue 16's target: under 10 ms among 1,000,000).
//
// Builds a SQLite database in a temporary folder: the demonstration data (its users, sites,
// cement catalogue and lots), then PROCEDURES more recorded procedures, two per patient, each
// with one cement pack from one of LOTS lots and a procedure document the size of a real one.
// Then, as the MDT coordinator (both sites, sees patients), runs app::recall_lookup — what the
// page and the API call: the indexed query, every patient read, the audit entry written and
// committed — for LOOKUPS random lots, and prints its median, 95th centile and maximum. The
// baseline, in the same process: the look-up's query made to scan every pack instead
// (NOT INDEXED), which is what a look-up without the index would cost.
//
//   vertebro-recall-bench [PROCEDURES [LOTS [LOOKUPS]]]
//     defaults: 1000000 procedures, one lot per 50 procedures, 200 look-ups

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/demo_data.h"
#include "app/procedure_cement.h"
#include "app/sessions.h"
#include "base/clock.h"
#include "bench_db.h"
#include "store/store.h"

namespace {

using vertebro::bench::Clock;
using vertebro::bench::Db;
using vertebro::bench::fail;
using vertebro::bench::ms_since;
using vertebro::bench::set_param;

// A procedure document as the procedure form saves it (about 840 characters).
std::string procedure_doc(std::int64_t lot_id, const std::string& lot, const std::string& date,
                          const std::string& level) {
  const nlohmann::json unit = {
      {"code", "09506000134352"},
      {"deviations", nlohmann::json::object()},
      {"expiry", "2030-12-31"},
      {"ifu_steps", 6},
      {"ifu_version", 2},
      {"ifu_version_id", 2},
      {"lot", lot},
      {"lot_id", lot_id},
      {"product", "Demonstration PMMA bone cement, high viscosity"},
      {"scan", "(01)09506000134352(10)" + lot},
      {"scheme", "gs1"},
      {"steps",
       {{"1", "confirmed"}, {"2", "confirmed"}, {"3", "confirmed"}, {"4", "confirmed"},
        {"5", "confirmed"}, {"6", "confirmed"}}},
      {"unit", 1}};
  const nlohmann::json doc = {
      {"anaesthesia", "sedation"},
      {"cement_units", nlohmann::json::array({unit})},
      {"dap", 14.2},
      {"dap_unit", "Gy.cm2"},
      {"date", date},
      {"fluoroscopy_seconds", 210.0},
      {"image_guidance", "fluoroscopy_biplane"},
      {"levels",
       nlohmann::json::array({{{"approach", "transpedicular"},
                               {"cement_ml", 4.0},
                               {"cement_unit", 1},
                               {"leakage", nlohmann::json::array()},
                               {"leakage_detected_by", "fluoroscopy"},
                               {"leakage_symptomatic", false},
                               {"level", level},
                               {"pedicles", "bipedicular"}}})},
      {"primary_operator", "Dr Rana Radiologist"},
      {"primary_operator_id", 1},
      {"start_time", "14:00"}};
  return doc.dump();
}

void fill(const std::string& path, std::int64_t procedures, std::int64_t lots, std::mt19937_64& rng) {
  Db db(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; BEGIN");
  const std::int64_t user = db.scalar("SELECT id FROM users WHERE username = 'safety'");
  const std::int64_t product =
      db.scalar("SELECT product_id FROM cement_product_codes WHERE code = '09506000134352'");
  const std::int64_t site_a = db.scalar("SELECT min(id) FROM sites");
  const std::int64_t site_b = db.scalar("SELECT max(id) FROM sites");
  if (user == 0 || product == 0 || site_a == 0) fail("the demonstration data is missing");
  const std::string at = "2026-01-01T09:00:00Z";

  std::vector<std::pair<std::int64_t, std::string>> lot_ids;
  sqlite3_stmt* lot = db.prepare(
      "INSERT INTO cement_lots (product_id, scheme, code, lot, expiry, added_by, added_at) "
      "VALUES (?, 'gs1', '09506000134352', ?, '2030-12-31', ?, ?)");
  for (std::int64_t i = 0; i < lots; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "BENCH-%06lld", static_cast<long long>(i));
    set_param(lot, 1, product);
    set_param(lot, 2, std::string(name));
    set_param(lot, 3, user);
    set_param(lot, 4, at);
    if (!db.step(lot)) fail("lot " + std::string(name) + ": " + db.error());
    lot_ids.emplace_back(db.last_id(), name);
  }
  sqlite3_finalize(lot);

  sqlite3_stmt* patient = db.prepare(
      "INSERT INTO patients (site_id, nhs_number, family_name, given_name, date_of_birth, sex, "
      "version, created_at, updated_at) VALUES (?, ?, 'Benchmark', 'Pat', '1944-05-17', "
      "'female', 1, ?, ?)");
  sqlite3_stmt* episode = db.prepare(
      "INSERT INTO episodes (patient_id, site_id, state, referring_clinician, referral_date, "
      "indication, levels, reason, version, created_at, updated_at, state_changed_at) VALUES "
      "(?, ?, 'follow_up', 'Dr A Okafor (GP)', '2025-11-03', 'osteoporotic', ?, "
      "'Painful fracture', 1, ?, ?, ?)");
  sqlite3_stmt* form = db.prepare(
      "INSERT INTO episode_forms (episode_id, kind, data, version, updated_by, updated_at) "
      "VALUES (?, 'procedure', ?, 1, ?, ?)");
  sqlite3_stmt* unit = db.prepare(
      "INSERT INTO procedure_cement_units (episode_id, unit, lot_id) VALUES (?, 1, ?)");
  std::uniform_int_distribution<std::size_t> pick(0, lot_ids.size() - 1);
  const char* levels[] = {"T11", "T12", "L1", "L2", "L3"};
  vertebro::bench::NhsNumbers numbers;
  std::int64_t patient_id = 0;
  const auto t0 = Clock::now();
  for (std::int64_t i = 0; i < procedures; ++i) {
    const std::int64_t site = i % 4 == 3 ? site_b : site_a;
    if (i % 2 == 0) {
      for (;;) {
        set_param(patient, 1, site);
        set_param(patient, 2, numbers.next());
        set_param(patient, 3, at);
        set_param(patient, 4, at);
        if (db.step(patient)) break;
      }
      patient_id = db.last_id();
    }
    const std::string level = levels[i % 5];
    set_param(episode, 1, patient_id);
    set_param(episode, 2, site);
    set_param(episode, 3, level);
    set_param(episode, 4, at);
    set_param(episode, 5, at);
    set_param(episode, 6, at);
    db.step(episode);
    const std::int64_t episode_id = db.last_id();
    const auto& [lot_id, lot_name] = lot_ids[pick(rng)];
    set_param(form, 1, episode_id);
    set_param(form, 2, procedure_doc(lot_id, lot_name, "2026-0" + std::to_string(1 + i % 9) + "-15",
                                level));
    set_param(form, 3, user);
    set_param(form, 4, at);
    db.step(form);
    set_param(unit, 1, episode_id);
    set_param(unit, 2, lot_id);
    db.step(unit);
    if ((i + 1) % 200000 == 0) {
      std::printf("  %lld procedures written (%.0f s)\n", static_cast<long long>(i + 1),
                  ms_since(t0) / 1000);
      std::fflush(stdout);
    }
  }
  sqlite3_finalize(patient);
  sqlite3_finalize(episode);
  sqlite3_finalize(form);
  sqlite3_finalize(unit);
  // Written without syncing, for speed: the checkpoint at full sync writes it all to disk
  // now, or the first checkpoint of the look-ups would (a stall of most of a second).
  db.exec("COMMIT; ANALYZE; PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(TRUNCATE)");
}

// The look-up's own query, forced to read every pack: the cost without the index.
double scan_ms(const std::string& path, std::int64_t lot_id) {
  Db db(path);
  sqlite3_stmt* s = db.prepare(
      "SELECT u.episode_id, u.unit, e.patient_id, e.site_id, COALESCE(f.data, '') "
      "FROM procedure_cement_units u NOT INDEXED JOIN episodes e ON e.id = u.episode_id "
      "LEFT JOIN episode_forms f ON f.episode_id = u.episode_id AND f.kind = 'procedure' "
      "WHERE u.lot_id = ? ORDER BY u.episode_id, u.unit");
  set_param(s, 1, lot_id);
  const auto t0 = Clock::now();
  std::size_t bytes = 0;
  while (sqlite3_step(s) == SQLITE_ROW) bytes += sqlite3_column_bytes(s, 4);
  const double ms = ms_since(t0);
  sqlite3_finalize(s);
  if (bytes == 0) fail("the scan found nothing");
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  using vertebro::bench::arg;
  using vertebro::bench::centile;
  vertebro::bench::program = "vertebro-recall-bench";
  namespace app = vertebro::app;
  namespace store = vertebro::store;
  const std::int64_t procedures = arg(argc, argv, 1, 1000000);
  // About 50 procedures a lot by default: a unit's lot of cement serves weeks of procedures.
  const std::int64_t lots = arg(argc, argv, 2, std::max<std::int64_t>(1, procedures / 50));
  const std::int64_t lookups = arg(argc, argv, 3, 200);
  if (procedures > 1800000) fail("at most 1,800,000 procedures (900,000 NHS test numbers)");

  const std::filesystem::path dir = vertebro::bench::make_work_dir();
  const std::string path = (dir / "recall.sqlite").string();
  std::mt19937_64 rng(20261204);
  vertebro::SystemClock clock;

  std::printf("vertebro-recall-bench: %lld procedures, %lld lots, %lld look-ups; %s\n",
              static_cast<long long>(procedures), static_cast<long long>(lots),
              static_cast<long long>(lookups), path.c_str());
  {
    auto st = store::open_store(path, {});
    if (!st) fail("open: " + st.error().message);
    app::Context ctx(**st, clock);
    auto demo = app::load_demo_data(ctx, {});
    if (!demo) fail("demo data: " + demo.error().message);
  }
  auto t0 = Clock::now();
  fill(path, procedures, lots, rng);
  std::printf("  filled in %.0f s\n", ms_since(t0) / 1000);

  auto st = store::open_store(path, {});
  if (!st) fail("open: " + st.error().message);
  app::Context ctx(**st, clock);
  auto who = app::sign_in(ctx, "coordinator", "vertebro-demo");
  if (!who) fail("sign in: " + who.error().message);
  const app::Actor& actor = who->actor;

  Db db(path);
  const std::int64_t first = db.scalar("SELECT min(id) FROM cement_lots WHERE lot LIKE 'BENCH-%'");
  const std::int64_t packs = db.scalar("SELECT count(*) FROM procedure_cement_units");
  std::uniform_int_distribution<std::int64_t> pick(first, first + lots - 1);
  std::vector<double> times;
  std::size_t uses = 0;
  double first_ms = 0;
  // The first look-up after opening reads the database from disk (the page cache is cold
  // after the fill's checkpoint): reported on its own; the figures are the ones after it.
  for (std::int64_t i = 0; i <= lookups; ++i) {
    const vertebro::domain::CementLotId lot{pick(rng)};
    const auto l0 = Clock::now();
    auto r = app::recall_lookup(ctx, actor, lot);
    (i == 0 ? first_ms : times.emplace_back()) = ms_since(l0);
    if (!r) fail("look-up: " + r.error().message);
    if (r->hidden != 0) fail("a look-up hid a use from a user of both sites");
    if (i > 0) uses += r->uses.size();
  }
  std::vector<double> scans;
  for (int i = 0; i < 3; ++i) scans.push_back(scan_ms(path, pick(rng)));
  const double median = centile(times, 0.5);
  const double scan = centile(scans, 0.5);

  std::printf("\n%-44s %12s %12s %9s   %s\n", "figure", "value", "baseline", "ratio", "target");
  std::printf("%-44s %12lld\n", "recorded procedures (cement packs)", static_cast<long long>(packs));
  std::printf("%-44s %12.1f\n", "patients shown per look-up (mean)",
              static_cast<double>(uses) / static_cast<double>(lookups));
  std::printf("%-44s %9.2f ms %9.1f ms %9.4f   under 10 ms (%s)\n", "recall look-up, median",
              median, scan, median / scan, median < 10 ? "met" : "missed");
  std::printf("%-44s %9.2f ms\n", "recall look-up, 95th centile", centile(times, 0.95));
  std::printf("%-44s %9.2f ms\n", "recall look-up, slowest", centile(times, 1.0));
  std::printf("%-44s %9.2f ms\n", "first look-up after opening", first_ms);
  std::printf("baseline: the same query with NOT INDEXED (reads every pack), median of 3\n");

  vertebro::bench::remove_work_dir(dir);
  return 0;
}
