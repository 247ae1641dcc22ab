#include "store/faults.h"

#include <algorithm>

namespace vertebro::store::faults {

namespace {
bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}
bool starts_transaction(std::string_view sql) { return sql.rfind("BEGIN", 0) == 0; }
}  // namespace

Error busy() {
  return Error{Errc::kBusy, "The database is busy: database is locked (injected fault)", {}, 0, 0};
}

Error disk_full() {
  return Error{Errc::kUnavailable,
               "The database could not be written (disk full or a storage fault: database or "
               "disk is full (injected fault)), so the change was not saved.",
               {}, 0, 0};
}

Error broken() { return Error::internal("Database error: statement failed (injected fault)"); }

void FaultPlan::add(Rule rule) {
  std::lock_guard lock(mu_);
  rules_.push_back({std::move(rule), 0});
}

void FaultPlan::clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
}

int FaultPlan::injected() const {
  std::lock_guard lock(mu_);
  return injected_;
}

int FaultPlan::seen(std::string_view text) const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& [sql, count] : seen_) {
    if (contains(sql, text)) n += count;
  }
  return n;
}

FaultPlan::Action FaultPlan::decide(std::string_view sql,
                                    const std::vector<std::string>& in_transaction) {
  std::lock_guard lock(mu_);
  ++seen_[std::string(sql)];
  for (auto& live : rules_) {
    const Rule& r = live.rule;
    if (!contains(sql, r.match)) continue;
    if (!r.after.empty() &&
        std::none_of(in_transaction.begin(), in_transaction.end(),
                     [&](const std::string& s) { return contains(s, r.after); })) {
      continue;
    }
    const int hit = live.hits++;
    if (hit < r.skip) continue;
    if (r.times != kAlways && hit >= r.skip + r.times) continue;
    ++injected_;
    if (!r.run_first.empty()) return {std::nullopt, r.run_first};
    return {r.error, ""};
  }
  return {};
}

std::optional<Error> FaultyConnection::before(std::string_view sql) {
  if (starts_transaction(sql)) transaction_.clear();
  auto action = plan_->decide(sql, transaction_);
  if (std::find(transaction_.begin(), transaction_.end(), sql) == transaction_.end()) {
    transaction_.emplace_back(sql);
  }
  if (!action.run_first.empty()) (void)inner_.exec_script(action.run_first);
  return action.fail;
}

Result<std::vector<sql::Row>> FaultyConnection::query(std::string_view sql,
                                                      const sql::Params& params) {
  if (auto e = before(sql)) return std::move(*e);
  return inner_.query(sql, params);
}

Result<std::int64_t> FaultyConnection::exec(std::string_view sql, const sql::Params& params) {
  if (auto e = before(sql)) return std::move(*e);
  return inner_.exec(sql, params);
}

Status FaultyConnection::each(std::string_view sql, const sql::Params& params,
                              const std::function<void(const sql::Row&)>& fn) {
  if (auto e = before(sql)) return std::move(*e);
  return inner_.each(sql, params, fn);
}

Status FaultyConnection::exec_script(std::string_view sql) {
  if (auto e = before(sql)) return std::move(*e);
  return inner_.exec_script(sql);
}

ConnectionWrapper wrapper(std::shared_ptr<FaultPlan> plan) {
  return [plan](sql::Connection& inner) -> std::unique_ptr<sql::Connection> {
    return std::make_unique<FaultyConnection>(inner, plan);
  };
}

}  // namespace vertebro::store::faults
