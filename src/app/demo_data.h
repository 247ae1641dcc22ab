#pragma once
// Demonstration data: a trust with two sites, one user per role (password "vertebro-demo"),
// and synthetic patients whose NHS numbers all come from the 999 test range (never issued).

#include <cstdint>

#include "app/context.h"

namespace vertebro::app {

struct DemoOptions {
  // At most kMaxDemoPatients. The demonstration pathway takes kDemoPathwayPatients of them, and
  // kDemoCohortPatients more for its historical cohort when there is room (app/demo_pathway.h);
  // the rest wait for assessment or are being assessed.
  std::int64_t patients = 140;
  std::uint64_t seed = 20261125;
  // Episodes for this run's patients, re-referrals making up the difference: 0 for about one
  // in ten patients referred twice; otherwise `patients` to kMaxDemoEpisodesPerPatient times
  // that. The test range holds 900,000 numbers, so a registry of a million episodes (bench/run
  // full) needs patients referred more than once, as real ones are for a new fracture.
  std::int64_t episodes = 0;
};

inline constexpr std::int64_t kMaxDemoEpisodesPerPatient = 5;

// Valid NHS numbers in the 999 test range (999 000 000x to 999 999 999x).
inline constexpr std::int64_t kMaxDemoPatients = 900000;

struct DemoSummary {
  std::int64_t patients = 0;
  std::int64_t episodes = 0;
  bool created_users = false;
};

// Marks the database as a demonstration database and fills it. Run on an empty database it
// adds the sites and users first; run again it adds more patients. Errors: kInvalid when the
// database holds users but is not a demonstration database, or `patients` is out of range.
// Above 1,000 patients the records are written in batches of 10,000 with one audit entry per
// batch rather than one per record.
Result<DemoSummary> load_demo_data(const Context& ctx, const DemoOptions& options);

}  // namespace vertebro::app
