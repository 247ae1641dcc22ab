#include "app/sessions.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "app/audit_trail.h"
#include "base/crypto.h"
#include "base/log.h"
#include "store/store.h"

namespace vertebro::app {

namespace {

constexpr const char* kWrongCredentials = "The user name or password is not right";

std::string throttle_key(std::string_view username) {
  std::string key(username.substr(0, 100));
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return key;
}

// A hash to verify against when the user is unknown, so that both paths take as long.
const std::string& dummy_hash() {
  static const std::string hash = crypto::hash_password("vertebro-timing-equaliser");
  return hash;
}

Error rate_limited(std::int64_t seconds) {
  Error e{Errc::kRateLimited,
          "Too many failed sign-ins for this account. Wait before trying again.", {}, 0, 0};
  e.retry_after_seconds = static_cast<int>(std::max<std::int64_t>(1, seconds));
  return e;
}

Error unauthenticated(std::string msg) {
  return Error{Errc::kUnauthenticated, std::move(msg), {}, 0, 0};
}

}  // namespace

Result<SignedIn> sign_in(const Context& ctx, std::string_view username, std::string_view password) {
  const std::string key = throttle_key(username);
  if (key.empty() || password.empty() || password.size() > 1024) {
    return unauthenticated(kWrongCredentials);
  }
  // One write transaction checks the lock and counts this attempt before the password is
  // checked, so parallel guesses are counted one after another (the counter's row is locked)
  // and at most lockout_after_failures of them ever reach the password hash; a success clears
  // the count. The slow hash runs outside any transaction so it never holds the database.
  const auto now = ctx.clock().now();
  const auto& st = ctx.settings();
  std::optional<store::UserRecord> user;
  std::optional<Error> locked;
  int failures = 0;  // this attempt included, were it to fail
  auto counted = ctx.write([&](store::Tx& tx) -> Status {
    locked.reset();
    auto t = tx.lock_throttle(key);
    if (!t) return std::move(t).error();
    TimePoint locked_until{};
    if (parse_timestamp(t->locked_until, locked_until) && locked_until > now) {
      locked = rate_limited((locked_until - now).count());
      return {};
    }
    failures = t->failures + 1;
    store::ThrottleRecord next{failures, ""};
    if (failures >= st.lockout_after_failures) {
      std::chrono::seconds wait =
          st.lockout_base * (1LL << std::min(failures - st.lockout_after_failures, 16));
      next.locked_until = format_timestamp(now + std::min(wait, st.lockout_max));
    }
    if (auto p = tx.put_throttle(key, next); !p) return p;
    auto u = tx.find_user_by_name(std::string(username.substr(0, 100)));
    if (!u) return std::move(u).error();
    user = std::move(*u);
    return {};
  });
  if (!counted) return std::move(counted).error();
  if (locked) return std::move(*locked);

  const bool usable = user.has_value() && !user->user.disabled;
  const bool match = crypto::verify_password(password, usable ? user->password_hash : dummy_hash());
  if (!usable || !match) {
    auto s = ctx.write([&](store::Tx& tx) -> Status {
      Actor who = system_actor(key);
      if (user) who.user.id = user->user.id;
      return audit(tx, ctx, who, "sign_in_failed", {"user", who.user.id.value, 0, 0},
                   nlohmann::json{{"failures", failures}}.dump());
    });
    if (!s) return std::move(s).error();
    log::warn("sign-in failed for account '{}' ({} in a row)", key, failures);
    return unauthenticated(kWrongCredentials);
  }

  SignedIn out;
  out.token = crypto::random_hex(32);
  out.actor.user = user->user;
  out.actor.session_hash = crypto::sha256_hex(out.token);
  out.actor.csrf_token = crypto::random_hex(32);
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    if (auto c = tx.clear_throttle(key); !c) return c;
    const auto at = ctx.now_text();
    if (auto i = tx.insert_session({out.actor.session_hash, out.actor.user.id,
                                    out.actor.csrf_token, at, at});
        !i) {
      return i;
    }
    return audit(tx, ctx, out.actor, "sign_in", {"user", out.actor.user.id.value, 0, 0});
  });
  if (!s) return std::move(s).error();
  log::info("user {} signed in", out.actor.user.username);
  return out;
}

Result<Actor> authenticate(const Context& ctx, std::string_view token) {
  if (token.size() != 64) return unauthenticated("Sign in to continue");
  const std::string hash = crypto::sha256_hex(token);
  std::optional<store::SessionRecord> session;
  std::optional<domain::User> user;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto f = tx.find_session(hash);
    if (!f) return std::move(f).error();
    session = std::move(*f);
    if (!session) return {};
    auto u = tx.find_user(session->user);
    if (!u) return std::move(u).error();
    user = std::move(*u);
    return {};
  });
  if (!s) return std::move(s).error();
  if (!session) return unauthenticated("Sign in to continue");

  const auto now = ctx.clock().now();
  TimePoint created{}, seen{};
  const bool readable = parse_timestamp(session->created_at, created) &&
                        parse_timestamp(session->last_seen_at, seen);
  const auto& st = ctx.settings();
  const bool expired = !readable || now - seen > st.session_idle ||
                       now - created > st.session_absolute;
  if (expired || !user || user->disabled) {
    (void)ctx.write([&](store::Tx& tx) { return tx.delete_session(hash); });
    return unauthenticated(expired ? "Your session has ended. Sign in again."
                                   : "Sign in to continue");
  }
  // Record activity at most once a minute, to keep writes off the read path.
  if (now - seen >= std::chrono::seconds(60)) {
    (void)ctx.write([&](store::Tx& tx) { return tx.touch_session(hash, format_timestamp(now)); });
  }
  Actor a;
  a.user = std::move(*user);
  a.session_hash = hash;
  a.csrf_token = session->csrf_token;
  return a;
}

Status sign_out(const Context& ctx, const Actor& actor) {
  return ctx.write([&](store::Tx& tx) -> Status {
    if (auto d = tx.delete_session(actor.session_hash); !d) return d;
    return audit(tx, ctx, actor, "sign_out", {"user", actor.user.id.value, 0, 0});
  });
}

}  // namespace vertebro::app
