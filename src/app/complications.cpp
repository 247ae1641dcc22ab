#include "app/complications.h"

#include <algorithm>

#include "app/access.h"
#include "app/audit_trail.h"
#include "app/input_reader.h"
#include "app/pathway_detail.h"
#include "store/store.h"

namespace vertebro::app {

using domain::Date;
using nlohmann::json;

const Choices& complication_type_choices() {
  static const Choices c = {
      {"symptomatic_cement_leakage", "Symptomatic cement leakage"},
      {"pulmonary_cement_embolism", "Pulmonary cement embolism"},
      {"paraplegia", "Paraplegia"},
      {"neurological_injury", "Other neurological injury (spinal cord)"},
      {"nerve_root_damage", "Nerve root damage"},
      {"needle_misplacement", "Needle misplacement or cement migration damaging other structures"},
      {"infection", "Infection"},
      {"new_vertebral_fracture", "New vertebral fracture"},
      {"bleeding_or_haematoma", "Bleeding or haematoma"},
      {"rib_fracture", "Rib fracture"},
      {"cement_reaction", "Allergic or cardiovascular reaction to cement"},
      {"death", "Death"},
      {"other", "Other"}};
  return c;
}

const Choices& complication_detected_choices() {
  static const Choices c = {{"during_procedure", "During the procedure"},
                            {"before_discharge", "After the procedure, before discharge"},
                            {"at_follow_up", "At a follow-up"},
                            {"reported_later", "Reported later (by the patient, GP or another hospital)"}};
  return c;
}

const Choices& complication_severity_choices() {
  static const Choices c = {{"mild", "Mild"},
                            {"moderate", "Moderate"},
                            {"severe", "Severe"},
                            {"life_threatening", "Life-threatening"},
                            {"fatal", "Fatal"}};
  return c;
}

const Choices& complication_device_choices() {
  static const Choices c = {{"none", "No device involved"},
                            {"cement", "The bone cement"},
                            {"needle", "The needle or delivery system"},
                            {"other_device", "Another device"}};
  return c;
}

const Choices& complication_outcome_choices() {
  static const Choices c = {{"recovered", "Recovered"},
                            {"recovering", "Recovering"},
                            {"recovered_with_sequelae", "Recovered with lasting effects"},
                            {"not_recovered", "Not recovered"},
                            {"fatal", "Fatal"},
                            {"unknown", "Not known"}};
  return c;
}

Result<ValidatedForm> validate_complication(const json& input, const ComplicationContext& c) {
  if (!input.is_object()) {
    return Error::invalid({{"body", "Send the complication as a JSON object"}});
  }
  std::vector<FieldError> errors;
  InputReader in(input, errors);
  in.only({"type", "event_date", "detected", "severity", "further_intervention", "intervention",
           "device", "level", "cement_unit", "outcome", "description"});
  ValidatedForm out;
  json& doc = out.document;
  doc = json::object();
  auto type = in.choice("type", "Type", choice_in(complication_type_choices()), true);
  if (type) doc["type"] = *type;
  auto date = in.date("event_date", "Date of the event", true);
  if (date) {
    if (*date > c.today) {
      in.error("event_date", "Date of the event must be today or in the past");
    } else if (c.procedure_date && *date < *c.procedure_date) {
      in.error("event_date", "Date of the event must be on or after the procedure date (" +
                                 c.procedure_date->display() + ")");
    } else {
      doc["event_date"] = date->iso();
    }
  }
  auto detected =
      in.choice("detected", "When it was found", choice_in(complication_detected_choices()), true);
  if (detected) doc["detected"] = *detected;
  auto severity =
      in.choice("severity", "Severity", choice_in(complication_severity_choices()), true);
  if (severity) doc["severity"] = *severity;
  auto further = in.yes_no("further_intervention", "Whether it needed further intervention", true);
  if (further) doc["further_intervention"] = *further;
  auto intervention = in.text("intervention", "The further intervention", 1000);
  if (further && *further) {
    if (!intervention) {
      in.error("intervention", "Enter the further intervention it needed");
    } else {
      doc["intervention"] = *intervention;
    }
  }
  auto device = in.choice("device", "Device involved", choice_in(complication_device_choices()), true);
  if (device) doc["device"] = *device;
  auto level = in.choice("level", "Level", [&c](std::string_view v) {
    auto l = domain::VertebralLevel::parse(v);
    const bool treated =
        l && std::find(c.treated_levels.begin(), c.treated_levels.end(), *l) != c.treated_levels.end();
    return treated ? std::optional<std::string>(l->name()) : std::nullopt;
  });
  if (level) doc["level"] = *level;
  if (auto unit = in.integer("cement_unit", "Cement pack", 1, 99)) {
    auto pack = std::find_if(c.packs.begin(), c.packs.end(),
                             [&](const ProcedurePack& p) { return p.unit == *unit; });
    if (pack == c.packs.end()) {
      in.error("cement_unit", "Select a cement pack the procedure used");
    } else {
      doc["cement_unit"] = pack->unit;
      doc["cement_product"] = pack->product;
      doc["cement_lot"] = pack->lot;
    }
  }
  if (doc.contains("cement_unit") && device && *device != "cement") {
    in.error("device", "A cement pack is named: select the bone cement as the device involved, "
                       "or leave the pack out");
  }
  auto outcome = in.choice("outcome", "Outcome", choice_in(complication_outcome_choices()), true);
  if (outcome) doc["outcome"] = *outcome;
  if ((severity == "fatal" || type == "death") && outcome && *outcome != "fatal") {
    in.error("outcome", "The event was fatal: select Fatal as the outcome");
  }
  auto description = in.text("description", "Description", 2000);
  if (description) doc["description"] = *description;
  if (type == "other" && !description) {
    in.error("description", "Describe the complication");
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  return out;
}

namespace {

// The episode, its patient and the procedure its complications follow.
Result<ComplicationsView> load_complications(store::Tx& tx, Refusals& refusals,
                                             const Actor& actor, EpisodeId id, Date today) {
  auto e = load_visible_episode(tx, refusals, actor, id);
  if (!e) return std::move(e).error();
  auto patient = tx.find_patient(e->patient);
  if (!patient) return std::move(patient).error();
  if (!patient->has_value()) return Error::internal("An episode refers to a missing patient");
  auto procedure = tx.find_episode_form(id, "procedure");
  if (!procedure) return std::move(procedure).error();
  ComplicationsView v;
  v.episode = *e;
  v.patient = std::move(**patient);
  v.context.today = today;
  if (procedure->has_value()) {
    const json doc = json::parse((*procedure)->data, nullptr, false);
    guidance::EpisodeSnapshot snap;
    fill_from_procedure(doc, snap);
    v.procedure_recorded = true;
    v.context.procedure_date = snap.procedure_date;
    v.context.treated_levels = snap.treated_levels;
    if (snap.cement_units) {
      for (const auto& u : *snap.cement_units) {
        v.context.packs.push_back({u.unit, u.product, u.lot});
      }
    }
  }
  auto rows = tx.episode_complications(id);
  if (!rows) return std::move(rows).error();
  for (const auto& r : *rows) {
    StoredComplication s;
    s.id = r.id;
    s.document = json::parse(r.data, nullptr, false);
    if (!s.document.is_object()) return Error::internal("A stored complication is unreadable");
    s.version = r.version;
    s.created_at = r.created_at;
    s.updated_at = r.updated_at;
    for (auto [who, name] : {std::pair{r.created_by, &s.created_by_name},
                             std::pair{r.updated_by, &s.updated_by_name}}) {
      auto u = tx.find_user(who);
      if (!u) return std::move(u).error();
      *name = u->has_value() ? (*u)->display_name : "";
    }
    v.complications.push_back(std::move(s));
  }
  v.may_record = v.procedure_recorded &&
                 role_allows(actor.user.role, domain::Permission::kRecordFollowUp);
  return v;
}

AuditTarget episode_target(const domain::EpisodeRecord& e) {
  return {"episode", e.id.value, e.patient.value, e.referral.site.value};
}

}  // namespace

Result<ComplicationsView> view_complications(const Context& ctx, const Actor& actor, EpisodeId id) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  std::optional<ComplicationsView> view;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto v = load_complications(tx, refusals, actor, id, Date::today(ctx.clock()));
    if (!v) return std::move(v).error();
    view = std::move(*v);
    return audit(tx, ctx, actor, "read", episode_target(view->episode),
                 R"({"view":"complications"})");
  });
  if (!s) return std::move(s).error();
  return std::move(*view);
}

Result<ComplicationsView> save_complication(const Context& ctx, const Actor& actor, EpisodeId id,
                                            std::int64_t complication_id,
                                            std::int64_t expected_version, const json& input) {
  if (!role_allows(actor.user.role, domain::Permission::kRecordFollowUp)) {
    return Error::forbidden("Your role cannot record complications; nurses and operators can");
  }
  std::optional<ComplicationsView> view;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto v = load_complications(tx, refusals, actor, id, Date::today(ctx.clock()));
    if (!v) return std::move(v).error();
    if (!v->procedure_recorded) {
      return Error::wrong_state(
          "Complications are recorded once the procedure is recorded; it is not recorded yet.");
    }
    const StoredComplication* current = nullptr;
    if (complication_id != 0) {
      for (const auto& c : v->complications) {
        if (c.id == complication_id) current = &c;
      }
      if (current == nullptr) return Error::not_found("No such complication of this episode");
    }
    auto valid = validate_complication(input, v->context);
    if (!valid) return std::move(valid).error();
    if ((current ? current->version : 0) != expected_version) {
      return Error::conflict(
          "Someone else changed this complication after you opened it. Your changes were not "
          "saved.");
    }
    const json& doc = valid->document;
    domain::ComplicationRecord r;
    r.id = complication_id;
    r.episode = id;
    r.kind = doc["type"].get<std::string>();
    r.event_date = doc["event_date"].get<std::string>();
    r.device_involved = doc["device"].get<std::string>() != "none";
    r.data = doc.dump();
    r.created_by = r.updated_by = actor.user.id;
    r.created_at = r.updated_at = ctx.now_text();
    auto saved = current ? tx.update_complication(r, expected_version) : tx.insert_complication(r);
    if (!saved) return std::move(saved).error();
    const json before = current ? current->document : json::object();
    if (auto a = audit(tx, ctx, actor, current ? "update" : "create", episode_target(v->episode),
                       json{{"complication", saved->id},
                            {"complication_version", saved->version},
                            {"changes", pathway_detail::top_level_changes(before, doc)}}
                           .dump());
        !a) {
      return a;
    }
    auto fresh = load_complications(tx, refusals, actor, id, Date::today(ctx.clock()));
    if (!fresh) return std::move(fresh).error();
    fresh->warnings = std::move(valid->warnings);
    fresh->saved_id = saved->id;
    view = std::move(*fresh);
    return Status{};
  });
  if (!s) return std::move(s).error();
  return std::move(*view);
}

}  // namespace vertebro::app
