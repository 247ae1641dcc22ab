#pragma once
// Test-only: builds an EpisodeSnapshot and UnitSettings from the JSON of the rule case files in
// tests/data/guidance (the format is described in tests/data/guidance/README.md). Strict: an
// unknown key, a wrong type or an unknown name throws std::runtime_error naming the key, so a
// typo in a data file fails the test instead of silently leaving a value missing.

#include <nlohmann/json.hpp>

#include "guidance/snapshot.h"

namespace vertebro::guidance::testing {

EpisodeSnapshot snapshot_from_json(const nlohmann::json& j);
// Starts from the defaults of UnitSettings and applies the overrides in `j`.
UnitSettings settings_from_json(const nlohmann::json& j);

}  // namespace vertebro::guidance::testing
