#include "base/log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <vector>

namespace vertebro::log {

namespace {

// Wraps another sink and redacts each formatted message before it reaches it.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RedactingSink(std::vector<spdlog::sink_ptr> inner) : inner_(std::move(inner)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string clean =
        escape_controls(redact(std::string_view(msg.payload.data(), msg.payload.size())));
    spdlog::details::log_msg copy(msg.time, msg.source, msg.logger_name, msg.level, clean);
    for (auto& s : inner_) {
      if (s->should_log(copy.level)) s->log(copy);
    }
  }
  void flush_() override {
    for (auto& s : inner_) s->flush();
  }

 private:
  std::vector<spdlog::sink_ptr> inner_;
};

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string redact(std::string_view text) {
  // Shapes masked: ten digits in a row, or 3-3-4 digits separated by one space or dash,
  // neither preceded nor followed by another digit.
  auto digits_at = [&](std::size_t pos, std::size_t n) {
    if (pos + n > text.size()) return false;
    for (std::size_t k = 0; k < n; ++k) {
      if (!is_digit(text[pos + k])) return false;
    }
    return true;
  };
  auto sep_at = [&](std::size_t pos) {
    return pos < text.size() && (text[pos] == ' ' || text[pos] == '-');
  };
  auto ends_at = [&](std::size_t pos) { return pos >= text.size() || !is_digit(text[pos]); };
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_digit(text[i]) && (i == 0 || !is_digit(text[i - 1]))) {
      if (digits_at(i, 10) && ends_at(i + 10)) {
        out += "[redacted]";
        i += 10;
        continue;
      }
      if (digits_at(i, 3) && sep_at(i + 3) && digits_at(i + 4, 3) && sep_at(i + 7) &&
          digits_at(i + 8, 4) && ends_at(i + 12)) {
        out += "[redacted]";
        i += 12;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::string escape_controls(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) {
      out += "\\u0085";  // NEL
      ++i;
    } else if (c == 0xe2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[i + 2]) == 0xa8 ||
                static_cast<unsigned char>(text[i + 2]) == 0xa9)) {
      out += static_cast<unsigned char>(text[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void configure(const std::string& file, const std::string& level) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!file.empty()) {
    sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file, false));
  }
  auto logger = std::make_shared<spdlog::logger>(
      "vertebro", std::make_shared<RedactingSink>(std::move(sinks)));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void flush() { spdlog::default_logger()->flush(); }

}  // namespace vertebro::log
