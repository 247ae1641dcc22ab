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

// Checks the password (argon2id) and opens a new session.
// Errors: kUnauthenticated with the same message whether the user is unknown, disabled or the
// password is wrong; kRateLimited (retry_after_seconds set) once an account name has had
// `lockout_after_failures` failures in a row, with the wait doubling after each further one.
Result<SignedIn> sign_in(const Context& ctx, std::string_view username, std::string_view password);

// The actor behind a session token. kUnauthenticated when the token is unknown, idle for
// longer than the idle timeout, older than the absolute timeout, or its user is disabled.
Result<Actor> authenticate(const Context& ctx, std::string_view token);

// Ends the session (it cannot be used again).
Status sign_out(const Context& ctx, const Actor& actor);

}  // namespace vertebro::app
