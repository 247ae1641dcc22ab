#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <pthread.h>
#include <thread>

#include "app/audit_checkpoints.h"
#include "app/audit_keys.h"
#include "app/audit_verify.h"
#include "app/backup.h"
#include "app/context.h"
#include "app/demo_data.h"
#include "app/users.h"
#include "base/crypto.h"
#include "base/log.h"
#include "cli/report_command.h"
#include "cli/stats_command.h"
#include "cli/udi_command.h"
#include "http/server.h"
#include "store/database_lock.h"
#include "store/store.h"

#ifndef VERTEBRO_DEFAULT_STATIC_DIR
#define VERTEBRO_DEFAULT_STATIC_DIR "web"
#endif

namespace vertebro::cli {

namespace {

// Exit codes by error kind; a new Errc must be placed here.
int exit_code(Errc code) {
  switch (code) {
    case Errc::kInvalid:
    case Errc::kDuplicate:
    case Errc::kNotFound:
    case Errc::kConflict:
    case Errc::kWrongState:
      return 2;
    case Errc::kUnauthenticated:
    case Errc::kForbidden:
    case Errc::kRateLimited:
    case Errc::kBusy:
    case Errc::kUnavailable:
    case Errc::kSchemaTooNew:
    case Errc::kInternal:
      return 1;
  }
  return 1;
}

int report(const Error& e) {
  std::cerr << "vertebro: " << e.message << "\n";
  for (const auto& f : e.fields) std::cerr << "  " << f.field << ": " << f.message << "\n";
  return exit_code(e.code);
}

Result<std::unique_ptr<store::Store>> open(const std::string& db) {
  return store::open_store(db, store::OpenOptions{});
}

// Where the server's audit checkpoints come from (docs/deployment.md).
struct Anchoring {
  std::string key_file;         // --audit-key: the secret key; "" when none
  int interval_seconds = 300;   // --checkpoint-interval
  std::string checkpoint_file;  // --checkpoint-file: also keep each line here
};

int serve(const std::string& db, const std::string& bind, int port, const std::string& static_dir,
          bool secure, int threads, bool group_commit, const Anchoring& anchoring,
          const std::string& chromium) {
  // Block SIGINT/SIGTERM in every thread; one thread waits for them and stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  store::OpenOptions open_options;
  open_options.readers = std::max(2, threads / 4);
  open_options.group_commit = group_commit;
  std::optional<crypto::SigningKey> audit_key;
  if (!anchoring.key_file.empty()) {
    auto key = app::load_audit_key(anchoring.key_file);
    if (!key) return report(key.error());
    audit_key = std::move(*key);
  }
  if (anchoring.interval_seconds < 10) {
    return report(Error::invalid({{"checkpoint-interval", "Give at least 10 seconds"}}));
  }
  // One server per SQLite file, held until this process ends (however it ends).
  auto lock = store::DatabaseLock::acquire(db, store::LockUse::kServe);
  if (!lock) return report(lock.error());
  auto store = store::open_store(db, open_options);
  if (!store) return report(store.error());
  SystemClock clock;
  app::Context ctx(**store, clock);
  std::unique_ptr<app::CheckpointWriter> checkpoints;
  if (audit_key) {
    checkpoints = std::make_unique<app::CheckpointWriter>(
        ctx, std::move(*audit_key), std::chrono::seconds(anchoring.interval_seconds),
        anchoring.checkpoint_file);
  } else {
    log::warn("audit checkpoints are OFF (no --audit-key): the audit trail's hash chain shows "
              "damage, but not a rewrite by someone who can write the database and recomputes "
              "the hashes. See docs/deployment.md, \"Anchoring the audit trail\".");
  }
  http::Server server(ctx, http::ServerOptions{static_dir, secure, threads, 1 << 20, chromium});
  auto bound = server.bind(bind, port);
  if (!bound) return report(bound.error());

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    log::info("signal {} received, stopping", sig);
    server.stop();
  });
  std::cout << "listening on http://" << bind << ":" << *bound << std::endl;
  log::info("vertebro serving schema {} on port {}", (*store)->schema_version(), *bound);
  if (checkpoints) checkpoints->start();
  const bool ok = server.run();
  if (checkpoints) checkpoints->stop();  // signs the head as it is at stop
  // Wake the waiter if the server stopped by itself.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  log::info("vertebro stopped");
  return ok ? 0 : 1;
}

int keygen(const std::string& out) {
  auto files = app::create_audit_key(out);
  if (!files) return report(files.error());
  std::cout << "audit signing key " << files->key_id << " created\n"
            << "  secret key (keep it off the database server's disks and out of backups of "
               "the database): "
            << files->secret_path << "\n"
            << "  public key (give it to whoever runs vertebro audit verify): "
            << files->public_path << "\n";
  return 0;
}

int checkpoint(const app::Context& ctx, const std::string& key_file, const std::string& file) {
  auto key = app::load_audit_key(key_file);
  if (!key) return report(key.error());
  auto r = app::write_checkpoint(ctx, *key, false);
  if (!r) return report(r.error());
  if (!r->checkpoint) {
    std::cout << "the audit trail is empty: nothing to sign\n";
    return 0;
  }
  if (r->written) {
    if (auto s = app::keep_checkpoint_line(*r->checkpoint, file); !s) return report(s.error());
  }
  std::cout << domain::checkpoint_line(*r->checkpoint) << "\n";
  return 0;
}

Result<app::ChainCheckOptions> chain_options(const std::vector<std::string>& public_keys,
                                             const std::vector<std::string>& checkpoint_files) {
  app::ChainCheckOptions options;
  auto trusted = app::load_trusted_keys(public_keys);
  if (!trusted) return std::move(trusted).error();
  options.trusted = std::move(*trusted);
  auto external = app::read_checkpoint_files(checkpoint_files);
  if (!external) return std::move(external).error();
  options.external = std::move(*external);
  return options;
}

int verify(const app::Context& ctx, const std::vector<std::string>& public_keys,
           const std::vector<std::string>& checkpoint_files) {
  auto options = chain_options(public_keys, checkpoint_files);
  if (!options) return report(options.error());
  auto r = app::verify_chain(ctx, *options);
  if (!r) return report(r.error());
  if (!r->ok) {
    std::cout << "audit chain BROKEN at entry " << r->bad_seq << ": " << r->problem << " ("
              << r->checked << " entries verified before it)\n";
    return 3;
  }
  std::cout << "audit chain verified: " << r->checked << " entries, no breaks\n";
  if (!r->signatures_checked) {
    std::cout << "WARNING: not anchored. No --public-key was given, so no signed checkpoint was "
                 "checked ("
              << r->unchecked_checkpoints
              << " in the database). The hash chain shows damage, but not a rewrite by someone "
                 "who can write the database and recomputes the hashes.\n";
    return 0;
  }
  std::cout << "anchored: signed checkpoints match (" << r->checkpoints << " in the database";
  if (r->external_checkpoints > 0) {
    std::cout << ", " << r->external_checkpoints << " kept outside it";
  }
  std::cout << "); the newest covers entry " << r->anchored_seq << " (signed at "
            << r->anchored_at << ")";
  if (r->checked > r->anchored_seq) {
    std::cout << "; the " << (r->checked - r->anchored_seq)
              << " entries after it are covered by the hash chain only until the next "
                 "checkpoint";
  }
  std::cout << "\n";
  return 0;
}

int backup(const std::string& db, const std::string& out) {
  auto r = app::backup_database(db, out);
  if (!r) return report(r.error());
  std::cout << "backup written to " << out << ": schema version " << r->schema_version << ", "
            << r->audit_entries
            << " audit entries; integrity, foreign keys and the audit chain verified\n";
  return 0;
}

int restore(const std::string& from, const std::string& db,
            const std::vector<std::string>& public_keys,
            const std::vector<std::string>& checkpoint_files) {
  auto options = chain_options(public_keys, checkpoint_files);
  if (!options) return report(options.error());
  // Nobody else may have the database open while it is replaced.
  auto lock = store::DatabaseLock::acquire(db, store::LockUse::kReplace);
  if (!lock) return report(lock.error());
  SystemClock clock;
  auto r = app::restore_database(from, db, *options, format_timestamp(clock.now()));
  if (!r) return report(r.error());
  std::cout << "restored " << db << " from " << from << ": schema version " << r->schema_version
            << ", " << r->audit_entries << " audit entries; integrity, foreign keys and the audit "
            << "chain verified before anything was replaced\n";
  if (!r->kept_previous.empty()) {
    std::cout << "the database it replaced is kept as " << r->kept_previous << "\n";
  }
  return 0;
}

}  // namespace

int run(int argc, char** argv) {
  if (!crypto::init()) {
    std::cerr << "vertebro: the cryptography library could not start\n";
    return 1;
  }
  CLI::App cli{"vertebro: clinical governance and audit registry for percutaneous vertebroplasty"};
  cli.require_subcommand(1);
  std::string db, log_file, log_level = "info";
  cli.add_option("--log-file", log_file, "Also write the log to this file");
  cli.add_option("--log-level", log_level, "debug, info, warn or error")->capture_default_str();

  auto* serve_cmd = cli.add_subcommand("serve", "Run the web application");
  std::string bind = "127.0.0.1", static_dir = VERTEBRO_DEFAULT_STATIC_DIR;
  int port = 8080, threads = 24;
  bool secure = false;
  serve_cmd->add_option("--db", db, "SQLite database file")->required();
  serve_cmd->add_option("--port", port, "TCP port (0: any free port)")->capture_default_str();
  serve_cmd->add_option("--bind", bind, "Address to listen on")->capture_default_str();
  serve_cmd->add_option("--static-dir", static_dir, "Built web assets (static/, assets/)")
      ->capture_default_str();
  serve_cmd->add_option("--threads", threads, "Request threads")->capture_default_str();
  std::string chromium = "/usr/bin/chromium";
  serve_cmd->add_option("--chromium", chromium, "Chromium, which prints reports as PDFs")
      ->capture_default_str();
  serve_cmd->add_flag("--secure-cookies", secure, "Mark cookies Secure (serving behind TLS)");
  bool group_commit = true;
  serve_cmd->add_flag("--group-commit,!--no-group-commit", group_commit,
                      "Commit concurrent saves and audited reads together (default; "
                      "--no-group-commit only for the bench's baseline)");
  Anchoring anchoring;
  serve_cmd->add_option("--audit-key", anchoring.key_file,
                        "Secret key file that signs audit checkpoints (vertebro audit keygen)");
  serve_cmd->add_option("--checkpoint-interval", anchoring.interval_seconds,
                        "Seconds between audit checkpoints while the log grows")
      ->capture_default_str();
  serve_cmd->add_option("--checkpoint-file", anchoring.checkpoint_file,
                        "Also append each checkpoint's line to this file");

  auto* init_cmd = cli.add_subcommand("init", "Create or migrate a database");
  init_cmd->add_option("--db", db, "SQLite database file")->required();

  auto* demo_cmd = cli.add_subcommand("demo-data", "Fill a new database with demonstration data");
  std::int64_t patients = app::DemoOptions{}.patients;
  demo_cmd->add_option("--db", db, "SQLite database file")->required();
  demo_cmd->add_option("--patients", patients, "Number of synthetic patients")->capture_default_str();
  std::int64_t demo_episodes = 0;
  demo_cmd->add_option("--episodes", demo_episodes,
                       "Episodes for those patients, re-referrals making up the difference "
                       "(0: about one patient in ten referred twice)")
      ->capture_default_str();

  auto* site_cmd = cli.add_subcommand("site", "Manage sites");
  site_cmd->require_subcommand(1);
  auto* site_add = site_cmd->add_subcommand("add", "Add a site");
  std::string site_code, site_name;
  site_add->add_option("--db", db, "SQLite database file")->required();
  site_add->add_option("--code", site_code, "Short site code, e.g. RXX01")->required();
  site_add->add_option("--name", site_name, "Site name")->required();

  auto* user_cmd = cli.add_subcommand("user", "Manage users");
  user_cmd->require_subcommand(1);
  auto* user_add = user_cmd->add_subcommand("add", "Add a user; the password is read from standard input");
  app::NewUser nu;
  user_add->add_option("--db", db, "SQLite database file")->required();
  user_add->add_option("--username", nu.username, "Sign-in name")->required();
  user_add->add_option("--name", nu.display_name, "Name shown in the application")->required();
  user_add->add_option("--role", nu.role,
                       "administrator, coordinator, operator, nurse, governance, safety, "
                       "trainer or researcher")
      ->required();
  user_add->add_option("--profession", nu.profession, "e.g. Interventional radiologist");
  user_add->add_option("--site", nu.site_codes, "Site code (repeat for several)")->required();
  auto* user_disable = user_cmd->add_subcommand("disable", "Disable a user and end their sessions");
  std::string username;
  user_disable->add_option("--db", db, "SQLite database file")->required();
  user_disable->add_option("--username", username, "Sign-in name")->required();

  auto* audit_cmd = cli.add_subcommand("audit", "The access and change log");
  audit_cmd->require_subcommand(1);
  auto* verify_cmd = audit_cmd->add_subcommand(
      "verify", "Check the whole hash chain and the signed checkpoints that anchor it");
  verify_cmd->add_option("--db", db, "SQLite database file")->required();
  std::vector<std::string> public_keys, checkpoint_files;
  verify_cmd->add_option("--public-key", public_keys,
                         "Trusted public key: a .pub file, a directory of them, or the key's hex "
                         "(repeat for old keys)");
  verify_cmd->add_option("--checkpoints", checkpoint_files,
                         "File of checkpoint lines kept outside the database (--checkpoint-file)");
  auto* keygen_cmd = audit_cmd->add_subcommand(
      "keygen", "Create a key pair for signing audit checkpoints (FILE and FILE.pub)");
  std::string key_out;
  keygen_cmd->add_option("--out", key_out, "Secret key file to create (mode 0600)")->required();
  auto* checkpoint_cmd =
      audit_cmd->add_subcommand("checkpoint", "Sign the chain's head now and store the checkpoint");
  std::string key_file, checkpoint_file;
  checkpoint_cmd->add_option("--db", db, "SQLite database file")->required();
  checkpoint_cmd->add_option("--audit-key", key_file, "Secret key file")->required();
  checkpoint_cmd->add_option("--checkpoint-file", checkpoint_file,
                             "Also append the checkpoint's line to this file");

  auto* backup_cmd = cli.add_subcommand(
      "backup", "Copy a SQLite database while it is in use, then check the copy");
  std::string backup_out;
  backup_cmd->add_option("--db", db, "SQLite database file")->required();
  backup_cmd->add_option("--out", backup_out, "The backup file to create (must not exist)")
      ->required();
  auto* restore_cmd = cli.add_subcommand(
      "restore", "Replace a SQLite database with a checked backup (no server may be using it)");
  std::string restore_from;
  restore_cmd->add_option("--from", restore_from, "The backup file")->required();
  restore_cmd->add_option("--db", db, "SQLite database file to replace")->required();
  restore_cmd->add_option("--public-key", public_keys,
                          "Also check the backup's signed audit checkpoints with this key");
  restore_cmd->add_option("--checkpoints", checkpoint_files,
                          "File of checkpoint lines kept outside the database");

  StatsCommand stats_cmd(cli);  // `vertebro stats ...` (cli/stats_command.h)
  ReportCommand report_cmd(cli, db);  // `vertebro report htg3` (cli/report_command.h)
  auto* udi_cmd = add_udi_command(cli);  // `vertebro udi parse` (cli/udi_command.h)

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  log::configure(log_file, log_level);
  const app::Actor cli_actor = app::system_actor("cli");

  if (stats_cmd) return stats_cmd.run(std::cin, std::cout, std::cerr);
  if (*serve_cmd) return serve(db, bind, port, static_dir, secure, threads, group_commit, anchoring,
                                 chromium);
  if (*keygen_cmd) return keygen(key_out);
  if (*udi_cmd) return run_udi_command();
  if (*restore_cmd) return restore(restore_from, db, public_keys, checkpoint_files);

  // Short commands may run beside a server, but not during a restore.
  auto lock = store::DatabaseLock::acquire(db, store::LockUse::kUse);
  if (!lock) return report(lock.error());
  if (*backup_cmd) return backup(db, backup_out);
  auto store = open(db);
  if (!store) return report(store.error());
  SystemClock clock;
  app::Context ctx(**store, clock);

  if (*init_cmd) {
    std::cout << "database ready at schema version " << (*store)->schema_version() << "\n";
    return 0;
  }
  if (*demo_cmd) {
    auto s = app::load_demo_data(ctx, {patients, 20261125, demo_episodes});
    if (!s) return report(s.error());
    std::cout << "demonstration data: " << s->patients << " patients, " << s->episodes
              << " episodes" << (s->created_users ? "; users added (password vertebro-demo)" : "")
              << "\n";
    return 0;
  }
  if (*site_add) {
    auto id = app::add_site(ctx, cli_actor, site_code, site_name);
    if (!id) return report(id.error());
    std::cout << "site " << site_code << " added (id " << id->value << ")\n";
    return 0;
  }
  if (*user_add) {
    std::getline(std::cin, nu.password);
    auto id = app::add_user(ctx, cli_actor, nu);
    if (!id) return report(id.error());
    std::cout << "user " << nu.username << " added (id " << id->value << ")\n";
    return 0;
  }
  if (*user_disable) {
    auto s = app::disable_user(ctx, cli_actor, username);
    if (!s) return report(s.error());
    std::cout << "user " << username << " disabled; their sessions have ended\n";
    return 0;
  }
  if (report_cmd) {
    auto written = report_cmd.run(ctx);
    if (!written) return report(written.error());
    std::cout << *written << "\n";
    return 0;
  }
  if (*verify_cmd) return verify(ctx, public_keys, checkpoint_files);
  if (*checkpoint_cmd) return checkpoint(ctx, key_file, checkpoint_file);
  return 2;
}

}  // namespace vertebro::cli
