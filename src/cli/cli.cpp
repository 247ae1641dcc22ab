#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <pthread.h>
#include <thread>

#include "app/audit_trail.h"
#include "app/context.h"
#include "app/demo_data.h"
#include "app/users.h"
#include "base/crypto.h"
#include "base/log.h"
#include "http/server.h"
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

int serve(const std::string& db, const std::string& bind, int port, const std::string& static_dir,
          bool secure, int threads) {
  // Block SIGINT/SIGTERM in every thread; one thread waits for them and stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto store = store::open_store(db, store::OpenOptions{std::max(2, threads / 4), true});
  if (!store) return report(store.error());
  SystemClock clock;
  app::Context ctx(**store, clock);
  http::Server server(ctx, http::ServerOptions{static_dir, secure, threads, 1 << 20});
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
  const bool ok = server.run();
  // Wake the waiter if the server stopped by itself.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  log::info("vertebro stopped");
  return ok ? 0 : 1;
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
  serve_cmd->add_flag("--secure-cookies", secure, "Mark cookies Secure (serving behind TLS)");

  auto* init_cmd = cli.add_subcommand("init", "Create or migrate a database");
  init_cmd->add_option("--db", db, "SQLite database file")->required();

  auto* demo_cmd = cli.add_subcommand("demo-data", "Fill a new database with demonstration data");
  std::int64_t patients = 50;
  demo_cmd->add_option("--db", db, "SQLite database file")->required();
  demo_cmd->add_option("--patients", patients, "Number of synthetic patients")->capture_default_str();

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
  auto* verify_cmd = audit_cmd->add_subcommand("verify", "Check the whole hash chain");
  verify_cmd->add_option("--db", db, "SQLite database file")->required();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  log::configure(log_file, log_level);
  const app::Actor cli_actor = app::system_actor("cli");

  if (*serve_cmd) return serve(db, bind, port, static_dir, secure, threads);

  auto store = open(db);
  if (!store) return report(store.error());
  SystemClock clock;
  app::Context ctx(**store, clock);

  if (*init_cmd) {
    std::cout << "database ready at schema version " << (*store)->schema_version() << "\n";
    return 0;
  }
  if (*demo_cmd) {
    auto s = app::load_demo_data(ctx, {patients, 20261125});
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
  if (*verify_cmd) {
    auto r = app::verify_chain(ctx);
    if (!r) return report(r.error());
    if (r->ok) {
      std::cout << "audit chain verified: " << r->checked << " entries, no breaks\n";
      return 0;
    }
    std::cout << "audit chain BROKEN at entry " << r->bad_seq << ": " << r->problem << " ("
              << r->checked << " entries verified before it)\n";
    return 3;
  }
  return 2;
}

}  // namespace vertebro::cli
