#include "app/yellow_card.h"

#include <algorithm>

#include "app/access.h"
#include "app/audit_trail.h"
#include "app/complications.h"
#include "app/input_reader.h"
#include "app/pathway_detail.h"
#include "domain/patient.h"
#include "store/store.h"

namespace vertebro::app {

using domain::Date;
using nlohmann::json;

const Choices& yellow_card_status_choices() {
  static const Choices c = {{"draft", "Draft"},
                            {"submitted", "Submitted to the regulator"},
                            {"closed", "Closed"}};
  return c;
}

const Choices& yellow_card_nation_choices() {
  static const Choices c = {{"england", "England"},
                            {"wales", "Wales"},
                            {"scotland", "Scotland"},
                            {"northern_ireland", "Northern Ireland"}};
  return c;
}

const Choices& yellow_card_marking_choices() {
  static const Choices c = {{"ukca", "UKCA"},
                            {"ce", "CE"},
                            {"ce_ukca", "CE and UKCA"},
                            {"none", "Neither mark"},
                            {"not_known", "Not known"}};
  return c;
}

const Choices& yellow_card_location_choices() {
  static const Choices c = {{"kept_by_unit", "Kept by the unit (quarantined)"},
                            {"with_manufacturer", "Returned to the manufacturer"},
                            {"with_regulator", "Sent to the regulator"},
                            {"in_patient", "In the patient (implanted cement)"},
                            {"discarded", "Discarded"},
                            {"not_known", "Not known"}};
  return c;
}

std::string yellow_card_route(std::string_view nation) {
  if (nation == "england" || nation == "wales") {
    return "MHRA Yellow Card scheme (England and Wales)";
  }
  if (nation == "scotland") {
    return "Incident Reporting and Investigation Centre, Health Facilities Scotland";
  }
  if (nation == "northern_ireland") return "Northern Ireland Adverse Incident Centre (NIAIC)";
  return "";
}

namespace {

const Choices& reported_device_choices() {
  static const Choices c = [] {
    Choices out;
    for (const auto& choice : complication_device_choices()) {
      if (choice.first != "none") out.push_back(choice);
    }
    return out;
  }();
  return c;
}

// A date on or after `earliest` (when given) and not after `today`; std::nullopt with an error
// otherwise.
std::optional<Date> dated(const InputReader& in, const std::string& key, const std::string& label,
                          bool required, Date today, std::optional<Date> earliest,
                          const std::string& earliest_label) {
  auto d = in.date(key, label, required);
  if (!d) return std::nullopt;
  if (*d > today) {
    in.error(key, label + " must be today or in the past");
    return std::nullopt;
  }
  if (earliest && *d < *earliest) {
    in.error(key, label + " must be on or after " + earliest_label + " (" + earliest->display() +
                      ")");
    return std::nullopt;
  }
  return d;
}

}  // namespace

Result<ValidatedForm> validate_yellow_card(const json& input, const YellowCardContext& c) {
  if (!input.is_object()) {
    return Error::invalid({{"body", "Send the report as a JSON object"}});
  }
  std::vector<FieldError> errors;
  InputReader in(input, errors);
  in.only({"status", "reporter_name", "reporter_role", "reporter_contact", "organisation",
           "nation", "device_type", "device_name", "manufacturer", "model", "lot", "serial",
           "udi", "marking", "device_location", "incident_date", "awareness_date", "location",
           "description", "patient_outcome", "actions_taken", "regulator_reference",
           "submitted_on", "closed_on", "closing_note"});
  ValidatedForm out;
  json& doc = out.document;
  doc = json::object();
  auto keep = [&](const std::string& key, const std::optional<std::string>& v) {
    if (v) doc[key] = *v;
  };
  auto status = in.choice("status", "Status", choice_in(yellow_card_status_choices()), true);
  const bool was_submitted = c.current_status == "submitted";
  if (status) {
    if (was_submitted && *status == "draft") {
      in.error("status", "A submitted report cannot go back to draft");
    } else {
      doc["status"] = *status;
    }
  }
  // Sent: submitted now, or closed after it was submitted. A sent report needs every answer; a
  // draft may be saved with answers still to come, and may be closed unsent when the officer
  // judges the event not reportable, saying why in the closing note. The device is needed from
  // the start: a report is of a device.
  const bool sent = status == "submitted" || (status == "closed" && was_submitted);
  const bool needed = sent;
  keep("reporter_name", in.text("reporter_name", "Reporter's name", 200, needed));
  keep("reporter_role", in.text("reporter_role", "Reporter's job title", 200, needed));
  keep("reporter_contact",
       in.text("reporter_contact", "Reporter's email address or telephone number", 200, needed));
  keep("organisation", in.text("organisation", "Organisation", 200, needed));
  keep("nation", in.choice("nation", "Nation", choice_in(yellow_card_nation_choices()), needed));
  keep("device_type",
       in.choice("device_type", "Device", choice_in(reported_device_choices()), true));
  keep("device_name", in.text("device_name", "Device name", 200, true));
  keep("manufacturer", in.text("manufacturer", "Manufacturer", 200, true));
  keep("model", in.text("model", "Model", 200));
  keep("lot", in.text("lot", "Batch or lot number", 100));
  keep("serial", in.text("serial", "Serial number", 100));
  keep("udi", in.text("udi", "UDI or GTIN", 200));
  auto marking =
      in.choice("marking", "Marking", choice_in(yellow_card_marking_choices()), needed);
  keep("marking", marking);
  if (marking == "none") {
    out.warnings.push_back(
        "The device has neither a UKCA nor a CE mark. Report the incident all the same, and "
        "check how an unmarked device came to be used.");
  }
  auto where = in.choice("device_location", "Where the device is now",
                         choice_in(yellow_card_location_choices()), needed);
  keep("device_location", where);
  if (where == "discarded") {
    out.warnings.push_back(
        "The device was discarded. Keep devices involved in an incident where you can: the MHRA "
        "or the manufacturer may need to examine them.");
  }
  auto incident = dated(in, "incident_date", "Date of the incident", true, c.today,
                        c.procedure_date, "the procedure date");
  if (incident) doc["incident_date"] = incident->iso();
  auto aware = dated(in, "awareness_date", "Date you became aware", needed, c.today, incident,
                     "the date of the incident");
  if (aware) doc["awareness_date"] = aware->iso();
  keep("location", in.text("location", "Where it happened", 200, needed));
  keep("description", in.text("description", "Description of the incident", 4000, needed));
  keep("patient_outcome", in.text("patient_outcome", "Patient outcome or injury", 2000, needed));
  keep("actions_taken", in.text("actions_taken", "Actions taken or investigation", 2000));
  auto reference = in.text("regulator_reference", "Regulator's reference", 100, sent);
  keep("regulator_reference", reference);
  auto submitted = dated(in, "submitted_on", "Date submitted", sent, c.today, aware,
                         "the date you became aware");
  if (submitted) doc["submitted_on"] = submitted->iso();
  if (status == "closed" && !sent && reference.has_value() != submitted.has_value()) {
    in.error(reference ? "submitted_on" : "regulator_reference",
             reference ? "Enter the date submitted" : "Enter the regulator's reference");
  }
  auto closed = dated(in, "closed_on", "Date closed", status == "closed", c.today,
                      submitted ? submitted : aware,
                      submitted ? "the date submitted" : "the date you became aware");
  if (closed) doc["closed_on"] = closed->iso();
  const bool closed_unsent = status == "closed" && !sent && !reference;
  keep("closing_note", in.text("closing_note", closed_unsent ? "Reason the event was not reported"
                                                              : "Closing note",
                               2000, closed_unsent));
  if (status == "draft" && (reference || submitted)) {
    in.error("status", "A regulator's reference or a submission date is given: select Submitted "
                       "to the regulator, or leave them out");
  }
  if (status != "closed" && (closed || doc.contains("closing_note"))) {
    in.error("status", "A closing date or note is given: select Closed, or leave them out");
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  return out;
}

namespace {

bool may_report(const Actor& actor) {
  return role_allows(actor.user.role, domain::Permission::kReportDeviceIncidents);
}

Error not_permitted() {
  return Error::forbidden(
      "Yellow Card reports are the device safety officer's; your role cannot see or make them");
}

std::string text_of(const json& doc, const char* key) {
  return doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>() : "";
}

Result<std::string> site_name(store::Tx& tx, SiteId site) {
  auto sites = tx.list_sites();
  if (!sites) return std::move(sites).error();
  for (const auto& s : *sites) {
    if (s.id == site) return s.name;
  }
  return std::string();
}

Result<YellowCardEvent> event_of(store::Tx& tx, const domain::ComplicationRecord& r,
                                 const domain::EpisodeRecord& e) {
  const json doc = json::parse(r.data, nullptr, false);
  if (!doc.is_object()) return Error::internal("A stored complication is unreadable");
  YellowCardEvent ev;
  ev.complication_id = r.id;
  ev.episode = r.episode;
  auto site = site_name(tx, e.referral.site);
  if (!site) return std::move(site).error();
  ev.site_name = std::move(*site);
  ev.event_date = r.event_date;
  ev.type = r.kind;
  ev.type_label = label_in(complication_type_choices(), r.kind);
  ev.severity_label = label_in(complication_severity_choices(), text_of(doc, "severity"));
  ev.device_label = label_in(complication_device_choices(), text_of(doc, "device"));
  ev.outcome_label = label_in(complication_outcome_choices(), text_of(doc, "outcome"));
  ev.further_intervention = doc.value("further_intervention", false);
  return ev;
}

Result<std::string> user_name(store::Tx& tx, UserId id) {
  auto u = tx.find_user(id);
  if (!u) return std::move(u).error();
  return u->has_value() ? (*u)->display_name : std::string();
}

Result<YellowCardReport> report_of(store::Tx& tx, const domain::YellowCardRecord& r,
                                   YellowCardEvent event) {
  YellowCardReport out;
  out.id = r.id;
  out.event = std::move(event);
  out.status = r.status;
  out.regulator_reference = r.regulator_reference;
  out.document = json::parse(r.data, nullptr, false);
  if (!out.document.is_object()) return Error::internal("A stored Yellow Card report is unreadable");
  out.version = r.version;
  out.created_at = r.created_at;
  out.updated_at = r.updated_at;
  auto created = user_name(tx, r.created_by);
  if (!created) return std::move(created).error();
  out.created_by_name = std::move(*created);
  auto updated = user_name(tx, r.updated_by);
  if (!updated) return std::move(updated).error();
  out.updated_by_name = std::move(*updated);
  return out;
}

Result<std::optional<Date>> procedure_date_of(store::Tx& tx, EpisodeId id) {
  auto procedure = tx.find_episode_form(id, "procedure");
  if (!procedure) return std::move(procedure).error();
  if (!procedure->has_value()) return std::optional<Date>();
  guidance::EpisodeSnapshot snap;
  fill_from_procedure(json::parse((*procedure)->data, nullptr, false), snap);
  return snap.procedure_date;
}

AuditTarget target_of(const domain::EpisodeRecord& e) {
  return {"episode", e.id.value, e.patient.value, e.referral.site.value};
}

// The complication a new report is made from, with its episode, checked: visible to the actor,
// a device involved, no report yet.
struct Source {
  domain::ComplicationRecord complication;
  domain::EpisodeRecord episode;
  json document;
};

Result<Source> report_source(store::Tx& tx, Refusals& refusals, const Actor& actor,
                             std::int64_t complication_id) {
  auto c = tx.find_complication(complication_id);
  if (!c) return std::move(c).error();
  if (!c->has_value()) return Error::not_found("No such complication or adverse event");
  auto e = load_visible_episode(tx, refusals, actor, (*c)->episode);
  if (!e) return std::move(e).error();
  if (!(*c)->device_involved) {
    return Error::invalid(
        {{"complication_id",
          "No device was involved in this event, so it needs no Yellow Card report. If a device "
          "was involved, correct the complication first"}});
  }
  auto reports = tx.yellow_card_reports();
  if (!reports) return std::move(reports).error();
  for (const auto& r : *reports) {
    if (r.complication == complication_id) {
      return Error::conflict("This event has a Yellow Card report already (report " +
                             std::to_string(r.id) + "). Open that report instead.");
    }
  }
  Source s{std::move(**c), std::move(*e), json()};
  s.document = json::parse(s.complication.data, nullptr, false);
  if (!s.document.is_object()) return Error::internal("A stored complication is unreadable");
  return s;
}

// The answers a new report starts from.
Result<json> prefilled(store::Tx& tx, const Actor& actor, const Source& s,
                       const YellowCardEvent& event) {
  const json& c = s.document;
  json doc = {{"status", "draft"},
              {"reporter_name", actor.user.display_name},
              {"reporter_role", actor.user.profession.empty()
                                    ? std::string(domain::role_label(actor.user.role))
                                    : actor.user.profession},
              {"organisation", event.site_name},
              {"location", event.site_name},
              {"device_type", text_of(c, "device")},
              {"incident_date", s.complication.event_date},
              {"awareness_date", s.complication.created_at.substr(0, 10)}};
  auto reports = tx.yellow_card_reports();
  if (!reports) return std::move(reports).error();
  if (!reports->empty()) {
    // The unit's nation, as its last report gave it.
    const json last = json::parse(reports->front().data, nullptr, false);
    if (last.is_object() && last.contains("nation")) doc["nation"] = last["nation"];
  }
  if (const std::string lot = text_of(c, "cement_lot"); !lot.empty()) doc["lot"] = lot;
  if (const std::string product = text_of(c, "cement_product"); !product.empty()) {
    doc["device_name"] = product;
    auto products = tx.list_cement_products();
    if (!products) return std::move(products).error();
    for (const auto& p : *products) {
      if (p.name != product) continue;
      doc["manufacturer"] = p.manufacturer;
      if (!p.marking.empty()) doc["marking"] = p.marking;
      if (!p.gtins.empty()) doc["udi"] = p.gtins.front();
    }
  }
  std::string description =
      event.type_label + ". Found: " +
      label_in(complication_detected_choices(), text_of(c, "detected")) + ".";
  if (const std::string level = text_of(c, "level"); !level.empty()) {
    description += " Level " + level + ".";
  }
  if (const std::string text = text_of(c, "description"); !text.empty()) {
    description += " " + text;
  }
  if (std::string intervention = text_of(c, "intervention"); !intervention.empty()) {
    if (intervention.back() != '.') intervention += '.';
    description += " Further intervention: " + intervention;
  }
  doc["description"] = description;
  doc["patient_outcome"] = event.outcome_label + " (severity: " + event.severity_label + ").";
  return doc;
}

// The age at the incident, the sex and the route, saved with the answers.
Status add_derived(store::Tx& tx, const domain::EpisodeRecord& e, json& doc) {
  auto patient = tx.find_patient(e.patient);
  if (!patient) return std::move(patient).error();
  if (!patient->has_value()) return Error::internal("An episode refers to a missing patient");
  const auto& details = (*patient)->details;
  if (auto incident = Date::parse(text_of(doc, "incident_date"), "incident_date", "Date")) {
    doc["patient_age"] = details.date_of_birth.years_until(*incident);
  }
  doc["patient_sex"] = std::string(domain::sex_label(details.sex));
  doc["route"] = yellow_card_route(text_of(doc, "nation"));
  return {};
}

}  // namespace

Result<YellowCardList> list_yellow_cards(const Context& ctx, const Actor& actor) {
  if (!may_report(actor)) return not_permitted();
  YellowCardList list;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals&) -> Status {
    list = {};
    std::vector<domain::ShownRecord> shown;
    auto reports = tx.yellow_card_reports();
    if (!reports) return std::move(reports).error();
    std::vector<std::int64_t> reported;
    for (const auto& r : *reports) {
      reported.push_back(r.complication);
      auto e = find_visible_episode(tx, actor, r.episode);
      if (!e) return std::move(e).error();
      if (!e->has_value()) continue;
      auto c = tx.find_complication(r.complication);
      if (!c) return std::move(c).error();
      if (!c->has_value()) return Error::internal("A report refers to a missing complication");
      auto event = event_of(tx, **c, **e);
      if (!event) return std::move(event).error();
      auto report = report_of(tx, r, std::move(*event));
      if (!report) return std::move(report).error();
      list.reports.push_back(std::move(*report));
      shown.push_back({(*e)->id, (*e)->patient});
    }
    auto device = tx.device_complications();
    if (!device) return std::move(device).error();
    for (const auto& c : *device) {
      if (std::find(reported.begin(), reported.end(), c.id) != reported.end()) continue;
      auto e = find_visible_episode(tx, actor, c.episode);
      if (!e) return std::move(e).error();
      if (!e->has_value()) continue;
      auto event = event_of(tx, c, **e);
      if (!event) return std::move(event).error();
      list.unreported.push_back(std::move(*event));
      shown.push_back({(*e)->id, (*e)->patient});
    }
    json detail = {{"reports", list.reports.size()}, {"unreported", list.unreported.size()}};
    return audit_list(tx, ctx, actor, {"yellow_card_reports", 0, 0, 0}, std::move(detail), shown);
  });
  if (!s) return std::move(s).error();
  return list;
}

Result<YellowCardStart> start_yellow_card(const Context& ctx, const Actor& actor,
                                          std::int64_t complication_id) {
  if (!may_report(actor)) return not_permitted();
  std::optional<YellowCardStart> start;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto source = report_source(tx, refusals, actor, complication_id);
    if (!source) return std::move(source).error();
    auto event = event_of(tx, source->complication, source->episode);
    if (!event) return std::move(event).error();
    auto doc = prefilled(tx, actor, *source, *event);
    if (!doc) return std::move(doc).error();
    auto procedure = procedure_date_of(tx, source->episode.id);
    if (!procedure) return std::move(procedure).error();
    start = YellowCardStart{std::move(*event),
                            {Date::today(ctx.clock()), *procedure, ""},
                            std::move(*doc)};
    return audit(tx, ctx, actor, "read", target_of(source->episode),
                 json{{"view", "new_yellow_card"}, {"complication", complication_id}}.dump());
  });
  if (!s) return std::move(s).error();
  return std::move(*start);
}

namespace {

struct Loaded {
  domain::YellowCardRecord record;
  domain::EpisodeRecord episode;
  YellowCardReport report;
};

Result<Loaded> load_report(store::Tx& tx, Refusals& refusals, const Actor& actor,
                           std::int64_t id) {
  auto r = tx.find_yellow_card_report(id);
  if (!r) return std::move(r).error();
  if (!r->has_value()) return Error::not_found("No such Yellow Card report");
  auto e = load_visible_episode(tx, refusals, actor, (*r)->episode);
  if (!e) return std::move(e).error();
  auto c = tx.find_complication((*r)->complication);
  if (!c) return std::move(c).error();
  if (!c->has_value()) return Error::internal("A report refers to a missing complication");
  auto event = event_of(tx, **c, *e);
  if (!event) return std::move(event).error();
  auto report = report_of(tx, **r, std::move(*event));
  if (!report) return std::move(report).error();
  return Loaded{std::move(**r), std::move(*e), std::move(*report)};
}

}  // namespace

Result<YellowCardReport> view_yellow_card(const Context& ctx, const Actor& actor, std::int64_t id,
                                          const std::string& purpose) {
  if (!may_report(actor)) return not_permitted();
  std::optional<YellowCardReport> out;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto loaded = load_report(tx, refusals, actor, id);
    if (!loaded) return std::move(loaded).error();
    out = std::move(loaded->report);
    return audit(tx, ctx, actor, "read", target_of(loaded->episode),
                 json{{"yellow_card", id}, {"view", purpose}}.dump());
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

Result<YellowCardContext> yellow_card_context(const Context& ctx, const Actor& actor,
                                              std::int64_t id) {
  if (!may_report(actor)) return not_permitted();
  std::optional<YellowCardContext> out;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto loaded = load_report(tx, refusals, actor, id);
    if (!loaded) return std::move(loaded).error();
    auto procedure = procedure_date_of(tx, loaded->episode.id);
    if (!procedure) return std::move(procedure).error();
    out = YellowCardContext{Date::today(ctx.clock()), *procedure, loaded->record.status};
    return Status{};
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

Result<YellowCardReport> save_yellow_card(const Context& ctx, const Actor& actor, std::int64_t id,
                                          std::int64_t complication_id,
                                          std::int64_t expected_version, const json& input) {
  if (!may_report(actor)) return not_permitted();
  std::optional<YellowCardReport> out;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    domain::EpisodeRecord episode;
    std::optional<Loaded> current;
    if (id == 0) {
      auto source = report_source(tx, refusals, actor, complication_id);
      if (!source) return std::move(source).error();
      episode = source->episode;
    } else {
      auto loaded = load_report(tx, refusals, actor, id);
      if (!loaded) return std::move(loaded).error();
      if (loaded->record.status == "closed") {
        return Error::wrong_state("This report is closed; a closed report is not changed.");
      }
      episode = loaded->episode;
      current = std::move(*loaded);
    }
    auto procedure = procedure_date_of(tx, episode.id);
    if (!procedure) return std::move(procedure).error();
    const YellowCardContext context{Date::today(ctx.clock()), *procedure,
                                    current ? current->record.status : ""};
    auto valid = validate_yellow_card(input, context);
    if (!valid) return std::move(valid).error();
    if ((current ? current->record.version : 0) != expected_version) {
      return Error::conflict(
          "Someone else changed this report after you opened it. Your changes were not saved.");
    }
    json doc = std::move(valid->document);
    if (auto d = add_derived(tx, episode, doc); !d) return d;
    domain::YellowCardRecord r;
    r.id = id;
    r.complication = current ? current->record.complication : complication_id;
    r.episode = episode.id;
    r.status = doc["status"].get<std::string>();
    r.regulator_reference = text_of(doc, "regulator_reference");
    r.data = doc.dump();
    r.created_by = r.updated_by = actor.user.id;
    r.created_at = r.updated_at = ctx.now_text();
    auto saved = current ? tx.update_yellow_card_report(r, expected_version)
                         : tx.insert_yellow_card_report(r);
    if (!saved) return std::move(saved).error();
    const json before = current ? current->report.document : json::object();
    if (auto a = audit(tx, ctx, actor, current ? "update" : "create", target_of(episode),
                       json{{"yellow_card", saved->id},
                            {"yellow_card_version", saved->version},
                            {"changes", pathway_detail::top_level_changes(before, doc)}}
                           .dump());
        !a) {
      return a;
    }
    auto fresh = load_report(tx, refusals, actor, saved->id);
    if (!fresh) return std::move(fresh).error();
    fresh->report.warnings = std::move(valid->warnings);
    out = std::move(fresh->report);
    return Status{};
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

std::vector<ExportField> yellow_card_export_fields(const YellowCardReport& r) {
  const json& d = r.document;
  auto text = [&](const char* key) { return text_of(d, key); };
  auto labelled = [&](const char* key, const Choices& choices) {
    const std::string v = text(key);
    return v.empty() ? v : label_in(choices, v);
  };
  std::vector<ExportField> out = {
      {"report_id", "vertebro report", std::to_string(r.id)},
      {"status", "Status", label_in(yellow_card_status_choices(), r.status)},
      {"route", "Report through", text("route")},
      {"regulator_reference", "Regulator's reference", text("regulator_reference")},
      {"submitted_on", "Date submitted", text("submitted_on")},
      {"reporter_name", "Reporter's name", text("reporter_name")},
      {"reporter_role", "Reporter's job title", text("reporter_role")},
      {"reporter_contact", "Reporter's contact", text("reporter_contact")},
      {"organisation", "Organisation", text("organisation")},
      {"nation", "Nation", labelled("nation", yellow_card_nation_choices())},
      {"device_type", "Device", labelled("device_type", complication_device_choices())},
      {"device_name", "Device name", text("device_name")},
      {"manufacturer", "Manufacturer", text("manufacturer")},
      {"model", "Model", text("model")},
      {"lot", "Batch or lot number", text("lot")},
      {"serial", "Serial number", text("serial")},
      {"udi", "UDI or GTIN", text("udi")},
      {"marking", "Marking", labelled("marking", yellow_card_marking_choices())},
      {"device_location", "Where the device is now",
       labelled("device_location", yellow_card_location_choices())},
      {"incident_date", "Date of the incident", text("incident_date")},
      {"awareness_date", "Date the reporter became aware", text("awareness_date")},
      {"location", "Where it happened", text("location")},
      {"description", "Description of the incident", text("description")},
      {"patient_age", "Patient's age at the incident",
       d.contains("patient_age") && d["patient_age"].is_number_integer()
           ? std::to_string(d["patient_age"].get<int>())
           : ""},
      {"patient_sex", "Patient's sex", text("patient_sex")},
      {"patient_outcome", "Patient outcome or injury", text("patient_outcome")},
      {"actions_taken", "Actions taken or investigation", text("actions_taken")},
      {"closed_on", "Date closed", text("closed_on")},
      {"closing_note", "Closing note", text("closing_note")}};
  return out;
}

}  // namespace vertebro::app
