#include "domain/vertebral_level.h"

#include <algorithm>
#include <cctype>

namespace vertebro::domain {

namespace {
struct Region {
  char letter;
  int first_index;
  int count;
};
constexpr Region kRegions[] = {{'C', 0, 7}, {'T', 7, 12}, {'L', 19, 5}, {'S', 24, 5}};
}  // namespace

std::optional<VertebralLevel> VertebralLevel::parse(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (text.size() < 2 || text.size() > 3) return std::nullopt;
  const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  int number = 0;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    number = number * 10 + (text[i] - '0');
  }
  if (text[1] == '0') return std::nullopt;
  for (const auto& r : kRegions) {
    if (r.letter == letter && number >= 1 && number <= r.count) {
      return VertebralLevel(r.first_index + number - 1);
    }
  }
  return std::nullopt;
}

std::vector<VertebralLevel> VertebralLevel::all() {
  std::vector<VertebralLevel> out;
  for (int i = 0; i < kCount; ++i) out.push_back(VertebralLevel(i));
  return out;
}

std::string VertebralLevel::name() const {
  for (const auto& r : kRegions) {
    if (index_ >= r.first_index && index_ < r.first_index + r.count) {
      std::string out(1, r.letter);
      out += std::to_string(index_ - r.first_index + 1);
      return out;
    }
  }
  return "?";
}

Result<std::vector<VertebralLevel>> parse_levels(std::string_view text, const std::string& field) {
  std::vector<VertebralLevel> out;
  std::string token;
  auto flush = [&]() -> Status {
    if (token.empty()) return {};
    auto level = VertebralLevel::parse(token);
    if (!level) {
      std::string shown = token.size() > 12 ? token.substr(0, 12) + "..." : token;
      return Error::invalid(
          {{field, "\"" + shown + "\" is not a vertebral level (use C1-C7, T1-T12, L1-L5, S1-S5)"}});
    }
    out.push_back(*level);
    token.clear();
    return {};
  };
  for (char c : text) {
    if (c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c))) {
      if (auto s = flush(); !s) return std::move(s).error();
    } else {
      token += c;
      if (token.size() > 40) break;
    }
  }
  if (auto s = flush(); !s) return std::move(s).error();
  if (out.empty()) return Error::invalid({{field, "Enter at least one vertebral level, for example T12"}});
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string format_levels(const std::vector<VertebralLevel>& levels) {
  std::string out;
  for (const auto& l : levels) {
    if (!out.empty()) out += ", ";
    out += l.name();
  }
  return out;
}

}  // namespace vertebro::domain
