#pragma once
// What the benches that fill a SQLite database themselves share (bench/recall_lookup.cpp,
// bench/report.cpp): a raw connection for bulk writes and baselines (the store's API writes one
// record and its audit entry at a time, which would take hours at a registry's size), timing and
// failing helpers, and NHS test numbers.

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace vertebro::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// The program's name for error messages; set by main.
inline const char* program = "vertebro-bench";

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program, what.c_str());
  std::exit(1);
}

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) fail("cannot open " + path);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string e = err ? err : "?";
      sqlite3_free(err);
      fail(sql + ": " + e);
    }
  }
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      fail(sql + ": " + sqlite3_errmsg(db_));
    }
    return s;
  }
  std::int64_t scalar(const std::string& sql) {
    sqlite3_stmt* s = prepare(sql);
    std::int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return v;
  }
  // Runs a prepared insert; false on a constraint failure (a taken NHS number).
  bool step(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    last_error_ = sqlite3_errmsg(db_);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_DONE) return true;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return false;
    fail("insert: " + last_error_);
  }
  std::int64_t last_id() { return sqlite3_last_insert_rowid(db_); }
  const std::string& error() const { return last_error_; }

 private:
  sqlite3* db_ = nullptr;
  std::string last_error_;
};

// Named so that argument-dependent lookup cannot pick std::bind for a std::string argument.
inline void set_param(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
inline void set_param(sqlite3_stmt* s, int i, std::int64_t v) { sqlite3_bind_int64(s, i, v); }
inline void set_param(sqlite3_stmt* s, int i, std::nullptr_t) { sqlite3_bind_null(s, i); }

// Hands out valid NHS numbers of the 999 test range, from the top down.
class NhsNumbers {
 public:
  // The next valid number, as text; fails when the range runs out.
  std::string next() {
    for (;;) {
      if (nine_ < 999000000) fail("out of NHS test numbers");
      const int c = check_digit(nine_);
      const std::int64_t candidate = nine_-- * 10 + c;
      if (c != 10) return std::to_string(candidate);
    }
  }

 private:
  // The check digit of nine digits, or 10 when none makes the number valid.
  static int check_digit(std::int64_t nine) {
    int sum = 0;
    for (int w = 2; w <= 10; ++w, nine /= 10) sum += static_cast<int>(nine % 10) * w;
    return (11 - sum % 11) % 11;
  }
  std::int64_t nine_ = 999999999;
};

inline double centile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

inline std::int64_t arg(int argc, char** argv, int i, std::int64_t fallback) {
  if (argc <= i) return fallback;
  char* end = nullptr;
  const long long v = std::strtoll(argv[i], &end, 10);
  if (*end != '\0' || v <= 0) fail(std::string("not a positive whole number: ") + argv[i]);
  return v;
}

// A new folder for the bench's database, /tmp/<program>- and six unique characters, made mode
// 0700 by mkdtemp(3), which requires its name to end in six X's and replaces them. Fails when
// none can be made.
inline std::filesystem::path make_work_dir() {
  std::string name = std::string("/tmp/") + program + "-XXXXXX";
  if (!mkdtemp(name.data())) fail("cannot make a temporary folder");
  return name;
}

// Removes the work folder, or keeps it (and says where) when VERTEBRO_BENCH_KEEP is set, for a
// look at the database and its query plans.
inline void remove_work_dir(const std::filesystem::path& dir) {
  if (std::getenv("VERTEBRO_BENCH_KEEP")) {
    std::printf("kept %s (VERTEBRO_BENCH_KEEP)\n", dir.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace vertebro::bench
