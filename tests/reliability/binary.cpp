#include "binary.h"

#include <fcntl.h>
#include <signal.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "support/test_nhs_numbers.h"

namespace vertebro::reliability {

TempFolder::TempFolder(const std::string& stem) {
  static std::atomic<int> counter{0};
  path_ = ::testing::TempDir() + "vertebro_" + stem + "_" + std::to_string(::getpid()) + "_" +
          std::to_string(counter++);
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempFolder::~TempFolder() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill();
}

bool ServerProcess::start() {
  port_ = 0;
  exit_code_.reset();
  const int out = ::open(output_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) return false;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execl(VERTEBRO_BINARY, VERTEBRO_BINARY, "serve", "--db", db_.c_str(), "--port", "0",
            "--threads", "8", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out);
  if (pid < 0) return false;
  pid_ = pid;
  const std::string marker = "listening on http://127.0.0.1:";
  for (int i = 0; i < 2000; ++i) {
    const std::string text = output();
    if (const auto at = text.find(marker); at != std::string::npos) {
      const auto end = text.find('\n', at);
      if (end != std::string::npos) {
        port_ = std::stoi(text.substr(at + marker.size(), end - at - marker.size()));
        return true;
      }
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ServerProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return exit_code_;
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0 && std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

std::string ServerProcess::output() const {
  std::ifstream in(output_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string nhs_number(int index) {
  return test_support::test_nhs_number(index, 600000);
}

namespace {
std::unique_ptr<httplib::Client> loopback_client(int port) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
  c->set_connection_timeout(2, 0);
  c->set_read_timeout(10, 0);
  c->set_write_timeout(10, 0);
  return c;
}
}  // namespace

ApiWriter::ApiWriter(int port, std::string token, bool /*reuse*/)
    : client_(loopback_client(port)), token_(std::move(token)) {}

ApiWriter::ApiWriter(int port, const std::string& username) : client_(loopback_client(port)) {
  const nlohmann::json body{{"username", username}, {"password", kPassword}};
  auto r = client_->Post("/api/v1/session", body.dump(), "application/json");
  if (r && r->status == 201) {
    token_ = nlohmann::json::parse(r->body).value("token", "");
  }
}

std::optional<Acknowledged> ApiWriter::register_patient(std::int64_t site_id,
                                                        const std::string& nhs,
                                                        const std::string& family) {
  const nlohmann::json body{{"site_id", std::to_string(site_id)}, {"nhs_number", nhs},
                            {"family_name", family},           {"given_name", "Drill"},
                            {"date_of_birth", "1944-02-29"},   {"sex", "female"}};
  auto r = client_->Post("/api/v1/patients", auth(), body.dump(), "application/json");
  last_status_ = r ? r->status : 0;
  if (!r || r->status != 201) return std::nullopt;
  const auto j = nlohmann::json::parse(r->body, nullptr, false);
  return Acknowledged{nhs, family, j.value("id", std::int64_t{0}),
                      std::chrono::steady_clock::now()};
}

std::optional<std::int64_t> ApiWriter::register_episode(std::int64_t patient_id,
                                                        std::int64_t site_id,
                                                        const std::string& clinician) {
  const nlohmann::json body{{"site_id", std::to_string(site_id)},
                            {"referring_clinician", clinician},
                            {"referral_date", "2026-11-02"},
                            {"indication", "osteoporotic"},
                            {"levels", "T12, L1"},
                            {"reason", "Painful fracture despite analgesia"}};
  auto r = client_->Post("/api/v1/patients/" + std::to_string(patient_id) + "/episodes", auth(),
                         body.dump(), "application/json");
  last_status_ = r ? r->status : 0;
  if (!r || r->status != 201) return std::nullopt;
  return nlohmann::json::parse(r->body, nullptr, false).value("id", std::int64_t{0});
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string sqlite_value(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    throw std::runtime_error("cannot open " + db);
  }
  sqlite3_busy_timeout(h, 5000);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  int rc = sqlite3_prepare_v2(h, sql.c_str(), -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      out = text != nullptr ? text : "";
      rc = SQLITE_DONE;
    }
  }
  const std::string err = sqlite3_errmsg(h);
  sqlite3_finalize(stmt);
  sqlite3_close(h);
  if (rc != SQLITE_DONE) throw std::runtime_error("SQL failed (" + err + "): " + sql);
  return out;
}

std::string pg_value(const std::string& uri, const std::string& sql) {
  PGconn* c = PQconnectdb(uri.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    const std::string err = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect: " + err);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
  std::string out;
  if (ok && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
  const std::string err = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("SQL failed (" + err + "): " + sql);
  return out;
}

}  // namespace vertebro::reliability
