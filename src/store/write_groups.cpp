#include "store/write_groups.h"

#include "store/sql_tx.h"

namespace vertebro::store {

Status WriteGroups::join(const std::function<Status(Tx&)>& body, bool* wants_room) {
  PendingWrite me;
  me.body = &body;
  std::unique_lock lock(mu_);
  waiting_.push_back(&me);
  while (!me.done) {
    if (leading_) {
      cv_.wait(lock);
      continue;
    }
    leading_ = true;
    std::vector<PendingWrite*> group;
    group.swap(waiting_);
    lock.unlock();
    try {
      run_(group);
    } catch (...) {
      // run_ records what bodies throw; anything else fails the writes it had not finished.
      for (auto* p : group) {
        if (p->result && !p->thrown) p->result = Error::internal("The change was not saved");
      }
    }
    lock.lock();
    for (auto* p : group) p->done = true;
    leading_ = false;
    cv_.notify_all();
  }
  lock.unlock();
  if (me.thrown) std::rethrow_exception(me.thrown);
  if (wants_room != nullptr) *wants_room = me.wants_room;
  return me.result;
}

bool run_in_savepoints(sql::Connection& c, const char* begin, StorageReserve* reserve,
                       const std::vector<PendingWrite*>& group,
                       const std::function<Status(const Status&)>& commit_failed) {
  if (auto s = c.exec_script(begin); !s) {
    for (auto* p : group) p->result = s;
    return false;
  }
  auto fail_all = [&](const Status& s) {
    (void)c.exec_script("ROLLBACK");
    for (auto* q : group) {
      if (q->result && !q->thrown) q->result = s;
    }
    return false;
  };
  bool any = false;
  for (auto* p : group) {
    if (auto s = c.exec_script("SAVEPOINT one_write"); !s) return fail_all(s);
    SqlTx tx(c, reserve);
    try {
      p->result = (*p->body)(tx);
    } catch (...) {
      p->thrown = std::current_exception();
    }
    p->wants_room = tx.wants_reserve();
    if (p->result && !p->thrown) {
      if (auto s = c.exec_script("RELEASE one_write"); !s) return fail_all(s);
      any = true;
      continue;
    }
    if (auto s = c.exec_script("ROLLBACK TO one_write; RELEASE one_write"); !s) {
      return fail_all(s);
    }
  }
  if (!any) {
    (void)c.exec_script("ROLLBACK");
    return false;
  }
  if (auto s = c.exec_script("COMMIT"); !s) {
    const Status answer = commit_failed(s);
    for (auto* p : group) {
      if (p->result && !p->thrown) p->result = answer;
    }
    return false;
  }
  return true;
}

}  // namespace vertebro::store
