// Pages of an episode's HTG3 pathway: the pathway page (its forms, MDT discussions, the next
// gate's findings with the move or override, and the history of moves), the three clinical
// forms (assessment, consent, procedure), moves and exits. docs/pathway.md describes them for
// users.
//
// Form inputs are named by the dotted paths of the form's JSON document
// ("levels.T12.cement_ml"), so a posted form becomes the document the API takes, and the app
// layer's field errors name the inputs directly. One description of each form (its sections
// and fields) draws both the form and the summary on the pathway page.

#include <algorithm>
#include <charconv>
#include <map>

#include "app/pathway.h"
#include "app/referrals.h"
#include "app/unit_config.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "http/forms.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

using app::Choices;
using app::FormKind;
using domain::PathwayState;
using domain::VertebralLevel;

std::int64_t number_of(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

EpisodeId episode_id(const Request& req) { return EpisodeId{number_of(req.matches[1])}; }

// Mustache opens a section for any string, even "": absent values are null.
Json text_or_null(const std::string& s) { return s.empty() ? Json() : Json(s); }

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

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

// "25 Nov 2026, 10:00 UTC" from a stored timestamp.
std::string when(const std::string& at) {
  TimePoint t{};
  if (!parse_timestamp(at, t)) return at;
  const auto day = std::chrono::floor<std::chrono::days>(t);
  return domain::Date::from_days(day).display() + ", " + at.substr(11, 5) + " UTC";
}

// ---- Values: a form's answers by input name ------------------------------------------------

// Checkboxes post one name several times, so a name holds a list.
using Values = std::map<std::string, std::vector<std::string>>;

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
  return name == "csrf" || name == "version" || name == "levels_list" || name == "levels_shown";
}

Values values_of(const Request& req) {
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
      const char* key = item.contains("level") ? "level" : "kind";
      if (!item.contains(key) || !item[key].is_string()) continue;
      const std::string part = path + "." + item[key].get<std::string>();
      for (const auto& [k, v] : item.items()) {
        if (k != key) flatten(v, part + "." + k, out);
      }
    }
  } else if (!j.is_null()) {
    out[path].push_back(scalar_text(j));
  }
}

Values values_of(const Json& document) {
  Values out;
  flatten(document, "", out);
  return out;
}

// Drops blank answers and parts left empty, so an unused treatment row or an unscored SINS is
// absent rather than half answered. Level parts stay even when empty: they list the levels.
void prune(Json& object, bool keep_empty_parts) {
  for (auto it = object.begin(); it != object.end();) {
    if (it->is_string() && blank(it->get<std::string>())) {
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

// The JSON document a posted form stands for. No input is nested deeper than three names.
Json document_of(const Values& values) {
  Json doc = Json::object();
  for (const auto& [name, list] : values) {
    const auto parts = split_path(name);
    if (parts.size() > 3 ||
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

std::string label_in(const Choices& choices, const std::string& name) {
  for (const auto& [n, label] : choices) {
    if (n == name) return label;
  }
  return name;
}

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
};

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
                 pick("analgesic", "Analgesic class", Input::kSelect, analgesics())};
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
                ask("detail", "Details", Input::kText, "", "30")};
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

std::vector<Section> procedure_sections(const std::vector<VertebralLevel>& levels) {
  std::vector<Section> out;
  Section about{"The procedure"};
  about.fields = {
      ask("date", "Date of procedure", Input::kDate),
      ask("start_time", "Start time", Input::kText, "24-hour clock, for example 09:30.", "5"),
      ask("primary_operator", "Primary operator", Input::kText, "", "30"),
      ask("supervisor", "Supervising operator", Input::kText,
          "If a trainee was the primary operator.", "30"),
      pick("image_guidance", "Image guidance", Input::kSelect, app::image_guidance_choices()),
      pick("anaesthesia", "Sedation or anaesthesia", Input::kSelect, app::anaesthesia_choices()),
      ask("cement_product", "Cement product", Input::kText, "", "30"),
      ask("cement_lot", "Cement lot number", Input::kText, "", "20")};
  out.push_back(std::move(about));
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
    s.compact = true;
    out.push_back(std::move(s));
  }
  Section after{"Complications and radiation dose"};
  after.fields = {
      ask("complications", "Immediate complications", Input::kTextarea,
          "Leave blank if there were none."),
      ask("dap", "Dose-area product (DAP)", Input::kNumber, "", "5"),
      pick("dap_unit", "DAP unit", Input::kSelect, app::dap_unit_choices()),
      ask("fluoroscopy_seconds", "Fluoroscopy time (seconds)", Input::kNumber, "", "5")};
  out.push_back(std::move(after));
  return out;
}

std::vector<Section> sections_of(FormKind kind, const std::vector<VertebralLevel>& levels,
                                 const Values& v) {
  switch (kind) {
    case FormKind::kAssessment: return assessment_sections(levels, v);
    case FormKind::kConsent: return consent_sections();
    case FormKind::kProcedure: return procedure_sections(levels);
  }
  return {};
}

bool has_levels(FormKind kind) { return kind != FormKind::kConsent; }

std::string form_title(FormKind kind) {
  switch (kind) {
    case FormKind::kAssessment: return "Assessment";
    case FormKind::kConsent: return "Consent";
    case FormKind::kProcedure: return "Procedure";
  }
  return "";
}

domain::Permission form_permission(FormKind kind) {
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
    case Input::kRadios:
    case Input::kCheckboxes: kind = FieldKind::kRadios; break;
  }
  FieldSpec spec{name, d.label, first(values, name), kind, hint, width, "off"};
  if (d.input == Input::kSelect) spec.options.emplace_back("", "Select one");
  for (const auto& option : d.choices) spec.options.push_back(option);
  Json f = field_view(spec, errors);
  if (d.input == Input::kCheckboxes) {
    f["is_radios"] = false;
    f["is_checkboxes"] = true;
    const auto& chosen = all_of(values, name);
    for (auto& option : f["options"]) {
      const auto value = option["option_value"].get<std::string>();
      option["checked"] = std::find(chosen.begin(), chosen.end(), value) != chosen.end();
    }
  }
  return f;
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
Json summary_rows(const std::vector<Section>& sections, const Values& values) {
  Json rows = Json::array();
  auto row = [&](const std::string& key, const std::string& value, const Json& lines) {
    rows.push_back({{"row_key", key}, {"row_value", text_or_null(value)}, {"row_lines", lines}});
  };
  for (const auto& s : sections) {
    if (s.levels_control) continue;
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

Json sections_json(const std::vector<Section>& sections, const Values& values, const Json& errors,
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
Error for_page(Error e) {
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
    }
  }
  return e;
}

// ---- Loading -------------------------------------------------------------------------------

struct Loaded {
  app::PathwayView pathway;
};

Result<Loaded> load(Web& web, const app::Actor& actor, EpisodeId id) {
  auto p = app::view_pathway(web.ctx, actor, id);
  if (!p) return std::move(p).error();
  return Loaded{std::move(*p)};
}

std::string caption(const Loaded& l) {
  const auto& d = l.pathway.patient.details;
  return d.family_name + ", " + d.given_name + ", NHS number " + d.nhs_number.formatted() +
         (d.nhs_number.is_test_number() ? " (test number)" : "");
}

std::string pathway_href(EpisodeId id) { return "/episodes/" + id.str() + "/pathway"; }

std::vector<VertebralLevel> default_levels(FormKind kind, const app::PathwayView& p) {
  if (const auto& s = p.form(kind)) {
    auto levels = app::assessed_levels(s->document);
    if (!levels.empty()) return levels;
  }
  if (kind == FormKind::kProcedure && p.assessment) {
    auto levels = app::assessed_levels(p.assessment->document);
    if (!levels.empty()) return levels;
  }
  return p.episode.referral.levels;
}

// ---- Form pages ----------------------------------------------------------------------------

struct FormState {
  std::vector<VertebralLevel> levels;
  Values values;
  std::int64_t version = 0;
  std::string levels_list;  // as typed; defaults to the levels
};

void show_form(Web& web, Response& res, const app::Actor& actor, int status, const Loaded& l,
               FormKind kind, const FormState& state, Json data) {
  const Json errors = data.value("errors", Json::object());
  const auto sections = sections_of(kind, state.levels, state.values);
  const std::string name(app::form_kind_name(kind));
  const EpisodeId id = l.pathway.episode.id;
  const bool recorded = l.pathway.form(kind).has_value();
  data["heading"] = (recorded ? "Change the " : "Record the ") + name;
  data["caption"] = caption(l);
  data["action"] = "/episodes/" + id.str() + "/" + name;
  data["version"] = state.version;
  data["sections"] = sections_json(
      sections, state.values, errors,
      state.levels_list.empty() ? domain::format_levels(state.levels) : state.levels_list);
  data["levels_shown"] = has_levels(kind) ? Json(domain::format_levels(state.levels)) : Json();
  data["submit_label"] = "Save the " + name;
  data["cancel_href"] = pathway_href(id);
  data["back_href"] = pathway_href(id);
  render_page(web, res, status, "pathway_form", data, form_title(kind), &actor);
}

void get_form(Web& web, const Request& req, Response& res, FormKind kind) {
  auto actor = page_actor(web, req, res);
  if (!actor) return;
  const std::string name(app::form_kind_name(kind));
  if (!role_allows(actor->user.role, form_permission(kind))) {
    return render_error(web, res, Error::forbidden("Your role cannot record the " + name), &*actor);
  }
  auto l = load(web, *actor, episode_id(req));
  if (!l) return render_error(web, res, l.error(), &*actor);
  const auto& p = l->pathway;
  const auto& editable = p.editable_forms;
  if (std::find(editable.begin(), editable.end(), kind) == editable.end()) {
    return render_error(
        web, res,
        Error::conflict("The " + name + " cannot be recorded while the episode is at " +
                        std::string(domain::state_label(p.episode.state)) + "."),
        &*actor);
  }
  FormState state;
  state.levels = default_levels(kind, p);
  if (const auto& s = p.form(kind)) {
    state.values = values_of(s->document);
    state.version = s->version;
  } else if (kind == FormKind::kAssessment) {
    state.values["indication"] = {
        std::string(domain::indication_name(p.episode.referral.indication))};
  }
  show_form(web, res, *actor, 200, *l, kind, state, Json::object());
}

// The pathway page after a save; its warnings travel in the address, signed with the session's
// secret so that nobody can make the page show a warning vertebro did not give.
std::string notice_signature(const app::Actor& actor, const std::string& saved,
                             const std::vector<std::string>& warnings) {
  std::string text = saved;
  for (const auto& w : warnings) text += "\n" + w;
  return crypto::sha256_hex(text + "\n" + actor.csrf_token);
}

std::string saved_location(const app::Actor& actor, EpisodeId id, FormKind kind,
                           const std::vector<std::string>& warnings) {
  const std::string name(app::form_kind_name(kind));
  httplib::Params q{{"saved", name}};
  for (const auto& w : warnings) q.emplace("warning", w);
  if (!warnings.empty()) q.emplace("sig", notice_signature(actor, name, warnings));
  return pathway_href(id) + "?" + httplib::detail::params_to_query_str(q);
}

void post_form(Web& web, const Request& req, Response& res, FormKind kind) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  const EpisodeId id = episode_id(req);
  FormState state;
  state.values = values_of(req);
  state.version = number_of(form(req, "version"));
  Json data = Json::object();
  int status = 0;  // 0: save; otherwise show the form again with this status
  if (has_levels(kind)) {
    auto shown = domain::parse_levels(form(req, "levels_shown"), "levels_shown");
    auto wanted = domain::parse_levels(form(req, "levels_list"), "levels_list");
    if (shown) state.levels = *shown;
    state.levels_list = form(req, "levels_list");
    if (!wanted) {
      status = 422;
      data = error_view(wanted.error());
    } else if (!shown || *shown != *wanted) {
      status = 200;
      state.levels = *wanted;
      state.levels_list.clear();
      data["notice"] = "The levels changed to " + domain::format_levels(*wanted) +
                       ". Enter the details for each level, then save. Nothing has been saved yet.";
    }
  }
  if (status == 0) {
    auto saved =
        app::save_form(web.ctx, *actor, id, kind, state.version, document_of(state.values));
    if (saved) return redirect(res, saved_location(*actor, id, kind, saved->warnings));
    const Error& e = saved.error();
    if (e.code != Errc::kInvalid && e.code != Errc::kConflict) {
      return render_error(web, res, e, &*actor);
    }
    status = e.code == Errc::kInvalid ? 422 : 409;
    data = error_view(for_page(e));
  }
  auto l = load(web, *actor, id);
  if (!l) return render_error(web, res, l.error(), &*actor);
  if (status == 409) {
    const auto& current = l->pathway.form(kind);
    const std::int64_t current_version = current ? current->version : 0;
    // Someone saved first: show their values, and list what this user typed so nothing is lost.
    data["conflict"] = true;
    data["attempted"] = summary_rows(sections_of(kind, state.levels, state.values), state.values);
    state.values = current ? values_of(current->document) : Values();
    state.version = current_version;
    state.levels = default_levels(kind, l->pathway);
    state.levels_list.clear();
  }
  show_form(web, res, *actor, status, *l, kind, state, data);
}

// ---- The pathway page ----------------------------------------------------------------------

std::string outcome_label(const std::string& outcome) {
  if (outcome == "pass") return "Pass";
  if (outcome == "warn") return "Warning";
  if (outcome == "fail") return "Fail";
  return "Missing";
}

std::string tag_class(const std::string& outcome) {
  if (outcome == "pass") return "nhsuk-tag--green";
  if (outcome == "warn") return "nhsuk-tag--yellow";
  if (outcome == "fail") return "nhsuk-tag--red";
  return "nhsuk-tag--grey";
}

// Findings as app::findings_json() writes them (and transitions store them).
Json findings_view(const Json& findings) {
  Json out = Json::array();
  if (!findings.is_array()) return out;
  for (const auto& f : findings) {
    if (!f.is_object()) continue;
    const std::string outcome = f.value("outcome", "missing");
    out.push_back({{"outcome_label", outcome_label(outcome)},
                   {"tag_class", tag_class(outcome)},
                   {"requirement", f.value("requirement", "")},
                   {"pack", f.value("pack", "")},
                   {"advisory", !f.value("required", true)},
                   {"message", f.value("message", "")},
                   {"evidence", text_or_null(f.value("evidence", ""))}});
  }
  return out;
}

std::string gate_label(guidance::Gate g) {
  switch (g) {
    case guidance::Gate::kAssessmentToMdt: return "assessment to MDT";
    case guidance::Gate::kMdtToConsent: return "MDT to consent";
    case guidance::Gate::kConsentToProcedure: return "consent to procedure";
  }
  return "";
}

std::string state_label(const std::string& name) {
  auto s = domain::parse_state(name);
  return s ? std::string(domain::state_label(*s)) : name;
}

std::string role_label(const std::string& name) {
  auto r = domain::parse_role(name);
  return r ? std::string(domain::role_label(*r)) : name;
}

std::string who_moves(PathwayState to) {
  switch (to) {
    case PathwayState::kAssessment:
    case PathwayState::kMdt:
      return "An operator (interventional radiologist or spinal surgeon) completes the assessment "
             "and sends the case to the MDT.";
    case PathwayState::kConsent:
      return "The MDT coordinator or an operator moves the case to consent once the MDT has "
             "decided.";
    case PathwayState::kProcedure:
      return "An operator records consent and moves the case to the procedure.";
    case PathwayState::kReferral:
    case PathwayState::kFollowUp:
    case PathwayState::kClosed:
    case PathwayState::kDeclined:
    case PathwayState::kWithdrawn:
    case PathwayState::kNotSuitable:
    case PathwayState::kDeceased: break;
  }
  return "";
}

// What happens next when the page offers no gated move.
std::string next_step_text(const app::PathwayView& p) {
  const PathwayState s = p.episode.state;
  if (domain::is_final(s)) {
    return "This episode has ended: " + std::string(domain::state_label(s)) + ".";
  }
  if (s == PathwayState::kProcedure) {
    return "Record the procedure: saving it moves the episode to follow-up.";
  }
  if (s == PathwayState::kFollowUp)
    return "The procedure is recorded; the episode is in follow-up.";
  if (s == PathwayState::kReferral && p.moves.empty()) return who_moves(PathwayState::kAssessment);
  return {};
}

std::string move_label(PathwayState from, PathwayState to) {
  if (to == PathwayState::kAssessment) {
    return from == PathwayState::kReferral ? "Start the assessment"
                                           : "Return to assessment for more information";
  }
  return "Move to " + std::string(domain::state_label(to));
}

std::string override_roles(Web& web, const app::Actor& actor, guidance::Gate gate) {
  auto config = app::get_unit_config(web.ctx, actor);
  if (!config) return "a role the unit allows";
  std::string out;
  auto it = config->override_roles.find(gate);
  if (it == config->override_roles.end() || it->second.empty()) return "nobody at present";
  for (const auto& r : it->second) {
    out += (out.empty() ? "" : " or ") + std::string(domain::role_label(r)) + "s";
  }
  return out;
}

Json transition_view(const store::TransitionRecord& t) {
  auto gate = guidance::parse_gate(t.gate);
  const Json findings = findings_view(Json::parse(t.findings, nullptr, false));
  const bool overridden = !t.override_reason.empty();
  return {
      {"from_label", state_label(t.from_state)},
      {"to_label", state_label(t.to_state)},
      {"when", when(t.at)},
      {"username", t.username},
      {"gate_label", gate ? Json(gate_label(*gate)) : Json()},
      {"rule_pack_version", text_or_null(t.rule_pack_version)},
      {"blocked", t.blocked},
      {"overridden", overridden},
      {"override_reason", text_or_null(t.override_reason)},
      {"override_role_label", t.override_role.empty() ? Json() : Json(role_label(t.override_role))},
      {"exit_reason", text_or_null(t.exit_reason)},
      {"exit_date", t.exit_date.empty() ? Json() : Json(date_display(t.exit_date))},
      {"findings", findings},
      {"has_findings", !findings.empty()}};
}

Json mdt_view(const app::EpisodeMdt& m) {
  Json attendees = Json::array();
  for (const auto& a : m.attendees) {
    attendees.push_back({{"attendee", a.name + " (" + a.professional_role + ")"}});
  }
  std::string decision = "Not decided yet";
  if (auto d = guidance::parse_mdt_decision(m.listing.decision)) {
    switch (*d) {
      case guidance::MdtDecisionKind::kProceed: decision = "Proceed"; break;
      case guidance::MdtDecisionKind::kDoNotProceed: decision = "Do not proceed"; break;
      case guidance::MdtDecisionKind::kMoreInformation: decision = "More information needed"; break;
    }
  }
  return {{"meeting_date", date_display(m.meeting.meeting_date)},
          {"meeting_title", text_or_null(m.meeting.title)},
          {"decision_label", decision},
          {"rationale", text_or_null(m.listing.rationale)},
          {"attendees", attendees},
          {"has_attendees", !attendees.empty()}};
}

std::string surgery_text(const std::optional<store::SiteSurgeryRecord>& s, domain::Date today) {
  if (!s) return "Not recorded for this site. An administrator records it.";
  if (s->access == "on_site") return "Spinal surgery on site.";
  if (s->access == "arrangement") {
    std::string text = "By arrangement with " + s->service;
    if (s->review_date.empty()) return text + ".";
    text += ", to be reviewed by " + date_display(s->review_date) + ".";
    auto review = domain::Date::parse(s->review_date, "review_date", "Review date");
    if (review && *review < today) text += " The review date has passed.";
    return text;
  }
  return "None recorded: this site has no access to a spinal surgery service.";
}

Json forms_view(const app::PathwayView& p) {
  Json out = Json::array();
  const EpisodeId id = p.episode.id;
  for (auto kind : {FormKind::kAssessment, FormKind::kConsent, FormKind::kProcedure}) {
    const std::string name(app::form_kind_name(kind));
    const auto& s = p.form(kind);
    const bool editable =
        std::find(p.editable_forms.begin(), p.editable_forms.end(), kind) != p.editable_forms.end();
    const std::string href = "/episodes/" + id.str() + "/" + name;
    Json f = {{"form_title", form_title(kind)},
              {"form_name", name},
              {"recorded", s.has_value()},
              {"change_href", editable && s ? Json(href) : Json()},
              {"record_href", editable && !s ? Json(href) : Json()}};
    if (s) {
      const Values values = values_of(s->document);
      f["rows"] = summary_rows(sections_of(kind, default_levels(kind, p), values), values);
      f["form_version"] = s->version;
      f["form_when"] = when(s->updated_at);
    }
    out.push_back(f);
  }
  return out;
}

Json notices(const Request& req, const app::Actor& actor, const app::PathwayView& p) {
  Json out = Json::object();
  const std::string saved = form(req, "saved");
  if (auto kind = app::parse_form_kind(saved)) {
    out["saved"] = "The " + saved + " was saved.";
    std::vector<std::string> warnings;
    for (std::size_t i = 0; i < req.get_param_value_count("warning"); ++i) {
      warnings.push_back(req.get_param_value("warning", i));
    }
    if (!warnings.empty() &&
        crypto::constant_time_equal(form(req, "sig"), notice_signature(actor, saved, warnings))) {
      Json list = Json::array();
      for (const auto& w : warnings) list.push_back({{"warning", w}});
      out["warnings"] = list;
      out["has_warnings"] = true;
    }
  }
  if (form(req, "moved") == "1") {
    out["saved"] =
        "The episode moved to " + std::string(domain::state_label(p.episode.state)) + ".";
  }
  if (form(req, "ended") == "1") {
    out["saved"] = "The episode ended: " + std::string(domain::state_label(p.episode.state)) + ".";
  }
  return out;
}

// `move_blocked`: the user tried to move the episode through a gate that blocks it without
// giving a reason; the page says what to do (422).
void show_pathway(Web& web, const Request& req, Response& res, const app::Actor& actor,
                  EpisodeId id, int status, Json data, bool move_blocked = false) {
  auto l = load(web, actor, id);
  if (!l) return render_error(web, res, l.error(), &actor);
  const auto& p = l->pathway;
  if (move_blocked && p.next_gate) {
    const Error e = p.next_gate->may_override
                        ? Error::invalid({{"override_reason",
                                           "Enter a reason to override the guidance, or complete "
                                           "the missing information first"}})
                        : Error::invalid({}, "The guidance blocks this move. Only " +
                                                 override_roles(web, actor, p.next_gate->gate) +
                                                 " can override it, with a reason.");
    data = error_view(e);
  }
  const Json errors = data.value("errors", Json::object());
  if (status == 200) data.update(notices(req, actor, p));
  data["caption"] = caption(*l);
  data["episode_id"] = id.value;
  data["version"] = p.episode.version;
  data["state_label"] = std::string(domain::state_label(p.episode.state));
  data["site_name"] = l->pathway.site_name;
  data["levels"] = domain::format_levels(p.episode.referral.levels);
  data["indication_label"] = std::string(domain::indication_label(p.episode.referral.indication));
  data["episode_href"] = "/episodes/" + id.str();
  Json other_moves = Json::array();
  for (auto to : p.moves) {
    if (p.next_gate && p.next_gate->to == to) continue;
    other_moves.push_back({{"move_to", std::string(domain::state_name(to))},
                           {"move_label", move_label(p.episode.state, to)}});
  }
  data["other_moves"] = other_moves;
  if (p.next_gate) {
    const auto& g = *p.next_gate;
    const bool can_move = std::find(p.moves.begin(), p.moves.end(), g.to) != p.moves.end();
    data["next_gate"] = {
        {"to", std::string(domain::state_name(g.to))},
        {"to_label", std::string(domain::state_label(g.to))},
        {"gate_label", gate_label(g.gate)},
        {"blocked", g.blocked},
        {"may_override", g.may_override},
        {"can_move", can_move},
        {"who_moves", who_moves(g.to)},
        {"override_roles", override_roles(web, actor, g.gate)},
        {"findings", findings_view(app::findings_json(g.findings))},
        {"override_field",
         field_view({"override_reason", "Reason for overriding the guidance",
                     form(req, "override_reason"), FieldKind::kTextarea,
                     "Say why the case should go ahead although the guidance is not met. The "
                     "reason is kept with the findings and shown in the history."},
                    errors)}};
  }
  data["next_step_text"] = text_or_null(next_step_text(p));
  data["exit_href"] = p.may_exit ? Json("/episodes/" + id.str() + "/exit") : Json();
  data["forms"] = forms_view(p);
  Json mdt = Json::array();
  for (const auto& m : p.mdt) mdt.push_back(mdt_view(m));
  data["mdt"] = mdt;
  data["has_mdt"] = !mdt.empty();
  data["surgery_text"] = surgery_text(p.surgery, domain::Date::today(web.ctx.clock()));
  Json transitions = Json::array();
  for (auto it = p.transitions.rbegin(); it != p.transitions.rend(); ++it) {
    transitions.push_back(transition_view(*it));
  }
  data["transitions"] = transitions;
  data["has_transitions"] = !transitions.empty();
  data["back_href"] = "/episodes/" + id.str();
  render_page(web, res, status, "pathway", data, "Pathway", &actor);
}

// ---- Moves and exits -----------------------------------------------------------------------

void post_move(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  const EpisodeId id = episode_id(req);
  app::MoveRequest move{form(req, "to"), number_of(form(req, "version")),
                        form(req, "override_reason")};
  auto r = app::move_episode(web.ctx, *actor, id, move);
  if (r && r->moved) return redirect(res, pathway_href(id) + "?moved=1");
  if (r) return show_pathway(web, req, res, *actor, id, 422, Json::object(), true);
  const Error& e = r.error();
  if (e.code == Errc::kInvalid || e.code == Errc::kConflict || e.code == Errc::kWrongState) {
    return show_pathway(web, req, res, *actor, id, status_for(e.code), error_view(e));
  }
  render_error(web, res, e, &*actor);
}

void show_exit(Web& web, Response& res, const app::Actor& actor, int status, const Loaded& l,
               const app::ExitRequest& in, Json data) {
  const Json errors = data.value("errors", Json::object());
  FieldSpec state{"state", "How did the episode end?", in.state, FieldKind::kRadios};
  for (auto s : app::exit_states()) {
    state.options.emplace_back(domain::state_name(s), domain::state_label(s));
  }
  Json fields = Json::array();
  fields.push_back(field_view(state, errors));
  fields.push_back(field_view({"reason", "Reason", in.reason, FieldKind::kTextarea,
                               "For example, the patient chose not to go ahead."},
                              errors));
  fields.push_back(
      field_view({"date", "Date", in.date, FieldKind::kText,
                  "The date it happened. For example, 2026-11-02 (year-month-day).", "10", "off"},
                 errors));
  const EpisodeId id = l.pathway.episode.id;
  Json section = {{"section_heading", "The end of the episode"},
                  {"section_hint", Json()},
                  {"section_note", Json()},
                  {"section_warning", Json()},
                  {"section_shown", Json::array()},
                  {"section_fields", fields}};
  data["sections"] = Json::array();
  data["sections"].push_back(section);
  data["heading"] = "End this episode";
  data["caption"] = caption(l);
  data["action"] = "/episodes/" + id.str() + "/exit";
  data["version"] = in.expected_version;
  data["levels_shown"] = Json();
  data["submit_label"] = "End the episode";
  data["submit_warning"] = true;
  data["cancel_href"] = pathway_href(id);
  data["back_href"] = pathway_href(id);
  render_page(web, res, status, "pathway_form", data, "End this episode", &actor);
}

}  // namespace

void add_pathway_pages(Router& router, Web& web) {
  router.get("/episodes/{id}/pathway", "The pathway of an episode: forms, MDT, gates, history",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               show_pathway(web, req, res, *actor, episode_id(req), 200, Json::object());
             });

  for (auto kind : {FormKind::kAssessment, FormKind::kConsent, FormKind::kProcedure}) {
    const std::string path = "/episodes/{id}/" + std::string(app::form_kind_name(kind));
    router.get(path, "Form: the " + std::string(app::form_kind_name(kind)),
               [&web, kind](const Request& req, Response& res) { get_form(web, req, res, kind); });
    router.post(
        path, "Save the " + std::string(app::form_kind_name(kind)),
        [&web, kind](const Request& req, Response& res) { post_form(web, req, res, kind); });
  }

  router.post("/episodes/{id}/move", "Move an episode on (to, version, override_reason)",
              [&web](const Request& req, Response& res) { post_move(web, req, res); });

  router.get("/episodes/{id}/exit", "Form: end an episode",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               if (!role_allows(actor->user.role, domain::Permission::kRecordExit)) {
                 return render_error(web, res, Error::forbidden("Your role cannot end an episode"),
                                     &*actor);
               }
               auto l = load(web, *actor, episode_id(req));
               if (!l) return render_error(web, res, l.error(), &*actor);
               if (!l->pathway.may_exit) {
                 return render_error(web, res, Error::conflict("This episode has already ended."),
                                     &*actor);
               }
               app::ExitRequest in;
               in.expected_version = l->pathway.episode.version;
               show_exit(web, res, *actor, 200, *l, in, Json::object());
             });

  router.post("/episodes/{id}/exit", "End an episode (state, reason, date, version)",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const EpisodeId id = episode_id(req);
                app::ExitRequest in{form(req, "state"), form(req, "reason"), form(req, "date"),
                                    number_of(form(req, "version"))};
                auto ended = app::exit_episode(web.ctx, *actor, id, in);
                if (ended) return redirect(res, pathway_href(id) + "?ended=1");
                const Error& e = ended.error();
                if (e.code != Errc::kInvalid && e.code != Errc::kConflict) {
                  return render_error(web, res, e, &*actor);
                }
                auto l = load(web, *actor, id);
                if (!l) return render_error(web, res, l.error(), &*actor);
                if (e.code == Errc::kConflict) {
                  in.expected_version = l->pathway.episode.version;  // the user may try again
                }
                show_exit(web, res, *actor, status_for(e.code), *l, in, error_view(e));
              });
}

}  // namespace vertebro::http
