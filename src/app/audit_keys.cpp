#include "app/audit_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vertebro::app {

namespace {

constexpr std::string_view kSecretPrefix = "vertebro-audit-secret-key ed25519 ";
constexpr std::string_view kPublicPrefix = "vertebro-audit-public-key ed25519 ";

Error bad(const std::string& field, const std::string& message) {
  return Error::invalid({{field, message}}, "The audit key or checkpoint files cannot be used");
}

// Writes `text` to a new file with `mode`; never replaces an existing one.
Status write_new_file(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return bad("out", errno == EEXIST ? path + " exists already; vertebro never replaces a key file"
                                      : "Cannot create " + path + ": " + std::strerror(errno));
  }
  // The mode given to open() is reduced by the umask; set it exactly.
  const bool ok = ::fchmod(fd, mode) == 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return bad("out", "Cannot write " + path);
  return {};
}

// The text after `prefix` on the file's first line, or "" when the file does not start so.
std::string after_prefix(const std::string& path, std::string_view prefix) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return {};
  if (line.rfind(prefix, 0) != 0) return {};
  std::string rest = line.substr(prefix.size());
  while (!rest.empty() && (rest.back() == '\r' || rest.back() == ' ')) rest.pop_back();
  return rest;
}

bool all_hex(const std::string& s) {
  return s.size() == 64 &&
         s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

}  // namespace

Result<AuditKeyFiles> create_audit_key(const std::string& path) {
  if (path.empty()) return bad("out", "Name the file for the new secret key");
  AuditKeyFiles files{path, path + ".pub", ""};
  if (std::filesystem::exists(files.public_path)) {
    return bad("out", files.public_path + " exists already; vertebro never replaces a key file");
  }
  const auto key = crypto::SigningKey::generate();
  files.key_id = domain::audit_key_id(key.public_hex());
  std::string secret = std::string(kSecretPrefix) + key.seed_hex() + "\n";
  auto written = write_new_file(files.secret_path, secret, 0600);
  std::fill(secret.begin(), secret.end(), '\0');
  if (!written) return std::move(written).error();
  if (auto s = write_new_file(files.public_path,
                              std::string(kPublicPrefix) + key.public_hex() + "\n", 0644);
      !s) {
    return std::move(s).error();
  }
  return files;
}

Result<crypto::SigningKey> load_audit_key(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return bad("audit-key", "Cannot read the audit key file " + path + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    std::ostringstream mode;
    mode << std::oct << (st.st_mode & 0777);
    return bad("audit-key", "The audit key file " + path + " has mode 0" + mode.str() +
                                ": others may read it. Run chmod 600 " + path + ".");
  }
  std::string seed = after_prefix(path, kSecretPrefix);
  auto key = crypto::SigningKey::from_seed_hex(seed);
  std::fill(seed.begin(), seed.end(), '\0');
  if (!key) {
    return bad("audit-key", path + " is not a vertebro audit secret key file (make one with "
                                   "vertebro audit keygen)");
  }
  return std::move(*key);
}

Result<domain::TrustedKeys> load_trusted_keys(const std::vector<std::string>& items) {
  domain::TrustedKeys keys;
  for (const auto& item : items) {
    std::error_code ec;
    if (std::filesystem::is_directory(item, ec)) {
      int found = 0;
      for (const auto& entry : std::filesystem::directory_iterator(item, ec)) {
        if (entry.path().extension() != ".pub") continue;
        if (!keys.add(after_prefix(entry.path().string(), kPublicPrefix))) {
          return bad("public-key", entry.path().string() + " is not a vertebro audit public key");
        }
        ++found;
      }
      if (found == 0) return bad("public-key", item + " holds no public key file (*.pub)");
    } else if (std::filesystem::exists(item, ec)) {
      if (!keys.add(after_prefix(item, kPublicPrefix))) {
        return bad("public-key", item + " is not a vertebro audit public key");
      }
    } else if (!all_hex(item) || !keys.add(item)) {
      return bad("public-key", item + " is neither a public key file nor a public key");
    }
  }
  return keys;
}

Result<std::vector<domain::AuditCheckpoint>> read_checkpoint_files(
    const std::vector<std::string>& paths) {
  std::vector<domain::AuditCheckpoint> out;
  for (const auto& path : paths) {
    std::ifstream in(path);
    if (!in) return bad("checkpoints", "Cannot read " + path);
    std::string line;
    while (std::getline(in, line)) {
      if (auto c = domain::parse_checkpoint_line(line)) out.push_back(std::move(*c));
    }
  }
  return out;
}

Status append_checkpoint_line(const std::string& path, const domain::AuditCheckpoint& c) {
  const std::string line = domain::checkpoint_line(c) + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error{Errc::kUnavailable,
                 "Cannot open the checkpoint file " + path + ": " + std::strerror(errno), {}, 0, 0};
  }
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    return Error{Errc::kUnavailable, "Cannot write the checkpoint file " + path, {}, 0, 0};
  }
  return {};
}

}  // namespace vertebro::app
