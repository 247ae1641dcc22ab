#pragma once
// The narrow seam between vertebro's shared SQL (sql_tx.cpp, migrate.cpp) and a database
// driver. Statements use `?` placeholders; a backend rewrites them if its driver needs another
// form. Internal to store/: nothing above the store includes this.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace vertebro::store::sql {

using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

class Row {
 public:
  explicit Row(std::vector<Value> v) : v_(std::move(v)) {}
  std::size_t size() const { return v_.size(); }
  bool is_null(std::size_t i) const { return std::holds_alternative<std::monostate>(v_.at(i)); }
  // Integer column; text holding digits is converted, null is 0.
  std::int64_t i64(std::size_t i) const;
  // Text column; integers are formatted, null is "".
  std::string str(std::size_t i) const;
  // Text column as a view into the row (valid while the row is); other types are "".
  std::string_view view(std::size_t i) const;
  // The values, for a backend that reads rows into one Row in turn (Connection::each).
  std::vector<Value>& values() { return v_; }

 private:
  std::vector<Value> v_;
};

// One database connection. Not thread-safe: the backend hands each to one thread at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one statement and returns its rows (RETURNING rows included).
  virtual Result<std::vector<Row>> query(std::string_view sql, const Params& params) = 0;
  // Runs one query and calls `fn` with each result row in turn, for a pass over many rows that
  // counts as it goes: the Row is valid only during the call. By default the rows are read
  // with query() first; a backend may stream them.
  virtual Status each(std::string_view sql, const Params& params,
                      const std::function<void(const Row&)>& fn);
  // Runs one statement and returns the number of rows it changed.
  virtual Result<std::int64_t> exec(std::string_view sql, const Params& params) = 0;
  // Runs several statements with no parameters (migrations).
  virtual Status exec_script(std::string_view sql) = 0;
};

}  // namespace vertebro::store::sql
