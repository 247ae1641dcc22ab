// The clinical forms' descriptions (clinical_forms.h): what each form asks, in which sections,
// with which choices, and how its answers become a JSON document and back.

#include "http/clinical_forms.h"

#include <algorithm>
#include <charconv>

#include "app/complications.h"
#include "app/follow_up_visits.h"
#include "app/unit_config.h"
#include "app/yellow_card.h"
#include "domain/text.h"
#include "guidance/scores.h"
#include "http/forms.h"
#include "http/views.h"

namespace vertebro::http::clinical_forms {

namespace {

using app::Choices;
using app::FormKind;
using domain::VertebralLevel;


std::vector<std::string> split_path(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      parts.push_back(name.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::string upper_first(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// ---- Values: a form's answers by input name ------------------------------------------------

std::string first(const Values& values, const std::string& name) {
  auto it = values.find(name);
  return it == values.end() || it->second.empty() ? std::string() : it->second.front();
}

const std::vector<std::string>& all_of(const Values& values, const std::string& name) {
  static const std::vector<std::string> none;
  auto it = values.find(name);
  return it == values.end() ? none : it->second;
}

// Inputs of a page that are not part of the document.
bool is_control(const std::string& name) {
  return name == "csrf" || name == "version" || name == "levels_list" || name == "levels_shown" ||
         name == "override_reason" || name == "cement_action";
}

Values posted_values(const Request& req) {
  Values out;
  for (const auto& [name, value] : req.params) {
    if (!is_control(name)) out[name].push_back(value);
  }
  return out;
}

std::string scalar_text(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_boolean()) return j.get<bool>() ? "yes" : "no";
  if (j.is_number_integer()) return std::to_string(j.get<std::int64_t>());
  if (j.is_number()) {
    std::string s = j.dump();
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
  }
  return {};
}

// A stored document as the values its form posts: lists of per-level and per-treatment parts
// become parts keyed by their level or kind ("levels.T12.cement_ml", "treatments.bracing.start").
void flatten(const Json& j, const std::string& path, Values& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, path.empty() ? k : path + "." + k, out);
  } else if (j.is_array()) {
    for (const auto& item : j) {
      if (!item.is_object()) {
        if (!item.is_null()) out[path].push_back(scalar_text(item));
        continue;
      }
      const char* key = item.contains("level") ? "level" : item.contains("unit") ? "unit" : "kind";
      if (!item.contains(key) || !(item[key].is_string() || item[key].is_number_integer())) {
        continue;
      }
      const std::string part = path + "." + scalar_text(item[key]);
      for (const auto& [k, v] : item.items()) {
        if (k != key) flatten(v, part + "." + k, out);
      }
    }
  } else if (!j.is_null()) {
    out[path].push_back(scalar_text(j));
  }
}

Values document_values(const Json& document) {
  Values out;
  flatten(document, "", out);
  return out;
}

// Drops blank answers and parts left empty, so an unused treatment row or an unscored SINS is
// absent rather than half answered. Level parts stay even when empty: they list the levels.
void prune(Json& object, bool keep_empty_parts) {
  for (auto it = object.begin(); it != object.end();) {
    if (it->is_string() && domain::is_blank(it->get<std::string>())) {
      it = object.erase(it);
      continue;
    }
    if (it->is_object()) {
      prune(*it, it.key() == "levels");
      if (it->empty() && !keep_empty_parts) {
        it = object.erase(it);
        continue;
      }
    }
    ++it;
  }
}

// The JSON document a posted form stands for. No input is nested deeper than four names
// ("cement_units.1.steps.3").
Json document_from(const Values& values) {
  Json doc = Json::object();
  for (const auto& [name, list] : values) {
    const auto parts = split_path(name);
    if (parts.size() > 4 ||
        std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
      continue;
    }
    Json* node = &doc;
    for (std::size_t i = 0; node != nullptr && i + 1 < parts.size(); ++i) {
      Json& next = (*node)[parts[i]];
      if (next.is_null()) next = Json::object();
      node = next.is_object() ? &next : nullptr;
    }
    if (node == nullptr || node->contains(parts.back())) continue;
    (*node)[parts.back()] = list.size() == 1 ? Json(list.front()) : Json(list);
  }
  prune(doc, false);
  return doc;
}

// ---- Choices offered by the forms ----------------------------------------------------------

const Choices& yes_no() {
  static const Choices c = {{"yes", "Yes"}, {"no", "No"}};
  return c;
}

const Choices& answers() {
  static const Choices c = {{"yes", "Yes"}, {"no", "No"}, {"unknown", "Not known"}};
  return c;
}

const Choices& indications() {
  static const Choices c = [] {
    Choices out;
    for (auto i : domain::all_indications()) {
      out.emplace_back(domain::indication_name(i), domain::indication_label(i));
    }
    return out;
  }();
  return c;
}

std::string analgesic_label(guidance::AnalgesicClass a) {
  switch (a) {
    case guidance::AnalgesicClass::kNone: return "None";
    case guidance::AnalgesicClass::kNonOpioid: return "Non-opioid (for example paracetamol, NSAID)";
    case guidance::AnalgesicClass::kWeakOpioid:
      return "Weak opioid (for example codeine, tramadol)";
    case guidance::AnalgesicClass::kStrongOpioid:
      return "Strong opioid (for example morphine, oxycodone)";
  }
  return "";
}

const Choices& analgesics() {
  static const Choices c = [] {
    Choices out;
    for (auto a :
         {guidance::AnalgesicClass::kNone, guidance::AnalgesicClass::kNonOpioid,
          guidance::AnalgesicClass::kWeakOpioid, guidance::AnalgesicClass::kStrongOpioid}) {
      out.emplace_back(guidance::analgesic_class_name(a), analgesic_label(a));
    }
    return out;
  }();
  return c;
}

std::string treatment_label(guidance::ConservativeKind k) {
  switch (k) {
    case guidance::ConservativeKind::kAnalgesics: return "Analgesics";
    case guidance::ConservativeKind::kBedRest: return "Bed rest";
    case guidance::ConservativeKind::kBracing: return "Bracing";
    case guidance::ConservativeKind::kPhysiotherapy: return "Physiotherapy";
    case guidance::ConservativeKind::kOther: return "Other treatment";
  }
  return "";
}

const std::vector<guidance::ConservativeKind>& treatment_kinds() {
  static const std::vector<guidance::ConservativeKind> k = {
      guidance::ConservativeKind::kAnalgesics, guidance::ConservativeKind::kBedRest,
      guidance::ConservativeKind::kBracing, guidance::ConservativeKind::kPhysiotherapy,
      guidance::ConservativeKind::kOther};
  return k;
}

const Choices& effects() {
  static const Choices c = {
      {std::string(guidance::treatment_effect_name(guidance::TreatmentEffect::kNoRelief)),
       "No relief"},
      {std::string(guidance::treatment_effect_name(guidance::TreatmentEffect::kPartialRelief)),
       "Partial relief"},
      {std::string(guidance::treatment_effect_name(guidance::TreatmentEffect::kGoodRelief)),
       "Good relief"}};
  return c;
}

const Choices& genant_grades() {
  static const Choices c = {{"normal", "Normal (grade 0: under 20% height loss)"},
                            {"mild", "Mild (grade 1: 20 to 25%)"},
                            {"moderate", "Moderate (grade 2: over 25 to 40%)"},
                            {"severe", "Severe (grade 3: over 40%)"}};
  return c;
}

// SINS components: the names pathway_forms.cpp reads, with Fisher et al.'s points.
const Choices& sins_pain() {
  static const Choices c = {{"pain_free", "Pain-free lesion (0)"},
                            {"occasional", "Occasional pain, not mechanical (1)"},
                            {"mechanical", "Mechanical pain (3)"}};
  return c;
}
const Choices& sins_lesion() {
  static const Choices c = {
      {"blastic", "Blastic (0)"}, {"mixed", "Mixed lytic and blastic (1)"}, {"lytic", "Lytic (2)"}};
  return c;
}
const Choices& sins_alignment() {
  static const Choices c = {{"normal", "Normal (0)"},
                            {"de_novo_deformity", "De novo deformity: kyphosis or scoliosis (2)"},
                            {"subluxation", "Subluxation or translation (4)"}};
  return c;
}
const Choices& sins_collapse() {
  static const Choices c = {
      {"none", "None of these (0)"},
      {"no_collapse_over_50_involved", "No collapse, over 50% of the body involved (1)"},
      {"under_50", "Under 50% collapse (2)"},
      {"over_50", "Over 50% collapse (3)"}};
  return c;
}
const Choices& sins_posterolateral() {
  static const Choices c = {
      {"none", "None (0)"}, {"unilateral", "Unilateral (1)"}, {"bilateral", "Bilateral (3)"}};
  return c;
}
const Choices& sins_categories() {
  static const Choices c = {
      {"stable", "stable (0 to 6)"},
      {"indeterminate", "indeterminate (7 to 12): surgical consultation advised"},
      {"unstable", "unstable (13 to 18): surgical consultation advised"}};
  return c;
}

const Choices& contraindication_choices() {
  static const Choices c = [] {
    Choices out;
    for (const auto& ci : app::contraindications()) out.emplace_back(ci.name, ci.label);
    return out;
  }();
  return c;
}

const Choices& consent_risks() {
  static const Choices c = [] {
    Choices out;
    for (auto r : guidance::all_consent_risks()) {
      out.emplace_back(guidance::consent_risk_name(r),
                       upper_first(std::string(guidance::consent_risk_label(r))));
    }
    return out;
  }();
  return c;
}

using app::label_in;

// ---- What each form asks -------------------------------------------------------------------

enum class Input { kText, kDate, kNumber, kTextarea, kSelect, kRadios, kCheckboxes };

struct FieldDef {
  std::string key;  // the input's name after its section's prefix
  std::string label;
  Input input = Input::kText;
  Choices choices;  // select, radios and checkboxes
  std::string hint;
  std::string width;
};

FieldDef ask(std::string key, std::string label, Input input, std::string hint = "",
             std::string width = "") {
  FieldDef d;
  d.key = std::move(key);
  d.label = std::move(label);
  d.input = input;
  d.hint = std::move(hint);
  d.width = std::move(width);
  return d;
}

FieldDef pick(std::string key, std::string label, Input input, const Choices& choices,
              std::string hint = "") {
  FieldDef d = ask(std::move(key), std::move(label), input, std::move(hint));
  d.choices = choices;
  return d;
}

struct Shown {
  std::string label;
  std::string value;
};

struct Section {
  explicit Section(std::string heading_, std::string prefix_ = "")
      : heading(std::move(heading_)), prefix(std::move(prefix_)) {}
  std::string heading;
  std::string prefix;  // "", "levels.T12.", "treatments.bracing.", "sins."
  std::vector<FieldDef> fields;
  std::string hint;
  std::string note;             // inset text
  std::string warning;          // warning callout: the unverified contraindications list
  std::vector<Shown> shown;     // calculated values
  bool compact = false;         // the summary shows the section as one row
  bool levels_control = false;  // the "levels" text field that decides the level sections
  bool cement_control = false;  // the procedure's cement packs (drawn by the page itself)
};

// The cement packs' numbers the values name ("cement_units.2.scan" names pack 2), in order.
std::vector<int> cement_units_in(const Values& values) {
  std::vector<int> out;
  for (const auto& [name, list] : values) {
    const auto parts = split_path(name);
    if (parts.size() < 3 || parts[0] != "cement_units") continue;
    int n = 0;
    auto [p, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), n);
    if (ec != std::errc() || p != parts[1].data() + parts[1].size() || n < 1 || n > 10) continue;
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool is_tumour(const std::string& indication) {
  return indication == "metastasis" || indication == "myeloma";
}

std::string genant_of(const Values& v, const std::string& prefix) {
  if (auto stored = first(v, prefix + "genant"); !stored.empty()) return stored;
  const std::string loss = first(v, prefix + "height_loss_percent");
  double p = 0;
  auto [end, ec] = std::from_chars(loss.data(), loss.data() + loss.size(), p);
  if (loss.empty() || ec != std::errc() || end != loss.data() + loss.size()) return {};
  auto g = guidance::genant_grade(p);
  return g ? std::string(guidance::genant_name(*g)) : std::string();
}

std::vector<Section> assessment_sections(const std::vector<VertebralLevel>& levels,
                                         const Values& v) {
  std::vector<Section> out;
  const bool tumour = is_tumour(first(v, "indication"));
  Section about{"About the assessment"};
  about.fields = {ask("assessed_on", "Date of assessment", Input::kDate),
                  pick("indication", "Indication", Input::kSelect, indications()),
                  ask("tumour_primary", "Primary tumour", Input::kText,
                      "For a metastasis: the primary tumour, or \"unknown primary\"", "20"),
                  ask("haemangioma_symptoms", "Symptoms of the haemangioma", Input::kTextarea,
                      "For a haemangioma: the symptoms it causes, for example pain at the level "
                      "limiting walking. HTG3 supports symptomatic haemangioma; without its "
                      "symptoms the MDT gate reports missing information."),
                  ask("fracture_date", "Fracture date", Input::kDate, "If known."),
                  ask("onset_date", "Date the pain began", Input::kDate,
                      "Used when the fracture date is not known.")};
  if (tumour) {
    about.note =
        "For vertebral body tumours NICE NG234 (spinal metastases and metastatic spinal cord "
        "compression) also applies.";
  }
  out.push_back(std::move(about));
  Section control{"Levels assessed"};
  control.levels_control = true;
  out.push_back(std::move(control));
  for (const auto& level : levels) {
    Section s{"Level " + level.name(), "levels." + level.name() + "."};
    s.fields = {ask("height_loss_percent", "Height loss (%)", Input::kNumber,
                    "The Genant grade is calculated from it.", "3"),
                pick("morphology", "Morphology", Input::kSelect, app::morphology_choices()),
                pick("mri_oedema", "Marrow oedema on MRI (STIR or T2)", Input::kRadios, answers()),
                pick("bone_scan_uptake", "Uptake on bone scan", Input::kRadios, answers(),
                     "Used when MRI is not possible."),
                pick("focal_tenderness", "Focal tenderness at this level on examination",
                     Input::kRadios, answers())};
    if (auto g = genant_of(v, s.prefix); !g.empty()) {
      s.shown.push_back({"Genant grade (calculated)", label_in(genant_grades(), g)});
    }
    s.compact = true;
    out.push_back(std::move(s));
  }
  Section pain{"Pain"};
  pain.hint = "Numeric rating scale, from 0 (no pain) to 10 (worst pain imaginable).";
  pain.fields = {ask("pain_at_rest", "Pain at rest", Input::kNumber, "", "2"),
                 ask("pain_on_movement", "Pain on movement", Input::kNumber, "", "2"),
                 pick("analgesic", "Analgesic class", Input::kSelect, analgesics()),
                 pick("mobility", "Mobility before the procedure", Input::kSelect,
                      app::mobility_choices(),
                      "Follow-up visits judge improved mobility against it.")};
  out.push_back(std::move(pain));
  bool first_treatment = true;
  for (auto kind : treatment_kinds()) {
    const std::string name(guidance::conservative_kind_name(kind));
    Section s{"Conservative treatment: " + upper_first(treatment_label(kind)),
              "treatments." + name + "."};
    if (first_treatment) s.hint = "Fill in each treatment tried. Leave the others blank.";
    first_treatment = false;
    s.fields = {ask("start", "Start date", Input::kDate),
                ask("end", "End date", Input::kDate, "Leave blank if it continues."),
                pick("effect", "Effect", Input::kSelect, effects()),
                ask("detail", "Details", Input::kText,
                    "If it gave good relief, say why the pain still counts as refractory.", "30")};
    s.compact = true;
    out.push_back(std::move(s));
  }
  Section judged{"Refractory pain"};
  judged.fields = {pick("refractory",
                        "Is the pain refractory to conservative treatment, in your judgement?",
                        Input::kRadios, yes_no())};
  out.push_back(std::move(judged));
  Section bone{"Bone health"};
  bone.fields = {pick("bone_health", "Are bone-health measures in place?", Input::kRadios, yes_no(),
                      "Osteoporosis assessment or treatment, or a fracture liaison referral."),
                 ask("bone_health_detail", "Bone-health details", Input::kText, "", "30")};
  out.push_back(std::move(bone));
  if (tumour) {
    Choices level_choices;
    for (const auto& l : levels) level_choices.emplace_back(l.name(), l.name());
    Section sins{"Spinal Instability Neoplastic Score (SINS)", "sins."};
    sins.hint =
        "The location score comes from the level scored. The total and category are calculated "
        "when you save.";
    sins.fields = {pick("level", "Level scored", Input::kSelect, level_choices),
                   pick("pain", "Pain", Input::kSelect, sins_pain()),
                   pick("bone_lesion", "Bone lesion", Input::kSelect, sins_lesion()),
                   pick("alignment", "Radiographic alignment", Input::kSelect, sins_alignment()),
                   pick("collapse", "Vertebral body collapse", Input::kSelect, sins_collapse()),
                   pick("posterolateral", "Posterolateral involvement", Input::kSelect,
                        sins_posterolateral())};
    if (auto total = first(v, "sins.total"); !total.empty()) {
      sins.shown.push_back({"SINS total (calculated)",
                            total + ", " + label_in(sins_categories(), first(v, "sins.category"))});
    }
    sins.compact = true;
    out.push_back(std::move(sins));
  }
  Section contra{"Contraindications"};
  contra.warning =
      "Unverified list: the source of this checklist is not confirmed. Use your clinical "
      "judgement as well.";
  contra.fields = {pick("contraindications", "Contraindications present (unverified list)",
                        Input::kCheckboxes, contraindication_choices(), "Tick any that apply."),
                   ask("contraindication_notes", "Contraindication notes", Input::kTextarea)};
  out.push_back(std::move(contra));
  return out;
}

std::vector<Section> consent_sections() {
  Section s{"Consent"};
  s.fields = {
      ask("date", "Date of consent", Input::kDate),
      ask("clinician", "Consenting clinician", Input::kText, "Name and role.", "30"),
      ask("leaflet_version", "Patient information leaflet version", Input::kText, "", "20"),
      pick("capacity_confirmed", "Capacity to consent confirmed", Input::kRadios, yes_no()),
      pick("risks", "Risks discussed", Input::kCheckboxes, consent_risks(),
           "HTG3 expects every one of these risks to be discussed."),
      ask("form_reference", "Signed consent form reference", Input::kText, "Optional.", "20")};
  return {std::move(s)};
}

// The operator fields: on the form (`operators` given), a choice of the operators active at the
// site with a name field for a visiting operator; in a summary, the recorded names.
std::vector<FieldDef> operator_fields(const app::Choices* operators) {
  if (operators == nullptr) {
    return {ask("primary_operator", "Primary operator", Input::kText),
            ask("supervisor", "Supervising operator", Input::kText)};
  }
  return {pick("primary_operator_id", "Primary operator", Input::kSelect, *operators,
               "Operators with a profile at this site. HTG3 1.2: the operator, or their "
               "supervisor, needs a current competence sign-off for this case."),
          ask("primary_operator", "Visiting primary operator", Input::kText,
              "Only for an operator with no profile at this site: recorded as visiting. Their "
              "training cannot be shown, so the check needs a supervisor from the list.", "30"),
          pick("supervisor_id", "Supervising operator", Input::kSelect, *operators,
               "If a trainee or a visiting operator was the primary operator."),
          ask("supervisor", "Visiting supervising operator", Input::kText,
              "Only for a supervisor with no profile here.", "30")};
}

std::vector<Section> procedure_sections(const std::vector<VertebralLevel>& levels,
                                        const Values& v, const app::Choices* operators) {
  std::vector<Section> out;
  Section about{"The procedure"};
  about.fields = {
      ask("date", "Date of procedure", Input::kDate),
      ask("start_time", "Start time", Input::kText, "24-hour clock, for example 09:30.", "5")};
  for (auto& f : operator_fields(operators)) about.fields.push_back(std::move(f));
  for (auto& f : std::vector<FieldDef>{
      pick("image_guidance", "Image guidance", Input::kSelect, app::image_guidance_choices()),
      pick("anaesthesia", "Sedation or anaesthesia", Input::kSelect, app::anaesthesia_choices())}) {
    about.fields.push_back(std::move(f));
  }
  out.push_back(std::move(about));
  // Procedures recorded before the lot register named their cement as typed text.
  if (!first(v, "cement_product").empty() || !first(v, "cement_lot").empty()) {
    Section typed{"Cement as typed (before the lot register)"};
    typed.fields = {ask("cement_product", "Cement product", Input::kText, "", "30"),
                    ask("cement_lot", "Cement lot number", Input::kText, "", "20")};
    out.push_back(std::move(typed));
  }
  Section cement{"Cement"};
  cement.cement_control = true;
  out.push_back(std::move(cement));
  Choices packs;
  for (int n : cement_units_in(v)) {
    packs.emplace_back(std::to_string(n), "Pack " + std::to_string(n));
  }
  Section control{"Levels treated"};
  control.levels_control = true;
  out.push_back(std::move(control));
  for (const auto& level : levels) {
    Section s{"Level " + level.name(), "levels." + level.name() + "."};
    s.fields = {pick("approach", "Approach", Input::kRadios, app::approach_choices()),
                pick("pedicles", "Pedicles", Input::kRadios, app::pedicle_choices()),
                ask("cement_ml", "Cement volume (mL)", Input::kNumber, "Up to 20 mL.", "3"),
                pick("leakage", "Cement leakage", Input::kCheckboxes, app::leakage_type_choices(),
                     "Leave all unticked if there was no leakage."),
                pick("leakage_symptomatic", "Did the leakage cause symptoms?", Input::kRadios,
                     yes_no(), "Only if there was leakage."),
                pick("leakage_detected_by", "How the leakage was detected", Input::kSelect,
                     app::leakage_detection_choices(), "Only if there was leakage.")};
    if (packs.size() > 1) {
      s.fields.insert(s.fields.begin() + 3,
                      pick("cement_unit", "Cement pack", Input::kSelect, packs,
                           "The pack that filled this level."));
    }
    s.compact = true;
    out.push_back(std::move(s));
  }
  Section after{"Radiation dose"};
  after.note =
      "Record any complication or adverse event on the episode's pathway page, under "
      "Complications and adverse events, once the procedure is saved.";
  after.fields = {
      ask("dap", "Dose-area product (DAP)", Input::kNumber, "", "5"),
      pick("dap_unit", "DAP unit", Input::kSelect, app::dap_unit_choices()),
      ask("fluoroscopy_seconds", "Fluoroscopy time (seconds)", Input::kNumber, "", "5")};
  // The free text procedures held before complications were recorded one by one: kept, shown
  // and editable where it was written, never offered on a procedure without it.
  if (!first(v, "complications").empty()) {
    after.fields.insert(after.fields.begin(),
                        ask("complications", "Immediate complications (free text)",
                            Input::kTextarea,
                            "Written before complications were recorded one by one. Record "
                            "each also under Complications and adverse events."));
  }
  out.push_back(std::move(after));
  return out;
}

// A follow-up visit (app/follow_up_visits.h). `treated` offers the height-loss checkboxes.
std::vector<Section> follow_up_sections(const std::vector<VertebralLevel>& treated) {
  std::vector<Section> out;
  Section visit{"The follow-up"};
  visit.fields = {ask("visit_date", "Date of the follow-up", Input::kDate),
                  pick("contact", "How were the answers taken?", Input::kRadios,
                       app::follow_up_contact_choices())};
  out.push_back(std::move(visit));
  Section pain{"Pain and pain relief"};
  pain.hint = "Numeric rating scale, from 0 (no pain) to 10 (worst pain imaginable).";
  pain.fields = {ask("pain_at_rest", "Pain at rest", Input::kNumber, "", "2"),
                 ask("pain_on_movement", "Pain on movement", Input::kNumber, "", "2"),
                 pick("analgesic", "Analgesic class now", Input::kSelect, analgesics()),
                 pick("analgesic_use", "Use of pain relief, in the patient's words",
                      Input::kRadios, app::analgesic_use_choices())};
  out.push_back(std::move(pain));
  Section living{"Mobility and satisfaction"};
  living.fields = {pick("mobility", "Mobility now", Input::kSelect, app::mobility_choices()),
                   pick("satisfaction", "How satisfied is the patient with the procedure?",
                        Input::kRadios, app::satisfaction_choices()),
                   pick("would_have_again", "Would the patient have the procedure again?",
                        Input::kRadios, app::would_have_again_choices())};
  out.push_back(std::move(living));
  Section odi{"Oswestry Disability Index (optional)"};
  odi.note =
      "The licence terms for using the Oswestry Disability Index in vertebro have not been "
      "confirmed. Record a score only if your unit is licensed to use the questionnaire.";
  odi.fields = {ask("odi", "Oswestry Disability Index (%)", Input::kNumber,
                    "The total score, from 0 (no disability) to 100.", "3")};
  out.push_back(std::move(odi));
  Section found{"Findings since the procedure"};
  found.fields = {ask("new_fracture_levels", "New vertebral fractures",
                      Input::kText,
                      "Levels, separated by commas, for example L2, T9. vertebro works out "
                      "whether each is next to a treated level or distant from it.",
                      "20")};
  if (!treated.empty()) {
    Choices levels;
    for (const auto& l : treated) levels.emplace_back(l.name(), l.name());
    found.fields.push_back(pick("height_loss_levels", "Treated levels that have lost further height",
                                Input::kCheckboxes, levels, "Select all that apply."));
  }
  found.fields.push_back(ask("notes", "Notes", Input::kTextarea,
                             "Anything else found or reported, such as a complication."));
  out.push_back(std::move(found));
  return out;
}

// A complication or adverse event (app/complications.h). `treated` and `packs` are the
// procedure's levels and cement packs.
std::vector<Section> complication_sections(const std::vector<VertebralLevel>& treated,
                                           const Choices& packs) {
  std::vector<Section> out;
  Section what{"The event"};
  what.fields = {pick("type", "Type", Input::kSelect, app::complication_type_choices()),
                 ask("event_date", "Date of the event", Input::kDate),
                 pick("detected", "When was it found?", Input::kRadios,
                      app::complication_detected_choices()),
                 pick("severity", "Severity", Input::kRadios, app::complication_severity_choices()),
                 ask("description", "Description", Input::kTextarea,
                     "What happened, and what was found. Required for Other.")};
  out.push_back(std::move(what));
  Section treatment{"Treatment and outcome"};
  treatment.fields = {
      pick("further_intervention", "Did it need further intervention?", Input::kRadios, yes_no(),
           "Treatment beyond observation: surgery, a drain, antibiotics, anticoagulation, a "
           "further procedure."),
      ask("intervention", "The further intervention", Input::kText, "", "30"),
      pick("outcome", "Outcome", Input::kSelect, app::complication_outcome_choices())};
  out.push_back(std::move(treatment));
  Section device{"Devices"};
  device.hint =
      "An event a device (the cement, the needle) was involved in may need reporting to the MHRA "
      "through the Yellow Card scheme.";
  device.fields = {pick("device", "Was a device involved?", Input::kRadios,
                        app::complication_device_choices())};
  if (!treated.empty()) {
    Choices levels;
    for (const auto& l : treated) levels.emplace_back(l.name(), l.name());
    device.fields.push_back(pick("level", "Treated level concerned", Input::kSelect, levels,
                                 "Leave blank if it concerns no one level."));
  }
  if (!packs.empty()) {
    device.fields.push_back(pick("cement_unit", "Cement pack concerned", Input::kSelect, packs,
                                 "When the cement was involved: its product and lot are kept "
                                 "with the event."));
  }
  out.push_back(std::move(device));
  return out;
}

std::vector<Section> yellow_card_sections() {
  Choices devices;
  for (const auto& c : app::complication_device_choices()) {
    if (c.first != "none") devices.push_back(c);
  }
  std::vector<Section> out;
  Section reporter{"Reporter"};
  reporter.fields = {
      ask("reporter_name", "Reporter's name", Input::kText),
      ask("reporter_role", "Reporter's job title", Input::kText),
      ask("reporter_contact", "Reporter's email address or telephone number", Input::kText),
      ask("organisation", "Organisation", Input::kText),
      pick("nation", "Nation", Input::kRadios, app::yellow_card_nation_choices(),
           "Decides where the report goes: England and Wales, the MHRA Yellow Card scheme; "
           "Scotland, Health Facilities Scotland; Northern Ireland, NIAIC.")};
  out.push_back(std::move(reporter));
  Section device{"Device"};
  device.fields = {
      pick("device_type", "Device", Input::kRadios, devices),
      ask("device_name", "Device name", Input::kText),
      ask("manufacturer", "Manufacturer", Input::kText),
      ask("model", "Model", Input::kText),
      ask("lot", "Batch or lot number", Input::kText, "", "20"),
      ask("serial", "Serial number", Input::kText, "", "20"),
      ask("udi", "UDI or GTIN", Input::kText, "", "30"),
      pick("marking", "Marking", Input::kRadios, app::yellow_card_marking_choices(),
           "Devices reportable through the scheme carry a UKCA or CE mark."),
      pick("device_location", "Where the device is now", Input::kSelect,
           app::yellow_card_location_choices(),
           "Keep the device where you can: the MHRA or the manufacturer may need it.")};
  out.push_back(std::move(device));
  Section incident{"Incident"};
  incident.hint =
      "Only the patient's age at the incident and sex go into the report, from the patient "
      "record. Write no name, NHS number or date of birth in the text.";
  incident.fields = {
      ask("incident_date", "Date of the incident", Input::kDate),
      ask("awareness_date", "Date you became aware", Input::kDate),
      ask("location", "Where it happened", Input::kText),
      ask("description", "Description of the incident", Input::kTextarea),
      ask("patient_outcome", "Patient outcome or injury", Input::kTextarea),
      ask("actions_taken", "Actions taken or investigation", Input::kTextarea)};
  out.push_back(std::move(incident));
  Section status{"Status and submission"};
  status.hint =
      "vertebro sends nothing: copy the report into the regulator's form (download it as a PDF, "
      "JSON or CSV), then record the reference you are given here.";
  status.fields = {
      pick("status", "Status", Input::kRadios, app::yellow_card_status_choices()),
      ask("regulator_reference", "Regulator's reference", Input::kText,
          "The reference the regulator gave when you submitted the report.", "20"),
      ask("submitted_on", "Date submitted", Input::kDate),
      ask("closed_on", "Date closed", Input::kDate, "When nothing more is expected."),
      ask("closing_note", "Closing note", Input::kTextarea,
          "The regulator's or the manufacturer's conclusion, and what the unit changed.")};
  out.push_back(std::move(status));
  return out;
}

std::vector<Section> sections_of(FormKind kind, const std::vector<VertebralLevel>& levels,
                                 const Values& v, const app::Choices* operators = nullptr) {
  switch (kind) {
    case FormKind::kAssessment: return assessment_sections(levels, v);
    case FormKind::kConsent: return consent_sections();
    case FormKind::kProcedure: return procedure_sections(levels, v, operators);
  }
  return {};
}

bool levels_in(FormKind kind) { return kind != FormKind::kConsent; }

std::string title_of(FormKind kind) {
  switch (kind) {
    case FormKind::kAssessment: return "Assessment";
    case FormKind::kConsent: return "Consent";
    case FormKind::kProcedure: return "Procedure";
  }
  return "";
}

domain::Permission permission_of(FormKind kind) {
  switch (kind) {
    case FormKind::kAssessment: return domain::Permission::kRecordAssessment;
    case FormKind::kConsent: return domain::Permission::kRecordConsent;
    case FormKind::kProcedure: return domain::Permission::kRecordProcedure;
  }
  return domain::Permission::kRecordProcedure;
}

// ---- Drawing fields and summaries ----------------------------------------------------------

Json field_json(const FieldDef& d, const std::string& prefix, const Values& values,
                const Json& errors) {
  const std::string name = prefix + d.key;
  FieldKind kind = FieldKind::kText;
  std::string hint = d.hint;
  std::string width = d.width;
  switch (d.input) {
    case Input::kText: break;
    case Input::kNumber:
      if (width.empty()) width = "5";
      break;
    case Input::kDate:
      hint = "For example, 2026-11-02 (year-month-day)." + (hint.empty() ? "" : " " + hint);
      width = "10";
      break;
    case Input::kTextarea: kind = FieldKind::kTextarea; break;
    case Input::kSelect: kind = FieldKind::kSelect; break;
    case Input::kRadios: kind = FieldKind::kRadios; break;
    case Input::kCheckboxes: kind = FieldKind::kCheckboxes; break;
  }
  FieldSpec spec{name, d.label, first(values, name), kind, hint, width, "off"};
  if (d.input == Input::kSelect) spec.options.emplace_back("", "Select one");
  for (const auto& option : d.choices) spec.options.push_back(option);
  if (d.input == Input::kCheckboxes) spec.checked = all_of(values, name);
  return field_view(spec, errors);
}

std::string shown_value(const FieldDef& d, const std::vector<std::string>& values) {
  if (d.input == Input::kCheckboxes) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + label_in(d.choices, v);
    return out.empty() ? "None" : out;
  }
  if (values.empty()) return {};
  if (d.input == Input::kDate) return date_display(values.front());
  if (!d.choices.empty()) return label_in(d.choices, values.front());
  return values.front();
}

// Summary-list rows of a form's answers; empty answers are left out.
Json rows_of(const std::vector<Section>& sections, const Values& values) {
  Json rows = Json::array();
  auto row = [&](const std::string& key, const std::string& value, const Json& lines) {
    rows.push_back({{"row_key", key}, {"row_value", text_or_null(value)}, {"row_lines", lines}});
  };
  for (const auto& s : sections) {
    if (s.levels_control) continue;
    if (s.cement_control) {
      for (int n : cement_units_in(values)) {
        const std::string p = "cement_units." + std::to_string(n) + ".";
        Json unit_lines = Json::array();
        const std::string lot = first(values, p + "lot");
        if (lot.empty()) continue;
        unit_lines.push_back({{"line", first(values, p + "product")}});
        unit_lines.push_back({{"line", "Lot " + lot + ", expiry " +
                                           date_display(first(values, p + "expiry"))}});
        int steps = 0, confirmed = 0;
        std::from_chars(first(values, p + "ifu_steps").data(),
                        first(values, p + "ifu_steps").data() +
                            first(values, p + "ifu_steps").size(),
                        steps);
        std::string deviations;
        for (int k = 1; k <= steps; ++k) {
          const std::string answer = first(values, p + "steps." + std::to_string(k));
          if (answer == "confirmed") ++confirmed;
          if (answer == "deviation") {
            deviations += (deviations.empty() ? "" : "; ") + std::string("step ") +
                          std::to_string(k) + ": " +
                          first(values, p + "deviations." + std::to_string(k));
          }
        }
        unit_lines.push_back({{"line", "IFU version " + first(values, p + "ifu_version") + ": " +
                                           std::to_string(confirmed) + " of " +
                                           std::to_string(steps) + " steps confirmed"}});
        if (!deviations.empty()) unit_lines.push_back({{"line", "Deviations: " + deviations}});
        row("Cement pack " + std::to_string(n), "", unit_lines);
      }
      continue;
    }
    Json lines = Json::array();
    for (const auto& d : s.fields) {
      const auto& answer = all_of(values, s.prefix + d.key);
      if (answer.empty() && d.input != Input::kCheckboxes) continue;
      const std::string value = shown_value(d, answer);
      if (s.compact) {
        lines.push_back({{"line", d.label + ": " + value}});
      } else {
        row(d.label, value, Json());
      }
    }
    for (const auto& c : s.shown) {
      if (s.compact) {
        lines.push_back({{"line", c.label + ": " + c.value}});
      } else {
        row(c.label, c.value, Json());
      }
    }
    if (s.compact && !lines.empty()) row(s.heading, "", lines);
  }
  return rows;
}

Json sections_view(const std::vector<Section>& sections, const Values& values, const Json& errors,
                   const std::string& levels_list) {
  Json out = Json::array();
  for (const auto& s : sections) {
    Json fields = Json::array();
    if (s.levels_control) {
      fields.push_back(field_view({"levels_list", "Levels", levels_list, FieldKind::kText,
                                   "C1 to S5, separated by commas, for example T12, L1. If you "
                                   "change them, the form shows a section for each level before "
                                   "anything is saved.",
                                   "20", "off"},
                                  errors));
    }
    for (const auto& d : s.fields) fields.push_back(field_json(d, s.prefix, values, errors));
    Json shown = Json::array();
    for (const auto& c : s.shown)
      shown.push_back({{"shown_label", c.label}, {"shown_value", c.value}});
    out.push_back({{"section_heading", s.heading},
                   {"section_cement", s.cement_control},
                   {"section_hint", text_or_null(s.hint)},
                   {"section_note", text_or_null(s.note)},
                   {"section_warning", text_or_null(s.warning)},
                   {"section_shown", shown},
                   {"section_fields", fields}});
  }
  return out;
}

// Field errors name dotted paths; a level's, a treatment's or the SINS's message says which
// one, so the error summary is clear on its own.
Error named_for_page(Error e) {
  for (auto& f : e.fields) {
    if (f.field == "levels") f.field = "levels_list";
    const auto parts = split_path(f.field);
    if (parts.size() < 2) continue;
    if (parts[0] == "levels") {
      f.message = "Level " + parts[1] + ": " + f.message;
    } else if (parts[0] == "treatments") {
      auto kind = guidance::parse_conservative_kind(parts[1]);
      f.message = (kind ? treatment_label(*kind) : parts[1]) + ": " + f.message;
    } else if (parts[0] == "sins") {
      f.message = "SINS: " + f.message;
    } else if (parts[0] == "cement_units") {
      f.message = "Cement pack " + parts[1] + ": " + f.message;
    }
  }
  return e;
}

}  // namespace

Values values_of(const Request& req) { return posted_values(req); }

Values values_of(const Json& document) { return document_values(document); }

Json document_of(const Values& values) { return document_from(values); }

bool has_levels(FormKind kind) { return levels_in(kind); }

std::string form_title(FormKind kind) { return title_of(kind); }

domain::Permission form_permission(FormKind kind) { return permission_of(kind); }

Json sections_json(FormKind kind, const std::vector<VertebralLevel>& levels, const Values& values,
                   const Json& errors, const std::string& levels_list,
                   const app::Choices& operators) {
  return sections_view(sections_of(kind, levels, values, &operators), values, errors,
                       levels_list);
}

Json summary_rows(FormKind kind, const std::vector<VertebralLevel>& levels, const Values& values) {
  return rows_of(sections_of(kind, levels, values), values);
}

Error for_page(Error e) { return named_for_page(std::move(e)); }

const app::Choices& analgesic_choices() { return analgesics(); }

Json complication_sections_json(const std::vector<VertebralLevel>& treated,
                                const app::Choices& packs, const Values& values,
                                const Json& errors) {
  return sections_view(complication_sections(treated, packs), values, errors, "");
}

Json complication_summary_rows(const std::vector<VertebralLevel>& treated,
                               const app::Choices& packs, const Values& values) {
  return rows_of(complication_sections(treated, packs), values);
}

Json follow_up_sections_json(const std::vector<VertebralLevel>& treated, const Values& values,
                             const Json& errors) {
  return sections_view(follow_up_sections(treated), values, errors, "");
}

Json follow_up_summary_rows(const std::vector<VertebralLevel>& treated, const Values& values) {
  return rows_of(follow_up_sections(treated), values);
}

Json yellow_card_sections_json(const Values& values, const Json& errors) {
  return sections_view(yellow_card_sections(), values, errors, "");
}

Json yellow_card_summary_rows(const Values& values) {
  return rows_of(yellow_card_sections(), values);
}

}  // namespace vertebro::http::clinical_forms
