#pragma once
// vertebro's logger. Log lines carry record ids, user names and outcomes; never patient
// identifiers (NHS number, names, dates of birth). As a second line of defence every sink
// masks anything shaped like an NHS number (ten digits, optionally grouped 3-3-4).

#include <spdlog/spdlog.h>

#include <string>

namespace vertebro::log {

// Sends log lines to stderr, and also to `file` when it is not empty. Safe to call again
// (tests point the log at a file of their own). `level`: "debug", "info", "warn", "error".
void configure(const std::string& file, const std::string& level = "info");

// Replaces every NHS-number-shaped run of digits with "[redacted]".
std::string redact(std::string_view text);

// Makes `text` one line that cannot pass for another: CR, LF and tab become \r, \n and \t,
// other control characters (C0, DEL) \xNN, the Unicode line breaks U+0085, U+2028 and U+2029
// \u0085, \u2028 and \u2029, and a backslash \\ (so an escape in the input is told apart).
// Every sink applies it to each message after redact(), so a user name or a path holding CR/LF
// cannot forge log lines.
std::string escape_controls(std::string_view text);

// Flushes every sink (tests read the file afterwards).
void flush();

template <class... Args>
void info(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::info(fmt, std::forward<Args>(args)...);
}
template <class... Args>
void warn(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::warn(fmt, std::forward<Args>(args)...);
}
template <class... Args>
void error(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::error(fmt, std::forward<Args>(args)...);
}

}  // namespace vertebro::log
