#include "app/pathway_forms.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "app/input_reader.h"
#include "guidance/outcomes.h"

namespace vertebro::app {

using nlohmann::json;
using domain::Date;
using domain::VertebralLevel;

std::string_view form_kind_name(FormKind k) {
  switch (k) {
    case FormKind::kAssessment: return "assessment";
    case FormKind::kConsent: return "consent";
    case FormKind::kProcedure: return "procedure";
  }
  return "assessment";
}

std::optional<FormKind> parse_form_kind(std::string_view name) {
  for (auto k : {FormKind::kAssessment, FormKind::kConsent, FormKind::kProcedure}) {
    if (form_kind_name(k) == name) return k;
  }
  return std::nullopt;
}

const std::vector<Contraindication>& contraindications() {
  static const std::vector<Contraindication> list = {
      {"active_infection", "Active infection (local or systemic)"},
      {"uncorrected_coagulopathy", "Uncorrected coagulopathy"},
      {"cement_allergy", "Allergy to the cement or its components"},
      {"posterior_wall_defect", "Posterior vertebral wall defect"},
      {"asymptomatic_fracture", "Asymptomatic fracture"},
  };
  return list;
}

const Choices& morphology_choices() {
  static const Choices c = {{"wedge", "Wedge"}, {"biconcave", "Biconcave"}, {"crush", "Crush"}};
  return c;
}
const Choices& approach_choices() {
  static const Choices c = {{"transpedicular", "Transpedicular"},
                            {"parapedicular", "Parapedicular"}};
  return c;
}
const Choices& pedicle_choices() {
  static const Choices c = {{"unipedicular", "Unipedicular"}, {"bipedicular", "Bipedicular"}};
  return c;
}
const Choices& image_guidance_choices() {
  static const Choices c = {{"fluoroscopy_single", "Fluoroscopy, single plane"},
                            {"fluoroscopy_biplane", "Fluoroscopy, biplane"},
                            {"ct", "CT"},
                            {"ct_fluoroscopy", "CT fluoroscopy"}};
  return c;
}
const Choices& anaesthesia_choices() {
  static const Choices c = {{"local", "Local anaesthetic only"},
                            {"sedation", "Local anaesthetic with sedation"},
                            {"general", "General anaesthetic"}};
  return c;
}
const Choices& leakage_type_choices() {
  static const Choices c = {{"B", "Type B: basivertebral vein"},
                            {"S", "Type S: segmental vein"},
                            {"C", "Type C: cortical defect"},
                            {"D", "Type D: intradiscal"}};
  return c;
}
const Choices& leakage_detection_choices() {
  static const Choices c = {
      {"fluoroscopy", "Fluoroscopy"}, {"plain_film", "Plain film"}, {"ct", "CT"}};
  return c;
}
const Choices& dap_unit_choices() {
  static const Choices c = {{"Gy.cm2", "Gy·cm²"}, {"cGy.cm2", "cGy·cm²"}, {"mGy.cm2", "mGy·cm²"}};
  return c;
}

const Choices& mobility_choices() {
  static const Choices c = {{"bed_bound", "Bed-bound"},
                            {"chair_bound", "Chair-bound (can sit out of bed)"},
                            {"walking_with_frame", "Walking with a frame"},
                            {"walking_with_stick", "Walking with a stick"},
                            {"unaided", "Walking unaided"}};
  return c;
}

namespace {

// Packs of cement one procedure may name (HTG3-1.2-CEMENT).
constexpr int kMaxCementUnits = 10;


void put(json& j, const std::string& key, const auto& opt) {
  if (opt) j[key] = *opt;
}
void put_date(json& j, const std::string& key, const std::optional<Date>& d) {
  if (d) j[key] = d->iso();
}

// A date must not lie in the future nor before another one; the message names both.
void check_not_future(const InputReader& in, const std::string& key, const std::string& label,
                      const std::optional<Date>& d, Date today) {
  if (d && *d > today) in.error(key, label + " must be today or in the past");
}
void check_not_before(const InputReader& in, const std::string& key, const std::string& label,
                      const std::optional<Date>& d, std::optional<Date> floor,
                      const std::string& floor_label) {
  if (d && floor && *d < *floor) {
    in.error(key, label + " must be on or after " + floor_label + " (" + floor->display() + ")");
  }
}

// A per-level part given as {"T12": {...}} (forms) or [{"level": "T12", ...}] (the API and
// stored documents). Calls `each` with the level and its object; reports unknown levels and
// levels given twice.
template <class Each>
void for_each_level(const InputReader& in, const std::string& key, Each each) {
  const json* levels = in.find(key);
  if (levels == nullptr) return;
  std::vector<std::pair<std::string, const json*>> items;
  if (levels->is_object()) {
    for (const auto& [name, value] : levels->items()) items.emplace_back(name, &value);
  } else if (levels->is_array()) {
    for (const auto& item : *levels) {
      if (!item.is_object() || !item.contains("level") || !item["level"].is_string()) {
        in.error(key, "Each level must name its level, for example T12");
        return;
      }
      items.emplace_back(item["level"].get<std::string>(), &item);
    }
  } else {
    in.error(key, "Levels must be a list of levels");
    return;
  }
  std::vector<VertebralLevel> seen;
  for (const auto& [name, value] : items) {
    auto level = VertebralLevel::parse(name);
    if (!level) {
      in.error(key + "." + name, "Unknown vertebral level \"" + name + "\": use C1 to S5");
      continue;
    }
    if (std::find(seen.begin(), seen.end(), *level) != seen.end()) {
      in.error(key + "." + level->name(), "Level " + level->name() + " is given twice");
      continue;
    }
    seen.push_back(*level);
    each(*level, in.over(*value, key + "." + level->name()));
  }
}

template <class E>
struct Named {
  std::string_view name;
  E value;
};

const std::vector<Named<guidance::SinsPain>>& sins_pain_names() {
  static const std::vector<Named<guidance::SinsPain>> v = {
      {"pain_free", guidance::SinsPain::kPainFree},
      {"occasional", guidance::SinsPain::kOccasionalNonMechanical},
      {"mechanical", guidance::SinsPain::kMechanical}};
  return v;
}
const std::vector<Named<guidance::SinsBoneLesion>>& sins_lesion_names() {
  static const std::vector<Named<guidance::SinsBoneLesion>> v = {
      {"blastic", guidance::SinsBoneLesion::kBlastic},
      {"mixed", guidance::SinsBoneLesion::kMixed},
      {"lytic", guidance::SinsBoneLesion::kLytic}};
  return v;
}
const std::vector<Named<guidance::SinsAlignment>>& sins_alignment_names() {
  static const std::vector<Named<guidance::SinsAlignment>> v = {
      {"normal", guidance::SinsAlignment::kNormal},
      {"de_novo_deformity", guidance::SinsAlignment::kDeNovoDeformity},
      {"subluxation", guidance::SinsAlignment::kSubluxationTranslation}};
  return v;
}
const std::vector<Named<guidance::SinsCollapse>>& sins_collapse_names() {
  static const std::vector<Named<guidance::SinsCollapse>> v = {
      {"none", guidance::SinsCollapse::kNone},
      {"no_collapse_over_50_involved", guidance::SinsCollapse::kNoCollapseOver50PercentInvolved},
      {"under_50", guidance::SinsCollapse::kUnder50Percent},
      {"over_50", guidance::SinsCollapse::kOver50Percent}};
  return v;
}
const std::vector<Named<guidance::SinsPosterolateral>>& sins_posterolateral_names() {
  static const std::vector<Named<guidance::SinsPosterolateral>> v = {
      {"none", guidance::SinsPosterolateral::kNone},
      {"unilateral", guidance::SinsPosterolateral::kUnilateral},
      {"bilateral", guidance::SinsPosterolateral::kBilateral}};
  return v;
}

template <class E>
auto parse_named(const std::vector<Named<E>>& names) {
  return [&names](std::string_view v) -> std::optional<E> {
    for (const auto& n : names) {
      if (n.name == v) return n.value;
    }
    return std::nullopt;
  };
}

auto parse_level = [](std::string_view v) { return VertebralLevel::parse(v); };

bool is_tumour(domain::Indication i) {
  return i == domain::Indication::kMetastasis || i == domain::Indication::kMyeloma;
}

// ---- Assessment ----------------------------------------------------------------------------

json assessment_level(domain::VertebralLevel level, const InputReader& in) {
  in.only({"level", "height_loss_percent", "genant", "morphology", "mri_oedema",
           "bone_scan_uptake", "focal_tenderness"});
  json out = {{"level", level.name()}};
  auto loss = in.number("height_loss_percent", "Height loss (%)", 0, 100);
  if (loss) {
    out["height_loss_percent"] = *loss;
    if (auto g = guidance::genant_grade(*loss)) out["genant"] = guidance::genant_name(*g);
  } else if (auto g = in.choice("genant", "Genant grade", [](std::string_view v) {
               for (auto grade : {guidance::GenantGrade::kNormal, guidance::GenantGrade::kMild,
                                  guidance::GenantGrade::kModerate, guidance::GenantGrade::kSevere}) {
                 if (guidance::genant_name(grade) == v) return std::optional(grade);
               }
               return std::optional<guidance::GenantGrade>();
             })) {
    out["genant"] = guidance::genant_name(*g);
  }
  put(out, "morphology", in.choice("morphology", "Morphology", choice_in(morphology_choices())));
  for (auto [key, label] : {std::pair{"mri_oedema", "MRI oedema (STIR/T2)"},
                            std::pair{"bone_scan_uptake", "Bone scan uptake"},
                            std::pair{"focal_tenderness", "Focal tenderness"}}) {
    auto a = in.choice(key, label, guidance::parse_answer);
    out[key] = guidance::answer_name(a.value_or(guidance::Answer::kUnknown));
  }
  return out;
}

json treatment(guidance::ConservativeKind kind, const InputReader& in, Date today) {
  in.only({"kind", "start", "end", "effect", "detail"});
  json out = {{"kind", guidance::conservative_kind_name(kind)}};
  auto start = in.date("start", "Start date", true);
  auto end = in.date("end", "End date");
  check_not_future(in, "start", "Start date", start, today);
  check_not_future(in, "end", "End date", end, today);
  if (start && end && *end < *start) in.error("end", "End date must be on or after the start date");
  put_date(out, "start", start);
  put_date(out, "end", end);
  if (auto e = in.choice("effect", "Effect", guidance::parse_treatment_effect)) {
    out["effect"] = guidance::treatment_effect_name(*e);
  }
  put(out, "detail", in.text("detail", "Details", 500));
  return out;
}

json sins_part(const InputReader& in, const std::vector<VertebralLevel>& levels) {
  // "total" and "category" are calculated: a stored document sent back keeps them.
  in.only({"level", "pain", "bone_lesion", "alignment", "collapse", "posterolateral", "total",
           "category"});
  guidance::SinsInput si;
  auto level = in.choice("level", "Level scored", parse_level, true);
  auto pain = in.choice("pain", "Pain", parse_named(sins_pain_names()), true);
  auto lesion = in.choice("bone_lesion", "Bone lesion", parse_named(sins_lesion_names()), true);
  auto align = in.choice("alignment", "Alignment", parse_named(sins_alignment_names()), true);
  auto collapse = in.choice("collapse", "Vertebral body collapse", parse_named(sins_collapse_names()), true);
  auto postero = in.choice("posterolateral", "Posterolateral involvement",
                           parse_named(sins_posterolateral_names()), true);
  if (level && !levels.empty() && std::find(levels.begin(), levels.end(), *level) == levels.end()) {
    in.error("level", "Level scored must be one of the levels assessed");
    return nullptr;
  }
  if (!level || !pain || !lesion || !align || !collapse || !postero) return nullptr;
  si = {*level, *pain, *lesion, *align, *collapse, *postero};
  const auto score = guidance::sins_score(si);
  auto name_of = [](const auto& names, auto v) {
    for (const auto& n : names) {
      if (n.value == v) return std::string(n.name);
    }
    return std::string();
  };
  return {{"level", level->name()},
          {"pain", name_of(sins_pain_names(), *pain)},
          {"bone_lesion", name_of(sins_lesion_names(), *lesion)},
          {"alignment", name_of(sins_alignment_names(), *align)},
          {"collapse", name_of(sins_collapse_names(), *collapse)},
          {"posterolateral", name_of(sins_posterolateral_names(), *postero)},
          {"total", score.total},
          {"category", guidance::sins_category_name(score.category)}};
}

ValidatedForm validate_assessment(const InputReader& in, const FormContext& ctx) {
  in.only({"assessed_on", "indication", "tumour_primary", "haemangioma_symptoms", "fracture_date",
           "onset_date", "levels",
           "pain_at_rest", "pain_on_movement", "analgesic", "mobility", "treatments", "refractory",
           "bone_health", "bone_health_detail", "sins", "contraindications",
           "contraindication_notes"});
  json out = json::object();
  auto assessed_on = in.date("assessed_on", "Date of assessment", true);
  check_not_future(in, "assessed_on", "Date of assessment", assessed_on, ctx.today);
  check_not_before(in, "assessed_on", "Date of assessment", assessed_on, ctx.referral_date,
                   "the referral date");
  put_date(out, "assessed_on", assessed_on);
  auto indication = in.choice("indication", "Indication", domain::parse_indication, true);
  if (indication) out["indication"] = domain::indication_name(*indication);
  auto primary = in.text("tumour_primary", "Primary tumour", 200);
  if (indication == domain::Indication::kMetastasis && !primary) {
    in.error("tumour_primary", "Enter the primary tumour, or \"unknown primary\"");
  }
  put(out, "tumour_primary", primary);
  // HTG3 supports *symptomatic* haemangioma: the symptoms are the evidence HTG3-IND-HAEMANGIOMA
  // reads. Kept only for a haemangioma, like SINS for a tumour.
  auto symptoms = in.text("haemangioma_symptoms", "Symptoms of the haemangioma", 1000);
  if (indication == domain::Indication::kHaemangioma) put(out, "haemangioma_symptoms", symptoms);
  for (auto [key, label] : {std::pair{"fracture_date", "Fracture date"},
                            std::pair{"onset_date", "Date the pain began"}}) {
    auto d = in.date(key, label);
    check_not_future(in, key, label, d, ctx.today);
    check_not_before(in, key, label, d, ctx.date_of_birth, "the date of birth");
    put_date(out, key, d);
  }

  json levels = json::array();
  std::vector<VertebralLevel> level_list;
  for_each_level(in, "levels", [&](VertebralLevel level, const InputReader& lv) {
    levels.push_back(assessment_level(level, lv));
    level_list.push_back(level);
  });
  if (levels.empty() && !in.find("levels")) in.error("levels", "Enter at least one level assessed");
  std::sort(levels.begin(), levels.end(), [](const json& a, const json& b) {
    return VertebralLevel::parse(a["level"].get<std::string>())->index() <
           VertebralLevel::parse(b["level"].get<std::string>())->index();
  });
  out["levels"] = levels;

  put(out, "pain_at_rest", in.integer("pain_at_rest", "Pain at rest", 0, 10));
  put(out, "pain_on_movement", in.integer("pain_on_movement", "Pain on movement", 0, 10));
  if (auto a = in.choice("analgesic", "Analgesic class", guidance::parse_analgesic_class)) {
    out["analgesic"] = guidance::analgesic_class_name(*a);
  }
  if (auto m = in.choice("mobility", "Mobility before the procedure", guidance::parse_mobility)) {
    out["mobility"] = guidance::mobility_name(*m);
  }

  json treatments = json::array();
  if (const json* t = in.find("treatments")) {
    std::vector<std::pair<std::string, const json*>> items;
    if (t->is_object()) {
      for (const auto& [k, v] : t->items()) items.emplace_back(k, &v);
    } else if (t->is_array()) {
      for (const auto& v : *t) {
        items.emplace_back(v.is_object() && v.contains("kind") && v["kind"].is_string()
                               ? v["kind"].get<std::string>()
                               : std::string(),
                           &v);
      }
    } else {
      in.error("treatments", "Treatments must be a list");
    }
    std::set<std::string> seen;
    for (const auto& [k, v] : items) {
      auto kind = guidance::parse_conservative_kind(k);
      if (!kind) {
        in.error("treatments", "Unknown conservative treatment \"" + k + "\"");
        continue;
      }
      if (!seen.insert(k).second) {
        in.error("treatments." + k, "Each treatment may be given once");
        continue;
      }
      treatments.push_back(treatment(*kind, in.over(*v, "treatments." + k), ctx.today));
    }
  }
  out["treatments"] = treatments;
  put(out, "refractory", in.yes_no("refractory", "Pain refractory to conservative treatment"));
  put(out, "bone_health", in.yes_no("bone_health", "Bone-health measures in place"));
  put(out, "bone_health_detail", in.text("bone_health_detail", "Bone-health details", 500));

  if (in.find("sins") && indication && is_tumour(*indication)) {
    auto sins = sins_part(in.nested("sins"), level_list);
    if (!sins.is_null()) out["sins"] = sins;
  }

  json found = json::array();
  for (const auto& name : in.list("contraindications", "Contraindications")) {
    const auto& all = contraindications();
    if (std::none_of(all.begin(), all.end(), [&](const auto& c) { return c.name == name; })) {
      in.error("contraindications", "Unknown contraindication \"" + name + "\"");
    } else if (std::find(found.begin(), found.end(), name) == found.end()) {
      found.push_back(name);
    }
  }
  out["contraindications"] = found;
  put(out, "contraindication_notes", in.text("contraindication_notes", "Contraindication notes", 1000));

  ValidatedForm v{out, {}};
  if (!found.empty()) {
    v.warnings.push_back("Contraindications are recorded: " + std::to_string(found.size()) +
                         " (unverified list). Review them before the MDT.");
  }
  return v;
}

// ---- Consent -------------------------------------------------------------------------------

ValidatedForm validate_consent(const InputReader& in, const FormContext& ctx) {
  in.only({"date", "clinician", "leaflet_version", "capacity_confirmed", "risks", "form_reference"});
  json out = json::object();
  auto date = in.date("date", "Date of consent", true);
  check_not_future(in, "date", "Date of consent", date, ctx.today);
  check_not_before(in, "date", "Date of consent", date, ctx.referral_date, "the referral date");
  put_date(out, "date", date);
  put(out, "clinician", in.text("clinician", "Consenting clinician", 200, true));
  put(out, "leaflet_version", in.text("leaflet_version", "Patient information leaflet version", 100, true));
  put(out, "capacity_confirmed", in.yes_no("capacity_confirmed", "Capacity confirmed", true));
  json risks = json::array();
  std::set<guidance::ConsentRisk> chosen;
  for (const auto& name : in.list("risks", "Risks discussed")) {
    auto r = guidance::parse_consent_risk(name);
    if (!r) {
      in.error("risks", "Unknown risk \"" + name + "\"");
    } else {
      chosen.insert(*r);
    }
  }
  for (auto r : guidance::all_consent_risks()) {
    if (chosen.count(r)) risks.push_back(guidance::consent_risk_name(r));
  }
  out["risks"] = risks;
  put(out, "form_reference", in.text("form_reference", "Signed form reference", 100));
  ValidatedForm v{out, {}};
  if (out.value("capacity_confirmed", true) == false) {
    v.warnings.push_back(
        "Capacity is not confirmed: record how the decision was made in the patient's best "
        "interests.");
  }
  return v;
}

// ---- Procedure -----------------------------------------------------------------------------

// A level of the procedure. `units` are the cement packs' numbers: the level names the one
// that filled it ("cement_unit"), which may be left out when there is only one.
json procedure_level(VertebralLevel level, const InputReader& in, const std::vector<int>& units) {
  in.only({"level", "approach", "pedicles", "cement_ml", "cement_unit", "leakage",
           "leakage_symptomatic", "leakage_detected_by"});
  json out = {{"level", level.name()}};
  if (auto u = in.integer("cement_unit", "Cement pack", 1, kMaxCementUnits)) {
    if (std::find(units.begin(), units.end(), static_cast<int>(*u)) == units.end()) {
      in.error("cement_unit", "Pack " + std::to_string(*u) + " is not among the cement packs " +
                                  "recorded: choose one of them");
    } else {
      out["cement_unit"] = *u;
    }
  } else if (units.size() == 1) {
    out["cement_unit"] = units.front();
  } else if (units.size() > 1 && !in.find("cement_unit")) {
    in.error("cement_unit", "Choose the cement pack that filled level " + level.name());
  }
  put(out, "approach", in.choice("approach", "Approach", choice_in(approach_choices()), true));
  put(out, "pedicles", in.choice("pedicles", "Pedicles", choice_in(pedicle_choices()), true));
  put(out, "cement_ml", in.number_above("cement_ml", "Cement volume", 0, 20, " mL", true));
  json leak = json::array();
  for (const auto& t : in.list("leakage", "Cement leakage")) {
    auto type = choice_in(leakage_type_choices())(t);
    if (!type) {
      in.error("leakage", "Unknown leakage type \"" + t + "\": use B, S, C or D");
    } else if (std::find(leak.begin(), leak.end(), *type) == leak.end()) {
      leak.push_back(*type);
    }
  }
  std::sort(leak.begin(), leak.end());
  out["leakage"] = leak;
  if (!leak.empty()) {
    put(out, "leakage_symptomatic",
        in.yes_no("leakage_symptomatic", "Whether the leakage caused symptoms", true));
    put(out, "leakage_detected_by",
        in.choice("leakage_detected_by", "How the leakage was detected",
                  choice_in(leakage_detection_choices()), true));
  }
  return out;
}

// The values of a unit's "steps" or "deviations": an object keyed by step number ("1", "2",
// ...) or an array in step order; each entry as given.
std::vector<std::pair<std::string, const json*>> numbered(const InputReader& in,
                                                          const std::string& key) {
  std::vector<std::pair<std::string, const json*>> out;
  const json* raw = in.find(key);
  if (raw == nullptr || raw->is_null()) return out;
  if (raw->is_object()) {
    for (const auto& [k, v] : raw->items()) out.emplace_back(k, &v);
  } else if (raw->is_array()) {
    for (std::size_t i = 0; i < raw->size(); ++i) {
      out.emplace_back(std::to_string(i + 1), &(*raw)[i]);
    }
  } else {
    in.error(key, "Give the steps by their numbers, for example {\"1\": \"confirmed\"}");
  }
  return out;
}

int step_number(const std::string& key, std::size_t steps) {
  int n = 0;
  auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), n);
  if (ec != std::errc() || p != key.data() + key.size() || n < 1) return 0;
  return static_cast<std::size_t>(n) <= steps ? n : 0;
}

// One cement pack of the procedure (HTG3-1.2-CEMENT): the pack the app found for it, and the
// operator's check of each step of its IFU version, confirmed or done otherwise with a reason.
// Steps left unanswered are kept as unanswered: the procedure's rule fails on them.
json procedure_cement_unit(int unit, const InputReader& in, const FormContext& ctx) {
  in.only({"unit", "scan", "lot_id", "product", "scheme", "code", "lot", "expiry",
           "ifu_version_id", "ifu_version", "ifu_steps", "steps", "deviations"});
  const auto found = ctx.cement_packs.find(unit);
  // The scan as the scanner typed it: its GS (0x1D) separators are part of it, so it is not read
  // as text (which refuses control characters); app/procedure_cement.cpp reads it.
  std::optional<std::string> scan;
  if (const json* raw = in.find("scan"); raw != nullptr && raw->is_string()) {
    if (raw->get<std::string>().size() > 200) {
      in.error("scan", "A scan is at most 200 characters: scan one barcode only");
    } else if (raw->get<std::string>().find_first_not_of(" \t\r\n") != std::string::npos) {
      scan = raw->get<std::string>();
    }
  } else if (raw != nullptr && !raw->is_null()) {
    in.error("scan", "The scan must be text");
  }
  if (found == ctx.cement_packs.end()) {
    in.error("scan", "Scan the label of cement pack " + std::to_string(unit));
    return nullptr;
  }
  const CementPack& pack = found->second;
  if (!pack.error.empty()) {
    in.error("scan", pack.error);
    return nullptr;
  }
  json out = {{"unit", unit},
              {"lot_id", pack.lot_id},
              {"product", pack.product},
              {"scheme", pack.scheme},
              {"code", pack.code},
              {"lot", pack.lot},
              {"expiry", pack.expiry},
              {"ifu_version_id", pack.ifu_version_id},
              {"ifu_version", pack.ifu_version},
              {"ifu_steps", pack.steps}};
  if (scan) out["scan"] = *scan;
  json steps = json::object();
  for (const auto& [key, value] : numbered(in, "steps")) {
    const int n = step_number(key, pack.steps);
    const std::string field = "steps." + key;
    if (n == 0) {
      in.error(field, "Step " + key + " is not in the instructions for use, which have " +
                          std::to_string(pack.steps) + " steps");
      continue;
    }
    const std::string answer = value->is_string() ? value->get<std::string>() : "";
    if (answer == "confirmed" || answer == "deviation") {
      steps[std::to_string(n)] = answer;
    } else if (!(value->is_null() || (value->is_string() && answer.empty()))) {
      in.error(field, "Step " + key + ": choose confirmed or deviation");
    }
  }
  json deviations = json::object();
  for (const auto& [key, value] : numbered(in, "deviations")) {
    const int n = step_number(key, pack.steps);
    if (n == 0) {
      in.error("deviations." + key, "Step " + key + " is not in the instructions for use");
      continue;
    }
    const json holder = {{key, *value}};
    const auto note = in.over(holder, "deviations")
                          .text(key, "How step " + key + " was done otherwise", 1000);
    if (!note) continue;
    if (steps.value(std::to_string(n), "") != "deviation") {
      in.error("steps." + key, "Mark step " + key + " as a deviation, or remove its note");
      continue;
    }
    deviations[std::to_string(n)] = *note;
  }
  for (const auto& [key, value] : steps.items()) {
    if (value == "deviation" && !deviations.contains(key)) {
      in.error("deviations." + key, "Say how step " + key + " was done otherwise, and why");
    }
  }
  out["steps"] = steps;
  out["deviations"] = deviations;
  return out;
}

// The procedure's cement packs: an array of objects with "unit", or an object keyed by unit
// number (as the page posts it). Returns them in unit order; `units` gets their numbers.
json procedure_cement(const InputReader& in, const FormContext& ctx, std::vector<int>& units) {
  json out = json::array();
  const json* raw = in.find("cement_units");
  if (raw == nullptr || raw->is_null()) return out;
  std::vector<std::pair<std::string, const json*>> items;
  if (raw->is_object()) {
    for (const auto& [k, v] : raw->items()) items.emplace_back(k, &v);
  } else if (raw->is_array()) {
    for (const auto& item : *raw) {
      const json* u = item.is_object() && item.contains("unit") ? &item["unit"] : nullptr;
      if (u == nullptr || !(u->is_number_integer() || u->is_string())) {
        in.error("cement_units", "Each cement pack must give its number as \"unit\": 1, 2, ...");
        return out;
      }
      items.emplace_back(u->is_string() ? u->get<std::string>() : std::to_string(u->get<int>()),
                         &item);
    }
  } else {
    in.error("cement_units", "Cement packs must be a list");
    return out;
  }
  for (const auto& [key, value] : items) {
    const int unit = step_number(key, kMaxCementUnits);
    if (unit == 0) {
      in.error("cement_units." + key, "Cement packs are numbered 1 to " +
                                          std::to_string(kMaxCementUnits));
      continue;
    }
    if (std::find(units.begin(), units.end(), unit) != units.end()) {
      in.error("cement_units." + key, "Cement pack " + key + " is given twice");
      continue;
    }
    if (!value->is_object()) {
      in.error("cement_units." + key, "Cement pack " + key + " must be an object");
      continue;
    }
    units.push_back(unit);
    json u = procedure_cement_unit(unit, in.over(*value, "cement_units." + std::to_string(unit)),
                                   ctx);
    if (!u.is_null()) out.push_back(std::move(u));
  }
  std::sort(units.begin(), units.end());
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return a["unit"].get<int>() < b["unit"].get<int>();
  });
  return out;
}

// One operator role of the procedure (primary operator or supervisor): an operator chosen from
// those active at the site ("<role>_id", stored with their name as "<role>"), or a visiting
// operator's name typed instead (stored as "<role>" with "<role>_visiting": true). A stored
// document sent back keeps its chosen operator's name beside the id, which is accepted; a
// "<role>_visiting" sent in is ignored (it is worked out again). Returns the chosen operator's
// id.
std::optional<std::int64_t> procedure_operator(const InputReader& in, const FormContext& ctx,
                                               const std::string& role, const std::string& label,
                                               bool required, json& out) {
  const std::string id_key = role + "_id";
  const json* raw_id = in.find(id_key);
  const auto id = raw_id && raw_id->is_number_integer()
                      ? std::optional(std::to_string(raw_id->get<std::int64_t>()))
                      : in.text(id_key, label, 20);
  auto name = in.text(role, label + " (visiting)", 200);
  const auto found = std::find_if(
      ctx.site_operators.begin(), ctx.site_operators.end(),
      [&](const SiteOperator& o) { return id && std::to_string(o.id) == *id; });
  if (id && name && (found == ctx.site_operators.end() || found->name != *name)) {
    in.error(role, label + ": choose from the list or name a visiting operator, not both");
    return std::nullopt;
  }
  if (name && !id) {
    out[role] = *name;
    out[role + "_visiting"] = true;
    return std::nullopt;
  }
  if (!id) {
    if (required) {
      in.error(id_key, "Choose the primary operator, or name a visiting operator");
    }
    return std::nullopt;
  }
  if (found == ctx.site_operators.end()) {
    in.error(id_key, label + " must be an operator active at the episode's site");
    return std::nullopt;
  }
  out[id_key] = found->id;
  out[role] = found->name;
  return found->id;
}

void procedure_operators(const InputReader& in, const FormContext& ctx, json& out) {
  const auto primary = procedure_operator(in, ctx, "primary_operator", "Primary operator",
                                          /*required=*/true, out);
  const auto supervisor = procedure_operator(in, ctx, "supervisor", "Supervising operator",
                                             /*required=*/false, out);
  if (primary && supervisor && *primary == *supervisor) {
    in.error("supervisor_id", "The supervising operator cannot be the primary operator");
  }
}

ValidatedForm validate_procedure(const InputReader& in, const FormContext& ctx) {
  in.only({"date", "start_time", "primary_operator", "supervisor", "image_guidance", "anaesthesia",
           "cement_product", "cement_lot", "cement_units", "levels", "complications", "dap",
           "dap_unit",
           "fluoroscopy_seconds", "primary_operator_id", "primary_operator_visiting",
           "supervisor_id", "supervisor_visiting"});
  json out = json::object();
  ValidatedForm v{};
  auto date = in.date("date", "Date of procedure", true);
  check_not_future(in, "date", "Date of procedure", date, ctx.today);
  check_not_before(in, "date", "Date of procedure", date, ctx.referral_date, "the referral date");
  put_date(out, "date", date);
  if (auto t = in.text("start_time", "Start time", 5)) {
    const bool ok = t->size() == 5 && (*t)[2] == ':' && std::isdigit((*t)[0]) &&
                    std::isdigit((*t)[1]) && std::isdigit((*t)[3]) && std::isdigit((*t)[4]) &&
                    std::stoi(t->substr(0, 2)) < 24 && std::stoi(t->substr(3, 2)) < 60;
    if (!ok) {
      in.error("start_time", "Start time must be a 24-hour time, for example 09:30");
    } else {
      out["start_time"] = *t;
    }
  }
  procedure_operators(in, ctx, out);
  put(out, "image_guidance",
      in.choice("image_guidance", "Image guidance", choice_in(image_guidance_choices()), true));
  put(out, "anaesthesia",
      in.choice("anaesthesia", "Sedation or anaesthesia", choice_in(anaesthesia_choices()), true));
  // Before the lot register (issue 16) the cement was typed; such records keep these two.
  put(out, "cement_product", in.text("cement_product", "Cement product (as typed)", 200));
  put(out, "cement_lot", in.text("cement_lot", "Cement lot number (as typed)", 100));
  std::vector<int> units;
  out["cement_units"] = procedure_cement(in, ctx, units);

  json levels = json::array();
  for_each_level(in, "levels", [&](VertebralLevel level, const InputReader& lv) {
    levels.push_back(procedure_level(level, lv, units));
    if (std::find(ctx.assessed_levels.begin(), ctx.assessed_levels.end(), level) ==
        ctx.assessed_levels.end()) {
      v.warnings.push_back("Level " + level.name() +
                           " was treated but is not among the levels assessed.");
    }
  });
  if (levels.empty() && !in.find("levels")) in.error("levels", "Enter at least one level treated");
  std::sort(levels.begin(), levels.end(), [](const json& a, const json& b) {
    return VertebralLevel::parse(a["level"].get<std::string>())->index() <
           VertebralLevel::parse(b["level"].get<std::string>())->index();
  });
  out["levels"] = levels;
  put(out, "complications", in.text("complications", "Immediate complications", 2000));
  auto dap = in.number("dap", "Dose-area product", 0, 100000);
  put(out, "dap", dap);
  auto unit = in.choice("dap_unit", "Dose-area product unit", choice_in(dap_unit_choices()), dap.has_value());
  put(out, "dap_unit", unit);
  put(out, "fluoroscopy_seconds", in.number("fluoroscopy_seconds", "Fluoroscopy time (seconds)", 0, 36000));
  v.document = out;
  return v;
}

}  // namespace

Result<ValidatedForm> validate_form(FormKind kind, const json& input, const FormContext& context) {
  std::vector<FieldError> errors;
  if (!input.is_object()) {
    return Error::invalid({{"body", "Send the form as a JSON object"}});
  }
  InputReader in(input, errors);
  ValidatedForm v;
  switch (kind) {
    case FormKind::kAssessment: v = validate_assessment(in, context); break;
    case FormKind::kConsent: v = validate_consent(in, context); break;
    case FormKind::kProcedure: v = validate_procedure(in, context); break;
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  return v;
}

// ---- Snapshot ------------------------------------------------------------------------------

namespace {
std::optional<Date> doc_date(const json& doc, const char* key) {
  if (!doc.contains(key) || !doc[key].is_string()) return std::nullopt;
  auto d = Date::parse(doc[key].get<std::string>(), key, key);
  if (!d) return std::nullopt;
  return *d;
}
std::optional<std::string> doc_text(const json& doc, const char* key) {
  if (!doc.contains(key) || !doc[key].is_string()) return std::nullopt;
  return doc[key].get<std::string>();
}
std::optional<int> doc_int(const json& doc, const char* key) {
  if (!doc.contains(key) || !doc[key].is_number_integer()) return std::nullopt;
  return doc[key].get<int>();
}
std::optional<bool> doc_bool(const json& doc, const char* key) {
  if (!doc.contains(key) || !doc[key].is_boolean()) return std::nullopt;
  return doc[key].get<bool>();
}
guidance::Answer doc_answer(const json& doc, const char* key) {
  auto t = doc_text(doc, key);
  return t ? guidance::parse_answer(*t).value_or(guidance::Answer::kUnknown)
           : guidance::Answer::kUnknown;
}
}  // namespace

std::vector<VertebralLevel> assessed_levels(const json& doc) {
  std::vector<VertebralLevel> out;
  if (!doc.contains("levels") || !doc["levels"].is_array()) return out;
  for (const auto& l : doc["levels"]) {
    if (auto t = doc_text(l, "level")) {
      if (auto v = VertebralLevel::parse(*t)) out.push_back(*v);
    }
  }
  return out;
}

void fill_from_assessment(const json& doc, guidance::EpisodeSnapshot& s) {
  if (auto t = doc_text(doc, "indication")) {
    if (auto i = domain::parse_indication(*t)) s.indication = *i;
  }
  s.tumour_primary = doc_text(doc, "tumour_primary");
  s.haemangioma_symptoms = doc_text(doc, "haemangioma_symptoms");
  s.fracture_date = doc_date(doc, "fracture_date");
  s.onset_date = doc_date(doc, "onset_date");
  if (doc.contains("levels") && doc["levels"].is_array()) {
    for (const auto& l : doc["levels"]) {
      auto name = doc_text(l, "level");
      auto level = name ? VertebralLevel::parse(*name) : std::nullopt;
      if (!level) continue;
      guidance::LevelAssessment la;
      la.level = *level;
      if (auto g = doc_text(l, "genant")) {
        for (auto grade : {guidance::GenantGrade::kNormal, guidance::GenantGrade::kMild,
                           guidance::GenantGrade::kModerate, guidance::GenantGrade::kSevere}) {
          if (guidance::genant_name(grade) == *g) la.genant = grade;
        }
      }
      la.mri_oedema = doc_answer(l, "mri_oedema");
      la.bone_scan_uptake = doc_answer(l, "bone_scan_uptake");
      la.focal_tenderness = doc_answer(l, "focal_tenderness");
      s.levels.push_back(la);
    }
  }
  s.pain_at_rest = doc_int(doc, "pain_at_rest");
  s.pain_on_movement = doc_int(doc, "pain_on_movement");
  if (auto a = doc_text(doc, "analgesic")) s.analgesic = guidance::parse_analgesic_class(*a);
  if (doc.contains("treatments") && doc["treatments"].is_array()) {
    for (const auto& t : doc["treatments"]) {
      auto kind = doc_text(t, "kind");
      auto start = doc_date(t, "start");
      if (!kind || !start) continue;
      auto k = guidance::parse_conservative_kind(*kind);
      if (!k) continue;
      guidance::ConservativeTreatment ct;
      ct.kind = *k;
      ct.start = *start;
      ct.end = doc_date(t, "end");
      if (auto e = doc_text(t, "effect")) ct.effect = guidance::parse_treatment_effect(*e);
      s.conservative_treatments.push_back(ct);
    }
  }
  s.clinician_judged_refractory = doc_bool(doc, "refractory");
  s.bone_health_measure = doc_bool(doc, "bone_health");
  if (doc.contains("sins") && doc["sins"].is_object()) s.sins_total = doc_int(doc["sins"], "total");
}

void fill_from_consent(const json& doc, guidance::EpisodeSnapshot& s) {
  s.consent.date = doc_date(doc, "date");
  if (doc.contains("risks") && doc["risks"].is_array()) {
    for (const auto& r : doc["risks"]) {
      if (!r.is_string()) continue;
      if (auto risk = guidance::parse_consent_risk(r.get<std::string>())) {
        s.consent.risks_discussed.insert(*risk);
      }
    }
  }
}

void fill_from_procedure(const json& doc, guidance::EpisodeSnapshot& s) {
  s.procedure_date = doc_date(doc, "date");
  std::vector<guidance::CementUnit> units;
  if (doc.contains("cement_units") && doc["cement_units"].is_array()) {
    for (const auto& u : doc["cement_units"]) {
      auto unit = doc_int(u, "unit");
      auto steps = doc_int(u, "ifu_steps");
      if (!unit || !steps) continue;
      guidance::CementUnit c;
      c.unit = *unit;
      c.product = doc_text(u, "product").value_or("");
      c.lot = doc_text(u, "lot").value_or("");
      c.expiry = doc_date(u, "expiry");
      c.steps = *steps;
      const json none = json::object();
      const json& answers = u.contains("steps") && u["steps"].is_object() ? u["steps"] : none;
      for (int i = 1; i <= *steps; ++i) {
        const std::string a = answers.value(std::to_string(i), "");
        if (a == "deviation") {
          c.deviations.push_back(i);
        } else if (a != "confirmed") {
          c.unconfirmed.push_back(i);
        }
      }
      units.push_back(std::move(c));
    }
  }
  s.cement_units = std::move(units);
  s.procedure_recorded = true;
  // An operator chosen from the profiles is stored with "<role>_id"; one without it was named
  // (a visiting operator, or a procedure recorded before operators had profiles).
  auto named = [&doc](const char* role) -> std::optional<guidance::ProcedureOperator> {
    auto name = doc_text(doc, role);
    if (!name || name->empty()) return std::nullopt;
    guidance::ProcedureOperator o;
    o.name = *name;
    o.visiting = !doc.contains(std::string(role) + "_id");
    return o;
  };
  s.primary_operator = named("primary_operator");
  s.supervisor = named("supervisor");
  if (doc.contains("levels") && doc["levels"].is_array()) {
    for (const auto& l : doc["levels"]) {
      if (!l.is_object()) continue;
      if (auto level = domain::VertebralLevel::parse(l.value("level", ""))) {
        s.treated_levels.push_back(*level);
      }
    }
  }
}

}  // namespace vertebro::app
