#include "snapshot_json.h"

#include <initializer_list>
#include <stdexcept>
#include <string>

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

int integer(const json& j, const std::string& where) {
  if (!j.is_number_integer()) bad(where, "expected a whole number");
  return j.get<int>();
}

bool boolean(const json& j, const std::string& where) {
  if (!j.is_boolean()) bad(where, "expected true or false");
  return j.get<bool>();
}

domain::Date date(const json& j, const std::string& where) {
  auto d = domain::Date::parse(text(j, where), where, where);
  if (!d) bad(where, "expected a date YYYY-MM-DD");
  return *d;
}

template <class E>
E named(const json& j, const std::string& where, std::optional<E> (*parse)(std::string_view)) {
  const std::string name = text(j, where);
  auto e = parse(name);
  if (!e) bad(where, "unknown name \"" + name + "\"");
  return *e;
}

std::vector<std::string> strings(const json& j, const std::string& where) {
  if (!j.is_array()) bad(where, "expected a list of strings");
  std::vector<std::string> out;
  for (const auto& s : j) out.push_back(text(s, where));
  return out;
}

LevelAssessment level_from_json(const json& j, const std::string& where) {
  only_keys(j, where, {"level", "genant", "mri_oedema", "bone_scan_uptake", "focal_tenderness"});
  LevelAssessment l;
  if (!j.contains("level")) bad(where, "\"level\" is required");
  auto level = domain::VertebralLevel::parse(text(j["level"], where + ".level"));
  if (!level) bad(where + ".level", "unknown level");
  l.level = *level;
  if (j.contains("genant")) {
    const int g = integer(j["genant"], where + ".genant");
    if (g < 0 || g > 3) bad(where + ".genant", "Genant grade is 0 to 3");
    l.genant = static_cast<GenantGrade>(g);
  }
  if (j.contains("mri_oedema")) l.mri_oedema = named(j["mri_oedema"], where, parse_answer);
  if (j.contains("bone_scan_uptake")) {
    l.bone_scan_uptake = named(j["bone_scan_uptake"], where, parse_answer);
  }
  if (j.contains("focal_tenderness")) {
    l.focal_tenderness = named(j["focal_tenderness"], where, parse_answer);
  }
  return l;
}

ConservativeTreatment treatment_from_json(const json& j, const std::string& where) {
  only_keys(j, where, {"kind", "start", "end", "effect"});
  if (!j.contains("kind") || !j.contains("start"))
    bad(where, "\"kind\" and \"start\" are required");
  ConservativeTreatment t;
  t.kind = named(j["kind"], where + ".kind", parse_conservative_kind);
  t.start = date(j["start"], where + ".start");
  if (j.contains("end")) t.end = date(j["end"], where + ".end");
  if (j.contains("effect"))
    t.effect = named(j["effect"], where + ".effect", parse_treatment_effect);
  return t;
}

MdtDecision mdt_from_json(const json& j, const std::string& where) {
  only_keys(j, where, {"date", "decision", "attendees"});
  if (!j.contains("date") || !j.contains("decision")) {
    bad(where, "\"date\" and \"decision\" are required");
  }
  MdtDecision d;
  d.meeting_date = date(j["date"], where + ".date");
  d.decision = named(j["decision"], where + ".decision", parse_mdt_decision);
  if (j.contains("attendees")) d.attendee_roles = strings(j["attendees"], where + ".attendees");
  return d;
}

}  // namespace

EpisodeSnapshot snapshot_from_json(const json& j) {
  const std::string w = "snapshot";
  only_keys(j, w,
            {"indication", "tumour_primary", "levels", "pain_at_rest", "pain_on_movement",
             "analgesic", "conservative_treatments", "clinician_judged_refractory", "fracture_date",
             "onset_date", "bone_health_measure", "sins_total", "mdt_decisions", "surgery_access",
             "consent", "procedure_date", "today"});
  EpisodeSnapshot s;
  if (j.contains("indication")) {
    s.indication = named(j["indication"], w + ".indication", domain::parse_indication);
  }
  if (j.contains("tumour_primary")) s.tumour_primary = text(j["tumour_primary"], w);
  if (j.contains("levels")) {
    if (!j["levels"].is_array()) bad(w + ".levels", "expected a list");
    for (const auto& l : j["levels"]) s.levels.push_back(level_from_json(l, w + ".levels[]"));
  }
  if (j.contains("pain_at_rest")) s.pain_at_rest = integer(j["pain_at_rest"], w + ".pain_at_rest");
  if (j.contains("pain_on_movement")) {
    s.pain_on_movement = integer(j["pain_on_movement"], w + ".pain_on_movement");
  }
  if (j.contains("analgesic")) {
    s.analgesic = named(j["analgesic"], w + ".analgesic", parse_analgesic_class);
  }
  if (j.contains("conservative_treatments")) {
    const auto& list = j["conservative_treatments"];
    if (!list.is_array()) bad(w + ".conservative_treatments", "expected a list");
    for (const auto& t : list) {
      s.conservative_treatments.push_back(treatment_from_json(t, w + ".conservative_treatments[]"));
    }
  }
  if (j.contains("clinician_judged_refractory")) {
    s.clinician_judged_refractory = boolean(j["clinician_judged_refractory"], w);
  }
  if (j.contains("fracture_date")) s.fracture_date = date(j["fracture_date"], w + ".fracture_date");
  if (j.contains("onset_date")) s.onset_date = date(j["onset_date"], w + ".onset_date");
  if (j.contains("bone_health_measure")) {
    s.bone_health_measure = boolean(j["bone_health_measure"], w + ".bone_health_measure");
  }
  if (j.contains("sins_total")) s.sins_total = integer(j["sins_total"], w + ".sins_total");
  if (j.contains("mdt_decisions")) {
    if (!j["mdt_decisions"].is_array()) bad(w + ".mdt_decisions", "expected a list");
    for (const auto& d : j["mdt_decisions"]) {
      s.mdt_decisions.push_back(mdt_from_json(d, w + ".mdt_decisions[]"));
    }
  }
  if (j.contains("surgery_access")) {
    const auto& a = j["surgery_access"];
    only_keys(a, w + ".surgery_access", {"kind", "review_date"});
    if (!a.contains("kind")) bad(w + ".surgery_access", "\"kind\" is required");
    SurgeryAccess access;
    access.kind = named(a["kind"], w + ".surgery_access.kind", parse_surgery_access);
    if (a.contains("review_date")) {
      access.review_date = date(a["review_date"], w + ".surgery_access.review_date");
    }
    s.surgery_access = access;
  }
  if (j.contains("consent")) {
    const auto& c = j["consent"];
    only_keys(c, w + ".consent", {"date", "risks"});
    if (c.contains("date")) s.consent.date = date(c["date"], w + ".consent.date");
    if (c.contains("risks")) {
      if (c["risks"] == "all") {
        for (ConsentRisk r : all_consent_risks()) s.consent.risks_discussed.insert(r);
      } else {
        for (const auto& name : strings(c["risks"], w + ".consent.risks")) {
          s.consent.risks_discussed.insert(
              named(json(name), w + ".consent.risks", parse_consent_risk));
        }
      }
    }
  }
  if (j.contains("procedure_date")) {
    s.procedure_date = date(j["procedure_date"], w + ".procedure_date");
  }
  if (j.contains("today")) s.today = date(j["today"], w + ".today");
  return s;
}

UnitSettings settings_from_json(const json& j) {
  const std::string w = "settings";
  only_keys(j, w,
            {"min_conservative_days", "recent_fracture_window_days", "pain_threshold",
             "radiologist_roles", "spinal_surgeon_roles", "enabled_packs"});
  UnitSettings s;
  if (j.contains("min_conservative_days")) {
    s.min_conservative_days = integer(j["min_conservative_days"], w + ".min_conservative_days");
  }
  if (j.contains("recent_fracture_window_days")) {
    s.recent_fracture_window_days =
        integer(j["recent_fracture_window_days"], w + ".recent_fracture_window_days");
  }
  if (j.contains("pain_threshold")) {
    s.pain_threshold = integer(j["pain_threshold"], w + ".pain_threshold");
  }
  if (j.contains("radiologist_roles")) {
    s.radiologist_roles = strings(j["radiologist_roles"], w + ".radiologist_roles");
  }
  if (j.contains("spinal_surgeon_roles")) {
    s.spinal_surgeon_roles = strings(j["spinal_surgeon_roles"], w + ".spinal_surgeon_roles");
  }
  if (j.contains("enabled_packs")) {
    s.enabled_packs.clear();
    for (const auto& name : strings(j["enabled_packs"], w + ".enabled_packs")) {
      s.enabled_packs.insert(named(json(name), w + ".enabled_packs", parse_pack));
    }
  }
  return s;
}

}  // namespace vertebro::guidance::testing
