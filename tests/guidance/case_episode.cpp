#include "case_episode.h"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>
#include <stdexcept>

#include "app/pathway_forms.h"

namespace vertebro::guidance::testing {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": " + what);
}

void only_keys(const json& j, const std::string& where, std::initializer_list<const char*> keys) {
  if (!j.is_object()) bad(where, "expected an object");
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* k : keys) known = known || key == k;
    if (!known) bad(where, "unknown key \"" + key + "\"");
  }
}

std::string text(const json& j, const std::string& where) {
  if (!j.is_string()) bad(where, "expected a string");
  return j.get<std::string>();
}

domain::Date date(const json& j, const std::string& where) {
  auto d = domain::Date::parse(text(j, where), where, where);
  if (!d) bad(where, "expected a date YYYY-MM-DD");
  return *d;
}

// Every key path of a JSON value ("levels[].mri_oedema"), arrays' items merged.
void key_paths(const json& j, const std::string& prefix, std::set<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      out.insert(prefix + key);
      key_paths(value, prefix + key + ".", out);
    }
  } else if (j.is_array()) {
    for (const auto& item : j) key_paths(item, prefix.substr(0, prefix.size() - 1) + "[].", out);
  }
}

// Values for the required answers no rule reads, so a case shows only what its rule reads. The
// rules read none of these (app/pathway_forms.cpp fill_from_*).
json with_filler(app::FormKind kind, json doc, domain::Date today) {
  auto fill = [&doc](const char* key, json value) {
    if (!doc.contains(key)) doc[key] = std::move(value);
  };
  switch (kind) {
    case app::FormKind::kAssessment:
      fill("assessed_on", today.iso());
      break;
    case app::FormKind::kConsent:
      fill("clinician", "Case-file clinician");
      fill("leaflet_version", "case-file");
      fill("capacity_confirmed", true);
      break;
    case app::FormKind::kProcedure:
      if (!doc.contains("primary_operator_id")) fill("primary_operator", "Case-file operator");
      fill("image_guidance", "fluoroscopy_biplane");
      fill("anaesthesia", "local");
      fill("levels", json::array({{{"level", "L1"},
                                   {"approach", "transpedicular"},
                                   {"pedicles", "bipedicular"},
                                   {"cement_ml", 3}}}));
      break;
  }
  return doc;
}

// The form as the application stores it: validate_form's normalised document. A refused form is
// recorded in `refused` and used as given.
json stored_form(app::FormKind kind, const json& given, const app::FormContext& context,
                 std::vector<std::string>& refused) {
  const std::string name(app::form_kind_name(kind));
  if (!given.is_object()) bad("episode." + name, "expected an object");
  const json input = with_filler(kind, given, context.today);
  auto valid = app::validate_form(kind, input, context);
  if (!valid) {
    // A key the form does not know is a typo in the case file, not a record the form refuses.
    for (const auto& f : valid.error().fields) {
      if (f.message.rfind("Unknown field", 0) == 0) bad("episode." + name, f.message);
    }
    std::string why = name + ":";
    for (const auto& f : valid.error().fields) why += " " + f.field + ": " + f.message + ";";
    refused.push_back(why);
    return input;
  }
  // A key the application does not keep would silently leave its value unread.
  std::set<std::string> given_keys, kept_keys;
  key_paths(given, "", given_keys);
  key_paths(valid->document, "", kept_keys);
  for (const auto& k : given_keys) {
    if (!kept_keys.contains(k)) {
      bad("episode." + name, "\"" + k + "\" is not kept by the application's form");
    }
  }
  return valid->document;
}

app::EpisodeMdt mdt_listing(const json& j, const std::string& where, domain::Date today,
                            std::vector<std::string>& refused) {
  only_keys(j, where, {"meeting_date", "decision", "decided_at", "attendees"});
  if (!j.contains("meeting_date") || !j.contains("decision")) {
    bad(where, "\"meeting_date\" and \"decision\" are required");
  }
  app::EpisodeMdt m;
  m.meeting.meeting_date = date(j["meeting_date"], where + ".meeting_date").iso();
  m.listing.decision = text(j["decision"], where + ".decision");
  // The values the database's CHECK constraint allows ("" while undecided).
  if (!m.listing.decision.empty() && !parse_mdt_decision(m.listing.decision)) {
    bad(where + ".decision", "unknown decision \"" + m.listing.decision + "\"");
  }
  if (j.contains("decided_at")) m.listing.decided_at = text(j["decided_at"], where);
  // app/mdt.cpp record_decision: a decision is recorded once the meeting has been held.
  if (!m.listing.decision.empty() && m.meeting.meeting_date > today.iso()) {
    refused.push_back("mdt: a decision at a meeting after today (" + m.meeting.meeting_date +
                      ") cannot be recorded;");
  }
  if (j.contains("attendees")) {
    if (!j["attendees"].is_array()) bad(where + ".attendees", "expected a list of roles");
    for (const auto& role : j["attendees"]) {
      domain::AttendeeRecord a;
      a.professional_role = text(role, where + ".attendees");
      a.name = "Attendee";
      m.attendees.push_back(std::move(a));
    }
  }
  return m;
}

domain::SiteSurgeryRecord site_surgery(const json& j, const std::string& where) {
  only_keys(j, where, {"access", "review_date"});
  if (!j.contains("access")) bad(where, "\"access\" is required");
  domain::SiteSurgeryRecord r;
  r.access = text(j["access"], where + ".access");
  if (!parse_surgery_access(r.access)) bad(where + ".access", "unknown access \"" + r.access + "\"");
  if (j.contains("review_date")) r.review_date = date(j["review_date"], where).iso();
  return r;
}

// The lot register and catalogue as the case describes them: pack number -> {product, lot,
// expiry, steps (of its IFU version), recalled_on, error (the scan cannot be used)}. Each pack's
// lot id is its pack number.
void cement_packs(const json& j, const std::string& where, app::FormContext& fc,
                  std::map<std::int64_t, std::string>& recalls) {
  if (!j.is_object()) bad(where, "expected an object keyed by pack number");
  for (const auto& [key, p] : j.items()) {
    const std::string w = where + "." + key;
    only_keys(p, w, {"product", "lot", "expiry", "steps", "recalled_on", "error"});
    const int unit = std::stoi(key);
    app::CementPack pack;
    pack.lot_id = unit;
    pack.product = p.contains("product") ? text(p["product"], w) : "Case-file cement";
    pack.scheme = "gs1";
    pack.code = "09506000134352";
    pack.lot = p.contains("lot") ? text(p["lot"], w) : "CASE-" + key;
    if (p.contains("expiry")) pack.expiry = date(p["expiry"], w + ".expiry").iso();
    if (!p.contains("steps") || !p["steps"].is_number_integer()) bad(w, "\"steps\" is required");
    pack.steps = p["steps"].get<std::size_t>();
    pack.ifu_version = 1;
    pack.ifu_version_id = unit;
    if (p.contains("error")) pack.error = text(p["error"], w);
    if (p.contains("recalled_on")) recalls[unit] = date(p["recalled_on"], w).iso();
    fc.cement_packs[unit] = pack;
  }
}

// The operator profiles active at the site, as the case describes them: profile id -> {name,
// sign_offs: [{scope, signed_on, review_date, revoked_on}]}. The procedure chooses them by
// "primary_operator_id" and "supervisor_id".
void case_operators(const json& j, const std::string& where, app::FormContext& fc,
                    std::map<std::int64_t, std::vector<domain::SignOffRecord>>& sign_offs) {
  if (!j.is_object()) bad(where, "expected an object keyed by profile id");
  for (const auto& [key, o] : j.items()) {
    const std::string w = where + "." + key;
    only_keys(o, w, {"name", "sign_offs"});
    const std::int64_t id = std::stoll(key);
    fc.site_operators.push_back({id, o.contains("name") ? text(o["name"], w) : "Operator " + key});
    auto& list = sign_offs[id];
    if (!o.contains("sign_offs")) continue;
    if (!o["sign_offs"].is_array()) bad(w + ".sign_offs", "expected a list");
    for (const auto& so : o["sign_offs"]) {
      const std::string sw = w + ".sign_offs[]";
      only_keys(so, sw, {"scope", "signed_on", "review_date", "revoked_on"});
      domain::SignOffRecord r;
      r.operator_id = domain::OperatorId{id};
      r.scope = text(so.at("scope"), sw + ".scope");
      if (!domain::parse_competence_scope(r.scope)) bad(sw + ".scope", "unknown scope " + r.scope);
      r.signed_on = date(so.at("signed_on"), sw + ".signed_on").iso();
      r.review_date = date(so.at("review_date"), sw + ".review_date").iso();
      r.signed_by_name = "Case-file training lead";
      if (so.contains("revoked_on")) {
        r.revoked_on = date(so["revoked_on"], sw + ".revoked_on").iso();
        r.revoke_reason = "Case-file revocation";
      }
      list.push_back(std::move(r));
    }
  }
}

}  // namespace

CaseEpisode case_episode(const json& j) {
  const std::string w = "episode";
  only_keys(j, w,
            {"today", "referral_date", "assessment", "consent", "procedure", "mdt", "site_surgery",
             "planned_procedure_date", "cement_packs", "operators", "planned_operator_id",
             "planned_supervisor_id"});
  if (!j.contains("today")) bad(w, "\"today\" is required");
  CaseEpisode out;
  out.today = date(j["today"], w + ".today");
  out.sources.referral_date =
      j.contains("referral_date") ? date(j["referral_date"], w + ".referral_date")
                                  : date(json("2026-01-01"), "default referral date");
  // Each form is checked as save_form checks it, against the episode's other records
  // (app::form_context): the assessment first, then the consent, then the procedure.
  const domain::Date born = date(json("1940-01-01"), "date of birth");
  auto context = [&] { return app::form_context(out.sources, out.today, born); };
  if (j.contains("mdt")) {
    if (!j["mdt"].is_array()) bad(w + ".mdt", "expected a list of listings");
    for (const auto& m : j["mdt"]) {
      out.sources.mdt.push_back(mdt_listing(m, w + ".mdt[]", out.today, out.refused));
    }
  }
  if (j.contains("assessment")) {
    out.sources.assessment =
        stored_form(app::FormKind::kAssessment, j["assessment"], context(), out.refused);
  }
  if (j.contains("consent")) {
    out.sources.consent = stored_form(app::FormKind::kConsent, j["consent"], context(), out.refused);
  }
  // The operator profiles: chosen on the procedure form, or planned at the move to procedure.
  app::FormContext operators = context();
  if (j.contains("operators")) {
    case_operators(j["operators"], w + ".operators", operators, out.sources.operator_sign_offs);
  }
  for (auto [key, planned] : {std::pair{"planned_operator_id", &out.sources.planned_operator},
                              std::pair{"planned_supervisor_id", &out.sources.planned_supervisor}}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_number_integer()) bad(w + "." + key, "expected a profile id");
    const std::int64_t id = j[key].get<std::int64_t>();
    const auto named = std::find_if(operators.site_operators.begin(),
                                    operators.site_operators.end(),
                                    [&](const auto& o) { return o.id == id; });
    if (named == operators.site_operators.end()) bad(w + "." + key, "not among the operators");
    *planned = ProcedureOperator{named->name, false, out.sources.operator_sign_offs[id]};
  }
  if (j.contains("procedure")) {
    app::FormContext fc = context();
    fc.site_operators = operators.site_operators;
    if (j.contains("cement_packs")) {
      cement_packs(j["cement_packs"], w + ".cement_packs", fc, out.sources.cement_recalls);
    }
    out.sources.procedure = stored_form(app::FormKind::kProcedure, j["procedure"], fc, out.refused);
  }
  if (j.contains("site_surgery")) {
    out.sources.surgery = site_surgery(j["site_surgery"], w + ".site_surgery");
  }
  if (j.contains("planned_procedure_date")) {
    out.sources.planned_procedure_date =
        date(j["planned_procedure_date"], w + ".planned_procedure_date");
  }
  return out;
}

EpisodeSnapshot case_snapshot(const CaseEpisode& episode) {
  return app::episode_snapshot(episode.sources, episode.today);
}

UnitSettings case_settings(const json& overrides, bool stored) {
  auto c = stored ? app::parse_stored_unit_config(overrides) : app::parse_unit_config(overrides);
  if (!c) {
    std::string why = "settings refused:";
    for (const auto& f : c.error().fields) why += " " + f.field + ": " + f.message + ";";
    throw std::runtime_error(why);
  }
  return c->rules;
}

}  // namespace vertebro::guidance::testing
