#include "live_server.h"

#include "app/demo_pathway.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "app/demo_data.h"
#include "app/pathway.h"
#include "app/sessions.h"
#include "base/crypto.h"
#include "base/log.h"

namespace vertebro::http_test {

namespace {

// True while LiveServer::start runs: its failures are only thrown, for the suite's SetUp to
// report in each test (a failure recorded in SetUpTestSuite makes gtest print its tests as
// SKIPPED, which ctest would count as skipped rather than failed).
thread_local bool starting = false;

// Records a test failure and leaves the current test (gtest catches the exception).
[[noreturn]] void fail(const std::string& what) {
  if (!starting) ADD_FAILURE() << what;
  throw std::runtime_error(what);
}

std::string describe(const httplib::Result& r) {
  if (!r) return "no response (" + httplib::to_string(r.error()) + ")";
  return "status " + std::to_string(r->status) + ": " + r->body.substr(0, 600);
}

// A new file name under TempDir. The random part matters: process ids are reused within a run,
// and a file another process left behind must never be taken for this one's.
std::string unique_name(const std::string& stem, const std::string& ext) {
  static std::atomic<int> counter{0};
  return ::testing::TempDir() + "vertebro_http_" + stem + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(counter++) + "_" + crypto::random_hex(8) + ext;
}

}  // namespace

TimePoint start_time() {
  using namespace std::chrono;
  return sys_days{year{2026} / November / 25} + hours{10};
}

namespace {

std::filesystem::path test_binary() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) fail("cannot read the test binary's path: " + ec.message());
  return exe;
}

// Tells one build of the test binary from another, so that a template a different build made
// (with other migrations or other demonstration data) is never used.
std::string build_key() {
  const auto exe = test_binary();
  struct stat st {};
  if (::stat(exe.c_str(), &st) != 0) fail("cannot stat the test binary");
  return crypto::sha256_hex(exe.string() + "|" + std::to_string(st.st_size) + "|" +
                            std::to_string(st.st_mtim.tv_sec) + "." +
                            std::to_string(st.st_mtim.tv_nsec))
      .substr(0, 16);
}

// Fills the new database at `target` with the demonstration data as of start_time(), and
// closes it.
void fill_with_demo_data(const std::string& target) {
  log::configure("", "warn");  // the template's making belongs to no test's log
  auto store = store::open_store(target, {});
  if (!store) fail("open_store failed for the template: " + store.error().message);
  FixedClock clock(start_time());
  app::Context ctx(**store, clock, app::Settings{});
  auto demo = app::load_demo_data(ctx, {app::kDemoPathwayPatients + 3, 1});
  if (!demo) fail("load_demo_data failed: " + demo.error().message);
}

// A SQLite file holding the demonstration data, made once per build of the test binary by
// whichever of its processes comes first (the others wait on a lock file), kept beside the
// binary and copied by every server. Making one removes those of earlier builds.
const std::string& sqlite_template() {
  static const std::string made = [] {
    const auto exe = test_binary();
    const auto dir = exe.parent_path();
    // Each test binary has its own (a binary must not remove another's).
    const std::string stem = exe.filename().string() + "_demo_";
    const std::string path = (dir / (stem + build_key() + ".sqlite")).string();
    const int fd = ::open((dir / (stem + "lock")).c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) fail("cannot lock the template in " + dir.string());
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      for (const auto& old : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = old.path().filename().string();
        if (name.rfind(stem, 0) == 0 && name.ends_with(".sqlite")) {
          std::filesystem::remove(old.path(), ec);
        }
      }
      const std::string building = unique_name("template", ".sqlite");
      fill_with_demo_data(building);
      // Closing the last connection checkpoints the WAL into the file and removes it.
      if (std::filesystem::exists(building + "-wal", ec)) fail("the template kept its WAL");
      std::filesystem::rename(building, path, ec);
      if (ec) fail("cannot name the template " + path + ": " + ec.message());
    }
    ::close(fd);  // releases the lock
    return path;
  }();
  return made;
}

}  // namespace

std::unique_ptr<LiveServer> LiveServer::start(app::Settings settings, store::OpenOptions open,
                                              bool secure_cookies) {
  starting = true;
  struct Started {
    ~Started() { starting = false; }
  } started;
  static const bool crypto_ready = crypto::init();
  if (!crypto_ready) fail("crypto::init() failed");
  // Hundreds of sign-ins per run: the lowest argon2id cost (tests/unit/password_hash_test.cpp
  // holds the real one).
  crypto::set_password_cost(crypto::PasswordCost::kTestOnlyMinimum);

  std::unique_ptr<LiveServer> s(new LiveServer());
  s->db_path_ = unique_name("db", ".sqlite");
  s->log_path_ = unique_name("log", ".log");

  // Every server starts from a copy of one database of demonstration data made once per run:
  // a SQLite file, or, with VERTEBRO_HTTP_PG=<cluster URI> (set by ctest for the pg. copies of
  // these tests), a database of the PostgreSQL test cluster.
  std::string target = s->db_path_;
  const char* pg = std::getenv("VERTEBRO_HTTP_PG");
  if (pg != nullptr && *pg != '\0') {
    try {
      const std::string base = test_support::test_cluster_uri(pg);
      static const std::string name =
          test_support::pg_template_once(base, "demo_" + build_key(), fill_with_demo_data);
      s->pg_ = std::make_unique<test_support::PgDatabase>(base, name);
    } catch (const std::exception& e) {
      fail(e.what());
    }
    // The HTTP tests are about behaviour; durability is the crash tests' (tests/reliability).
    target = s->pg_->target_without_commit_flush();
  } else {
    std::error_code ec;
    std::filesystem::copy_file(sqlite_template(), s->db_path_, ec);
    if (ec) fail("cannot copy the demonstration database: " + ec.message());
  }
  log::configure(s->log_path_, "info");
  auto store = store::open_store(target, open);
  if (!store) fail("open_store failed: " + store.error().message);
  s->store_ = std::move(*store);
  s->ctx_ = std::make_unique<app::Context>(*s->store_, s->clock_, settings);

  http::ServerOptions options;
  options.static_dir = "";
  options.threads = 8;
  options.secure_cookies = secure_cookies;
  s->server_ = std::make_unique<http::Server>(*s->ctx_, options);
  auto port = s->server_->bind("127.0.0.1", 0);
  if (!port) fail("bind failed: " + port.error().message);
  s->port_ = *port;
  http::Server* server = s->server_.get();
  s->thread_ = std::thread([server] { server->run(); });
  for (int i = 0; i < 1000 && !server->running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!server->running()) fail("the server did not start");
  return s;
}

LiveServer::~LiveServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
  ctx_.reset();
  store_.reset();
  pg_.reset();
  log::flush();
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(db_path_ + suffix, ec);
  }
  std::filesystem::remove(log_path_, ec);
}

std::string LiveServer::log_text() const {
  log::flush();
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<httplib::Client> LiveServer::client() const {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
  c->set_connection_timeout(5, 0);
  c->set_read_timeout(20, 0);
  c->set_write_timeout(20, 0);
  c->set_follow_location(false);
  return c;
}

void LiveServer::read(const std::function<Status(store::Tx&)>& body) const {
  auto s = store_->transact(store::TxMode::kRead, body);
  if (!s) fail("store read failed: " + s.error().message);
}

std::int64_t LiveServer::site_id(const std::string& code) const {
  std::int64_t id = 0;
  read([&](store::Tx& tx) -> Status {
    auto sites = tx.list_sites();
    if (!sites) return std::move(sites).error();
    for (const auto& site : *sites) {
      if (site.code == code) id = site.id.value;
    }
    return {};
  });
  if (id == 0) fail("no site " + code);
  return id;
}

std::int64_t LiveServer::user_id(const std::string& username) const {
  std::int64_t id = 0;
  read([&](store::Tx& tx) -> Status {
    auto u = tx.find_user_by_name(username);
    if (!u) return std::move(u).error();
    if (u->has_value()) id = (*u)->user.id.value;
    return {};
  });
  if (id == 0) fail("no user " + username);
  return id;
}

std::optional<store::PatientRecord> LiveServer::patient_by_nhs(const std::string& digits) const {
  std::optional<store::PatientRecord> out;
  read([&](store::Tx& tx) -> Status {
    auto p = tx.find_patient_by_nhs(digits);
    if (!p) return std::move(p).error();
    out = std::move(*p);
    return {};
  });
  return out;
}

std::optional<store::EpisodeRecord> LiveServer::episode(std::int64_t id) const {
  std::optional<store::EpisodeRecord> out;
  read([&](store::Tx& tx) -> Status {
    auto e = tx.find_episode(EpisodeId{id});
    if (!e) return std::move(e).error();
    out = std::move(*e);
    return {};
  });
  return out;
}

std::vector<store::EpisodeRecord> LiveServer::patient_episodes(std::int64_t patient_id) const {
  std::vector<store::EpisodeRecord> out;
  read([&](store::Tx& tx) -> Status {
    auto e = tx.patient_episodes(PatientId{patient_id});
    if (!e) return std::move(e).error();
    out = std::move(*e);
    return {};
  });
  return out;
}

std::vector<domain::AuditEntry> LiveServer::audit_all() const {
  std::vector<domain::AuditEntry> out;
  read([&](store::Tx& tx) -> Status {
    std::int64_t after = 0;
    for (;;) {
      auto page = tx.audit_range(after, 1000);
      if (!page) return std::move(page).error();
      if (page->empty()) return {};
      after = page->back().seq;
      for (auto& e : *page) out.push_back(std::move(e));
    }
  });
  return out;
}

// ---- Helpers ---------------------------------------------------------------------------

std::string next_nhs_number() {
  // The demonstration data walks upward from 999 000 000; these start far above it.
  static std::atomic<std::int64_t> next{999500000};
  for (;;) {
    const std::string nine = std::to_string(next++);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (nine[static_cast<std::size_t>(i)] - '0') * (10 - i);
    int check = 11 - sum % 11;
    if (check == 11) check = 0;
    if (check == 10) continue;
    return nine + static_cast<char>('0' + check);
  }
}

std::string spaced(const std::string& digits) {
  return digits.substr(0, 3) + " " + digits.substr(3, 3) + " " + digits.substr(6);
}

std::string csrf_field(const std::string& html) {
  // Plain string search: std::regex trips a GCC 12 -Wmaybe-uninitialized false positive at -O2
  // with the sanitizers.
  const std::string marker = "name=\"csrf\" value=\"";
  const auto at = html.find(marker);
  if (at != std::string::npos) {
    const auto begin = at + marker.size();
    const auto stop = html.find('"', begin);
    if (stop != std::string::npos) return html.substr(begin, stop - begin);
  }
  return {};
}

std::optional<std::string> set_cookie(const httplib::Response& res, const std::string& name,
                                      std::string* attributes) {
  const auto n = res.get_header_value_count("Set-Cookie");
  for (std::size_t i = 0; i < n; ++i) {
    const std::string h = res.get_header_value("Set-Cookie", i);
    if (h.rfind(name + "=", 0) != 0) continue;
    const auto end = h.find(';');
    if (attributes != nullptr) *attributes = h;
    return h.substr(name.size() + 1, (end == std::string::npos ? h.size() : end) - name.size() - 1);
  }
  return std::nullopt;
}

httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

httplib::Headers cookie(const std::string& header_value) { return {{"Cookie", header_value}}; }

Json json_of(const httplib::Response& res) { return Json::parse(res.body, nullptr, false); }

Json patient_json(std::int64_t site_id, const std::string& nhs_number,
                  const std::string& family_name, const std::string& date_of_birth) {
  return {{"site_id", std::to_string(site_id)},
          {"nhs_number", nhs_number},
          {"family_name", family_name},
          {"given_name", "Testgiven"},
          {"date_of_birth", date_of_birth},
          {"sex", "female"}};
}

Json referral_json(std::int64_t site_id, const std::string& clinician, const std::string& levels) {
  return {{"site_id", std::to_string(site_id)},
          {"referring_clinician", clinician},
          {"referral_date", "2026-11-02"},
          {"indication", "osteoporotic"},
          {"levels", levels},
          {"reason", "Painful fracture despite analgesia"}};
}

// ---- Fixture ---------------------------------------------------------------------------

std::unique_ptr<LiveServer> HttpTest::server_;
std::string HttpTest::start_error_;

void HttpTest::SetUpTestSuite() { start_server({}); }

void HttpTest::start_server(store::OpenOptions open) {
  app::Settings settings;
  settings.worklist_page_size = 5;  // so a small demonstration database has several pages
  try {
    server_ = LiveServer::start(settings, std::move(open));
  } catch (const std::exception& e) {
    server_.reset();
    start_error_ = e.what();
  }
}

void HttpTest::TearDownTestSuite() { server_.reset(); }

void HttpTest::SetUp() {
  ASSERT_NE(server_, nullptr) << "the test server did not start: " << start_error_;
}

ApiSession HttpTest::api_sign_in(const std::string& username) {
  auto r = client()->Post("/api/v1/session", Json{{"username", username}, {"password", kPassword}}.dump(),
                          "application/json");
  if (!r || r->status != 201) fail("API sign-in as " + username + " failed: " + describe(r));
  const Json j = json_of(*r);
  return {j.value("token", ""), j.value("csrf_token", "")};
}

std::string HttpTest::page_sign_in(const std::string& username) {
  auto c = client();
  auto form = c->Get("/sign-in");
  if (!form || form->status != 200) fail("GET /sign-in failed: " + describe(form));
  const auto pre = set_cookie(*form, "vb_pre");
  if (!pre) fail("GET /sign-in set no vb_pre cookie");
  auto r = c->Post("/sign-in", cookie(std::string("vb_pre=") + *pre),
                   httplib::Params{{"csrf", csrf_field(form->body)},
                                   {"username", username},
                                   {"password", kPassword},
                                   {"next", "/worklist"}});
  if (!r || r->status != 303) fail("page sign-in as " + username + " failed: " + describe(r));
  const auto session = set_cookie(*r, "vb_session");
  if (!session || session->empty()) fail("page sign-in set no vb_session cookie");
  return *session;
}

Json HttpTest::create_patient(const ApiSession& s, const Json& body) {
  auto r = client()->Post("/api/v1/patients", bearer(s.token), body.dump(), "application/json");
  if (!r || r->status != 201) fail("POST /api/v1/patients failed: " + describe(r));
  return json_of(*r);
}

Json HttpTest::create_episode(const ApiSession& s, std::int64_t patient_id, const Json& body) {
  auto r = client()->Post("/api/v1/patients/" + std::to_string(patient_id) + "/episodes",
                          bearer(s.token), body.dump(), "application/json");
  if (!r || r->status != 201) fail("POST episodes failed: " + describe(r));
  return json_of(*r);
}

std::pair<std::int64_t, std::string> HttpTest::episode_awaiting_mdt(const ApiSession& s,
                                                                    std::int64_t site,
                                                                    const std::string& family) {
  const std::string nhs = next_nhs_number();
  const Json p = create_patient(s, patient_json(site, nhs, family));
  const Json e = create_episode(s, p.value("id", 0), referral_json(site));
  const std::int64_t id = e.value("id", std::int64_t{0});
  auto surgeon = app::authenticate(server().ctx(), api_sign_in("surgeon").token);
  EXPECT_TRUE(surgeon.ok());
  if (!surgeon.ok()) return {0, nhs};
  auto a = app::move_episode(server().ctx(), *surgeon, EpisodeId{id},
                             {"assessment", e.value("version", std::int64_t{0}), "", "", ""});
  EXPECT_TRUE(a.ok() && a->moved);
  if (!a.ok()) return {0, nhs};
  auto m = app::move_episode(server().ctx(), *surgeon, EpisodeId{id},
                             {"mdt", a->episode.version, "Assessment recorded on paper (test)", "", ""});
  EXPECT_TRUE(m.ok() && m->moved);
  EXPECT_EQ(server().episode(id)->state, domain::PathwayState::kMdt);
  return {id, nhs};
}

}  // namespace vertebro::http_test
