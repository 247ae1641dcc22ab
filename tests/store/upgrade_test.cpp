// Upgrades (issue 13, point 6; docs/reliability.md, "Upgrades"): a database of every earlier
// schema version (tests/data/migrations/sqlite/schema-NNNN.sql, made by
// scripts/make-migration-fixture when version N+1 was added) is opened by this vertebro and
// upgraded to the latest version. Every row of every table the old version had is still there,
// unchanged (a checksum over each of its columns, in row order), the audit chain verifies, and
// a checked backup of the old database as it stood was taken beside it first. SQLite only:
// PostgreSQL is upgraded by the same migrate() and backed up by its operator (docs/deployment.md).

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/audit_verify.h"
#include "base/crypto.h"
#include "store/store.h"
#include "store_fixture.h"

#ifndef VERTEBRO_MIGRATION_FIXTURES
#error "VERTEBRO_MIGRATION_FIXTURES names tests/data/migrations/sqlite"
#endif

namespace vertebro::store_test {
namespace {

namespace fs = std::filesystem;

// A plain connection to a database file.
class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open " + path);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : "error";
      sqlite3_free(err);
      throw std::runtime_error(msg);
    }
  }
  // Every row of `sql`, its columns joined by US (0x1f) and rows by RS (0x1e); NULL as "\\N".
  std::string rows(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string(sqlite3_errmsg(db_)) + " in " + sql);
    }
    std::string out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        const auto* t = sqlite3_column_text(s, i);
        out += t ? reinterpret_cast<const char*>(t) : "\\N";
        out += '\x1f';
      }
      out += '\x1e';
    }
    sqlite3_finalize(s);
    return out;
  }
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> out;
    std::istringstream in(rows(sql));
    for (std::string row; std::getline(in, row, '\x1e');) out.push_back(row.substr(0, row.size() - 1));
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// The audit report's derived rows: worked out again from the records (app/report_measures.h),
// so an upgrade may make their tables again empty, marking every episode to be worked out
// (migration 0019 does); what must be kept is the marks (report_stale), checked with the rest.
bool derived(const std::string& table) {
  return table == "report_episodes" || table == "report_visits" || table == "report_checks" ||
         table == "report_check_sets";
}

// What an upgrade must keep: each table's row count and a checksum of its rows, over the
// columns it had before (derived tables apart).
struct Contents {
  std::map<std::string, std::vector<std::string>> columns;  // by table
  std::map<std::string, std::string> counts;
  std::map<std::string, std::string> checksums;
};

Contents read_contents(Db& db, const std::map<std::string, std::vector<std::string>>* columns) {
  Contents c;
  if (columns) {
    c.columns = *columns;
  } else {
    for (const auto& t : db.column("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                   "name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")) {
      if (derived(t)) continue;
      c.columns[t] = db.column("SELECT name FROM pragma_table_info('" + t + "') ORDER BY cid");
    }
  }
  for (const auto& [table, cols] : c.columns) {
    std::string list;
    for (const auto& col : cols) list += (list.empty() ? "" : ", ") + col;
    c.counts[table] = db.column("SELECT COUNT(*) FROM " + table).front();
    c.checksums[table] = crypto::sha256_hex(db.rows("SELECT " + list + " FROM " + table +
                                                    " ORDER BY rowid"));
  }
  return c;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int fixture_version(const fs::path& p) {
  return std::stoi(p.filename().string().substr(std::string("schema-").size(), 4));
}

class UpgradeTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "vertebro_upgrade_" + std::to_string(::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const auto& f : fs::directory_iterator(VERTEBRO_MIGRATION_FIXTURES)) {
      if (f.path().extension() == ".sql") fixtures_[fixture_version(f.path())] = f.path();
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_;
  std::map<int, fs::path> fixtures_;
  FixedClock clock_{start_time()};
};

TEST_F(UpgradeTest, EveryEarlierSchemaHasAFixture) {
  auto probe = must(store::open_store(dir_ + "/latest.db", {}), "open");
  const int latest = probe->schema_version();
  for (int v = 1; v < latest; ++v) {
    EXPECT_TRUE(fixtures_.contains(v))
        << "no fixture of schema version " << v << ": run scripts/make-migration-fixture " << v;
  }
}

TEST_F(UpgradeTest, EveryFixtureUpgradesKeepingEveryRowAndABackupOfTheOldFile) {
  ASSERT_FALSE(fixtures_.empty());
  for (const auto& [version, fixture] : fixtures_) {
    SCOPED_TRACE("schema version " + std::to_string(version));
    const std::string file = dir_ + "/v" + std::to_string(version) + ".db";
    Contents before;
    {
      Db db(file);
      db.exec(slurp(fixture));
      ASSERT_EQ(db.column("SELECT MAX(version) FROM schema_migrations").front(),
                std::to_string(version));
      before = read_contents(db, nullptr);
    }
    ASSERT_NE(before.counts["patients"], "0");

    auto store = must(store::open_store(file, {}), "open and upgrade");
    const int latest = store->schema_version();
    app::Context ctx(*store, clock_);
    const auto chain = must(app::verify_chain(ctx), "verify_chain");
    EXPECT_TRUE(chain.ok) << chain.problem;
    EXPECT_GT(chain.checked, 0);
    store.reset();

    Db after_db(file);
    const auto after = read_contents(after_db, &before.columns);
    for (const auto& [table, count] : before.counts) {
      EXPECT_EQ(after.counts.at(table), count) << table;
      EXPECT_EQ(after.checksums.at(table), before.checksums.at(table)) << table;
    }
    // Every recorded procedure has its derived rows or is marked to be worked out.
    EXPECT_EQ(after_db
                  .column("SELECT COUNT(*) FROM episode_forms f WHERE f.kind = 'procedure' AND "
                          "NOT EXISTS (SELECT 1 FROM report_stale s WHERE s.episode_id = "
                          "f.episode_id) AND NOT EXISTS (SELECT 1 FROM report_episodes r WHERE "
                          "r.episode_id = f.episode_id)")
                  .front(),
              "0");

    // The backup taken before the upgrade: the old version, every row as it was.
    std::vector<fs::path> backups;
    for (const auto& f : fs::directory_iterator(dir_)) {
      if (f.path().filename().string().starts_with("v" + std::to_string(version) +
                                                   ".db.before-schema-" +
                                                   std::to_string(latest) + ".")) {
        backups.push_back(f.path());
      }
    }
    if (version == latest) {
      EXPECT_TRUE(backups.empty()) << "nothing to upgrade, so no backup";
      continue;
    }
    ASSERT_EQ(backups.size(), 1u);
    Db backup(backups.front().string());
    EXPECT_EQ(backup.column("SELECT MAX(version) FROM schema_migrations").front(),
              std::to_string(version));
    const auto kept = read_contents(backup, &before.columns);
    EXPECT_EQ(kept.checksums, before.checksums);
  }
}

// Opening an up-to-date database takes no backup, and neither does a new one.
// Migration 0011 indexes the operators of the procedures saved before it (HTG3-1.2-TRAINING): the
// version-10 fixture's demonstration procedures each name their primary operator's profile.
TEST_F(UpgradeTest, Migration11CountsTheProceduresSavedBeforeIt) {
  ASSERT_TRUE(fixtures_.contains(10));
  const std::string file = dir_ + "/operators.db";
  std::string procedures;
  {
    Db db(file);
    db.exec(slurp(fixtures_.at(10)));
    procedures = db.column("SELECT COUNT(*) FROM episode_forms WHERE kind = 'procedure' AND "
                           "json_type(data, '$.primary_operator_id') = 'integer'")
                     .front();
  }
  ASSERT_NE(procedures, "0");
  must(store::open_store(file, {}), "open and upgrade").reset();
  Db db(file);
  EXPECT_EQ(db.column("SELECT COUNT(*) FROM procedure_operators WHERE role = 'primary'").front(),
            procedures);
  EXPECT_EQ(db.column("SELECT COUNT(*) FROM procedure_operators p JOIN episode_forms f ON "
                      "f.episode_id = p.episode_id AND f.kind = 'procedure' WHERE "
                      "p.operator_id <> json_extract(f.data, '$.primary_operator_id') AND "
                      "p.role = 'primary'")
                .front(),
            "0");
}

// Migration 12 marks each primary operator's row with the leakage its procedure form records
// (the learning curves' outcomes): the demonstration data's procedures with a leak, and only
// those.
TEST_F(UpgradeTest, Migration12MarksTheLeaksOfTheProceduresSavedBeforeIt) {
  ASSERT_TRUE(fixtures_.contains(11));
  const std::string file = dir_ + "/leaks.db";
  std::string leaked;
  {
    Db db(file);
    db.exec(slurp(fixtures_.at(11)));
    leaked = db.column("SELECT COUNT(DISTINCT f.episode_id) FROM episode_forms f, "
                       "json_each(f.data, '$.levels') l JOIN procedure_operators p ON "
                       "p.episode_id = f.episode_id AND p.role = 'primary' WHERE "
                       "f.kind = 'procedure' AND json_array_length(l.value, '$.leakage') > 0")
                 .front();
  }
  ASSERT_NE(leaked, "0");
  must(store::open_store(file, {}), "open and upgrade").reset();
  Db db(file);
  EXPECT_EQ(db.column("SELECT COUNT(*) FROM procedure_operators WHERE role = 'primary' AND "
                      "leakage = 1")
                .front(),
            leaked);
  EXPECT_EQ(db.column("SELECT COUNT(*) FROM procedure_operators WHERE leakage = 0 AND "
                      "symptomatic_leakage = 1")
                .front(),
            "0");
  EXPECT_EQ(db.column("SELECT COUNT(*) FROM learning_curve_signals").front(), "0");
}

TEST_F(UpgradeTest, NoBackupWithoutAnUpgrade) {
  const std::string file = dir_ + "/new.db";
  must(store::open_store(file, {}), "create");
  must(store::open_store(file, {}), "reopen");
  int files = 0;
  for (const auto& f : fs::directory_iterator(dir_)) {
    files += f.path().filename().string().find("before-schema") != std::string::npos;
  }
  EXPECT_EQ(files, 0);
}

}  // namespace
}  // namespace vertebro::store_test
