// Backup and restore through the shipped binary (issue 13, point 5; hazards H-075, H-076).
// `vertebro backup` copies the database while clients go on writing through a live server, and
// the copy holds every write the server acknowledged before the backup began, passes SQLite's
// checks and has an intact audit chain. `vertebro restore` refuses while a server uses the
// database, refuses a damaged backup without touching anything, and otherwise swaps the checked
// copy in, keeping the database it replaced.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "binary.h"

namespace vertebro::reliability {
namespace {

namespace fs = std::filesystem;

bool has(const CliRun& r, const std::string& text) {
  return r.output.find(text) != std::string::npos;
}

std::string family_of(const std::string& db, const std::string& nhs) {
  return sqlite_value(db, "SELECT family_name FROM patients WHERE nhs_number = '" + nhs + "'");
}

// Runs SQL on a file behind vertebro's back (the sqlite3 C API), as a damaged disk or an
// attacker would change it.
void tamper(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  const std::string message = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

class BackupRestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("registry.sqlite");
    const auto demo = run_vertebro({"demo-data", "--db", db_, "--patients", "20"});
    ASSERT_EQ(demo.exit_code, 0) << demo.output;
    site_ = std::stoll(sqlite_value(db_, "SELECT id FROM sites WHERE code = 'RVB01'"));
  }

  // Registers `n` patients through `server`, numbered from `first`; the acknowledged ones.
  std::vector<Acknowledged> register_some(const ServerProcess& server, int first, int n) {
    ApiWriter w(server.port(), "coordinator");
    EXPECT_TRUE(w.signed_in());
    std::vector<Acknowledged> out;
    for (int i = first; i < first + n; ++i) {
      auto ack = w.register_patient(site_, nhs_number(i), "Drill" + std::to_string(i));
      EXPECT_TRUE(ack.has_value()) << "status " << w.last_status();
      if (ack) out.push_back(*ack);
    }
    return out;
  }

  TempFolder dir_{"backup"};
  std::string db_;
  std::int64_t site_ = 0;
};

TEST_F(BackupRestoreTest, BackupWhileClientsWriteHoldsEveryWriteAcknowledgedBeforeItBegan) {
  ServerProcess server(db_, dir_.file("server.out"));
  ASSERT_TRUE(server.start()) << server.output();

  constexpr int kWriters = 3;
  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0};
  std::vector<std::vector<Acknowledged>> acks(kWriters);
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      ApiWriter w(server.port(), "coordinator");
      if (!w.signed_in()) return;
      for (int i = 0; !stop; ++i) {
        const int index = t * 100000 + i;
        auto ack = w.register_patient(site_, nhs_number(index), "Drill" + std::to_string(index));
        if (ack) {
          acks[static_cast<std::size_t>(t)].push_back(*ack);
          ++acknowledged;
        }
      }
    });
  }
  while (acknowledged < 30) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  const std::string backup = dir_.file("backup.sqlite");
  const auto began = std::chrono::steady_clock::now();
  const auto run = run_vertebro({"backup", "--db", db_, "--out", backup});
  const auto ended = std::chrono::steady_clock::now();
  const int at_end = acknowledged;
  // Writes go on after the backup: the server was not held up by it.
  while (acknowledged < at_end + 10) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop = true;
  for (auto& w : writers) w.join();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(has(run, "integrity, foreign keys and the audit chain verified")) << run.output;

  int before = 0, during = 0, after = 0;
  for (const auto& list : acks) {
    for (const auto& a : list) {
      if (a.at < began) {
        ++before;
        EXPECT_EQ(family_of(backup, a.nhs_number), a.family_name) << a.nhs_number;
        EXPECT_EQ(sqlite_value(backup, "SELECT COUNT(*) FROM audit_log WHERE action = 'create' "
                                       "AND record_type = 'patient' AND record_id = " +
                                           std::to_string(a.id)),
                  "1");
      } else if (a.at < ended) {
        ++during;
      } else {
        ++after;
        EXPECT_EQ(family_of(backup, a.nhs_number), "") << "acknowledged after the backup ended";
      }
    }
  }
  EXPECT_GE(before, 30);
  EXPECT_GE(after, 10);
  std::cout << "[ drill    ] acknowledged before the backup " << before << ", during " << during
            << ", after " << after << "\n";
  EXPECT_EQ(sqlite_value(backup, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(sqlite_value(backup, "PRAGMA foreign_key_check"), "");
  const auto verify = run_vertebro({"audit", "verify", "--db", backup});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  // Nothing but the backup itself is left beside it.
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().string().find(".partial"), std::string::npos) << entry.path();
  }

  // A backup never overwrites a file.
  const std::string kept = file_bytes(backup);
  const auto again = run_vertebro({"backup", "--db", db_, "--out", backup});
  EXPECT_EQ(again.exit_code, 2) << again.output;
  EXPECT_TRUE(has(again, "out: A file is already there")) << again.output;
  EXPECT_EQ(file_bytes(backup), kept);
}

TEST_F(BackupRestoreTest, RestoreRefusesWhileServedThenSwapsInTheCheckedBackup) {
  ServerProcess server(db_, dir_.file("server.out"));
  ASSERT_TRUE(server.start()) << server.output();
  const auto early = register_some(server, 0, 5);
  const std::string backup = dir_.file("backup.sqlite");
  const auto b = run_vertebro({"backup", "--db", db_, "--out", backup});
  ASSERT_EQ(b.exit_code, 0) << b.output;
  const auto late = register_some(server, 100, 5);
  ASSERT_EQ(early.size() + late.size(), 10u);

  const auto refused = run_vertebro({"restore", "--from", backup, "--db", db_});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(has(refused, "is in use by vertebro server process " +
                               std::to_string(server.pid()) + "; stop it before restoring"))
      << refused.output;
  EXPECT_EQ(family_of(db_, late.back().nhs_number), late.back().family_name);

  ASSERT_EQ(server.stop(), 0);
  const auto restored = run_vertebro({"restore", "--from", backup, "--db", db_});
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  EXPECT_TRUE(has(restored, "verified before anything was replaced")) << restored.output;
  for (const auto& a : early) EXPECT_EQ(family_of(db_, a.nhs_number), a.family_name);
  for (const auto& a : late) EXPECT_EQ(family_of(db_, a.nhs_number), "");
  // The replaced database is kept whole, with the writes made after the backup.
  std::string kept;
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    const auto name = entry.path().filename().string();
    if (name.find(".before-restore-") != std::string::npos && name.find("-wal") == std::string::npos) {
      kept = entry.path().string();
    }
    EXPECT_EQ(name.find(".restoring-"), std::string::npos) << name;
  }
  ASSERT_FALSE(kept.empty());
  for (const auto& a : late) EXPECT_EQ(family_of(kept, a.nhs_number), a.family_name);
  EXPECT_EQ(run_vertebro({"audit", "verify", "--db", db_}).exit_code, 0);
  EXPECT_EQ(file_bytes(backup).size(), fs::file_size(backup));

  // The restored database serves again, and takes new writes.
  ASSERT_TRUE(server.start()) << server.output();
  EXPECT_EQ(register_some(server, 200, 2).size(), 2u);
}

TEST_F(BackupRestoreTest, RestoreRefusesADamagedBackupAndReplacesNothing) {
  const std::string backup = dir_.file("backup.sqlite");
  ASSERT_EQ(run_vertebro({"backup", "--db", db_, "--out", backup}).exit_code, 0);
  const std::string original = file_bytes(db_);

  // An audit entry changed behind vertebro's back.
  const std::string edited = dir_.file("edited.sqlite");
  fs::copy_file(backup, edited);
  tamper(edited, "DROP TRIGGER audit_log_no_update; "
                 "UPDATE audit_log SET username = 'someone_else' WHERE seq = 5;");
  // Pages overwritten in the middle of the file.
  const std::string damaged = dir_.file("damaged.sqlite");
  fs::copy_file(backup, damaged);
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(damaged) / 2));
    const std::string junk(8192, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  // Not a database at all.
  const std::string text = dir_.file("notes.txt");
  std::ofstream(text) << "not a database\n";

  const std::vector<std::pair<std::string, std::string>> cases{
      {edited, "audit chain is broken at entry 5"},
      {damaged, ""},
      {text, ""},
      {dir_.file("missing.sqlite"), "There is no backup"}};
  for (const auto& [from, why] : cases) {
    const std::string edited_bytes = file_bytes(from);
    const auto r = run_vertebro({"restore", "--from", from, "--db", db_});
    EXPECT_EQ(r.exit_code, 2) << from << ": " << r.output;
    EXPECT_TRUE(has(r, "from: ")) << r.output;
    if (!why.empty()) {
      EXPECT_TRUE(has(r, why)) << r.output;
    }
    EXPECT_EQ(file_bytes(db_), original) << from;
    EXPECT_EQ(file_bytes(from), edited_bytes) << "the backup itself was changed: " << from;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      const auto name = entry.path().filename().string();
      EXPECT_EQ(name.find(".restoring-"), std::string::npos) << name;
      EXPECT_EQ(name.find(".before-restore-"), std::string::npos) << name;
    }
  }
}

TEST_F(BackupRestoreTest, PostgreSqlIsBackedUpWithItsOwnTools) {
  const auto r = run_vertebro(
      {"backup", "--db", "postgresql://127.0.0.1:1/none", "--out", dir_.file("b.sqlite")});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(has(r, "pg_dump")) << r.output;
}

}  // namespace
}  // namespace vertebro::reliability
