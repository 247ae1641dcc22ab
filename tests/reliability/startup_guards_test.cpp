// Start-up guards of the shipped binary (issue 13, point 3; hazards H-077, H-078): one server
// per SQLite file, with the lock released by the kernel when the server is killed; no start on a
// database newer than the binary; no start on a SQLite database without WAL, synchronous=FULL
// and foreign keys. (PostgreSQL's fsync and full_page_writes: Settings/DurabilityTest.)

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "binary.h"

namespace vertebro::reliability {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class StartupGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("registry.sqlite");
    const auto init = run_vertebro({"init", "--db", db_});
    ASSERT_EQ(init.exit_code, 0) << init.output;
  }
  TempFolder dir_{"guards"};
  std::string db_;
};

TEST_F(StartupGuardTest, SecondServerOnTheSameFileIsRefusedNamingTheFirst) {
  ServerProcess first(db_, dir_.file("first.out"));
  ASSERT_TRUE(first.start()) << first.output();
  ServerProcess second(db_, dir_.file("second.out"));
  EXPECT_FALSE(second.start());
  EXPECT_EQ(second.wait_exit(std::chrono::seconds(10)), std::optional<int>(1));
  EXPECT_TRUE(has(second.output(), "is already served by vertebro server process " +
                                       std::to_string(first.pid())))
      << second.output();
  // The first goes on serving.
  httplib::Client c("127.0.0.1", first.port());
  auto health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // Short commands run beside it.
  EXPECT_EQ(run_vertebro({"audit", "verify", "--db", db_}).exit_code, 0);

  // Killed without a chance to clean up, the first server leaves no lock behind.
  first.kill();
  ServerProcess third(db_, dir_.file("third.out"));
  EXPECT_TRUE(third.start()) << third.output();
  EXPECT_EQ(third.stop(), 0);
}

TEST_F(StartupGuardTest, DatabaseNewerThanTheBinaryIsRefusedAndLeftAsItIs) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h,
                         "INSERT INTO schema_migrations (version, applied_at) "
                         "VALUES (999, '2031-01-01T00:00:00Z')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  const std::string before = file_bytes(db_);
  ServerProcess server(db_, dir_.file("server.out"));
  EXPECT_FALSE(server.start());
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), std::optional<int>(1));
  EXPECT_TRUE(has(server.output(), "The database is at schema version 999 but this vertebro "
                                   "knows only up to"))
      << server.output();
  EXPECT_EQ(file_bytes(db_), before);
  const auto init = run_vertebro({"init", "--db", db_});
  EXPECT_EQ(init.exit_code, 1) << init.output;
}

TEST_F(StartupGuardTest, DatabaseWithoutWriteAheadLoggingIsRefused) {
  // An in-memory database is one SQLite cannot put in WAL mode: it answers journal_mode =
  // memory, without an error.
  ServerProcess server(":memory:", dir_.file("server.out"));
  EXPECT_FALSE(server.start());
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), std::optional<int>(1));
  EXPECT_TRUE(has(server.output(), "vertebro needs write-ahead logging (WAL)")) << server.output();
  EXPECT_TRUE(has(server.output(), "journal_mode = memory")) << server.output();
}

}  // namespace
}  // namespace vertebro::reliability
