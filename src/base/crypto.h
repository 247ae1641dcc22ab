#pragma once
// Hashing and secrets: SHA-256 (OpenSSL), random tokens and argon2id password hashes (libsodium).
// All functions are thread-safe once crypto_init() has returned true.

#include <string>
#include <string_view>

namespace vertebro::crypto {

// Initialises libsodium. Call once at start; returns false if the library cannot start.
bool init();

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

// `bytes` random bytes from the OS generator, as lower-case hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);

// argon2id hash in libsodium's string form ("$argon2id$v=19$..."). About 0.1 s and 64 MiB.
// Returns an empty string only if memory could not be allocated.
std::string hash_password(std::string_view password);

// True when `password` matches `hash`. A malformed hash is a mismatch.
bool verify_password(std::string_view password, const std::string& hash);

// Compares two strings in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace vertebro::crypto
