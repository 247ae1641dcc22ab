#pragma once
// vertebro's web server: HTML pages, the JSON API under /api/v1/ and /healthz, over
// cpp-httplib. The header keeps httplib out of every file that includes it.

#include <memory>
#include <string>

#include "app/context.h"
#include "base/result.h"

namespace vertebro::http {

struct ServerOptions {
  std::string static_dir;        // holds static/ and assets/ (built web assets)
  bool secure_cookies = false;   // add Secure to cookies (behind TLS)
  int threads = 24;              // request threads; keep above browsers' 6 connections per host
  std::size_t max_body = 1 << 20;  // request bodies above this get 413
  std::string chromium = "/usr/bin/chromium";  // prints PDFs (http/pdf.h)
};

// Thread-safe: start with bind(), then run() on one thread and stop() from another.
class Server {
 public:
  Server(const app::Context& ctx, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds to `host`:`port` (0 = any free port) and returns the port. kInternal on failure.
  Result<int> bind(const std::string& host, int port);
  // Serves until stop(). Returns false if the server failed.
  bool run();
  // Stops a running server; waits until run() could have started first.
  void stop();
  bool running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vertebro::http
