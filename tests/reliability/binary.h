#pragma once
// The shipped binary under test, as an operator runs it: `vertebro` commands run to completion,
// `vertebro serve` as a child process that can be stopped or killed (SIGKILL), and an API
// client that registers patients through it, remembering each one the server acknowledged.
// Everything here talks to a real process over a real socket; nothing is mocked.

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/run_command.h"

#ifndef VERTEBRO_BINARY
#error "VERTEBRO_BINARY names the vertebro executable under test"
#endif

namespace vertebro::reliability {

inline constexpr const char* kPassword = "vertebro-demo";

using test_support::CliRun;

// Runs `vertebro args...` to completion.
inline CliRun run_vertebro(const std::vector<std::string>& args) {
  return test_support::run_command(VERTEBRO_BINARY, args);
}

// A folder of its own under the test temp dir, removed when destroyed.
class TempFolder {
 public:
  explicit TempFolder(const std::string& stem);
  ~TempFolder();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// `vertebro serve --db DB --port 0` in a child process. Its standard output and error go to a
// file beside nothing else; start() waits for its "listening on" line.
class ServerProcess {
 public:
  ServerProcess(std::string db, std::string output_file)
      : db_(std::move(db)), output_(std::move(output_file)) {}
  ~ServerProcess();  // kills the process if it still runs

  // Starts the server; true once it listens (port() is then set). False when it exits or does
  // not listen within 20 s: output() says why.
  bool start();
  // SIGTERM and wait; returns the exit code.
  int stop();
  // SIGKILL and wait.
  void kill();
  // Waits up to `timeout` for the process to exit by itself (or returns at once when start()
  // saw it exit); its exit code, or nullopt.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  int port() const { return port_; }
  int pid() const { return pid_; }
  std::string output() const;

 private:
  std::string db_;
  std::string output_;
  int pid_ = -1;
  int port_ = 0;
  std::optional<int> exit_code_;  // when start() saw the process exit
};

// A valid NHS number in the 999 test range, far above the demonstration data's numbers, one per
// index.
std::string nhs_number(int index);

// What a client was told: a patient registered with this NHS number and family name.
struct Acknowledged {
  std::string nhs_number;
  std::string family_name;
  std::int64_t id = 0;
  std::chrono::steady_clock::time_point at;
};

// An API client signed in as one user.
class ApiWriter {
 public:
  // Signs in as `username` (demonstration password).
  ApiWriter(int port, const std::string& username);
  // Uses a session made before (sessions live in the database, so one outlives a restart).
  ApiWriter(int port, std::string token, bool /*reuse*/);
  bool signed_in() const { return !token_.empty(); }
  const std::string& token() const { return token_; }
  // POST /api/v1/patients. The acknowledgement when the server answered 201; nullopt for any
  // other answer or no answer (connection refused or cut).
  std::optional<Acknowledged> register_patient(std::int64_t site_id, const std::string& nhs,
                                               const std::string& family);
  // POST /api/v1/patients/{id}/episodes: the new episode's id when the server answered 201,
  // else nullopt.
  std::optional<std::int64_t> register_episode(std::int64_t patient_id, std::int64_t site_id,
                                               const std::string& clinician);
  httplib::Client& http() { return *client_; }
  httplib::Headers auth() const { return {{"Authorization", "Bearer " + token_}}; }
  int last_status() const { return last_status_; }

 private:
  std::unique_ptr<httplib::Client> client_;
  std::string token_;
  int last_status_ = 0;
};

// The whole content of a file ("" when it cannot be read).
std::string file_bytes(const std::string& path);

// Reads a SQLite file directly (not through vertebro): the first column of the first row of
// `sql` as text, or "" when there is no row. Throws std::runtime_error on SQL errors.
std::string sqlite_value(const std::string& db, const std::string& sql);

// The same on a PostgreSQL connection URI (libpq, as a separate client).
std::string pg_value(const std::string& uri, const std::string& sql);

}  // namespace vertebro::reliability
