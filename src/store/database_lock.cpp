#include "store/database_lock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vertebro::store {

namespace {

// Byte 0: held exclusively by the one server. Byte 1: held shared by every vertebro process
// that has the file open, exclusively by a restore.
constexpr off_t kServerByte = 0;
constexpr off_t kUsersByte = 1;

bool lock_byte(int fd, off_t byte, short type) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = byte;
  fl.l_len = 1;
  fl.l_pid = 0;
  return ::fcntl(fd, F_OFD_SETLK, &fl) == 0;
}

// The process id a server wrote into the lock file, or "" when none is there.
std::string server_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string text(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

Error held(const std::string& path, const std::string& why) {
  return Error{Errc::kBusy, "The database " + path + " " + why, {}, 0, 0};
}

}  // namespace

std::optional<std::string> sqlite_file_of(const std::string& target) {
  if (target.rfind("postgres://", 0) == 0 || target.rfind("postgresql://", 0) == 0) {
    return std::nullopt;
  }
  if (target.rfind("sqlite:", 0) == 0) return target.substr(7);
  return target;
}

Result<DatabaseLock> DatabaseLock::acquire(const std::string& target, LockUse use) {
  const auto path = sqlite_file_of(target);
  if (!path || path->empty() || path->front() == ':') return DatabaseLock(-1);
  const std::string lock_path = *path + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    if (use == LockUse::kUse && (err == EACCES || err == EROFS)) return DatabaseLock(-1);
    return Error::internal("Cannot create the lock file " + lock_path + ": " +
                           std::strerror(err));
  }
  DatabaseLock lock(fd);
  const std::string pid = server_pid(fd);
  const std::string server = pid.empty() ? "a vertebro server" : "vertebro server process " + pid;
  switch (use) {
    case LockUse::kServe:
      if (!lock_byte(fd, kUsersByte, F_RDLCK)) {
        return held(*path, "is being restored; start the server when the restore has finished.");
      }
      if (!lock_byte(fd, kServerByte, F_WRLCK)) {
        return held(*path, "is already served by " + server +
                               ". Only one vertebro server may use a SQLite database; stop the "
                               "other one first (for several instances, use PostgreSQL).");
      }
      // For the message another process gives; the lock itself is what counts.
      if (const std::string line = std::to_string(::getpid()) + "\n";
          ::ftruncate(fd, 0) != 0 || ::pwrite(fd, line.data(), line.size(), 0) < 0) {
        return Error::internal("Cannot write the lock file " + lock_path);
      }
      return lock;
    case LockUse::kUse:
      if (!lock_byte(fd, kUsersByte, F_RDLCK)) {
        return held(*path, "is being restored; try again when the restore has finished.");
      }
      return lock;
    case LockUse::kReplace:
      if (!lock_byte(fd, kServerByte, F_WRLCK)) {
        return held(*path, "is in use by " + server + "; stop it before restoring.");
      }
      if (!lock_byte(fd, kUsersByte, F_WRLCK)) {
        return held(*path, "is in use by another vertebro command; wait for it to finish "
                           "before restoring.");
      }
      return lock;
  }
  return Error::internal("Unknown lock use");
}

DatabaseLock& DatabaseLock::operator=(DatabaseLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DatabaseLock::~DatabaseLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace vertebro::store
