#pragma once
// The HTG3 efficacy and safety measures of one episode (HTG3-EFF-*, HTG3-SAFE-*; HTG3.md), from
// what is recorded: the procedure's per-level leakage, the follow-up visits' judged outcomes
// (app/follow_up_visits.h) and the complications (app/complications.h). The efficacy measures
// are read at the unit's primary time point; the safety measures over everything recorded. The
// unit's audit reports (issue 15) add these up over episodes; the pathway page shows them for
// one. Pure: no I/O.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/follow_up_visits.h"

namespace vertebro::app {

struct EpisodeMeasures {
  std::string primary_time_point;  // "1 month"
  bool primary_recorded = false;   // a visit is recorded at it
  // Efficacy at the primary time point; std::nullopt: no visit there, or an answer missing
  // before or at it.
  std::optional<bool> pain_relief;         // HTG3-EFF-PAIN
  std::optional<bool> reduced_medication;  // HTG3-EFF-MEDS
  std::optional<bool> improved_mobility;   // HTG3-EFF-MOBILITY
  // HTG3-EFF-SATISFIED: satisfied (or very) and would have it again; false when either is no.
  std::optional<bool> satisfied;
  // Safety over the procedure, every visit and every complication.
  // HTG3-SAFE-LEAK: cement leakage at any level of the procedure, or a symptomatic leak or a
  // pulmonary cement embolism recorded as a complication; nullopt if the procedure records no
  // level and no such complication is recorded.
  std::optional<bool> leakage;
  bool leakage_needing_intervention = false;  // HTG3-SAFE-LEAK-INTERVENTION
  bool paraplegia = false;                    // HTG3-SAFE-PARAPLEGIA
  // HTG3-SAFE-OTHER: needle misplacement or cement migration, other neurological injury, nerve
  // root damage, infection.
  bool other_harm = false;
  bool new_fracture = false;           // HTG3-SAFE-NEWFRACTURE: at a visit or as a complication
  bool new_fracture_adjacent = false;  // one of them next to a treated level
  bool new_fracture_distant = false;   // one of them further from the treated levels
};

// HTG3-EFF-SATISFIED at one visit: satisfied (or very) and would have it again; false when
// either is no; std::nullopt otherwise.
std::optional<bool> satisfied_and_would_again(const VisitOutcomes& o);

// `procedure`: the recorded procedure's document; `visits`: each recorded visit's time point
// with its judged outcomes; `complications`: their documents.
EpisodeMeasures measure_episode(const nlohmann::json& procedure,
                                const std::vector<std::pair<std::string, VisitOutcomes>>& visits,
                                const std::vector<nlohmann::json>& complications,
                                const std::string& primary_time_point);

}  // namespace vertebro::app
