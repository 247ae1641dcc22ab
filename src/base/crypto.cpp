#include "base/crypto.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <vector>

namespace vertebro::crypto {

namespace {
std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}
}  // namespace

bool init() { return sodium_init() >= 0; }

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  return to_hex(md.data(), len);
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return to_hex(buf.data(), buf.size());
}

namespace {
std::atomic<PasswordCost> password_cost{PasswordCost::kInteractive};
}  // namespace

void set_password_cost(PasswordCost cost) { password_cost.store(cost); }

std::string hash_password(std::string_view password) {
  const bool minimum = password_cost.load() == PasswordCost::kTestOnlyMinimum;
  const unsigned long long ops =
      minimum ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const std::size_t mem = minimum ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return {};
  }
  return std::string(out.data());
}

bool verify_password(std::string_view password, const std::string& hash) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {
// Exactly `out.size()` bytes from lower- or upper-case hex, or false.
template <std::size_t N>
bool from_hex(std::string_view hex, std::array<unsigned char, N>& out) {
  if (hex.size() != 2 * N) return false;
  std::size_t len = 0;
  const char* end = nullptr;
  return sodium_hex2bin(out.data(), N, hex.data(), hex.size(), nullptr, &len, &end) == 0 &&
         len == N && end == hex.data() + hex.size();
}
}  // namespace

SigningKey SigningKey::generate() {
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  randombytes_buf(seed.data(), seed.size());
  auto key = from_seed_hex(to_hex(seed.data(), seed.size()));
  sodium_memzero(seed.data(), seed.size());
  return std::move(*key);
}

std::optional<SigningKey> SigningKey::from_seed_hex(std::string_view seed_hex) {
  static_assert(crypto_sign_SECRETKEYBYTES == 64 && crypto_sign_PUBLICKEYBYTES == 32);
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  if (!from_hex(seed_hex, seed)) return std::nullopt;
  SigningKey key;
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  crypto_sign_seed_keypair(pk.data(), key.secret_.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  key.public_hex_ = to_hex(pk.data(), pk.size());
  return key;
}

SigningKey::SigningKey(SigningKey&& other) noexcept
    : secret_(other.secret_), public_hex_(std::move(other.public_hex_)) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    public_hex_ = std::move(other.public_hex_);
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

std::string SigningKey::seed_hex() const { return to_hex(secret_.data(), crypto_sign_SEEDBYTES); }

std::string SigningKey::sign_hex(std::string_view message) const {
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_.data());
  return to_hex(sig.data(), sig.size());
}

bool verify_signature(std::string_view public_hex, std::string_view message,
                      std::string_view signature_hex) {
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  if (!from_hex(public_hex, pk) || !from_hex(signature_hex, sig)) return false;
  return crypto_sign_verify_detached(sig.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), pk.data()) == 0;
}

}  // namespace vertebro::crypto
