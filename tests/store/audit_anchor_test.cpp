// The audit chain anchored outside the database (issue 9, point 6), on the real SQLite file
// and the real PostgreSQL schema, through the shipped binary. The attack: someone who can
// write the database drops the append-only triggers, rewrites entries, recomputes every hash
// and the head. `vertebro audit verify` without keys still passes (the hash chain cannot see
// it); with the trusted public key it fails and names the checkpoint the rewrite broke. Also:
// deleted checkpoints, checkpoints forged with another key, the window after the last
// checkpoint, and the periodic writer of a server (one checkpoint per head, however many
// instances share the database).

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/audit_checkpoints.h"
#include "app/audit_keys.h"
#include "app/audit_verify.h"
#include "app/patients.h"
#include "domain/audit.h"
#include "store_fixture.h"
#include "support/run_command.h"

#ifndef VERTEBRO_BINARY
#error "VERTEBRO_BINARY names the vertebro executable under test"
#endif

namespace vertebro::store_test {
namespace {

using domain::Role;

using test_support::CliRun;

// Runs the shipped binary with `args`.
CliRun vertebro(const std::vector<std::string>& args) {
  return test_support::run_command(VERTEBRO_BINARY, args);
}

bool has(const CliRun& r, const std::string& text) {
  return r.output.find(text) != std::string::npos;
}

class AuditAnchorTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = testing::TempDir() + "vertebro_anchor_" + std::to_string(::getpid()) + "_" +
           GetParam() + "_" + testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    key_file_ = dir_ + "/audit.key";
    checkpoint_file_ = dir_ + "/checkpoints.log";
    auto files = app::create_audit_key(key_file_);
    ASSERT_TRUE(files.ok()) << describe(files);
    site_ = insert_site("S1");
    coordinator_ = insert_actor("coord", Role::kCoordinator, {site_});
  }
  void TearDown() override {
    StoreTest::TearDown();
    std::filesystem::remove_all(dir_);
  }

  // Registers a patient and reads them back: two entries about a patient.
  void clinical_work(int nhs_index) {
    domain::PatientInput in{test_nhs_number(nhs_index), "Anchor", "Ann", "1940-01-01", "female"};
    auto p = must(app::register_patient(ctx(), coordinator_, site_.str(), in), "register");
    must(app::view_patient(ctx(), coordinator_, p.id), "view");
  }

  CliRun checkpoint_now() {
    return vertebro({"audit", "checkpoint", "--db", target(), "--audit-key", key_file_,
                     "--checkpoint-file", checkpoint_file_});
  }
  CliRun verify(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"audit", "verify", "--db", target()};
    args.insert(args.end(), extra.begin(), extra.end());
    return vertebro(args);
  }
  CliRun verify_with_key() { return verify({"--public-key", key_file_ + ".pub"}); }

  // The attack: without the triggers, give entry `seq` another user name (who read the
  // record), then recompute every hash from there on and the recorded head, as anyone who has
  // read domain/audit.cpp can.
  void rewrite_and_rehash(std::int64_t seq) {
    auto db = raw();
    db->drop_audit_triggers();
    ASSERT_EQ(db->exec("UPDATE audit_log SET username = 'someone_else' WHERE seq = " +
                       std::to_string(seq)),
              "");
    std::string prev = domain::kGenesisHash;
    for (auto e : audit_entries()) {
      e.prev_hash = prev;
      e.hash = domain::chain_hash(e);
      ASSERT_EQ(db->exec("UPDATE audit_log SET prev_hash = '" + e.prev_hash + "', hash = '" +
                         e.hash + "' WHERE seq = " + std::to_string(e.seq)),
                "");
      prev = e.hash;
    }
    ASSERT_EQ(db->exec("UPDATE audit_head SET hash = '" + prev + "' WHERE id = 1"), "");
  }

  void drop_checkpoint_triggers() {
    const bool pg = GetParam() == "postgresql";
    const std::string on = pg ? " ON audit_checkpoints" : "";
    ASSERT_EQ(raw()->exec("DROP TRIGGER audit_checkpoints_no_update" + on +
                          "; DROP TRIGGER audit_checkpoints_no_delete" + on + ";"),
              "");
  }

  std::int64_t checkpoint_count() {
    return raw()->query_int("SELECT COUNT(*) FROM audit_checkpoints");
  }

  std::string dir_, key_file_, checkpoint_file_;
  SiteId site_;
  app::Actor coordinator_;
};

TEST_P(AuditAnchorTest, RewriteWithRecomputedHashesFailsVerifyNamingTheCheckpoint) {
  clinical_work(1);
  const auto signed_seq = audit_head().first;
  const CliRun cp = checkpoint_now();
  ASSERT_EQ(cp.exit_code, 0) << cp.output;
  ASSERT_TRUE(has(cp, "vertebro-audit-checkpoint/1 seq=" + std::to_string(signed_seq)))
      << cp.output;
  clinical_work(2);

  const CliRun before = verify_with_key();
  ASSERT_EQ(before.exit_code, 0) << before.output;
  EXPECT_TRUE(has(before, "anchored: signed checkpoints match (1 in the database)"))
      << before.output;

  rewrite_and_rehash(2);

  // The hash chain alone cannot see the rewrite: this is the attack of issue 9, point 6.
  const CliRun unanchored = verify();
  EXPECT_EQ(unanchored.exit_code, 0) << unanchored.output;
  EXPECT_TRUE(has(unanchored, "WARNING: not anchored")) << unanchored.output;

  // The checkpoint signed before it can.
  const CliRun anchored = verify_with_key();
  EXPECT_EQ(anchored.exit_code, 3) << anchored.output;
  EXPECT_TRUE(has(anchored, "BROKEN at entry " + std::to_string(signed_seq) + ":"))
      << anchored.output;
  EXPECT_TRUE(has(anchored, "no longer has the hash signed in the checkpoint of entry " +
                                std::to_string(signed_seq)))
      << anchored.output;
  EXPECT_TRUE(has(anchored, "hashes recomputed")) << anchored.output;
}

TEST_P(AuditAnchorTest, DeletedOrForgedCheckpointsFailVerify) {
  clinical_work(1);
  ASSERT_EQ(checkpoint_now().exit_code, 0);
  clinical_work(2);
  ASSERT_EQ(checkpoint_now().exit_code, 0);
  ASSERT_EQ(checkpoint_count(), 2);

  rewrite_and_rehash(2);
  drop_checkpoint_triggers();
  ASSERT_EQ(raw()->exec("DELETE FROM audit_checkpoints"), "");

  // With the checkpoints gone from the database, the key alone says nothing anchors it...
  const CliRun no_checkpoints = verify_with_key();
  EXPECT_EQ(no_checkpoints.exit_code, 3) << no_checkpoints.output;
  EXPECT_TRUE(has(no_checkpoints, "no checkpoint signed by a trusted key"))
      << no_checkpoints.output;
  // ...and the lines kept outside the database name the rewrite.
  const CliRun external = verify({"--public-key", key_file_ + ".pub", "--checkpoints",
                               checkpoint_file_});
  EXPECT_EQ(external.exit_code, 3) << external.output;
  EXPECT_TRUE(has(external, "kept outside the database")) << external.output;

  // Checkpoints re-signed with the attacker's own key are refused by name.
  const std::string attacker_key = dir_ + "/attacker.key";
  ASSERT_TRUE(app::create_audit_key(attacker_key).ok());
  const CliRun forged = vertebro({"audit", "checkpoint", "--db", target(), "--audit-key",
                               attacker_key});
  ASSERT_EQ(forged.exit_code, 0) << forged.output;
  const CliRun refused = verify_with_key();
  EXPECT_EQ(refused.exit_code, 3) << refused.output;
  EXPECT_TRUE(has(refused, "not among the trusted public keys")) << refused.output;
}

TEST_P(AuditAnchorTest, RotatedKeysKeepOldCheckpointsValid) {
  clinical_work(1);
  ASSERT_EQ(checkpoint_now().exit_code, 0);
  const std::string new_key = dir_ + "/audit-2027.key";
  ASSERT_TRUE(app::create_audit_key(new_key).ok());
  clinical_work(2);
  ASSERT_EQ(vertebro({"audit", "checkpoint", "--db", target(), "--audit-key", new_key})
                .exit_code,
            0);

  // Only the new public key: the old checkpoint's key is unknown.
  const CliRun only_new = verify({"--public-key", new_key + ".pub"});
  EXPECT_EQ(only_new.exit_code, 3) << only_new.output;
  // Both, as the keys' directory: every checkpoint verifies.
  std::filesystem::create_directories(dir_ + "/trusted");
  std::filesystem::copy_file(key_file_ + ".pub", dir_ + "/trusted/2026.pub");
  std::filesystem::copy_file(new_key + ".pub", dir_ + "/trusted/2027.pub");
  const CliRun both = verify({"--public-key", dir_ + "/trusted"});
  EXPECT_EQ(both.exit_code, 0) << both.output;
  EXPECT_TRUE(has(both, "anchored: signed checkpoints match (2 in the database)")) << both.output;
}

TEST_P(AuditAnchorTest, EntriesAfterTheLastCheckpointAreReportedAsNotYetAnchored) {
  clinical_work(1);
  ASSERT_EQ(checkpoint_now().exit_code, 0);
  const auto signed_seq = audit_head().first;
  clinical_work(2);
  const auto head = audit_head().first;
  // A rewrite after the last checkpoint is the window the interval leaves open: verify says
  // how many entries it covers, so the interval can be chosen knowingly.
  rewrite_and_rehash(head);
  const CliRun r = verify_with_key();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(has(r, "the " + std::to_string(head - signed_seq) + " entries after it"))
      << r.output;
}

TEST_P(AuditAnchorTest, KeyFilesAreRefusedWhenOthersCanReadThemAndNeverReplaced) {
  EXPECT_FALSE(app::create_audit_key(key_file_).ok());
  std::filesystem::permissions(key_file_, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  const CliRun r = checkpoint_now();
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(has(r, "chmod 600")) << r.output;
  EXPECT_EQ(checkpoint_count(), 0);
}

TEST_P(AuditAnchorTest, PeriodicWritersOfSeveralInstancesSignEachHeadOnce) {
  auto key_a = must(app::load_audit_key(key_file_), "key a");
  const std::string other = dir_ + "/instance-b.key";
  ASSERT_TRUE(app::create_audit_key(other).ok());
  auto key_b = must(app::load_audit_key(other), "key b");

  // A second instance on the same database.
  auto store_b = must(store::open_store(target(), {}), "second store");
  app::Context ctx_b(*store_b, clock_);

  clinical_work(1);
  app::CheckpointWriter a(ctx(), std::move(key_a), std::chrono::seconds(3600), checkpoint_file_);
  a.start();  // signs the head at start
  auto b = must(app::write_checkpoint(ctx_b, key_b, true), "b");
  EXPECT_FALSE(b.written);  // instance b finds the head signed already
  EXPECT_EQ(checkpoint_count(), 1);

  clinical_work(2);
  a.stop();  // and at stop
  EXPECT_EQ(checkpoint_count(), 2);
  const auto lines = must(app::read_checkpoint_files({checkpoint_file_}), "lines");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines.back().seq, audit_head().first);

  auto report = must(app::verify_chain(ctx(), {must(app::load_trusted_keys({key_file_ + ".pub"}),
                                                     "trusted"),
                                                lines}),
                     "verify");
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.anchored_seq, audit_head().first);
}

VERTEBRO_STORE_SUITE(AuditAnchorTest);

}  // namespace
}  // namespace vertebro::store_test
