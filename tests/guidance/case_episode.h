#pragma once
// Test-only: turns the "episode" of a rule case (tests/data/guidance, format in its README.md)
// into what the application stores and reads back, so the case runs through the application's
// own path: each clinical form goes through app::validate_form with the context save_form uses
// (app::form_context), MDT listings and the site's surgery access become the store records
// app/pathway.cpp loads, and app::episode_snapshot builds the snapshot. What the application
// would refuse to store (a form, or a decision at a meeting not yet held) fails the case unless
// it says "refused_by_app". Settings go through app::parse_unit_config. Nothing here maps a value
// into the snapshot itself.
//
// Strict: an unknown key, a wrong type, an unknown name, or a form key the application would
// not keep throws std::runtime_error naming it, so a typo fails the test instead of silently
// leaving a value missing.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/episode_snapshot.h"
#include "app/unit_config.h"
#include "guidance/snapshot.h"

namespace vertebro::guidance::testing {

struct CaseEpisode {
  app::SnapshotSources sources;
  domain::Date today;
  // What the application refuses to store, with why ("consent: date: Enter the date of
  // consent;"). Such a record is used as given, as one written by an older version or outside
  // the application would be.
  std::vector<std::string> refused;
};

// Throws std::runtime_error on a malformed case.
CaseEpisode case_episode(const nlohmann::json& episode);

// The snapshot the application builds for the case: app::episode_snapshot(sources, today).
EpisodeSnapshot case_snapshot(const CaseEpisode& episode);

// The unit's settings from a case's overrides of the defaults, through app::parse_unit_config.
// With `stored`, as load_unit_config reads settings saved before the window check
// (app::parse_stored_unit_config). Throws std::runtime_error naming the refused fields.
UnitSettings case_settings(const nlohmann::json& overrides, bool stored = false);

}  // namespace vertebro::guidance::testing
