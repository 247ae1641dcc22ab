#pragma once
// Fault injection at the sql::Connection seam: a connection that forwards every statement to
// the real one (SQLite or PostgreSQL) except those a FaultPlan says to fail. Tests and drills
// put a store's connections behind one plan (OpenOptions::wrap_connection = wrapper(plan))
// and add rules while it runs: "the first two INSERTs into patients find the database busy",
// "the COMMIT of a transaction that inserted a transition fails", "lose the connection just
// before this statement". Nothing else in vertebro uses it; the shipped binary carries no plan.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "store/sql_connection.h"
#include "store/store.h"

namespace vertebro::store::faults {

// Rule::times for a rule that never runs out.
inline constexpr int kAlways = -1;

// Which statements a rule hits, and what it does to them.
struct Rule {
  // A statement is hit when its SQL contains this text ("COMMIT", "INSERT INTO audit_log").
  std::string match;
  // And, when not empty, only inside a transaction that has already run a statement
  // containing this text: {match "COMMIT", after "INSERT INTO patients"} fails the commit of
  // a patient's registration and no other commit.
  std::string after;
  int skip = 0;   // hits let through before the rule acts
  int times = 1;  // hits it acts on after that; kAlways for every one
  // What a hit returns instead of running. Ignored when run_first is set.
  Error error;
  // When not empty: on a hit, run this SQL on the real connection first (its result is
  // ignored), then let the statement through, so it meets whatever run_first did to the
  // connection ("SELECT pg_terminate_backend(pg_backend_pid())" loses it at that moment).
  std::string run_first;
};

// Errors as the backends report them.
Error busy();         // kBusy: the database is locked / could not serialise
Error disk_full();    // kUnavailable: the database could not be written
Error broken();       // kInternal: a statement failed for another reason

// The rules shared by every connection of a store. Thread-safe.
class FaultPlan {
 public:
  void add(Rule rule);
  // Removes every rule; the counts stay.
  void clear();
  // How many statements the rules have acted on so far.
  int injected() const;
  // How many statements containing `text` have run or been hit so far (all connections).
  int seen(std::string_view text) const;

  // For FaultyConnection: what to do with `sql`, given the statements run so far in the
  // current transaction of that connection.
  struct Action {
    std::optional<Error> fail;
    std::string run_first;
  };
  Action decide(std::string_view sql, const std::vector<std::string>& in_transaction);

 private:
  struct Live {
    Rule rule;
    int hits = 0;
  };
  mutable std::mutex mu_;
  std::vector<Live> rules_;
  std::unordered_map<std::string, int> seen_;  // by statement text (parameters apart)
  int injected_ = 0;
};

// Forwards to `inner` (which must outlive it) unless `plan` says otherwise. Used by one thread
// at a time, like the connection it wraps.
class FaultyConnection final : public sql::Connection {
 public:
  FaultyConnection(sql::Connection& inner, std::shared_ptr<FaultPlan> plan)
      : inner_(inner), plan_(std::move(plan)) {}

  Result<std::vector<sql::Row>> query(std::string_view sql, const sql::Params& params) override;
  Result<std::int64_t> exec(std::string_view sql, const sql::Params& params) override;
  Status exec_script(std::string_view sql) override;
  // A streamed pass goes to the real connection's own each(), so faults meet its streaming.
  Status each(std::string_view sql, const sql::Params& params,
              const std::function<void(const sql::Row&)>& fn) override;

 private:
  // The error to return instead of running `sql`, if any; runs run_first and tracks the
  // transaction's statements.
  std::optional<Error> before(std::string_view sql);

  sql::Connection& inner_;
  std::shared_ptr<FaultPlan> plan_;
  std::vector<std::string> transaction_;  // distinct statements since BEGIN
};

// An OpenOptions::wrap_connection that puts every connection behind `plan`.
ConnectionWrapper wrapper(std::shared_ptr<FaultPlan> plan);

}  // namespace vertebro::store::faults
