#pragma once
// Hashing and secrets: SHA-256 (OpenSSL), random tokens and argon2id password hashes (libsodium).
// All functions are thread-safe once crypto_init() has returned true.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace vertebro::crypto {

// Initialises libsodium. Call once at start; returns false if the library cannot start.
bool init();

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

// `bytes` random bytes from the OS generator, as lower-case hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);

// argon2id hash in libsodium's string form ("$argon2id$v=19$..."). At the normal cost, about
// 0.1 s and 64 MiB. Returns an empty string only if memory could not be allocated.
std::string hash_password(std::string_view password);

// The work of the argon2id hashes hash_password() makes. kInteractive (libsodium's interactive
// limits: 2 passes over 64 MiB) is vertebro's, and the default. kTestOnlyMinimum (libsodium's
// minimum: 1 pass over 8 KiB) lets a test suite that signs in hundreds of times spend its time
// on what it tests rather than on hashing; the hash is still argon2id through the same calls.
// Each hash string carries its own cost, so verify_password() needs no setting. Nothing under
// src/ other than this file may name kTestOnlyMinimum (tests/check_password_cost.cmake).
enum class PasswordCost { kInteractive, kTestOnlyMinimum };
// Sets the cost of the hashes made from now on, for the whole process.
void set_password_cost(PasswordCost cost);

// True when `password` matches `hash`. A malformed hash is a mismatch.
bool verify_password(std::string_view password, const std::string& hash);

// Compares two strings in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// An Ed25519 signing key (libsodium; RFC 8032), made from a 32-byte seed. The secret stays
// inside the object, which wipes it when destroyed; only seed_hex() gives it out, for writing
// the key file. Signatures are deterministic. Movable, not copyable; sign() is thread-safe.
class SigningKey {
 public:
  // A new key from the OS random generator.
  static SigningKey generate();
  // The key of a seed given as 64 hex digits; nullopt when it is not that.
  static std::optional<SigningKey> from_seed_hex(std::string_view seed_hex);

  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  // The public key as 64 lower-case hex digits.
  const std::string& public_hex() const { return public_hex_; }
  // The secret seed as 64 lower-case hex digits. Only for writing the key file.
  std::string seed_hex() const;
  // The detached signature of `message` as 128 lower-case hex digits.
  std::string sign_hex(std::string_view message) const;

 private:
  SigningKey() = default;
  std::array<unsigned char, 64> secret_{};  // libsodium's secret key: seed, then public key
  std::string public_hex_;
};

// True when `signature_hex` (128 hex digits) is a valid Ed25519 signature of `message` by
// `public_hex` (64 hex digits). Malformed keys or signatures are false.
bool verify_signature(std::string_view public_hex, std::string_view message,
                      std::string_view signature_hex);

}  // namespace vertebro::crypto
