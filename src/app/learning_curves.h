#pragma once
// Learning curves and the training lead's dashboard (HTG3-1.2-TRAINING; docs/training.md).
//
// Each operator's consecutive procedures as primary operator (supervised or not) are charted as
// a Bernoulli CUSUM (stats/cusum.h) of one outcome the training lead picks, with the acceptable
// rate p0, the unacceptable rate p1 and the decision limit h they set. The chart restarts at 0
// after each signal. A signal is recorded, once per design, in the transaction that saved the
// procedure which raised it (or that changed the design), with an audit entry; a training lead
// records its review. The training settings (these and the number of supervised cases suggested
// before a sign-off) are one JSON document in the meta table ("training_settings"), changed by a
// training lead, every change audited with its before and after values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/context.h"
#include "domain/operator.h"
#include "stats/cusum.h"

namespace vertebro::app {

// The outcomes a learning curve may chart, as recorded on the procedure form.
enum class CurveOutcome { kLeakage, kSymptomaticLeakage };
std::string_view curve_outcome_name(CurveOutcome o);   // "leakage", "symptomatic_leakage"
std::string_view curve_outcome_label(CurveOutcome o);  // "Cement leakage", ...
std::optional<CurveOutcome> parse_curve_outcome(std::string_view name);
std::vector<CurveOutcome> all_curve_outcomes();

// vertebro's defaults are local choices, not national standards (docs/training.md): p0 is the
// leakage rate HTG3 quotes (up to 27%, HTG3-SAFE-LEAK), p1 twice it, and h = 3 gives, by
// simulation, about 170 cases between false signals at p0 and about 15 cases to a signal at p1.
struct TrainingSettings {
  int supervised_cases_suggested = 10;
  CurveOutcome outcome = CurveOutcome::kLeakage;
  double p0 = 0.27;
  double p1 = 0.54;
  double h = 3.0;

  stats::CusumDesign design() const { return {p0, p1, h, true}; }
  // "leakage p0=0.27 p1=0.54 h=3": what a recorded signal was found under.
  std::string design_text() const;
};

nlohmann::json training_settings_json(const TrainingSettings& s);
// Reads and checks a settings document: keys left out keep their defaults; numbers may be JSON
// numbers or text (a form's fields). Errors: kInvalid, one field error per bad key
// (supervised_cases_suggested, outcome, p0, p1, h; p1 not above p0 names p1).
Result<TrainingSettings> parse_training_settings(const nlohmann::json& j);
// Within a transaction: the stored settings, or the defaults when none are stored.
Result<TrainingSettings> load_training_settings(store::Tx& tx);

// Reading needs kManageOperators or a role that may hold a profile; changing needs
// kSignOffCompetence and takes a patch. A change re-reads every operator's curve under the new
// design and records the signals it finds. Errors: kForbidden, kInvalid (fields).
Result<TrainingSettings> get_training_settings(const Context& ctx, const Actor& actor);
Result<TrainingSettings> put_training_settings(const Context& ctx, const Actor& actor,
                                               const nlohmann::json& patch);

struct CurvePoint {
  std::int64_t case_number = 0;  // 1 for the operator's first procedure
  EpisodeId episode;
  std::string procedure_date;
  bool supervised = false;
  bool outcome = false;  // the charted outcome happened
  double score = 0;      // the CUSUM score after this case (before the restart at a signal)
  bool signal = false;
};

struct LearningCurve {
  TrainingSettings settings;
  std::vector<CurvePoint> points;
  std::int64_t outcomes = 0;  // cases with the charted outcome
  std::int64_t signals = 0;
};

// Pure: the curve of `cases` (in order) under `settings`.
LearningCurve learning_curve(const std::vector<domain::OperatorCase>& cases,
                             const TrainingSettings& settings);

// Within the transaction that changed operator `op`'s procedures (or the design): records each
// signal of their curve not recorded under this design before, each with an audit entry
// ("signal", record type "operator"). Returns how many were new.
Result<int> record_learning_curve_signals(store::Tx& tx, const Context& ctx, const Actor& actor,
                                          domain::OperatorId op, const TrainingSettings& settings);

// The training lead's review of a signal: what was looked at and decided (required, up to 1000
// characters). Errors: kForbidden (not a training lead; or a signal on their own profile,
// naming reviewed_by), kNotFound, kConflict (reviewed already), kInvalid naming note.
Result<domain::LearningCurveSignal> review_learning_curve_signal(const Context& ctx,
                                                                 const Actor& actor,
                                                                 std::int64_t id,
                                                                 const std::string& note);

// A sign-off that is the latest of its scope for an active operator, not revoked, whose review
// date has passed or falls within the next kReviewNoticeDays.
inline constexpr int kReviewNoticeDays = 90;
struct ReviewDue {
  domain::OperatorRecord op;
  domain::SignOffRecord sign_off;
  bool overdue = false;
};

// An active operator who holds no sign-off today, with their recorded cases.
struct Trainee {
  domain::OperatorRecord op;
  domain::OperatorCaseCounts cases;
  bool enough_supervised = false;  // supervised cases >= the suggested number
};

struct TrainingDashboard {
  TrainingSettings settings;
  std::string today;  // ISO
  std::vector<ReviewDue> reviews_due;  // by review date
  std::vector<Trainee> trainees;       // by name
  std::vector<domain::LearningCurveSignal> signals;  // not yet reviewed, newest first
  bool may_review = false;  // the viewer is a training lead
};

// For kManageOperators. Audited as a read of the dashboard. Errors: kForbidden.
Result<TrainingDashboard> training_dashboard(const Context& ctx, const Actor& actor);

}  // namespace vertebro::app
