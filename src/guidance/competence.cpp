#include "guidance/competence.h"

#include <algorithm>

namespace vertebro::guidance {

namespace {
constexpr int kLastCervicalIndex = 6;  // C7
}  // namespace

std::optional<domain::CompetenceScope> case_scope(
    domain::Indication indication, const std::vector<domain::VertebralLevel>& levels) {
  using domain::CompetenceScope;
  const bool cervical = std::any_of(levels.begin(), levels.end(), [](const auto& l) {
    return l.index() <= kLastCervicalIndex;
  });
  if (cervical) return CompetenceScope::kCervical;
  switch (indication) {
    case domain::Indication::kOsteoporotic: return CompetenceScope::kOsteoporoticThoracolumbar;
    case domain::Indication::kHaemangioma: return CompetenceScope::kHaemangiomaThoracolumbar;
    case domain::Indication::kMetastasis:
    case domain::Indication::kMyeloma: return CompetenceScope::kTumourThoracolumbar;
    case domain::Indication::kTraumatic:
    case domain::Indication::kOther: return std::nullopt;
  }
  return std::nullopt;
}

bool holds_sign_off(const std::vector<domain::SignOffRecord>& sign_offs,
                    domain::CompetenceScope scope, domain::Date on) {
  const std::string_view name = domain::competence_scope_name(scope);
  return std::any_of(sign_offs.begin(), sign_offs.end(), [&](const domain::SignOffRecord& s) {
    return s.scope == name && domain::sign_off_holds(s, on);
  });
}

bool competent_for_case(const std::vector<domain::SignOffRecord>& sign_offs,
                        domain::Indication indication,
                        const std::vector<domain::VertebralLevel>& levels, domain::Date on) {
  const auto scope = case_scope(indication, levels);
  return scope && holds_sign_off(sign_offs, *scope, on);
}

}  // namespace vertebro::guidance
