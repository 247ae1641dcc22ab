#include "domain/pathway_state.h"

namespace vertebro::domain {

namespace {
struct StateInfo {
  PathwayState state;
  std::string_view name;
  std::string_view label;
};
constexpr StateInfo kStates[] = {
    {PathwayState::kReferral, "referral", "Referral"},
    {PathwayState::kAssessment, "assessment", "Assessment"},
    {PathwayState::kMdt, "mdt", "MDT"},
    {PathwayState::kConsent, "consent", "Consent"},
    {PathwayState::kProcedure, "procedure", "Procedure"},
    {PathwayState::kFollowUp, "follow_up", "Follow-up"},
    {PathwayState::kClosed, "closed", "Closed"},
    {PathwayState::kDeclined, "declined", "Declined"},
    {PathwayState::kWithdrawn, "withdrawn", "Withdrawn"},
    {PathwayState::kNotSuitable, "not_suitable", "Not suitable"},
    {PathwayState::kDeceased, "deceased", "Deceased"},
};
}  // namespace

std::string_view state_name(PathwayState s) {
  for (const auto& i : kStates) {
    if (i.state == s) return i.name;
  }
  return "referral";
}

std::string_view state_label(PathwayState s) {
  for (const auto& i : kStates) {
    if (i.state == s) return i.label;
  }
  return "Referral";
}

std::optional<PathwayState> parse_state(std::string_view name) {
  for (const auto& i : kStates) {
    if (i.name == name) return i.state;
  }
  return std::nullopt;
}

bool is_final(PathwayState s) {
  switch (s) {
    case PathwayState::kClosed:
    case PathwayState::kDeclined:
    case PathwayState::kWithdrawn:
    case PathwayState::kNotSuitable:
    case PathwayState::kDeceased:
      return true;
    case PathwayState::kReferral:
    case PathwayState::kAssessment:
    case PathwayState::kMdt:
    case PathwayState::kConsent:
    case PathwayState::kProcedure:
    case PathwayState::kFollowUp:
      return false;
  }
  return false;
}

std::vector<PathwayState> all_states() {
  std::vector<PathwayState> out;
  for (const auto& i : kStates) out.push_back(i.state);
  return out;
}

}  // namespace vertebro::domain
