#pragma once
// Operators (the clinicians who carry out vertebroplasty), their competence sign-offs and their
// training log (HTG3-1.2-TRAINING): the values and records every layer shares. Pure: no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "domain/date.h"

namespace vertebro::domain {

enum class ProfessionalRole { kInterventionalRadiologist, kSpinalSurgeon, kOther };
std::string_view professional_role_name(ProfessionalRole r);   // "interventional_radiologist"
std::string_view professional_role_label(ProfessionalRole r);  // "Interventional radiologist"
std::optional<ProfessionalRole> parse_professional_role(std::string_view name);
std::vector<ProfessionalRole> all_professional_roles();

// What a competence sign-off covers: a fixed list, one entry per kind of case.
enum class CompetenceScope {
  kOsteoporoticThoracolumbar,
  kTumourThoracolumbar,
  kHaemangiomaThoracolumbar,
  kCervical,
};
std::string_view competence_scope_name(CompetenceScope s);   // "osteoporotic_thoracolumbar", ...
std::string_view competence_scope_label(CompetenceScope s);  // "Osteoporotic fracture, ..."
std::optional<CompetenceScope> parse_competence_scope(std::string_view name);
std::vector<CompetenceScope> all_competence_scopes();

// What a training log entry records.
enum class TrainingKind { kCourse, kSimulation, kObservedCase };
std::string_view training_kind_name(TrainingKind k);   // "course", "simulation", "observed_case"
std::string_view training_kind_label(TrainingKind k);  // "Course", "Simulation", "Observed case"
std::optional<TrainingKind> parse_training_kind(std::string_view name);
std::vector<TrainingKind> all_training_kinds();

using OperatorId = Id<struct OperatorTag>;

// An operator's profile, linked to one user (an operator or a training lead). Versioned.
struct OperatorRecord {
  OperatorId id;
  UserId user;
  std::string username;      // of the linked user (read-only, from the users table)
  std::string display_name;  // of the linked user
  std::string professional_role;  // professional_role_name()
  std::string registration_number;  // GMC number or the like, as written
  std::vector<SiteId> sites;
  bool active = true;
  std::int64_t version = 0;
  std::string created_at;
  std::string updated_at;
};

// One competence sign-off by a training lead. Never deleted; revoked at most once.
struct SignOffRecord {
  std::int64_t id = 0;
  OperatorId operator_id;
  std::string scope;        // competence_scope_name()
  std::string signed_on;    // ISO date of the sign-off
  std::string review_date;  // ISO date; the sign-off holds to this date inclusive
  UserId signed_by;
  std::string signed_by_name;  // display name of the signer (read-only)
  std::string created_at;
  // Revocation: all empty (0) while the sign-off stands.
  std::string revoked_on;  // ISO date from which the sign-off no longer holds
  UserId revoked_by;
  std::string revoked_by_name;
  std::string revoke_reason;
  std::string revoked_at;

  bool revoked() const { return !revoked_on.empty(); }
};

// One entry of an operator's training log, checked once by a training lead.
struct TrainingEntryRecord {
  std::int64_t id = 0;
  OperatorId operator_id;
  std::string kind;        // training_kind_name()
  std::string entry_date;  // ISO date of the course, session or case
  std::string description;
  std::string evidence;    // evidence reference (certificate number, case reference, ...)
  UserId added_by;
  std::string added_at;
  UserId checked_by;  // 0 until checked
  std::string checked_by_name;
  std::string checked_at;  // "" until checked
};

// Whether `s` holds on date `on`: signed on or before it, `on` no later than the review date,
// and not revoked on or before `on`. Dates that do not parse never hold.
bool sign_off_holds(const SignOffRecord& s, Date on);

// An operator's recorded procedures by their role in them (the procedure_operators index), for
// the training lead: supervised cases before a sign-off, cases supervised after it.
struct OperatorCaseCounts {
  std::int64_t supervised = 0;   // as primary operator, with a supervisor recorded
  std::int64_t independent = 0;  // as primary operator, with no supervisor
  std::int64_t supervising = 0;  // as the supervisor of another's case
};

// One recorded procedure of an operator as primary operator, for their learning curve: the
// outcomes a training lead may chart (docs/training.md, "Learning curves").
struct OperatorCase {
  EpisodeId episode;
  std::string procedure_date;  // ISO
  bool supervised = false;
  bool leakage = false;              // cement leaked at any treated level
  bool symptomatic_leakage = false;  // a leakage caused symptoms
};

// The point at which an operator's learning curve (a Bernoulli CUSUM) reached its decision
// limit, under the design in force when it was found. Recorded once; reviewed once.
struct LearningCurveSignal {
  std::int64_t id = 0;
  OperatorId operator_id;
  std::string operator_name;  // display name of the operator's user (read-only)
  std::string outcome;        // "leakage" or "symptomatic_leakage"
  EpisodeId episode;
  std::int64_t case_number = 0;  // the operator's nth procedure as primary operator
  std::string procedure_date;
  std::string score;   // the CUSUM score at the signal, as shown
  std::string design;  // e.g. "p0=0.27 p1=0.5 h=2.5"
  std::string signalled_at;
  UserId reviewed_by;  // 0 until reviewed
  std::string reviewed_by_name;
  std::string reviewed_at;  // "" until reviewed
  std::string review_note;

  bool reviewed() const { return !reviewed_at.empty(); }
};

}  // namespace vertebro::domain
