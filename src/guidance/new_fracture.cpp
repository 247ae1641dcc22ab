#include "guidance/new_fracture.h"

#include <algorithm>
#include <cstdlib>

namespace vertebro::guidance {

std::string_view fracture_relation_name(FractureRelation r) {
  switch (r) {
    case FractureRelation::kTreated: return "treated";
    case FractureRelation::kAdjacent: return "adjacent";
    case FractureRelation::kDistant: return "distant";
  }
  return "distant";
}

std::string_view fracture_relation_label(FractureRelation r) {
  switch (r) {
    case FractureRelation::kTreated: return "Treated level";
    case FractureRelation::kAdjacent: return "Adjacent to a treated level";
    case FractureRelation::kDistant: return "Distant from the treated levels";
  }
  return "Distant from the treated levels";
}

std::optional<FractureRelation> fracture_relation(
    domain::VertebralLevel level, const std::vector<domain::VertebralLevel>& treated) {
  if (treated.empty()) return std::nullopt;
  if (std::find(treated.begin(), treated.end(), level) != treated.end()) {
    return FractureRelation::kTreated;
  }
  const bool adjacent = std::any_of(treated.begin(), treated.end(), [&](const auto& t) {
    return std::abs(t.index() - level.index()) == 1;
  });
  return adjacent ? FractureRelation::kAdjacent : FractureRelation::kDistant;
}

}  // namespace vertebro::guidance
