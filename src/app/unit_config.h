#pragma once
// The unit's settings (administrator): the guidance settings the rules read, and which roles may
// override a blocked gate. Stored as one JSON document in the meta table ("unit_settings");
// every change is audited with its before and after values. Each default names its source in
// guidance/snapshot.h (UnitSettings) and docs/settings.md.

#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "guidance/follow_up_schedule.h"
#include "guidance/outcomes.h"
#include "guidance/rules.h"
#include "guidance/snapshot.h"

namespace vertebro::app {

inline constexpr int kMaxReminders = 3;

struct UnitConfig {
  guidance::UnitSettings rules{};
  // The roles whose users may record an override at each gate. Default: operators only (the
  // clinicians who take responsibility for the procedure).
  std::map<guidance::Gate, std::vector<domain::Role>> override_roles = default_override_roles();
  // When follow-ups are due after the procedure, in order, each with its window (issue 12).
  // Default: the VERTOS IV set with vertebro's own windows (docs/settings.md).
  std::vector<guidance::FollowUpTimePoint> follow_up_time_points =
      guidance::default_follow_up_time_points();
  // The name of the time point audit reports use as the primary outcome; one of
  // follow_up_time_points. Default "1 month".
  std::string primary_follow_up = guidance::default_primary_follow_up();
  // What counts as pain relief and improved mobility at a follow-up (guidance/outcomes.h), for
  // the follow-up visits and audit reports to judge with (issues 12 and 15). Defaults: a fall of
  // at least 2 points and at least 30% on the NRS; one step up the mobility scale
  // (docs/settings.md).
  guidance::OutcomeDefinitions outcome_definitions{};
  // How many days a patient's questionnaire link works after it is issued (app/patient_links.h).
  // Default 28: time for a letter to arrive and a reminder to follow (docs/settings.md).
  int patient_link_days = 28;
  // When reminders of an unanswered questionnaire are due, in days after it was first sent, in
  // increasing order (at most kMaxReminders; none turns reminders off). Default 7 and 14.
  std::vector<int> patient_reminder_days = {7, 14};
  // When an unanswered questionnaire moves to the nurse's phone list, in days after it was first
  // sent; after every reminder day. Default 21 (docs/settings.md).
  int patient_phone_after_days = 21;

  static std::map<guidance::Gate, std::vector<domain::Role>> default_override_roles();
  bool may_override(domain::Role role, guidance::Gate gate) const;
  // Whether a role listed at `gate` could ever use the override, so that the settings never
  // accept a listing without effect: a move's gate needs a role that sees the record (its
  // users then pass the gate with a reason, even without the move's own permission); the
  // recorded-procedure check needs a role that records the procedure, since its reason is
  // given when the procedure is saved.
  static bool could_override(domain::Role role, guidance::Gate gate);
};

nlohmann::json unit_config_json(const UnitConfig& c);
// Reads and checks a settings document (from the API or a form). Missing keys keep their
// defaults. Errors: kInvalid, one field error per bad key (time points: named
// "follow_up_time_points", the message giving the time point's position); while TA279 or EBI is enabled, a
// min_conservative_days not shorter than recent_fracture_window_days names both fields
// (guidance::validate_settings).
Result<UnitConfig> parse_unit_config(const nlohmann::json& j);

// Reads settings as load_unit_config does: as parse_unit_config, but without the window check,
// so settings saved before it existed are still read (HTG3-1.2-REFRACTORY-WINDOW warns).
Result<UnitConfig> parse_stored_unit_config(const nlohmann::json& j);

// Within a transaction: the stored settings, or the defaults when none are stored. Stored
// settings are checked as parse_unit_config does, except the window check (settings saved
// before it existed are still read).
Result<UnitConfig> load_unit_config(store::Tx& tx);

// Use cases. Reading needs any signed-in role that may see patients or manage settings;
// changing needs kManageSettings. put_unit_config takes a patch: keys left out (and gates left
// out of override_roles) keep their current values. Errors: kForbidden, kInvalid (fields).
Result<UnitConfig> get_unit_config(const Context& ctx, const Actor& actor);
Result<UnitConfig> put_unit_config(const Context& ctx, const Actor& actor,
                                   const nlohmann::json& input);

}  // namespace vertebro::app
