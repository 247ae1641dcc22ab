#pragma once
// Internal to app/: what the pathway's use cases share (pathway.cpp: viewing and saving forms;
// pathway_moves.cpp: moves, step backs and exits). Other layers use app/pathway.h.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/pathway.h"

namespace vertebro::app::pathway_detail {

// A forward move of the pathway and the permission that makes it.
struct MoveRule {
  domain::PathwayState from;
  domain::PathwayState to;
  domain::Permission permission;
};
const std::vector<MoveRule>& move_rules();
const MoveRule* find_move(domain::PathwayState from, domain::PathwayState to);

// A recorded step back one state, and the permissions that may make it (any one suffices).
struct StepBackRule {
  domain::PathwayState from;
  domain::PathwayState to;
  std::vector<domain::Permission> permissions;
};
const std::vector<StepBackRule>& step_back_rules();
const StepBackRule* find_step_back(domain::PathwayState from, domain::PathwayState to);
bool may_step_back(domain::Role role, const StepBackRule& rule);

// Everything the rules read, from the store.
struct Loaded {
  domain::Date referral_date;
  std::optional<StoredForm> assessment, consent, procedure;
  std::vector<EpisodeMdt> mdt;
  std::optional<domain::SiteSurgeryRecord> surgery;
  std::vector<SiteOperator> site_operators;  // active at the episode's site, by name
  // Recalls of the lots the procedure's cement packs came from (SnapshotSources).
  std::map<std::int64_t, std::string> cement_recalls;
  // Sign-offs of the operator profiles the procedure names (SnapshotSources).
  std::map<std::int64_t, std::vector<domain::SignOffRecord>> operator_sign_offs;
};
Result<Loaded> load_all(store::Tx& tx, const domain::EpisodeRecord& e);
// The sign-offs of the operator profiles (primary operator, supervisor) a procedure document
// names, by profile id.
Result<std::map<std::int64_t, std::vector<domain::SignOffRecord>>> procedure_sign_offs(
    store::Tx& tx, const nlohmann::json& document);
// The snapshot the rules judge `today` (app/episode_snapshot.h), from what load_all read.
SnapshotSources sources_of(const Loaded& l);
guidance::EpisodeSnapshot snapshot_of(const Loaded& l, domain::Date today);

// An ISO date, or nullopt when blank or unreadable.
std::optional<domain::Date> iso_date(const std::string& s);

GateCheck check_gate(guidance::Gate gate, domain::PathwayState to,
                     const guidance::EpisodeSnapshot& snap, const UnitConfig& config,
                     const Actor& actor);

// Fills the gate's part of a transition: the gate, its findings (as JSON), the rule-pack version
// and whether it blocked.
void put_check(domain::TransitionRecord& t, const GateCheck& check);

// Appends the transition from `before` to `after` (filling its episode, states, time and user)
// and its "transition" audit entry.
Status record_transition(store::Tx& tx, const Context& ctx, const Actor& actor,
                         const domain::EpisodeRecord& before, const domain::EpisodeRecord& after,
                         domain::TransitionRecord t);

// The top-level keys of a document that a save changed: {key: {from, to}}, null for a key
// absent on either side. The change's audit entry keeps it.
nlohmann::json top_level_changes(const nlohmann::json& before, const nlohmann::json& after);

// The "gate_blocked" audit entry of a gate that blocked and was given no reason.
Status audit_gate_blocked(store::Tx& tx, const Context& ctx, const Actor& actor,
                          const domain::EpisodeRecord& e, const domain::TransitionRecord& t,
                          const guidance::Findings& findings);

}  // namespace vertebro::app::pathway_detail
