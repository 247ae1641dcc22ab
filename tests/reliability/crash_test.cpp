// The crash test (issue 13, point 1; hazard H-080): three clients write through the API while
// the shipped server is killed with SIGKILL at random moments and restarted, 20 times (10 under
// the sanitizers), on a SQLite file and on a schema of the PostgreSQL test cluster. Then: every
// write that got a 201 is there and unchanged; no patient or episode lacks its "create" audit
// entry and no such entry lacks its record; on SQLite integrity_check and foreign_key_check are
// clean (PostgreSQL enforces its foreign keys itself); `vertebro audit verify` passes. Writes
// cut off by a kill were never acknowledged, so they may or may not be there: either way the
// checks above hold. Also on PostgreSQL: the database backend killed with SIGKILL under a
// running server.

#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "binary.h"
#include "support/pg_schema.h"
#include "support/sanitizers.h"

namespace vertebro::reliability {
namespace {

struct Saved {
  Acknowledged patient;
  std::int64_t episode_id = 0;  // 0 when the episode was not acknowledged
  std::string clinician;
};

// Clients registering patients and their episodes through the API of whichever server `port`
// names (0: none is up, wait), each remembering every write it got a 201 for.
class Writers {
 public:
  // Each client signs in once: sessions live in the database and outlive restarts.
  Writers(int port, int clients) : port_(port) {
    for (int t = 0; t < clients; ++t) {
      ApiWriter w(port, "coordinator");
      if (w.signed_in()) tokens_.push_back(w.token());
    }
  }
  ~Writers() { stop(); }
  bool signed_in() const { return !tokens_.empty(); }

  void start(std::int64_t site) {
    for (std::size_t t = 0; t < tokens_.size(); ++t) {
      threads_.emplace_back([this, t, site] { run(t, site); });
    }
  }
  void stop() {
    done_ = true;
    for (auto& c : threads_) c.join();
    threads_.clear();
  }
  // The server went down (0) or came up on a port.
  void point_at(int port) { port_ = port; }

  int acknowledged() const { return acknowledged_; }
  int cut_off() const { return cut_off_; }
  const std::vector<Saved>& saved() const { return saved_; }  // after stop()

  // Waits until the clients have `more` writes acknowledged than now (or `limit` passes).
  void wait_for(int more, std::chrono::seconds limit = std::chrono::seconds(5)) const {
    const int before = acknowledged_;
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (acknowledged_ < before + more && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

 private:
  void run(std::size_t t, std::int64_t site) {
    int next = static_cast<int>(t) * 100000;
    while (!done_) {
      const int p = port_;
      if (p == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        continue;
      }
      ApiWriter w(p, tokens_[t], true);
      while (!done_ && port_ == p) {
        Saved s;
        const int index = next++;
        auto ack = w.register_patient(site, nhs_number(index), "Crash" + std::to_string(index));
        if (!ack) {
          ++cut_off_;
          break;  // the server is gone (or answered otherwise): wait for the next one
        }
        s.patient = *ack;
        s.clinician = "Dr Crash " + std::to_string(index);
        if (auto episode = w.register_episode(ack->id, site, s.clinician)) {
          s.episode_id = *episode;
        } else {
          ++cut_off_;
        }
        const bool both = s.episode_id != 0;
        acknowledged_ += both ? 2 : 1;
        {
          std::lock_guard lock(mu_);
          saved_.push_back(std::move(s));
        }
        if (!both) break;
      }
    }
  }

  std::vector<std::string> tokens_;
  std::atomic<int> port_;
  std::atomic<bool> done_{false};
  std::atomic<int> acknowledged_{0}, cut_off_{0};
  std::mutex mu_;
  std::vector<Saved> saved_;
  std::vector<std::thread> threads_;
};

// After the drill: every acknowledged write is there, unchanged; no record lacks its "create"
// entry and no such entry lacks its record; the audit chain verifies. `value` reads the
// database directly; `sqlite` adds SQLite's own file checks.
void expect_every_write_there(const std::vector<Saved>& saved,
                              const std::function<std::string(const std::string&)>& value,
                              const std::string& db, bool sqlite) {
  int lost = 0;
  for (const auto& s : saved) {
    const std::string id = std::to_string(s.patient.id);
    const std::string family = value("SELECT family_name FROM patients WHERE id = " + id +
                                     " AND nhs_number = '" + s.patient.nhs_number + "'");
    if (family != s.patient.family_name) ++lost;
    EXPECT_EQ(family, s.patient.family_name) << "patient " << id;
    if (s.episode_id != 0) {
      const std::string clinician =
          value("SELECT referring_clinician FROM episodes WHERE id = " +
                std::to_string(s.episode_id) + " AND patient_id = " + id);
      if (clinician != s.clinician) ++lost;
      EXPECT_EQ(clinician, s.clinician) << "episode " << s.episode_id;
    }
  }
  EXPECT_EQ(lost, 0);
  for (const std::string table : {"patients", "episodes"}) {
    const std::string type = table == "patients" ? "patient" : "episode";
    EXPECT_EQ(value("SELECT COUNT(*) FROM " + table +
                    " r WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE "
                    "a.action = 'create' AND a.record_type = '" + type +
                    "' AND a.record_id = r.id)"),
              "0")
        << table;
    EXPECT_EQ(value("SELECT COUNT(*) FROM audit_log a WHERE a.action = 'create' AND "
                    "a.record_type = '" + type + "' AND NOT EXISTS (SELECT 1 FROM " + table +
                    " r WHERE r.id = a.record_id)"),
              "0")
        << table;
  }
  if (sqlite) {
    EXPECT_EQ(value("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(value("PRAGMA foreign_key_check"), "");
  }
  const auto verify = run_vertebro({"audit", "verify", "--db", db});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

// The number of kills: `full` in the dev preset's CI run, `sanitized` under the sanitizers
// (support/sanitizers.h); bench/crash-drill asks for more through VERTEBRO_DRILL_KILLS.
int kills(int full, int sanitized) {
  const int ci = static_cast<int>(test_support::ci_size(full, sanitized));
  const char* drill = std::getenv("VERTEBRO_DRILL_KILLS");
  return drill != nullptr && std::atoi(drill) > ci ? std::atoi(drill) : ci;
}

// The database under test: a SQLite file, or a fresh schema of the PostgreSQL test cluster.
class CrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      schema_ = std::make_unique<test_support::PgSchema>();
      db_ = schema_->target();
    } else {
      db_ = dir_.file("registry.sqlite");
    }
  }
  // The first column of the first row of `sql`, as text ("" when there is no row).
  std::string value(const std::string& sql) const {
    return schema_ ? pg_value(db_, sql) : sqlite_value(db_, sql);
  }

  TempFolder dir_{"crash"};
  std::unique_ptr<test_support::PgSchema> schema_;
  std::string db_;
};

// What both write drills share: a demo registry on `db`, the shipped server on it, three
// clients registering patients and episodes at its first site, and a random moment within a
// burst of writes to strike at. `value` reads the database behind the server's back.
class WriteDrill {
 public:
  using Reader = std::function<std::string(const std::string&)>;
  WriteDrill(std::string db, const std::string& server_output, Reader value)
      : db_(std::move(db)), value_(std::move(value)), server_(db_, server_output) {}

  // Fails the test (call it through ASSERT_NO_FATAL_FAILURE) when any step fails.
  void start() {
    const auto demo = run_vertebro({"demo-data", "--db", db_, "--patients", "5"});
    ASSERT_EQ(demo.exit_code, 0) << demo.output;
    const std::int64_t site = std::stoll(value_("SELECT id FROM sites WHERE code = 'RVB01'"));
    ASSERT_TRUE(server_.start()) << server_.output();
    writers_.emplace(server_.port(), 3);
    ASSERT_TRUE(writers_->signed_in());
    writers_->start(site);
    seed_ = std::random_device{}();
    random_.seed(seed_);
  }
  // Sleeps 0 to 60 ms, at random: the moment of the burst to strike at.
  void random_moment() {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 60)(random_)));
  }
  ServerProcess& server() { return server_; }
  Writers& writers() { return *writers_; }

  // Stops the clients and the server, prints what happened (`what`: the strikes), then checks
  // that every acknowledged write is there (expect_every_write_there).
  void finish(const std::string& backend, const std::string& what, bool sqlite) {
    writers_->stop();
    ASSERT_EQ(server_.stop(), 0) << server_.output();
    std::cout << "[ drill    ] " << backend << ": " << what << " (seed " << seed_ << "), "
              << writers_->acknowledged() << " writes acknowledged, " << writers_->cut_off()
              << " cut off\n";
    expect_every_write_there(writers_->saved(), value_, db_, sqlite);
  }

 private:
  std::string db_;
  Reader value_;
  ServerProcess server_;
  std::optional<Writers> writers_;
  std::mt19937::result_type seed_ = 0;
  std::mt19937 random_;
};

TEST_P(CrashTest, EveryAcknowledgedWriteSurvivesRepeatedSigkills) {
  WriteDrill drill(db_, dir_.file("server.out"),
                   [&](const std::string& sql) { return value(sql); });
  ASSERT_NO_FATAL_FAILURE(drill.start());
  auto& writers = drill.writers();
  auto& server = drill.server();
  const int n = kills(20, 10);
  for (int k = 0; k < n; ++k) {
    // Let each server acknowledge a few writes, then kill it at a random moment of the burst.
    writers.wait_for(3);
    drill.random_moment();
    writers.point_at(0);
    server.kill();
    ASSERT_TRUE(server.start()) << "restart " << k + 1 << ": " << server.output();
    writers.point_at(server.port());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_GE(writers.acknowledged(), 3 * n);
  drill.finish(GetParam(), std::to_string(n) + " SIGKILLs", !schema_);
}

// PostgreSQL's side of a crash: the database backend serving vertebro is killed with SIGKILL
// while the server goes on. PostgreSQL then ends every session and recovers from its log; the
// vertebro server must answer the requests it cannot finish with an error (never a 201 for a
// write that is not there), reconnect by itself, and go on saving. The cluster is a private one
// (scripts/pg-cluster), since a killed backend restarts every session of its cluster.
TEST(PgBackendCrashTest, EveryAcknowledgedWriteSurvivesKilledDatabaseBackends) {
  TempFolder dir("pgkill");
  const std::string state = dir.file("cluster");
  const std::string script = std::string(VERTEBRO_SOURCE_DIR) + "/scripts/pg-cluster";
  const auto up = test_support::run_command(script, {"start", state, "55470"});
  ASSERT_EQ(up.exit_code, 0) << up.output;
  struct Stop {
    std::string script, state;
    ~Stop() { test_support::run_command(script, {"stop", state}); }
  } stop_cluster{script, state};
  const std::string db = file_bytes(state + "/uri");
  ASSERT_FALSE(db.empty());
  const std::string uri = db.substr(0, db.find_last_not_of("\n") + 1);

  // The checks after the drill ask again while the cluster still recovers from the last kill
  // (a connection refused "in recovery mode"), for up to 30 s.
  WriteDrill drill(uri, dir.file("server.out"), [&](const std::string& sql) {
    for (int tries = 1;; ++tries) {
      try {
        return pg_value(uri, sql);
      } catch (const std::runtime_error& e) {
        if (tries >= 60 || std::string(e.what()).rfind("cannot connect", 0) != 0) throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  ASSERT_NO_FATAL_FAILURE(drill.start());
  auto& writers = drill.writers();
  const int n = kills(5, 3);
  for (int k = 0; k < n; ++k) {
    // PostgreSQL's recovery from the last kill can take seconds on a busy machine.
    writers.wait_for(3, std::chrono::seconds(20));
    drill.random_moment();
    // Every backend of the database but the one asking (pg_value's own): vertebro's.
    // (Refused while the cluster recovers from the last kill: asked again.)
    std::string pid;
    for (int tries = 0; tries < 250 && pid.empty(); ++tries) {
      try {
        pid = pg_value(uri, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                            "AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
                            "ORDER BY random() LIMIT 1");
      } catch (const std::runtime_error&) {
      }
      if (pid.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_FALSE(pid.empty()) << "no vertebro backend to kill";
    ASSERT_EQ(::kill(std::stoi(pid), SIGKILL), 0) << "kill " << pid;
  }
  // After the last recovery the server saves again without a restart.
  const int before = writers.acknowledged();
  writers.wait_for(6, std::chrono::seconds(30));
  EXPECT_GE(writers.acknowledged(), before + 6) << "no write saved after the last recovery";
  drill.finish("postgresql", std::to_string(n) + " backends killed with SIGKILL", false);
}

// No page is shown whose reading is not on record (issue 10, group commit; hazard H-082):
// clients read episodes through the API as fast as they can while the server is killed with
// SIGKILL, three times. Every read answered 200 has its "read" entry afterwards, although the
// entries of concurrent reads are committed together.
TEST_P(CrashTest, EveryReadAnsweredBeforeAKillHasItsAuditEntry) {
  const auto demo = run_vertebro({"demo-data", "--db", db_, "--patients", "5"});
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  const int episodes = std::stoi(value("SELECT COUNT(*) FROM episodes"));
  auto entries = [&](int id) {
    return std::stoi(value("SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND "
                           "record_type = 'episode' AND username = 'coordinator' AND "
                           "record_id = " + std::to_string(id)));
  };
  std::vector<int> before(static_cast<std::size_t>(episodes) + 1);
  for (int id = 1; id <= episodes; ++id) before[static_cast<std::size_t>(id)] = entries(id);
  std::vector<std::atomic<int>> answered(static_cast<std::size_t>(episodes) + 1);

  ServerProcess server(db_, dir_.file("server.out"));
  ASSERT_TRUE(server.start()) << server.output();
  std::string token;
  {
    ApiWriter w(server.port(), "coordinator");
    ASSERT_TRUE(w.signed_in());
    token = w.token();
  }
  std::mt19937 random(std::random_device{}());
  const auto seed = random();
  random.seed(seed);
  int reads = 0;
  for (int kill = 0; kill < 3; ++kill) {
    std::atomic<bool> done{false};
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
      clients.emplace_back([&, t] {
        httplib::Client c("127.0.0.1", server.port());
        c.set_keep_alive(true);
        const httplib::Headers auth{{"Authorization", "Bearer " + token}};
        for (int i = t; !done; ++i) {
          const int id = i % episodes + 1;
          auto r = c.Get("/api/v1/episodes/" + std::to_string(id), auth);
          if (!r) return;  // the server is gone
          if (r->status == 200) {
            ++answered[static_cast<std::size_t>(id)];
            ++ok;
          }
        }
      });
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (ok < 50 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(
        0, 100)(random)));
    server.kill();
    done = true;
    for (auto& c : clients) c.join();
    reads += ok;
    ASSERT_TRUE(server.start()) << server.output();
  }
  ASSERT_EQ(server.stop(), 0) << server.output();
  std::cout << "[ drill    ] " << GetParam() << ": 3 SIGKILLs (seed " << seed << "), " << reads
            << " reads answered 200\n";
  EXPECT_GE(reads, 150);
  for (int id = 1; id <= episodes; ++id) {
    EXPECT_GE(entries(id) - before[static_cast<std::size_t>(id)],
              answered[static_cast<std::size_t>(id)].load())
        << "episode " << id << ": a read answered 200 has no entry";
  }
  const auto verify = run_vertebro({"audit", "verify", "--db", db_});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace vertebro::reliability
