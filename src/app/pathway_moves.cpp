// The pathway's moves: forward through a gate (with the planned procedure date on the move to
// procedure, and overrides by the roles the unit allows), recorded steps back, and exits.

#include <algorithm>
#include <charconv>
#include <tuple>

#include "app/access.h"
#include "app/audit_trail.h"
#include "app/pathway.h"
#include "app/pathway_detail.h"
#include "app/referrals.h"
#include "base/log.h"
#include "domain/text.h"
#include "store/store.h"

namespace vertebro::app {

using domain::PathwayState;
using domain::Permission;
using nlohmann::json;
using namespace pathway_detail;

std::vector<PathwayState> exit_states() {
  return {PathwayState::kDeclined, PathwayState::kWithdrawn, PathwayState::kNotSuitable,
          PathwayState::kDeceased};
}

std::string override_refusal(const UnitConfig& config, guidance::Gate gate) {
  std::string roles;
  if (auto it = config.override_roles.find(gate); it != config.override_roles.end()) {
    for (auto r : it->second)
      roles += (roles.empty() ? "" : ", ") + std::string(domain::role_name(r));
  }
  return "Your role may not override this gate; this unit allows: " +
         (roles.empty() ? std::string("no role at present") : roles) + ".";
}

namespace {

std::string label(PathwayState s) { return std::string(domain::state_label(s)); }

// The roles whose permission makes a move, as "operator" or "coordinator, operator".
std::string roles_with(Permission p) {
  std::string out;
  for (auto r : domain::all_roles()) {
    if (role_allows(r, p)) out += (out.empty() ? "" : ", ") + std::string(domain::role_name(r));
  }
  return out;
}

// Refuses a role that could make no move, step back, override or exit at all. Checked before
// the episode is read, so such a role learns nothing about the episode from the refusal (issue
// 9); when it asked to override a gate, the refusal names the roles the unit allows there.
Status refuse_a_role_with_no_part(const Context& ctx, domain::Role role, PathwayState to,
                                  const std::string& override_reason) {
  if (role_allows(role, Permission::kRecordExit)) return {};
  for (const auto& r : move_rules()) {
    if (role_allows(role, r.permission)) return {};
  }
  for (const auto& r : step_back_rules()) {
    if (may_step_back(role, r)) return {};
  }
  std::optional<UnitConfig> config;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto c = load_unit_config(tx);
    if (!c) return std::move(c).error();
    config = std::move(*c);
    return {};
  });
  if (!s) return s;
  for (const auto& [gate, roles] : config->override_roles) {
    if (std::find(roles.begin(), roles.end(), role) != roles.end()) return {};
  }
  const auto gate = guidance::gate_into(to);
  if (gate && !override_reason.empty()) return Error::forbidden(override_refusal(*config, *gate));
  return Error::forbidden("Your role cannot move episodes along the pathway");
}

struct CheckedMove {
  PathwayState to = PathwayState::kReferral;
  std::string override_reason;
  std::string step_back_reason;
  std::optional<domain::Date> planned;
  std::int64_t planned_operator = 0;  // profile ids; 0 for none
  std::int64_t planned_supervisor = 0;
};

// A profile id as typed: 0 for blank, -1 for text that is not one.
std::int64_t profile_id(const std::string& text) {
  const std::string t = domain::trimmed(text);
  if (t.empty()) return 0;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && p == t.data() + t.size() && v > 0 ? v : -1;
}

Result<CheckedMove> check_request(const Context& ctx, const MoveRequest& request,
                                  const PlannedTeam& team) {
  CheckedMove m;
  auto to = domain::parse_state(request.to);
  if (!to) return Error::invalid({{"to", "Choose the state to move the episode to"}});
  m.to = *to;
  std::vector<FieldError> errors;
  m.override_reason = domain::checked_text(request.override_reason, "override_reason",
                                           "reason for the override", 2000, false, errors);
  m.step_back_reason = domain::checked_text(request.reason, "reason", "reason for the step back",
                                            2000, false, errors);
  if (!request.planned_procedure_date.empty()) {
    if (m.to != PathwayState::kProcedure) {
      errors.push_back(
          {"planned_procedure_date", "Only the move to procedure takes a planned procedure date"});
    } else if (auto d = domain::Date::parse(request.planned_procedure_date,
                                            "planned_procedure_date", "Planned procedure date");
               !d) {
      errors.push_back(d.error().fields.front());
    } else {
      const auto today = domain::Date::today(ctx.clock());
      const auto latest =
          domain::Date::from_days(today.days() + std::chrono::days(kMaxPlannedDaysAhead));
      if (*d > latest) {
        errors.push_back({"planned_procedure_date",
                          "Planned procedure date must be no more than 26 weeks from today (by " +
                              latest.display() + ")"});
      }
      m.planned = *d;
    }
  }
  for (auto [text, field, out] :
       {std::tuple{&team.operator_id, "planned_operator_id", &m.planned_operator},
        std::tuple{&team.supervisor_id, "planned_supervisor_id", &m.planned_supervisor}}) {
    *out = profile_id(*text);
    if (*out == 0) continue;
    if (m.to != PathwayState::kProcedure) {
      errors.push_back({field, "Only the move to procedure names a planned operator"});
    } else if (*out < 0) {
      errors.push_back({field, "Choose the operator from the list"});
    }
  }
  if (m.planned_supervisor > 0 && m.planned_operator == 0) {
    errors.push_back({"planned_operator_id",
                      "Choose the planned operator as well as their supervisor"});
  } else if (m.planned_supervisor > 0 && m.planned_supervisor == m.planned_operator) {
    errors.push_back({"planned_supervisor_id",
                      "The supervisor must be another operator than the planned operator"});
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  return m;
}

// The planned operators of a move to procedure, with their sign-offs, or kInvalid naming the
// field of one who is not an active operator at the episode's site.
Status plan_team(store::Tx& tx, const store::EpisodeRecord& e, const CheckedMove& m,
                 guidance::EpisodeSnapshot& snap) {
  if (m.planned_operator <= 0) return {};
  auto all = tx.list_operators();
  if (!all) return std::move(all).error();
  std::vector<FieldError> errors;
  for (auto [id, field, out] :
       {std::tuple{m.planned_operator, "planned_operator_id", &snap.primary_operator},
        std::tuple{m.planned_supervisor, "planned_supervisor_id", &snap.supervisor}}) {
    if (id <= 0) continue;
    const auto op = std::find_if(all->begin(), all->end(), [&](const domain::OperatorRecord& o) {
      return o.id.value == id && o.active &&
             std::find(o.sites.begin(), o.sites.end(), e.referral.site) != o.sites.end();
    });
    if (op == all->end()) {
      errors.push_back({field, "Choose an operator whose profile is active at the episode's site"});
      continue;
    }
    auto sign_offs = tx.operator_sign_offs(op->id);
    if (!sign_offs) return std::move(sign_offs).error();
    *out = guidance::ProcedureOperator{op->display_name, false, std::move(*sign_offs)};
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  return {};
}

// A recorded step back one state, with its reason.
Status step_back(store::Tx& tx, const Context& ctx, const Actor& actor,
                 const store::EpisodeRecord& e, const StepBackRule& rule, const CheckedMove& m,
                 std::int64_t expected_version, MoveResult& r) {
  if (!may_step_back(actor.user.role, rule)) {
    return Error::forbidden("Your role cannot step an episode back to " + label(rule.to));
  }
  std::vector<FieldError> errors;
  if (m.step_back_reason.empty()) {
    errors.push_back({"reason", "Enter why the episode steps back to " + label(rule.to)});
  }
  if (!m.override_reason.empty()) {
    errors.push_back({"override_reason", "A step back passes no gate: give its reason in reason"});
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  if (e.version != expected_version) {
    return Error::conflict(
        "Someone else changed this episode after you opened it. Nothing was moved.");
  }
  auto moved = tx.set_episode_state(e.id, e.version, rule.to, ctx.now_text());
  if (!moved) return std::move(moved).error();
  store::TransitionRecord t;
  t.step_back_reason = m.step_back_reason;
  if (auto rec = record_transition(tx, ctx, actor, e, *moved, t); !rec) return rec;
  r.moved = true;
  r.stepped_back = true;
  r.episode = *moved;
  return {};
}

// A forward move through its gate, if it has one.
Status move_forward(store::Tx& tx, const Context& ctx, const Actor& actor,
                    const store::EpisodeRecord& e, const MoveRule& rule, const CheckedMove& m,
                    std::int64_t expected_version, MoveResult& r) {
  auto config = load_unit_config(tx);
  if (!config) return std::move(config).error();
  const domain::Role role = actor.user.role;
  const auto gate = guidance::gate_into(rule.to);
  const bool by_permission = role_allows(role, rule.permission);
  const bool may_override = gate && config->may_override(role, *gate);
  if (!by_permission && !may_override) {
    return Error::forbidden(gate && !m.override_reason.empty()
                                ? override_refusal(*config, *gate)
                                : "Your role cannot move an episode to " + label(rule.to));
  }
  if (!m.step_back_reason.empty()) {
    return Error::invalid({{"reason",
                            "Only a step back takes a reason; to pass a blocked gate "
                            "give override_reason"}});
  }
  if (e.version != expected_version) {
    return Error::conflict(
        "Someone else changed this episode after you opened it. Nothing was moved.");
  }
  store::TransitionRecord t;
  if (gate) {
    auto loaded = load_all(tx, e);
    if (!loaded) return std::move(loaded).error();
    auto snap = snapshot_of(*loaded, domain::Date::today(ctx.clock()));
    if (rule.to == PathwayState::kProcedure) {
      const domain::Date planned = m.planned.value_or(snap.today);
      if (planned < e.referral.referral_date) {
        return Error::invalid({{"planned_procedure_date",
                                "Planned procedure date must be on or after the referral date (" +
                                    e.referral.referral_date.display() + ")"}});
      }
      snap.procedure_date = planned;
      snap.procedure_date_planned = true;
      if (auto team = plan_team(tx, e, m, snap); !team) return team;
      t.procedure_date = planned.iso();
      r.procedure_date = planned;
    }
    auto check = check_gate(*gate, rule.to, snap, *config, actor);
    r.gate = gate;
    r.findings = check.findings;
    r.may_override = may_override;
    put_check(t, check);
    if (check.blocked) {
      if (m.override_reason.empty()) {
        r.episode = e;
        return audit_gate_blocked(tx, ctx, actor, e, t, check.findings);
      }
      if (!may_override) return Error::forbidden(override_refusal(*config, *gate));
      t.override_reason = m.override_reason;
      t.override_role = std::string(domain::role_name(role));
      r.overridden = true;
    } else if (!by_permission) {
      return Error::forbidden(
          "The guidance is met at this gate, so there is nothing to override; "
          "the move to " +
          label(rule.to) + " is made by: " + roles_with(rule.permission) + ".");
    }
  }
  auto moved = tx.set_episode_state(e.id, e.version, rule.to, ctx.now_text());
  if (!moved) return std::move(moved).error();
  if (auto rec = record_transition(tx, ctx, actor, e, *moved, t); !rec) return rec;
  r.moved = true;
  r.episode = *moved;
  return {};
}

}  // namespace

Result<MoveResult> move_episode(const Context& ctx, const Actor& actor, EpisodeId id,
                                const MoveRequest& request, const PlannedTeam& team) {
  auto m = check_request(ctx, request, team);
  if (!m) return std::move(m).error();
  if (auto part = refuse_a_role_with_no_part(ctx, actor.user.role, m->to, m->override_reason);
      !part) {
    return std::move(part).error();
  }
  std::optional<MoveResult> result;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto e = load_visible_episode(tx, refusals, actor, id);
    if (!e) return std::move(e).error();
    MoveResult r;
    Status done;
    if (const StepBackRule* back = find_step_back(e->state, m->to)) {
      done = step_back(tx, ctx, actor, *e, *back, *m, request.expected_version, r);
    } else if (const MoveRule* rule = find_move(e->state, m->to)) {
      done = move_forward(tx, ctx, actor, *e, *rule, *m, request.expected_version, r);
    } else {
      return Error::wrong_state("An episode at " + label(e->state) + " cannot move to " +
                                label(m->to) + ".");
    }
    if (!done) return done;
    result = std::move(r);
    return {};
  });
  if (!s) return std::move(s).error();
  if (result->moved) {
    log::info("user {} moved episode {} to {}{}", actor.user.username, id.value, request.to,
              result->overridden     ? " with an override"
              : result->stepped_back ? " (a step back)"
                                     : "");
  }
  return std::move(*result);
}

Result<store::EpisodeRecord> exit_episode(const Context& ctx, const Actor& actor, EpisodeId id,
                                          const ExitRequest& request) {
  if (!role_allows(actor.user.role, Permission::kRecordExit)) {
    return Error::forbidden("Your role cannot end an episode");
  }
  std::vector<FieldError> errors;
  auto to = domain::parse_state(request.state);
  const auto exits = exit_states();
  if (!to || (*to != PathwayState::kClosed &&
              std::find(exits.begin(), exits.end(), *to) == exits.end())) {
    errors.push_back({"state", "Select how the episode ended"});
  }
  const std::string reason =
      domain::checked_text(request.reason, "reason", "reason", 2000, true, errors);
  std::optional<domain::Date> date;
  if (request.date.empty()) {
    errors.push_back({"date", "Enter the date"});
  } else if (auto d = domain::Date::parse(request.date, "date", "Date")) {
    date = *d;
    if (*d > domain::Date::today(ctx.clock())) {
      errors.push_back({"date", "Date must be today or in the past"});
    }
  } else {
    errors.push_back(d.error().fields.front());
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  std::optional<store::EpisodeRecord> result;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto e = load_visible_episode(tx, refusals, actor, id);
    if (!e) return std::move(e).error();
    if (domain::is_final(e->state)) {
      return Error::wrong_state("This episode has already ended (" +
                                std::string(domain::state_label(e->state)) + ").");
    }
    if (*to == PathwayState::kClosed && e->state != PathwayState::kFollowUp) {
      return Error::invalid(
          {{"state", "Only an episode in follow-up is closed; select how this one ended"}});
    }
    if (*date < e->referral.referral_date) {
      return Error::invalid({{"date", "Date must be on or after the referral date (" +
                                          e->referral.referral_date.display() + ")"}});
    }
    if (e->version != request.expected_version) {
      return Error::conflict(
          "Someone else changed this episode after you opened it. Nothing was changed.");
    }
    auto moved = tx.set_episode_state(id, e->version, *to, ctx.now_text());
    if (!moved) return std::move(moved).error();
    store::TransitionRecord t;
    t.exit_reason = reason;
    t.exit_date = date->iso();
    if (auto rec = record_transition(tx, ctx, actor, *e, *moved, t); !rec) return rec;
    result = std::move(*moved);
    return {};
  });
  if (!s) return std::move(s).error();
  log::info("user {} ended episode {} ({})", actor.user.username, id.value, request.state);
  return std::move(*result);
}

}  // namespace vertebro::app
