#include "app/measures.h"

#include <algorithm>

namespace vertebro::app {

using nlohmann::json;

std::optional<bool> satisfied_and_would_again(const VisitOutcomes& o) {
  if (o.satisfied == false || o.would_have_again == false) return false;
  if (o.satisfied && o.would_have_again) return true;
  return std::nullopt;
}

EpisodeMeasures measure_episode(const json& procedure,
                                const std::vector<std::pair<std::string, VisitOutcomes>>& visits,
                                const std::vector<json>& complications,
                                const std::string& primary_time_point) {
  EpisodeMeasures m;
  m.primary_time_point = primary_time_point;
  for (const auto& [time_point, o] : visits) {
    if (time_point == primary_time_point) {
      m.primary_recorded = true;
      m.pain_relief = o.pain_relief;
      m.reduced_medication = o.reduced_medication;
      m.improved_mobility = o.improved_mobility;
      m.satisfied = satisfied_and_would_again(o);
    }
    for (const auto& f : o.new_fractures) {
      m.new_fracture = true;
      if (f.relation == guidance::FractureRelation::kAdjacent) m.new_fracture_adjacent = true;
      if (f.relation == guidance::FractureRelation::kDistant) m.new_fracture_distant = true;
    }
  }
  if (procedure.is_object() && procedure.contains("levels") && procedure["levels"].is_array() &&
      !procedure["levels"].empty()) {
    m.leakage = false;
    for (const auto& level : procedure["levels"]) {
      if (!level.is_object()) continue;
      const auto leak = level.find("leakage");
      if (leak != level.end() && leak->is_array() && !leak->empty()) m.leakage = true;
    }
  }
  for (const auto& c : complications) {
    if (!c.is_object()) continue;
    const std::string type = c.value("type", "");
    const bool further = c.value("further_intervention", false);
    if ((type == "symptomatic_cement_leakage" || type == "pulmonary_cement_embolism")) {
      m.leakage = true;
      if (further) m.leakage_needing_intervention = true;
    }
    if (type == "paraplegia") m.paraplegia = true;
    if (type == "needle_misplacement" || type == "neurological_injury" ||
        type == "nerve_root_damage" || type == "infection") {
      m.other_harm = true;
    }
    if (type == "new_vertebral_fracture") m.new_fracture = true;
  }
  return m;
}

}  // namespace vertebro::app
