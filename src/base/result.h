#pragma once
// Result<T>: expected failures as values (g++ 12 has no std::expected at C++20).
// An Error carries a code that every face maps in a switch with no default, a message written
// for clinicians and administrators (never containing patient identifiers), and the fields
// it concerns.

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace vertebro {

enum class Errc {
  kInvalid,          // input failed validation; see Error::fields
  kNotFound,         // no such record, or not visible to this user
  kConflict,         // the record changed since the version the caller named
  kWrongState,       // the record's state does not allow this (a form not open, a move not possible)
  kDuplicate,        // a record with the same natural key exists; see Error::related_id
  kUnauthenticated,  // no valid session or wrong credentials
  kForbidden,        // signed in but not allowed
  kRateLimited,      // too many attempts; see Error::retry_after_seconds
  kBusy,             // database busy or serialisation failure: the transaction may be retried
  kUnavailable,      // the database could not save (disk full, I/O error, a failed commit)
  kSchemaTooNew,     // the database was written by a newer vertebro
  kInternal,         // a broken invariant or an I/O failure
};

// A short stable name for an error code, used in JSON error bodies ("invalid", "conflict", ...).
const char* errc_name(Errc code);

struct FieldError {
  std::string field;
  std::string message;
};

struct Error {
  Errc code = Errc::kInternal;
  std::string message;
  std::vector<FieldError> fields;
  std::int64_t related_id = 0;      // kDuplicate: the existing record's id, when visible
  int retry_after_seconds = 0;      // kRateLimited

  static Error invalid(std::vector<FieldError> f, std::string msg = "There is a problem");
  static Error not_found(std::string what);
  static Error conflict(std::string msg);
  static Error wrong_state(std::string msg);
  static Error forbidden(std::string msg = "You do not have permission to do that");
  static Error internal(std::string msg);
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace vertebro
