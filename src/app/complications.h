#pragma once
// Complications and adverse events of an episode (issue 12): recorded by the nurses and
// clinicians who find them, at the procedure, before discharge, at a follow-up or when reported
// later, once the procedure is recorded (also after the episode has ended: a death is recorded
// as its cause). They replace the procedure form's free-text field, whose values stay readable
// on the procedure. The HTG3-SAFE-* measures read them: symptomatic leakage and whether it needed
// further intervention, pulmonary cement embolism, paraplegia, other neurological injury, nerve
// root damage, infection, new fractures. Each save is versioned and audited.
//
// The document (docs/api.md, "Complications and adverse events"):
//   type                 one of complication_type_choices() (required)
//   event_date           ISO date (required), on or after the procedure date, not in the future
//   detected             "during_procedure", "before_discharge", "at_follow_up", "reported_later"
//                        (required)
//   severity             "mild", "moderate", "severe", "life_threatening", "fatal" (required)
//   further_intervention yes/no (required): whether it needed further treatment or a procedure
//   intervention         what was done (required when further_intervention is yes)
//   device               "none", "cement", "needle", "other_device" (required): a device involved
//   level                a treated level, when the event concerns one
//   cement_unit          the procedure's cement pack number, when the cement was involved;
//                        stored with its product and lot (cement_product, cement_lot)
//   outcome              "recovered", "recovering", "recovered_with_sequelae", "not_recovered",
//                        "fatal", "unknown" (required)
//   description          free text, up to 2000 characters (required for "other")

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "app/pathway_forms.h"
#include "domain/records.h"
#include "domain/vertebral_level.h"

namespace vertebro::app {

// {name, label} in the order forms offer them.
const Choices& complication_type_choices();
const Choices& complication_detected_choices();
const Choices& complication_severity_choices();
const Choices& complication_device_choices();
const Choices& complication_outcome_choices();

// A cement pack of the recorded procedure, as a complication may name it.
struct ProcedurePack {
  int unit = 0;
  std::string product;
  std::string lot;
};

// What a complication is checked against: the recorded procedure.
struct ComplicationContext {
  domain::Date today{};
  std::optional<domain::Date> procedure_date;
  std::vector<domain::VertebralLevel> treated_levels;
  std::vector<ProcedurePack> packs;
};

// Errors: kInvalid with one field error per bad field.
Result<ValidatedForm> validate_complication(const nlohmann::json& input,
                                            const ComplicationContext& c);

struct StoredComplication {
  std::int64_t id = 0;
  nlohmann::json document;
  std::int64_t version = 0;
  std::string created_at;
  std::string created_by_name;
  std::string updated_at;
  std::string updated_by_name;
};

struct ComplicationsView {
  domain::EpisodeRecord episode;
  domain::PatientRecord patient;
  ComplicationContext context;  // the procedure the complications follow
  bool procedure_recorded = false;
  std::vector<StoredComplication> complications;  // by event date
  bool may_record = false;  // the actor may record one now (a procedure is recorded)
  std::vector<std::string> warnings;  // of the save that returned this view
  std::int64_t saved_id = 0;          // the complication a save wrote
};

// The episode's complications (audited as a read). Errors: kForbidden, kNotFound.
Result<ComplicationsView> view_complications(const Context& ctx, const Actor& actor,
                                             EpisodeId id);

// Records a new complication (complication_id 0, expected_version 0) or corrects one of this
// episode. Nurses and operators, once the procedure is recorded. Errors: kForbidden, kNotFound
// (episode, or a complication not of this episode), kWrongState (no procedure recorded),
// kInvalid, kConflict (stale version: nothing saved).
Result<ComplicationsView> save_complication(const Context& ctx, const Actor& actor, EpisodeId id,
                                            std::int64_t complication_id,
                                            std::int64_t expected_version,
                                            const nlohmann::json& input);

}  // namespace vertebro::app
