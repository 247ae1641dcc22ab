#include "power_cut_vfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace vertebro::store_test {

namespace {

// Our file: the VFS, the kept file's path (empty: not kept), then the real file.
struct ShimFile {
  sqlite3_file base;
  PowerCutVfs* vfs;
  std::string* path;
};

sqlite3_file* real(sqlite3_file* f) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(ShimFile));
}
ShimFile* shim(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f); }

std::int64_t file_size(sqlite3_file* r) {
  sqlite3_int64 size = 0;
  if (r->pMethods->xFileSize(r, &size) != SQLITE_OK) throw std::runtime_error("xFileSize");
  return size;
}

// What [offset, offset + amount) of the real file holds now (the part that exists).
std::string read_region(sqlite3_file* r, std::int64_t offset, std::int64_t amount) {
  const std::int64_t size = file_size(r);
  if (offset >= size) return {};
  const auto n = static_cast<int>(std::min(amount, size - offset));
  std::string bytes(static_cast<std::size_t>(n), '\0');
  const int rc = r->pMethods->xRead(r, bytes.data(), n, offset);
  if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) throw std::runtime_error("xRead");
  return bytes;
}

}  // namespace

// The VFS's callbacks. Every write, truncation and sync of a kept file runs under the VFS's
// mutex, so the undo records stay in the order the writes reached the files.
struct PowerCutCallbacks {
  static PowerCutVfs* self(sqlite3_vfs* v) { return static_cast<PowerCutVfs*>(v->pAppData); }

  // Counts one write or sync; false (and the VFS cut) when the power fails at it.
  static bool powered(PowerCutVfs& v) {
    if (v.cut_) return false;
    if (v.countdown_ > 0 && --v.countdown_ == 0) {
      v.cut_ = true;
      return false;
    }
    return true;
  }

  static int close(sqlite3_file* f) {
    auto* s = shim(f);
    const int rc = real(f)->pMethods ? real(f)->pMethods->xClose(real(f)) : SQLITE_OK;
    delete s->path;
    s->path = nullptr;
    return rc;
  }
  static int read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
    return real(f)->pMethods->xRead(real(f), buf, amount, offset);
  }
  static int write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
    auto* s = shim(f);
    if (s->path == nullptr) return real(f)->pMethods->xWrite(real(f), buf, amount, offset);
    std::lock_guard lock(s->vfs->mu_);
    if (!powered(*s->vfs)) return SQLITE_IOERR_WRITE;
    auto& kept = s->vfs->kept_[*s->path];
    kept.undo.push_back({offset, read_region(real(f), offset, amount)});
    // A write past the end grows the file; what it added goes with the synced size.
    return real(f)->pMethods->xWrite(real(f), buf, amount, offset);
  }
  static int truncate(sqlite3_file* f, sqlite3_int64 size) {
    auto* s = shim(f);
    if (s->path == nullptr) return real(f)->pMethods->xTruncate(real(f), size);
    std::lock_guard lock(s->vfs->mu_);
    if (!powered(*s->vfs)) return SQLITE_IOERR_TRUNCATE;
    const std::int64_t now = file_size(real(f));
    if (size < now) {
      s->vfs->kept_[*s->path].undo.push_back({size, read_region(real(f), size, now - size)});
    }
    return real(f)->pMethods->xTruncate(real(f), size);
  }
  static int sync(sqlite3_file* f, int flags) {
    auto* s = shim(f);
    if (s->path == nullptr) return real(f)->pMethods->xSync(real(f), flags);
    std::lock_guard lock(s->vfs->mu_);
    if (!powered(*s->vfs)) return SQLITE_IOERR_FSYNC;
    const int rc = real(f)->pMethods->xSync(real(f), flags);
    if (rc == SQLITE_OK) {
      // The whole file is on disk now, whichever connection wrote it.
      auto& kept = s->vfs->kept_[*s->path];
      kept.undo.clear();
      kept.synced_size = file_size(real(f));
      ++s->vfs->syncs_;
    }
    return rc;
  }
  static int file_size_cb(sqlite3_file* f, sqlite3_int64* size) {
    return real(f)->pMethods->xFileSize(real(f), size);
  }
  static int lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
  static int unlock(sqlite3_file* f, int level) {
    return real(f)->pMethods->xUnlock(real(f), level);
  }
  static int check_reserved(sqlite3_file* f, int* out) {
    return real(f)->pMethods->xCheckReservedLock(real(f), out);
  }
  static int file_control(sqlite3_file* f, int op, void* arg) {
    // A size hint would grow the file behind the VFS's back; the hint is only an optimisation.
    if (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE) return SQLITE_OK;
    return real(f)->pMethods->xFileControl(real(f), op, arg);
  }
  static int sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
  static int device_characteristics(sqlite3_file* f) {
    return real(f)->pMethods->xDeviceCharacteristics(real(f));
  }
  static int shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
  }
  static int shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
  }
  static void shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
  static int shm_unmap(sqlite3_file* f, int del) {
    return real(f)->pMethods->xShmUnmap(real(f), del);
  }
  static int fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
    *out = nullptr;  // no memory-mapped reads: every read goes through xRead
    return SQLITE_OK;
  }
  static int unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

  static const sqlite3_io_methods* methods() {
    static const sqlite3_io_methods m = {
        3,         close,         read,           write,        truncate,    sync,
        file_size_cb, lock,       unlock,         check_reserved, file_control, sector_size,
        device_characteristics, shm_map, shm_lock, shm_barrier, shm_unmap,  fetch,
        unfetch};
    return &m;
  }

  static int open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    auto* vfs = self(v);
    auto* s = shim(f);
    s->vfs = vfs;
    s->path = nullptr;
    f->pMethods = nullptr;
    const int rc = vfs->base_->xOpen(vfs->base_, name, real(f), flags, out_flags);
    if (rc != SQLITE_OK) return rc;
    f->pMethods = methods();
    const int kept_kinds = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL;
    if (name != nullptr && (flags & kept_kinds) != 0) {
      s->path = new std::string(name);
      std::lock_guard lock(vfs->mu_);
      if (!vfs->kept_.contains(*s->path)) {
        // A file met for the first time is taken as on disk as it stands.
        vfs->kept_[*s->path].synced_size = file_size(real(f));
      }
    }
    return SQLITE_OK;
  }

  static int remove(sqlite3_vfs* v, const char* name, int sync_dir) {
    auto* vfs = self(v);
    std::unique_lock lock(vfs->mu_);
    if (vfs->cut_) return SQLITE_IOERR_DELETE;
    vfs->kept_.erase(name);
    lock.unlock();
    return vfs->base_->xDelete(vfs->base_, name, sync_dir);
  }
  static int access(sqlite3_vfs* v, const char* name, int flags, int* out) {
    return self(v)->base_->xAccess(self(v)->base_, name, flags, out);
  }
  static int full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
    return self(v)->base_->xFullPathname(self(v)->base_, name, n, out);
  }
  static int randomness(sqlite3_vfs* v, int n, char* out) {
    return self(v)->base_->xRandomness(self(v)->base_, n, out);
  }
  static int sleep(sqlite3_vfs* v, int micro) { return self(v)->base_->xSleep(self(v)->base_, micro); }
  static int current_time(sqlite3_vfs* v, double* out) {
    return self(v)->base_->xCurrentTime(self(v)->base_, out);
  }
  static int last_error(sqlite3_vfs* v, int n, char* out) {
    return self(v)->base_->xGetLastError(self(v)->base_, n, out);
  }
  static int current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
    return self(v)->base_->xCurrentTimeInt64(self(v)->base_, out);
  }
};

PowerCutVfs::PowerCutVfs() {
  base_ = sqlite3_vfs_find(nullptr);
  if (base_ == nullptr) throw std::runtime_error("no default SQLite VFS");
  vfs_.iVersion = 2;
  vfs_.szOsFile = static_cast<int>(sizeof(ShimFile)) + base_->szOsFile;
  vfs_.mxPathname = base_->mxPathname;
  vfs_.zName = "vertebro-power-cut";
  vfs_.pAppData = this;
  vfs_.xOpen = PowerCutCallbacks::open;
  vfs_.xDelete = PowerCutCallbacks::remove;
  vfs_.xAccess = PowerCutCallbacks::access;
  vfs_.xFullPathname = PowerCutCallbacks::full_pathname;
  vfs_.xRandomness = PowerCutCallbacks::randomness;
  vfs_.xSleep = PowerCutCallbacks::sleep;
  vfs_.xCurrentTime = PowerCutCallbacks::current_time;
  vfs_.xGetLastError = PowerCutCallbacks::last_error;
  vfs_.xCurrentTimeInt64 = PowerCutCallbacks::current_time_int64;
  if (sqlite3_vfs_register(&vfs_, 1) != SQLITE_OK) throw std::runtime_error("vfs_register");
}

PowerCutVfs::~PowerCutVfs() {
  sqlite3_vfs_unregister(&vfs_);
  sqlite3_vfs_register(base_, 1);
}

void PowerCutVfs::arm(std::int64_t n) {
  std::lock_guard lock(mu_);
  countdown_ = n;
  cut_ = false;
}

bool PowerCutVfs::cut() const {
  std::lock_guard lock(mu_);
  return cut_;
}

std::int64_t PowerCutVfs::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

std::int64_t PowerCutVfs::reboot() {
  std::lock_guard lock(mu_);
  std::int64_t dropped = 0;
  for (auto& [path, kept] : kept_) {
    const int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0) continue;  // deleted before the cut
    for (auto it = kept.undo.rbegin(); it != kept.undo.rend(); ++it) {
      dropped += static_cast<std::int64_t>(it->bytes.size());
      if (!it->bytes.empty() &&
          ::pwrite(fd, it->bytes.data(), it->bytes.size(), it->offset) !=
              static_cast<ssize_t>(it->bytes.size())) {
        ::close(fd);
        throw std::runtime_error("reboot: cannot restore " + path);
      }
    }
    const auto size = static_cast<std::int64_t>(::lseek(fd, 0, SEEK_END));
    if (size > kept.synced_size) dropped += size - kept.synced_size;
    if (::ftruncate(fd, kept.synced_size) != 0) {
      ::close(fd);
      throw std::runtime_error("reboot: cannot truncate " + path);
    }
    ::close(fd);
    kept.undo.clear();
    std::error_code ec;
    std::filesystem::remove(path + "-shm", ec);
  }
  countdown_ = 0;
  cut_ = false;
  return dropped;
}

}  // namespace vertebro::store_test
