#pragma once
// An injectable clock, so tests can fix "now". Timestamps travel as UTC text
// "YYYY-MM-DDTHH:MM:SSZ", which sorts and compares as time does.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace vertebro {

using TimePoint = std::chrono::sys_seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
};

// A clock that stands still until told to move. Thread-safe.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint t) : t_(t.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(std::chrono::seconds(t_.load())); }
  void advance(std::chrono::seconds d) { t_ += d.count(); }
  void set(TimePoint t) { t_ = t.time_since_epoch().count(); }

 private:
  std::atomic<std::int64_t> t_;
};

// "2026-11-25T11:48:48Z".
std::string format_timestamp(TimePoint t);
// Parses what format_timestamp writes; returns false on anything else.
bool parse_timestamp(const std::string& text, TimePoint& out);

}  // namespace vertebro
