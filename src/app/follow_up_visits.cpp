#include "app/follow_up_visits.h"

#include <algorithm>

#include "app/access.h"
#include "app/audit_trail.h"
#include "app/input_reader.h"
#include "app/pathway_detail.h"
#include "app/unit_config.h"
#include "store/store.h"

namespace vertebro::app {

using domain::Date;
using domain::VertebralLevel;
using nlohmann::json;

const Choices& follow_up_contact_choices() {
  static const Choices c = {
      {"clinic", "In clinic"}, {"phone", "By telephone"}, {"home", "Home visit"}};
  return c;
}

const Choices& analgesic_use_choices() {
  static const Choices c = {{"less", "Less than before the procedure"},
                            {"same", "About the same"},
                            {"more", "More than before the procedure"}};
  return c;
}

const Choices& satisfaction_choices() {
  static const Choices c = {{"very_satisfied", "Very satisfied"},
                            {"satisfied", "Satisfied"},
                            {"neutral", "Neither satisfied nor dissatisfied"},
                            {"dissatisfied", "Dissatisfied"},
                            {"very_dissatisfied", "Very dissatisfied"}};
  return c;
}

const Choices& would_have_again_choices() {
  static const Choices c = {{"yes", "Yes"}, {"no", "No"}, {"unsure", "Not sure"}};
  return c;
}

namespace {

constexpr std::size_t kMaxNotes = 2000;

// The levels a list names, each once, in spinal order; an unreadable one is a field error.
std::vector<VertebralLevel> read_levels(const InputReader& in, const std::string& key,
                                        const std::string& label) {
  std::vector<VertebralLevel> out;
  for (const auto& item : in.list(key, label)) {
    auto level = VertebralLevel::parse(item);
    if (!level) {
      in.error(key, label + ": \"" + item + "\" is not a vertebral level (C1 to S5)");
      continue;
    }
    if (std::find(out.begin(), out.end(), *level) == out.end()) out.push_back(*level);
  }
  std::sort(out.begin(), out.end(),
            [](const VertebralLevel& a, const VertebralLevel& b) { return a.index() < b.index(); });
  return out;
}

json level_names(const std::vector<VertebralLevel>& levels) {
  json out = json::array();
  for (const auto& l : levels) out.push_back(l.name());
  return out;
}

std::optional<std::string> text_at(const json& doc, const char* key) {
  if (!doc.is_object() || !doc.contains(key) || !doc[key].is_string()) return std::nullopt;
  return doc[key].get<std::string>();
}

std::optional<int> int_at(const json& doc, const char* key) {
  if (!doc.is_object() || !doc.contains(key) || !doc[key].is_number_integer()) {
    return std::nullopt;
  }
  return doc[key].get<int>();
}

std::vector<VertebralLevel> levels_at(const json& doc, const char* key) {
  std::vector<VertebralLevel> out;
  if (!doc.is_object() || !doc.contains(key) || !doc[key].is_array()) return out;
  for (const auto& item : doc[key]) {
    if (!item.is_string()) continue;
    if (auto l = VertebralLevel::parse(item.get<std::string>())) out.push_back(*l);
  }
  return out;
}

}  // namespace

Result<ValidatedForm> validate_follow_up_visit(const json& input, const VisitContext& c) {
  if (!input.is_object()) {
    return Error::invalid({{"body", "Send the visit's answers as a JSON object"}});
  }
  std::vector<FieldError> errors;
  InputReader in(input, errors);
  in.only({"visit_date", "contact", "pain_at_rest", "pain_on_movement", "analgesic",
           "analgesic_use", "mobility", "satisfaction", "would_have_again", "odi",
           "new_fracture_levels", "height_loss_levels", "notes"});
  ValidatedForm out;
  json& doc = out.document;
  doc = json::object();
  auto visit_date = in.date("visit_date", "Date of the follow-up", true);
  if (visit_date) {
    if (*visit_date > c.today) {
      in.error("visit_date", "Date of the follow-up must be today or in the past");
    } else if (c.procedure_date && *visit_date < *c.procedure_date) {
      in.error("visit_date", "Date of the follow-up must be on or after the procedure date (" +
                                 c.procedure_date->display() + ")");
    } else {
      doc["visit_date"] = visit_date->iso();
      if (c.due && (*visit_date < c.due->window_start || *visit_date > c.due->window_end)) {
        out.warnings.push_back("The follow-up is dated " + visit_date->display() +
                               ", outside the " + c.due->point.name() + " window (" +
                               c.due->window_start.display() + " to " +
                               c.due->window_end.display() + ").");
      }
    }
  }
  if (auto v = in.choice("contact", "How the answers were taken", choice_in(follow_up_contact_choices()))) {
    doc["contact"] = *v;
  }
  bool answered = false;
  auto put = [&](const char* key, const auto& value) {
    if (!value) return;
    doc[key] = *value;
    answered = true;
  };
  put("pain_at_rest", in.integer("pain_at_rest", "Pain at rest", 0, 10));
  put("pain_on_movement", in.integer("pain_on_movement", "Pain on movement", 0, 10));
  if (auto a = in.choice("analgesic", "Analgesic class", guidance::parse_analgesic_class)) {
    put("analgesic", std::optional<std::string>(guidance::analgesic_class_name(*a)));
  }
  put("analgesic_use", in.choice("analgesic_use", "Use of pain relief", choice_in(analgesic_use_choices())));
  if (auto m = in.choice("mobility", "Mobility", guidance::parse_mobility)) {
    put("mobility", std::optional<std::string>(guidance::mobility_name(*m)));
  }
  put("satisfaction", in.choice("satisfaction", "Satisfaction", choice_in(satisfaction_choices())));
  put("would_have_again",
      in.choice("would_have_again", "Would have it again", choice_in(would_have_again_choices())));
  put("odi", in.integer("odi", "Oswestry Disability Index", 0, 100));
  const auto fractures = read_levels(in, "new_fracture_levels", "New fracture levels");
  if (!fractures.empty()) put("new_fracture_levels", std::optional<json>(level_names(fractures)));
  const auto height = read_levels(in, "height_loss_levels", "Further height loss");
  for (const auto& l : height) {
    if (std::find(c.treated_levels.begin(), c.treated_levels.end(), l) == c.treated_levels.end()) {
      in.error("height_loss_levels", "Further height loss: " + l.name() +
                                         " was not treated. Record a new fracture at an "
                                         "untreated level under new fractures.");
    }
  }
  if (!height.empty()) put("height_loss_levels", std::optional<json>(level_names(height)));
  put("notes", in.text("notes", "Notes", kMaxNotes));
  if (!answered && !in.has_errors()) {
    in.error("pain_at_rest",
             "Enter at least one answer: a pain score, pain relief, mobility, satisfaction or "
             "what was found");
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  return out;
}

Baseline baseline_of(const json& assessment) {
  Baseline b;
  b.pain_at_rest = int_at(assessment, "pain_at_rest");
  b.pain_on_movement = int_at(assessment, "pain_on_movement");
  if (auto a = text_at(assessment, "analgesic")) b.analgesic = guidance::parse_analgesic_class(*a);
  if (auto m = text_at(assessment, "mobility")) b.mobility = guidance::parse_mobility(*m);
  return b;
}

VisitOutcomes judge_visit(const json& visit, const Baseline& baseline,
                          const std::vector<VertebralLevel>& treated_levels,
                          const guidance::OutcomeDefinitions& definitions) {
  VisitOutcomes o;
  o.pain_relief_at_rest =
      guidance::pain_relief(baseline.pain_at_rest, int_at(visit, "pain_at_rest"), definitions);
  o.pain_relief_on_movement = guidance::pain_relief(
      baseline.pain_on_movement, int_at(visit, "pain_on_movement"), definitions);
  o.pain_relief = o.pain_relief_on_movement ? o.pain_relief_on_movement : o.pain_relief_at_rest;
  std::optional<guidance::AnalgesicClass> now;
  if (auto a = text_at(visit, "analgesic")) now = guidance::parse_analgesic_class(*a);
  o.reduced_medication = guidance::reduced_medication(baseline.analgesic, now);
  std::optional<guidance::Mobility> mobility;
  if (auto m = text_at(visit, "mobility")) mobility = guidance::parse_mobility(*m);
  o.improved_mobility = guidance::improved_mobility(baseline.mobility, mobility, definitions);
  if (auto s = text_at(visit, "satisfaction")) {
    o.satisfied = *s == "very_satisfied" || *s == "satisfied";
  }
  if (auto w = text_at(visit, "would_have_again"); w && *w != "unsure") {
    o.would_have_again = *w == "yes";
  }
  for (const auto& level : levels_at(visit, "new_fracture_levels")) {
    o.new_fractures.push_back({level, guidance::fracture_relation(level, treated_levels)});
  }
  o.height_loss_levels = levels_at(visit, "height_loss_levels");
  return o;
}

std::optional<std::string> time_point_from_url(const std::string& text) {
  std::string spaced = text;
  std::replace(spaced.begin(), spaced.end(), '-', ' ');
  auto point = guidance::parse_time_point(spaced);
  if (!point) return std::nullopt;
  return point->name();
}

std::string time_point_url(const std::string& name) {
  std::string out = name;
  std::replace(out.begin(), out.end(), ' ', '-');
  return out;
}

std::vector<FollowUpSlot> follow_up_slots(const std::vector<guidance::FollowUpTimePoint>& schedule,
                                          const std::string& primary,
                                          std::optional<Date> procedure_date,
                                          const std::vector<domain::FollowUpVisitRecord>& visits,
                                          Date today) {
  std::vector<FollowUpSlot> out;
  auto visit_at = [&](const std::string& name) -> const domain::FollowUpVisitRecord* {
    for (const auto& v : visits) {
      if (v.time_point == name) return &v;
    }
    return nullptr;
  };
  auto fill = [](FollowUpSlot& slot, const domain::FollowUpVisitRecord* v) {
    if (v == nullptr) return;
    if (auto d = Date::parse(v->visit_date, "visit_date", "visit date")) slot.visit_date = *d;
    slot.source = v->source;
  };
  for (const auto& p : schedule) {
    FollowUpSlot slot;
    slot.time_point = p.name();
    slot.primary = slot.time_point == primary;
    if (procedure_date) slot.due = guidance::follow_up_due(*procedure_date, p, today);
    fill(slot, visit_at(slot.time_point));
    out.push_back(std::move(slot));
  }
  for (const auto& v : visits) {
    const bool listed = std::any_of(out.begin(), out.end(), [&](const FollowUpSlot& s) {
      return s.time_point == v.time_point;
    });
    if (listed) continue;
    FollowUpSlot slot;
    slot.time_point = v.time_point;
    fill(slot, &v);
    out.push_back(std::move(slot));
  }
  return out;
}

namespace {

using pathway_detail::Loaded;

// Everything a visit's page and its save read, in one transaction.
Result<FollowUpVisitView> load_view(store::Tx& tx, Refusals& refusals, const Actor& actor,
                                    EpisodeId id, const std::string& time_point_text,
                                    Date today) {
  auto e = load_visible_episode(tx, refusals, actor, id);
  if (!e) return std::move(e).error();
  auto config = load_unit_config(tx);
  if (!config) return std::move(config).error();
  auto name = time_point_from_url(time_point_text);
  auto stored = name ? tx.find_follow_up_visit(id, *name)
                     : Result<std::optional<domain::FollowUpVisitRecord>>(
                           std::optional<domain::FollowUpVisitRecord>{});
  if (!stored) return std::move(stored).error();
  const guidance::FollowUpTimePoint* point = nullptr;
  for (const auto& p : config->follow_up_time_points) {
    if (name && p.name() == *name) point = &p;
  }
  if (!name || (point == nullptr && !stored->has_value())) {
    return Error::not_found("\"" + time_point_text +
                            "\" is not a time point of this unit's follow-up schedule");
  }
  auto loaded = pathway_detail::load_all(tx, *e);
  if (!loaded) return std::move(loaded).error();
  auto patient = tx.find_patient(e->patient);
  if (!patient) return std::move(patient).error();
  if (!patient->has_value()) return Error::internal("An episode refers to a missing patient");
  auto sites = tx.list_sites();
  if (!sites) return std::move(sites).error();
  FollowUpVisitView v;
  v.episode = *e;
  v.patient = std::move(**patient);
  for (const auto& site : *sites) {
    if (site.id == e->referral.site) v.site_name = site.name;
  }
  v.time_point = *name;
  v.primary = *name == config->primary_follow_up;
  v.definitions = config->outcome_definitions;
  if (loaded->procedure) {
    guidance::EpisodeSnapshot snap;
    fill_from_procedure(loaded->procedure->document, snap);
    v.procedure_date = snap.procedure_date;
    v.treated_levels = snap.treated_levels;
  }
  if (v.procedure_date && point != nullptr) {
    v.due = guidance::follow_up_due(*v.procedure_date, *point, today);
  }
  if (loaded->assessment) v.baseline = baseline_of(loaded->assessment->document);
  if (stored->has_value()) {
    const auto& r = **stored;
    StoredVisit visit;
    visit.document = json::parse(r.data, nullptr, false);
    if (!visit.document.is_object()) return Error::internal("A stored follow-up is unreadable");
    visit.source = r.source;
    visit.version = r.version;
    visit.updated_at = r.updated_at;
    if (r.updated_by.value != 0) {
      auto by = tx.find_user(r.updated_by);
      if (!by) return std::move(by).error();
      visit.updated_by_name = by->has_value() ? (*by)->display_name : "";
    }
    v.outcomes = judge_visit(visit.document, v.baseline, v.treated_levels, v.definitions);
    v.visit = std::move(visit);
  }
  v.may_record = e->state == domain::PathwayState::kFollowUp &&
                 role_allows(actor.user.role, domain::Permission::kRecordFollowUp);
  return v;
}

AuditTarget target_of(const domain::EpisodeRecord& e) {
  return {"episode", e.id.value, e.patient.value, e.referral.site.value};
}

}  // namespace

Result<FollowUpVisitView> view_follow_up_visit(const Context& ctx, const Actor& actor,
                                               EpisodeId id, const std::string& time_point) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  std::optional<FollowUpVisitView> view;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto v = load_view(tx, refusals, actor, id, time_point, Date::today(ctx.clock()));
    if (!v) return std::move(v).error();
    view = std::move(*v);
    auto config = load_unit_config(tx);
    if (!config) return std::move(config).error();
    auto links = follow_up_link_states(tx, id, ctx.clock().now(), *config);
    if (!links) return std::move(links).error();
    if (auto l = links->find(view->time_point); l != links->end()) view->link = l->second;
    return audit(tx, ctx, actor, "read", target_of(view->episode),
                 json{{"view", "follow_up"}, {"time_point", view->time_point}}.dump());
  });
  if (!s) return std::move(s).error();
  return std::move(*view);
}

Result<FollowUpVisitView> save_follow_up_visit(const Context& ctx, const Actor& actor,
                                               EpisodeId id, const std::string& time_point,
                                               std::int64_t expected_version, const json& input) {
  if (!role_allows(actor.user.role, domain::Permission::kRecordFollowUp)) {
    return Error::forbidden("Your role cannot record follow-ups; nurses and operators can");
  }
  std::optional<FollowUpVisitView> view;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    const Date today = Date::today(ctx.clock());
    auto v = load_view(tx, refusals, actor, id, time_point, today);
    if (!v) return std::move(v).error();
    if (v->episode.state != domain::PathwayState::kFollowUp) {
      return Error::wrong_state("A follow-up can be recorded only while the episode is in "
                                "follow-up; it is at " +
                                std::string(domain::state_label(v->episode.state)) + ".");
    }
    VisitContext vc{today, v->procedure_date, v->treated_levels, v->due};
    auto valid = validate_follow_up_visit(input, vc);
    if (!valid) return std::move(valid).error();
    const std::int64_t stored_version = v->visit ? v->visit->version : 0;
    if (stored_version != expected_version) {
      return Error::conflict(
          "Someone else recorded this follow-up after you opened it. Your answers were not "
          "saved.");
    }
    domain::FollowUpVisitRecord r;
    r.episode = id;
    r.time_point = v->time_point;
    r.visit_date = valid->document["visit_date"].get<std::string>();
    r.source = "clinician";
    r.data = valid->document.dump();
    r.updated_by = actor.user.id;
    r.updated_at = ctx.now_text();
    auto put = tx.put_follow_up_visit(r, expected_version);
    if (!put) return std::move(put).error();
    const json before = v->visit ? v->visit->document : json::object();
    if (auto a = audit(tx, ctx, actor, v->visit ? "update" : "create", target_of(v->episode),
                       json{{"follow_up", v->time_point},
                            {"source", r.source},
                            {"follow_up_version", put->version},
                            {"changes", pathway_detail::top_level_changes(before, valid->document)}}
                           .dump());
        !a) {
      return a;
    }
    v->visit = StoredVisit{valid->document, r.source, put->version, put->updated_at,
                           actor.user.display_name};
    v->outcomes = judge_visit(valid->document, v->baseline, v->treated_levels, v->definitions);
    v->warnings = std::move(valid->warnings);
    view = std::move(*v);
    return Status{};
  });
  if (!s) return std::move(s).error();
  return std::move(*view);
}

}  // namespace vertebro::app
