#pragma once
// The states of one episode of care (../shared/DESIGN.md, "The pathway").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vertebro::domain {

enum class PathwayState {
  kReferral,
  kAssessment,
  kMdt,
  kConsent,
  kProcedure,
  kFollowUp,
  kClosed,
  kDeclined,
  kWithdrawn,
  kNotSuitable,
  kDeceased,
};

// Stable names stored in the database and used in URLs: "referral", "follow_up", ...
std::string_view state_name(PathwayState s);
std::optional<PathwayState> parse_state(std::string_view name);
// Words for people: "Referral", "Follow-up", "Not suitable", ...
std::string_view state_label(PathwayState s);
// True for closed and the four exits.
bool is_final(PathwayState s);
std::vector<PathwayState> all_states();

}  // namespace vertebro::domain
