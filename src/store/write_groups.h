#pragma once
// Group commit, shared by the SQLite and PostgreSQL stores (docs/architecture.md, "Group
// commit"): write transactions that wait for the writer at the same time are run one after
// another inside one database transaction, each in a savepoint of its own, and committed
// together, so one trip to the disk carries them all. Nobody returns before the commit that
// carries its change, so nothing is acknowledged before it is on disk.

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "base/result.h"
#include "store/sql_connection.h"
#include "store/store.h"

namespace vertebro::store {

class StorageReserve;

// A write transaction waiting for its turn, and what became of it.
struct PendingWrite {
  const std::function<Status(Tx&)>* body = nullptr;
  Status result;
  std::exception_ptr thrown;
  bool done = false;
  bool wants_room = false;  // SqlTx::wants_reserve
};

// Leader and followers: whoever finds no leader runs every write waiting at that moment (its
// own among them) through `run`; the others wait until theirs is done.
class WriteGroups {
 public:
  using Run = std::function<void(const std::vector<PendingWrite*>&)>;
  explicit WriteGroups(Run run) : run_(std::move(run)) {}

  // Returns once the group that carried `body` has been run: the body's status, or rethrows
  // what it threw. `wants_room` (may be nullptr) tells whether it wanted the storage reserve.
  Status join(const std::function<Status(Tx&)>& body, bool* wants_room);

 private:
  Run run_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<PendingWrite*> waiting_;
  bool leading_ = false;
};

// Runs a group of writes in one transaction on `c`: `begin`, each body in a savepoint of its
// own (a body that fails or throws is rolled back to it and answers its own error), then one
// COMMIT. When a savepoint cannot be made, kept or undone (the database may have rolled the
// whole transaction back), nothing is committed and every write not already failed answers that
// error. When the COMMIT fails, `commit_failed` is given its error, rolls back as the backend
// needs, and returns what every write that had succeeded answers instead (its change was not
// saved, or may not have been). True when the group committed something.
bool run_in_savepoints(sql::Connection& c, const char* begin, StorageReserve* reserve,
                       const std::vector<PendingWrite*>& group,
                       const std::function<Status(const Status&)>& commit_failed);

}  // namespace vertebro::store
