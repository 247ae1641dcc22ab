#include "app/learning_curves.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "app/audit_trail.h"
#include "app/operators.h"
#include "base/log.h"
#include "domain/text.h"
#include "store/store.h"

namespace vertebro::app {

using domain::OperatorId;
using domain::Permission;
using nlohmann::json;

namespace {

constexpr const char* kMetaKey = "training_settings";
constexpr int kMaxSuggestedCases = 200;
constexpr double kMaxDecisionLimit = 20.0;
constexpr std::size_t kMaxNoteChars = 1000;

constexpr std::array<std::pair<CurveOutcome, std::pair<const char*, const char*>>, 2> kOutcomes{{
    {CurveOutcome::kLeakage, {"leakage", "Cement leakage"}},
    {CurveOutcome::kSymptomaticLeakage, {"symptomatic_leakage", "Symptomatic cement leakage"}},
}};

// A number from JSON: a number, or text holding one (a form's field). nullopt otherwise.
std::optional<double> number(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  const std::string text = domain::trimmed(v.get<std::string>());
  double d = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  return d;
}

// A rate strictly between 0 and 1, given as a proportion (0.27) .
std::optional<double> rate(const json& j, const std::string& key, const std::string& label,
                           std::vector<FieldError>& errors) {
  const auto d = number(j.at(key));
  if (!d || *d <= 0 || *d >= 1) {
    errors.push_back({key, "Enter the " + label + " as a proportion between 0 and 1, for example "
                                                  "0.27 for 27%"});
    return std::nullopt;
  }
  return d;
}

AuditTarget operator_target(OperatorId id) { return {"operator", id.value, 0, 0}; }

}  // namespace

std::string_view curve_outcome_name(CurveOutcome o) {
  for (const auto& [v, t] : kOutcomes) {
    if (v == o) return t.first;
  }
  return "";
}

std::string_view curve_outcome_label(CurveOutcome o) {
  for (const auto& [v, t] : kOutcomes) {
    if (v == o) return t.second;
  }
  return "";
}

std::optional<CurveOutcome> parse_curve_outcome(std::string_view name) {
  for (const auto& [v, t] : kOutcomes) {
    if (name == t.first) return v;
  }
  return std::nullopt;
}

std::vector<CurveOutcome> all_curve_outcomes() {
  std::vector<CurveOutcome> out;
  for (const auto& [v, t] : kOutcomes) out.push_back(v);
  return out;
}

std::string TrainingSettings::design_text() const {
  return fmt::format("{} p0={:g} p1={:g} h={:g}", curve_outcome_name(outcome), p0, p1, h);
}

json training_settings_json(const TrainingSettings& s) {
  return {{"supervised_cases_suggested", s.supervised_cases_suggested},
          {"outcome", curve_outcome_name(s.outcome)},
          {"p0", s.p0},
          {"p1", s.p1},
          {"h", s.h}};
}

Result<TrainingSettings> parse_training_settings(const json& j) {
  if (!j.is_object()) return Error::invalid({{"body", "Send the settings as a JSON object"}});
  TrainingSettings out;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : j.items()) {
    if (key != "supervised_cases_suggested" && key != "outcome" && key != "p0" && key != "p1" &&
        key != "h") {
      errors.push_back({key, "Unknown setting \"" + key + "\""});
    }
  }
  if (j.contains("supervised_cases_suggested")) {
    const auto d = number(j.at("supervised_cases_suggested"));
    if (!d || *d != std::floor(*d) || *d < 1 || *d > kMaxSuggestedCases) {
      errors.push_back({"supervised_cases_suggested",
                        "Enter the number of supervised cases as a whole number from 1 to " +
                            std::to_string(kMaxSuggestedCases)});
    } else {
      out.supervised_cases_suggested = static_cast<int>(*d);
    }
  }
  if (j.contains("outcome")) {
    const auto& v = j.at("outcome");
    const auto o = v.is_string() ? parse_curve_outcome(v.get<std::string>()) : std::nullopt;
    if (!o) {
      errors.push_back({"outcome", "Select the outcome the learning curves chart"});
    } else {
      out.outcome = *o;
    }
  }
  std::optional<double> p0 = out.p0, p1 = out.p1;
  if (j.contains("p0")) p0 = rate(j, "p0", "acceptable rate", errors);
  if (j.contains("p1")) p1 = rate(j, "p1", "unacceptable rate", errors);
  if (p0 && p1) {
    if (*p1 <= *p0) {
      errors.push_back({"p1", "The unacceptable rate must be higher than the acceptable rate"});
    } else {
      out.p0 = *p0;
      out.p1 = *p1;
    }
  }
  if (j.contains("h")) {
    const auto d = number(j.at("h"));
    if (!d || *d <= 0 || *d > kMaxDecisionLimit) {
      errors.push_back({"h", "Enter the signal threshold h as a number above 0 and at most 20"});
    } else {
      out.h = *d;
    }
  }
  if (!errors.empty()) return Error::invalid(std::move(errors), "Check the training settings");
  return out;
}

Result<TrainingSettings> load_training_settings(store::Tx& tx) {
  auto raw = tx.get_meta(kMetaKey);
  if (!raw) return std::move(raw).error();
  if (!raw->has_value()) return TrainingSettings{};
  auto s = parse_training_settings(json::parse(**raw, nullptr, false));
  if (!s) return Error::internal("The stored training settings cannot be read");
  return s;
}

Result<TrainingSettings> get_training_settings(const Context& ctx, const Actor& actor) {
  if (!role_allows(actor.user.role, Permission::kManageOperators) &&
      !may_hold_operator_profile(actor.user.role)) {
    return Error::forbidden("Your role cannot see the training settings");
  }
  std::optional<TrainingSettings> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto t = load_training_settings(tx);
    if (!t) return std::move(t).error();
    out = *t;
    return {};
  });
  if (!s) return std::move(s).error();
  return *out;
}

Result<TrainingSettings> put_training_settings(const Context& ctx, const Actor& actor,
                                               const json& patch) {
  if (!role_allows(actor.user.role, Permission::kSignOffCompetence)) {
    return Error::forbidden("Only a training lead can change the training settings");
  }
  if (!patch.is_object()) return Error::invalid({{"body", "Send the settings as a JSON object"}});
  std::optional<TrainingSettings> out;
  int found = 0;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto before = load_training_settings(tx);
    if (!before) return std::move(before).error();
    json merged = training_settings_json(*before);
    for (const auto& [key, value] : patch.items()) merged[key] = value;
    auto next = parse_training_settings(merged);
    if (!next) return std::move(next).error();
    out = *next;
    const json after = training_settings_json(*next);
    if (auto m = tx.set_meta(kMetaKey, after.dump()); !m) return m;
    if (auto a = audit(tx, ctx, actor, "update", {"training_settings", 1, 0, 0},
                       json{{"from", training_settings_json(*before)}, {"to", after}}.dump());
        !a) {
      return a;
    }
    if (before->design_text() == next->design_text()) return {};
    auto ops = tx.list_operators();
    if (!ops) return std::move(ops).error();
    for (const auto& op : *ops) {
      auto n = record_learning_curve_signals(tx, ctx, actor, op.id, *next);
      if (!n) return std::move(n).error();
      found += *n;
    }
    return {};
  });
  if (!s) return std::move(s).error();
  log::info("user {} changed the training settings ({} new learning curve signals)",
            actor.user.username, found);
  return *out;
}

LearningCurve learning_curve(const std::vector<domain::OperatorCase>& cases,
                             const TrainingSettings& settings) {
  LearningCurve out;
  out.settings = settings;
  std::vector<int> outcomes;
  outcomes.reserve(cases.size());
  for (const auto& c : cases) {
    const bool y = settings.outcome == CurveOutcome::kLeakage ? c.leakage : c.symptomatic_leakage;
    outcomes.push_back(y ? 1 : 0);
  }
  const auto steps = stats::bernoulli_cusum(outcomes, settings.design());
  out.points.reserve(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    out.points.push_back({static_cast<std::int64_t>(i + 1), cases[i].episode,
                          cases[i].procedure_date, cases[i].supervised, steps[i].outcome != 0,
                          steps[i].s, steps[i].signal});
    out.outcomes += steps[i].outcome;
    out.signals += steps[i].signal ? 1 : 0;
  }
  return out;
}

Result<int> record_learning_curve_signals(store::Tx& tx, const Context& ctx, const Actor& actor,
                                          OperatorId op, const TrainingSettings& settings) {
  auto cases = tx.operator_cases(op);
  if (!cases) return std::move(cases).error();
  const auto curve = learning_curve(*cases, settings);
  int added = 0;
  for (const auto& p : curve.points) {
    if (!p.signal) continue;
    domain::LearningCurveSignal s;
    s.operator_id = op;
    s.outcome = std::string(curve_outcome_name(settings.outcome));
    s.episode = p.episode;
    s.case_number = p.case_number;
    s.procedure_date = p.procedure_date;
    s.score = fmt::format("{:.2f}", p.score);
    s.design = settings.design_text();
    s.signalled_at = ctx.now_text();
    auto id = tx.insert_learning_curve_signal(s);
    if (!id) return std::move(id).error();
    if (*id == 0) continue;
    ++added;
    if (auto a = audit(tx, ctx, actor, "signal", operator_target(op),
                       json{{"learning_curve_signal", *id},
                            {"outcome", s.outcome},
                            {"case_number", s.case_number},
                            {"episode_id", s.episode.value},
                            {"score", s.score},
                            {"design", s.design}}
                           .dump());
        !a) {
      return std::move(a).error();
    }
  }
  return added;
}

Result<domain::LearningCurveSignal> review_learning_curve_signal(const Context& ctx,
                                                                 const Actor& actor,
                                                                 std::int64_t id,
                                                                 const std::string& note) {
  if (!role_allows(actor.user.role, Permission::kSignOffCompetence)) {
    return Error::forbidden("Only a training lead can review a learning curve signal");
  }
  std::vector<FieldError> errors;
  const std::string text =
      domain::checked_text(note, "note", "review note", kMaxNoteChars, true, errors);
  std::optional<domain::LearningCurveSignal> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto all = tx.learning_curve_signals(OperatorId{0}, false);
    if (!all) return std::move(all).error();
    const auto it = std::find_if(all->begin(), all->end(),
                                 [&](const domain::LearningCurveSignal& x) { return x.id == id; });
    if (it == all->end()) return Error::not_found("No such learning curve signal");
    auto op = tx.find_operator(it->operator_id);
    if (!op) return std::move(op).error();
    if (*op && (*op)->user == actor.user.id) {
      return Error{Errc::kForbidden, "You cannot review a signal on your own learning curve",
                   {{"reviewed_by", "Another training lead must review it"}}, 0, 0};
    }
    if (!errors.empty()) return Error::invalid(errors);
    if (auto r = tx.review_learning_curve_signal(id, actor.user.id, ctx.now_text(), text); !r) {
      return r;
    }
    out = *it;
    out->reviewed_by = actor.user.id;
    out->reviewed_by_name = actor.user.display_name;
    out->reviewed_at = ctx.now_text();
    out->review_note = text;
    return audit(tx, ctx, actor, "review", operator_target(it->operator_id),
                 json{{"learning_curve_signal", id}, {"note", text}}.dump());
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

Result<TrainingDashboard> training_dashboard(const Context& ctx, const Actor& actor) {
  if (!role_allows(actor.user.role, Permission::kManageOperators)) {
    return Error::forbidden("Only a training lead or an administrator can see the training "
                            "dashboard");
  }
  TrainingDashboard out;
  const auto today = domain::Date::today(ctx.clock());
  out.today = today.iso();
  out.may_review = role_allows(actor.user.role, Permission::kSignOffCompetence);
  const auto notice_until =
      domain::Date::from_days(today.days() + std::chrono::days{kReviewNoticeDays});
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto settings = load_training_settings(tx);
    if (!settings) return std::move(settings).error();
    out.settings = *settings;
    auto ops = tx.list_operators();
    if (!ops) return std::move(ops).error();
    for (const auto& op : *ops) {
      if (!op.active) continue;
      auto sign_offs = tx.operator_sign_offs(op.id);
      if (!sign_offs) return std::move(sign_offs).error();
      // The latest sign-off of each scope (by date, then id) is the one due for review.
      std::map<std::string, const domain::SignOffRecord*> latest;
      bool holds_one = false;
      for (const auto& so : *sign_offs) {
        holds_one = holds_one || domain::sign_off_holds(so, today);
        auto& l = latest[so.scope];
        if (l == nullptr || l->signed_on <= so.signed_on) l = &so;
      }
      for (const auto& [scope, so] : latest) {
        if (so->revoked()) continue;
        auto review = domain::Date::parse(so->review_date, "review_date", "Review date");
        if (!review || notice_until < *review) continue;
        out.reviews_due.push_back({op, *so, *review < today});
      }
      if (!holds_one) {
        auto cases = tx.operator_case_counts(op.id);
        if (!cases) return std::move(cases).error();
        out.trainees.push_back(
            {op, *cases, cases->supervised >= out.settings.supervised_cases_suggested});
      }
    }
    std::sort(out.reviews_due.begin(), out.reviews_due.end(),
              [](const ReviewDue& a, const ReviewDue& b) {
                return a.sign_off.review_date < b.sign_off.review_date;
              });
    std::sort(out.trainees.begin(), out.trainees.end(), [](const Trainee& a, const Trainee& b) {
      return a.op.display_name < b.op.display_name;
    });
    auto signals = tx.learning_curve_signals(OperatorId{0}, true);
    if (!signals) return std::move(signals).error();
    out.signals = std::move(*signals);
    return audit(tx, ctx, actor, "read", {"training_dashboard", 0, 0, 0},
                 json{{"reviews_due", out.reviews_due.size()},
                      {"trainees", out.trainees.size()},
                      {"signals", out.signals.size()}}
                     .dump());
  });
  if (!s) return std::move(s).error();
  return out;
}

}  // namespace vertebro::app
