#pragma once
// Sign-in, sessions and sign-out. Sessions live in the database (so several vertebro
// instances can share them), keyed by the SHA-256 of a random 256-bit token that only the
// browser holds.

#include <string>
#include <string_view>

#include "app/context.h"

namespace vertebro::app {

struct SignedIn {
  std::string token;  // give to the browser; never stored or logged
  Actor actor;
};

// Checks the password (argon2id) and opens a new session. Each attempt is counted against the
// account name as typed, in the same transaction as the lockout check and before the password
// is checked; a success clears the count. Errors: kUnauthenticated with the same message
// whether the user is unknown, disabled or the password is wrong; kRateLimited
// (retry_after_seconds set) once an account name has had `lockout_after_failures` attempts
// without a success, with the wait doubling after each further one. So however many guesses
// arrive at once, at most `lockout_after_failures` are checked against the password hash.
Result<SignedIn> sign_in(const Context& ctx, std::string_view username, std::string_view password);

// The actor behind a session token. kUnauthenticated when the token is unknown, idle for
// longer than the idle timeout, older than the absolute timeout, or its user is disabled.
Result<Actor> authenticate(const Context& ctx, std::string_view token);

// Ends the session (it cannot be used again).
Status sign_out(const Context& ctx, const Actor& actor);

}  // namespace vertebro::app
