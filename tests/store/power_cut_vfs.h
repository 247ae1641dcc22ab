#pragma once
// A power cut for SQLite, in the process (issue 13, point 2; docs/reliability.md, "Power
// cuts"). PowerCutVfs wraps the default VFS and becomes the default while it lives, so every
// connection the store opens goes through it. Writes reach the real files as usual, but for
// the database, its write-ahead log and any rollback journal the VFS keeps what each write
// overwrote since that file's last successful sync. After the cut, chosen as the Nth write or
// sync from arming, every write, sync, truncation and deletion fails as an I/O error, as on a
// machine that has lost power; reboot() then puts every file back as it was at its last sync,
// which is all a disk promises to keep, and removes the shared-memory index, as a reboot does.
//
// What it does not model: a write the disk kept although it was never synced (the worst case,
// dropping every unsynced write, is the one that loses acknowledged saves), torn sectors, and
// a file created or deleted without a directory sync (creation and deletion count as durable).

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace vertebro::store_test {

class PowerCutVfs {
 public:
  PowerCutVfs();  // registers itself as SQLite's default VFS
  ~PowerCutVfs();  // unregisters; the previous default is the default again
  PowerCutVfs(const PowerCutVfs&) = delete;
  PowerCutVfs& operator=(const PowerCutVfs&) = delete;

  // The power fails at the `n`th write or sync of a kept file from now (n >= 1): that
  // operation and every one after it fail without touching the disk.
  void arm(std::int64_t n);
  bool cut() const;
  // After every connection is closed: each kept file back to its content at its last sync;
  // "-shm" files removed. Then writes succeed again (disarmed). Returns the bytes dropped.
  std::int64_t reboot();

  std::int64_t syncs() const;  // successful syncs of kept files so far

 private:
  friend struct PowerCutCallbacks;
  struct Undo {
    std::int64_t offset;
    std::string bytes;  // what was there before
  };
  struct Kept {
    std::int64_t synced_size = 0;
    std::vector<Undo> undo;  // oldest first
  };
  mutable std::mutex mu_;
  sqlite3_vfs vfs_{};
  sqlite3_vfs* base_ = nullptr;
  std::map<std::string, Kept> kept_;
  std::int64_t countdown_ = 0;  // 0: not armed
  bool cut_ = false;
  std::int64_t syncs_ = 0;
};

}  // namespace vertebro::store_test
