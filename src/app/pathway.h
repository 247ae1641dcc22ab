#pragma once
// The HTG3 pathway of one episode: its clinical forms, its moves between states through the
// guidance gates, and its exits. Each use case checks the actor's permission, runs one
// transaction and writes its audit entry there; a blocked gate is passed only with an override
// by a role the unit allows, and the findings, the rule-pack version and the override are
// stored with the transition so the decision can be explained later.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "app/episode_snapshot.h"
#include "app/follow_up_visits.h"
#include "app/measures.h"
#include "app/pathway_forms.h"
#include "app/unit_config.h"
#include "domain/pathway_state.h"
#include "domain/records.h"
#include "guidance/rules.h"
#include "guidance/windows.h"

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
  // The procedure date the rules judged at: the planned date (procedure_recorded, while the
  // episode awaits its procedure), none when they judged at today.
  std::optional<domain::Date> procedure_date;
};

struct PathwayView {
  domain::EpisodeRecord episode;
  domain::PatientRecord patient;
  std::string site_name;
  std::optional<StoredForm> assessment;
  std::optional<StoredForm> consent;
  std::optional<StoredForm> procedure;
  std::vector<EpisodeMdt> mdt;
  std::optional<domain::SiteSurgeryRecord> surgery;
  std::vector<SiteOperator> site_operators;  // the procedure form's operator choices
  std::vector<domain::TransitionRecord> transitions;  // oldest first
  // Forward moves the actor may make now: by their role's permission, or, for a gated move
  // whose gate blocks, as a role the unit allows to override that gate.
  std::vector<domain::PathwayState> moves;
  std::optional<domain::PathwayState> step_back;  // the step back the actor may record now
  bool may_exit = false;                          // the actor may record an exit now
  // The gate of the next forward move, if any; while the episode awaits its procedure, the
  // check that recording it will run (procedure_recorded), judged at the planned date.
  std::optional<GateCheck> next_gate;
  std::vector<FormKind> editable_forms;  // forms the actor may save in this state
  // An osteoporotic fracture under TA279 or EBI: from when the pain counts as refractory to when
  // the fracture stops counting as recent (guidance::refractory_window).
  std::optional<guidance::RefractoryWindow> window;
  // The planned procedure date given at the move to procedure (while at procedure).
  std::optional<domain::Date> planned_procedure_date;
  // Once the procedure is recorded: each time point of the unit's follow-up schedule, with its
  // recorded visit if any.
  std::vector<FollowUpSlot> follow_ups;
  bool may_record_follow_up = false;  // in follow-up, and the actor's role records visits
  // Complications and adverse events (app/complications.h), by event date; the actor may record
  // them once the procedure is recorded, in any state.
  std::vector<domain::ComplicationRecord> complications;
  bool may_record_complication = false;
  // The Yellow Card reports of those complications (app/yellow_card.h), by complication id.
  std::map<std::int64_t, domain::YellowCardRecord> yellow_cards;
  bool may_report_device_incidents = false;  // the device safety officer, who prepares them
  // The episode's HTG3 efficacy and safety measures (app/measures.h), once the procedure is
  // recorded.
  std::optional<EpisodeMeasures> measures;

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
  // False: the recorded-procedure check blocked and no override reason was given; nothing was
  // saved (only a gate_blocked audit entry), and `check` says why.
  bool saved = true;
  StoredForm form;
  std::vector<std::string> warnings;
  domain::EpisodeRecord episode;  // recording the procedure moves the episode to follow-up
  // The procedure form only: the recorded-procedure check (gate procedure_recorded) run at the
  // procedure's own date. Empty when the check did not run (a correction whose findings are
  // those already recorded).
  std::optional<GateCheck> check;
  bool overridden = false;
};

// Saves a form when its stored version is still `expected_version` (0 for the first save).
// Forms open in these states: assessment in referral, assessment and MDT; consent in consent
// and procedure; procedure in procedure and follow-up.
//
// Saving the procedure is itself checked: the rules of gate procedure_recorded run at the date
// in the form. In state procedure the save moves the episode to follow-up and the check is
// stored with that transition. In follow-up (a correction) the check runs again; when its
// findings differ from the last stored check they are stored as a follow-up -> follow-up
// transition (shown as a re-check in the history). Either way, a blocking check needs
// `override_reason` from a role the unit allows at procedure_recorded; without one nothing is
// saved (saved = false).
// Errors: kForbidden (role may not record the form, or may not override the check), kNotFound,
// kInvalid (fields; override_reason too long), kConflict (stale version), kWrongState (the
// form is not open in the episode's state).
Result<FormSaved> save_form(const Context& ctx, const Actor& actor, EpisodeId id, FormKind kind,
                            std::int64_t expected_version, const nlohmann::json& input,
                            const std::string& override_reason = {});

struct MoveRequest {
  std::string to;  // state name
  std::int64_t expected_version = 0;
  std::string override_reason;  // needed only when the gate blocks
  // Consent -> procedure only: the planned procedure date (ISO), which the procedure gate
  // judges at; "" for today.
  std::string planned_procedure_date;
  std::string reason;  // a step back: why (required)
};

struct MoveResult {
  bool moved = false;  // false: the gate blocked and no override reason was given
  domain::EpisodeRecord episode;
  std::optional<guidance::Gate> gate;
  guidance::Findings findings;
  bool overridden = false;
  bool may_override = false;  // the actor's role may override this gate
  bool stepped_back = false;
  std::optional<domain::Date> procedure_date;  // the planned date the gate judged at
};

// The furthest a planned procedure date may lie after today: 26 weeks, beyond the NHS's
// 18-week referral-to-treatment standard, so that a mistyped year is caught.
inline constexpr int kMaxPlannedDaysAhead = 182;

// Moves the episode one step: forward through its gate, or back one state (procedure ->
// consent, consent -> MDT, MDT -> assessment) with a reason.
//
// Forward: a role with the move's permission may make it; a role the unit's settings allow to
// override the move's gate may make it only as an override (the gate blocks and a reason is
// given). The move to procedure judges at `planned_procedure_date` (today when blank), stored
// with the transition.
// Back: the roles that may make the forward move being undone (and, from MDT, also those who
// manage the MDT, who return a case for more information), with a reason; forms, MDT listings
// and decisions are kept.
// A role that can make no move, step back or override at all is refused before the episode is
// read, so the refusal says nothing about the episode.
// Errors: kForbidden (role may not make this move, or may not override this gate: the message
// names the roles the unit allows), kNotFound, kInvalid (fields: to, override_reason,
// planned_procedure_date, reason), kConflict (stale version), kWrongState (no such move from
// the current state).
// The consent -> procedure move may name who is planned to operate, and their supervisor:
// operator profile ids (as text; "" for none) active at the episode's site. HTG3-1.2-TRAINING
// then judges them at the planned date, and the move's findings name them; a move that plans
// nobody warns. Other fields' errors: planned_operator_id, planned_supervisor_id (unknown or
// not active at the site, the supervisor the operator, or named on another move).
struct PlannedTeam {
  std::string operator_id;
  std::string supervisor_id;
};
Result<MoveResult> move_episode(const Context& ctx, const Actor& actor, EpisodeId id,
                                const MoveRequest& request, const PlannedTeam& team = {});

// "Your role may not override this gate; this unit allows: operator, governance." The 403
// message for an override by a role the unit's settings do not list at `gate`.
std::string override_refusal(const UnitConfig& config, guidance::Gate gate);

struct ExitRequest {
  std::string state;  // declined, withdrawn, not_suitable, deceased
  std::string reason;
  std::string date;
  std::int64_t expected_version = 0;
};

// Ends the episode from any open state; an episode in follow-up may also be "closed": after
// its last time point, or earlier for a recorded reason (lost to follow-up, care moved
// elsewhere). Errors: kForbidden, kNotFound, kInvalid (fields: state (closed before follow-up),
// reason, date), kConflict (stale version), kWrongState (already ended).
Result<domain::EpisodeRecord> exit_episode(const Context& ctx, const Actor& actor, EpisodeId id,
                                           const ExitRequest& request);

// The four exits, in the order forms list them (and "closed" first for an episode in
// follow-up).
std::vector<domain::PathwayState> exit_states();

}  // namespace vertebro::app
