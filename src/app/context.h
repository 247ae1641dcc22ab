#pragma once
// What every use case needs: the store, the clock and the unit's settings; the signed-in
// user (Actor); and the transaction runner, the only place that retries busy databases.

#include <chrono>
#include <functional>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "domain/user.h"

// The store stays behind app/: the faces that include this header cannot reach it, and the
// use cases include store/store.h themselves.
namespace vertebro::store {
class Store;
class Tx;
}  // namespace vertebro::store

namespace vertebro::app {

struct Settings {
  std::chrono::seconds session_idle{30 * 60};
  std::chrono::seconds session_absolute{12 * 60 * 60};
  int lockout_after_failures = 5;
  std::chrono::seconds lockout_base{30};  // doubles with each further failure
  std::chrono::seconds lockout_max{60 * 60};
  int worklist_page_size = 50;
  // Registering an NHS number already registered at sites the user does not work at tells the
  // user that the person is a patient elsewhere: at most this many such attempts per user in a
  // window (which starts at the first attempt), then no registrations until the window ends.
  int duplicate_elsewhere_limit = 10;
  std::chrono::seconds duplicate_elsewhere_window{24 * 60 * 60};
};

// Shared by all request threads; the Store and Clock must outlive it. Thread-safe.
class Context {
 public:
  Context(store::Store& store, const Clock& clock, Settings settings = {})
      : store_(store), clock_(clock), settings_(settings) {}

  store::Store& store() const { return store_; }
  const Clock& clock() const { return clock_; }
  const Settings& settings() const { return settings_; }
  std::string now_text() const { return format_timestamp(clock_.now()); }

  // Runs `body` in a transaction, retrying up to 6 times with growing back-off while the
  // database answers kBusy. Any other error, or success, returns at once.
  Status write(const std::function<Status(store::Tx&)>& body) const;
  Status read(const std::function<Status(store::Tx&)>& body) const;

 private:
  store::Store& store_;
  const Clock& clock_;
  Settings settings_;
};

// The signed-in user behind a request.
struct Actor {
  domain::User user;
  std::string session_hash;  // SHA-256 of the session token
  std::string csrf_token;
};

// The system itself (command line, demo data): user id 0.
Actor system_actor(const std::string& name);

}  // namespace vertebro::app
