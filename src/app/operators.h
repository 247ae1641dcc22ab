#pragma once
// Operator profiles, competence sign-offs and the training log (HTG3-1.2-TRAINING). Profiles
// are kept by administrators and training leads (Permission::kManageOperators); only a training
// lead signs off or revokes competence and checks log entries (kSignOffCompetence), never on
// their own profile; an operator adds entries to their own log. Every read and change is on the
// audit trail (record type "operator"). docs/training.md is the training lead's guide.

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/learning_curves.h"
#include "domain/operator.h"

namespace vertebro::app {

// As typed in a form or sent to the API.
struct OperatorInput {
  std::string user_id;  // creation only: a user with the operator or training lead role
  std::string professional_role;  // domain::professional_role_name()
  std::string registration_number;
  std::vector<std::string> site_ids;
  std::string status;  // "active" or "inactive"
};

struct SignOffInput {
  std::string signed_on;  // ISO date, not in the future
  std::string scope;      // domain::competence_scope_name()
  std::string review_date;  // ISO date after signed_on and within 5 years of it
};

struct TrainingInput {
  std::string kind;  // domain::training_kind_name()
  std::string entry_date;  // ISO date, not in the future
  std::string description;
  std::string evidence;  // evidence reference
};

// A profile with everything its page shows, and what the viewer may do with it.
struct OperatorProfile {
  domain::OperatorRecord op;
  std::vector<domain::SignOffRecord> sign_offs;  // oldest first
  std::vector<domain::TrainingEntryRecord> training;  // by entry date
  domain::OperatorCaseCounts cases;  // recorded procedures by role (HTG3-1.2-TRAINING)
  // Their learning curve under the training settings (which also give the number of
  // supervised cases suggested before a sign-off), and its recorded signals, newest first.
  LearningCurve curve;
  std::vector<domain::LearningCurveSignal> signals;
  bool may_manage = false;    // change the profile
  bool may_sign_off = false;  // sign off, revoke, check entries (a training lead, not self)
  bool may_log = false;       // add log entries (the operator themself)
};

// Users who may be given a profile and have none yet (operators and training leads, enabled).
struct OperatorCandidate {
  UserId id;
  std::string username;
  std::string display_name;
  domain::Role role = domain::Role::kOperator;
};

// Whether users of role `r` may hold an operator profile: operators and training leads.
bool may_hold_operator_profile(domain::Role r);

// Every profile for kManageOperators; otherwise only the user's own (empty when they have none).
// Errors: kForbidden for a role that neither manages operators nor may hold a profile.
Result<std::vector<domain::OperatorRecord>> list_operators(const Context& ctx, const Actor& actor);

// Errors: kForbidden.
Result<std::vector<OperatorCandidate>> operator_candidates(const Context& ctx, const Actor& actor);

// The profile of the actor themself, if they have one.
Result<std::optional<domain::OperatorRecord>> own_operator(const Context& ctx, const Actor& actor);

// Errors: kForbidden; kInvalid naming user_id, professional_role, registration_number, site_ids,
// status (a user who already has a profile, or whose role holds none, is a user_id error).
Result<domain::OperatorRecord> create_operator(const Context& ctx, const Actor& actor,
                                               const OperatorInput& input);

// Changes role, registration number, sites and status (input.user_id is ignored) when the
// profile is still at expected_version. Errors: kForbidden, kNotFound, kInvalid, kConflict.
Result<domain::OperatorRecord> update_operator(const Context& ctx, const Actor& actor,
                                               domain::OperatorId id,
                                               std::int64_t expected_version,
                                               const OperatorInput& input);

// Errors: kNotFound (no such profile, or not the actor's to see: kManageOperators or their own).
Result<OperatorProfile> view_operator(const Context& ctx, const Actor& actor,
                                      domain::OperatorId id);

// Records a sign-off signed by the actor. Errors: kForbidden (not a training lead; or the
// actor's own profile, naming signed_by), kNotFound, kWrongState (an inactive profile),
// kInvalid naming signed_on, scope, review_date.
Result<domain::SignOffRecord> sign_off_competence(const Context& ctx, const Actor& actor,
                                                  domain::OperatorId id,
                                                  const SignOffInput& input);

// Revokes a sign-off from today, with a reason. Errors: kForbidden (not a training lead; or the
// actor's own profile, naming revoked_by), kNotFound, kConflict (already revoked), kInvalid
// naming reason.
Result<domain::SignOffRecord> revoke_competence(const Context& ctx, const Actor& actor,
                                                domain::OperatorId id, std::int64_t sign_off,
                                                const std::string& reason);

// Adds an entry to the actor's own log. Errors: kForbidden (not the profile's own user),
// kNotFound, kInvalid naming kind, entry_date, description, evidence.
Result<domain::TrainingEntryRecord> add_training_entry(const Context& ctx, const Actor& actor,
                                                       domain::OperatorId id,
                                                       const TrainingInput& input);

// Marks an entry checked by the actor. Errors: kForbidden (not a training lead, or their own
// log), kNotFound, kConflict (already checked).
Status check_training_entry(const Context& ctx, const Actor& actor, domain::OperatorId id,
                            std::int64_t entry);

}  // namespace vertebro::app
