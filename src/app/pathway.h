#pragma once
// The HTG3 pathway of one episode: its clinical forms, its moves between states through the
// guidance gates, and its exits. Each use case checks the actor's permission, runs one
// transaction and writes its audit entry there; a blocked gate is passed only with an override
// by a role the unit allows, and the findings, the rule-pack version and the override are
// stored with the transition so the decision can be explained later.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "app/episode_snapshot.h"
#include "app/pathway_forms.h"
#include "app/unit_config.h"
#include "domain/pathway_state.h"
#include "guidance/rules.h"
#include "guidance/windows.h"
#include "store/records.h"

namespace vertebro::app {

nlohmann::json finding_json(const guidance::Finding& f);
nlohmann::json findings_json(const guidance::Findings& findings);

struct StoredForm {
  nlohmann::json document;
  std::int64_t version = 0;
  std::string updated_at;
};

// The next gated move and what the rules say about it now.
struct GateCheck {
  guidance::Gate gate = guidance::Gate::kAssessmentToMdt;
  domain::PathwayState to = domain::PathwayState::kMdt;
  guidance::Findings findings;
  bool blocked = false;
  bool may_override = false;  // the actor's role may record an override at this gate
};

struct PathwayView {
  store::EpisodeRecord episode;
  store::PatientRecord patient;
  std::string site_name;
  std::optional<StoredForm> assessment;
  std::optional<StoredForm> consent;
  std::optional<StoredForm> procedure;
  std::vector<EpisodeMdt> mdt;
  std::optional<store::SiteSurgeryRecord> surgery;
  std::vector<store::TransitionRecord> transitions;  // oldest first
  std::vector<domain::PathwayState> moves;  // forward moves the actor may make now
  bool may_exit = false;                    // the actor may record an exit now
  std::optional<GateCheck> next_gate;       // the gate of the next forward move, if any
  // An osteoporotic fracture under TA279 or EBI: from when the pain counts as refractory to when
  // the fracture stops counting as recent (guidance::refractory_window).
  std::optional<guidance::RefractoryWindow> window;
  std::vector<FormKind> editable_forms;     // forms the actor may save in this state

  const std::optional<StoredForm>& form(FormKind kind) const {
    switch (kind) {
      case FormKind::kAssessment: return assessment;
      case FormKind::kConsent: return consent;
      case FormKind::kProcedure: return procedure;
    }
    return procedure;
  }
};

// Reads the episode's pathway (audited). Errors: kForbidden, kNotFound.
Result<PathwayView> view_pathway(const Context& ctx, const Actor& actor, EpisodeId id);

struct FormSaved {
  StoredForm form;
  std::vector<std::string> warnings;
  store::EpisodeRecord episode;  // recording the procedure moves the episode to follow-up
};

// Saves a form when its stored version is still `expected_version` (0 for the first save).
// Forms open in these states: assessment in referral, assessment and MDT; consent in consent
// and procedure; procedure in procedure and follow-up. Saving the procedure in state
// procedure moves the episode to follow-up. Errors: kForbidden, kNotFound, kInvalid (fields),
// kConflict (stale version), kWrongState (the form is not open in the episode's state).
Result<FormSaved> save_form(const Context& ctx, const Actor& actor, EpisodeId id, FormKind kind,
                            std::int64_t expected_version, const nlohmann::json& input);

struct MoveRequest {
  std::string to;  // state name
  std::int64_t expected_version = 0;
  std::string override_reason;  // needed only when the gate blocks
};

struct MoveResult {
  bool moved = false;  // false: the gate blocked and no override reason was given
  store::EpisodeRecord episode;
  std::optional<guidance::Gate> gate;
  guidance::Findings findings;
  bool overridden = false;
};

// Moves the episode forward. Errors: kForbidden (role may not make this move, or may not
// override this gate), kNotFound, kInvalid (unknown state; override reason too long),
// kConflict (stale version), kWrongState (no such move from the current state).
Result<MoveResult> move_episode(const Context& ctx, const Actor& actor, EpisodeId id,
                                const MoveRequest& request);

struct ExitRequest {
  std::string state;  // declined, withdrawn, not_suitable, deceased
  std::string reason;
  std::string date;
  std::int64_t expected_version = 0;
};

// Ends the episode from any open state. Errors: kForbidden, kNotFound, kInvalid (fields:
// state, reason, date), kConflict (stale version), kWrongState (already ended).
Result<store::EpisodeRecord> exit_episode(const Context& ctx, const Actor& actor, EpisodeId id,
                                          const ExitRequest& request);

// The four exits, in the order forms list them.
std::vector<domain::PathwayState> exit_states();

}  // namespace vertebro::app
