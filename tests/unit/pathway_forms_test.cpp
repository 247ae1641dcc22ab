// The clinical forms: validation names the field of every problem, and the stored document is
// normalised (calculated values filled in, blanks dropped) and read back into the snapshot the
// guidance rules see.
#include <gtest/gtest.h>

#include "app/input_reader.h"
#include "app/pathway_forms.h"
#include "app/unit_config.h"

namespace vertebro::app {
namespace {

using nlohmann::json;

domain::Date d(const char* iso) { return *domain::Date::parse(iso, "d", "d"); }

FormContext context() {
  FormContext c;
  c.today = d("2026-11-25");
  c.referral_date = d("2026-10-01");
  c.date_of_birth = d("1945-03-01");
  c.assessed_levels = {*domain::VertebralLevel::parse("T12")};
  return c;
}

json assessment() {
  return {{"assessed_on", "2026-10-20"},
          {"indication", "osteoporotic"},
          {"fracture_date", "2026-10-10"},
          {"levels", {{"T12", {{"height_loss_percent", "30"}, {"mri_oedema", "yes"},
                               {"focal_tenderness", "yes"}, {"morphology", "wedge"}}}}},
          {"pain_at_rest", "7"},
          {"pain_on_movement", 9},
          {"analgesic", "weak_opioid"},
          {"treatments", {{"analgesics", {{"start", "2026-10-10"}, {"effect", "no_relief"}}},
                          {"bracing", {{"start", "2026-10-12"}, {"end", "2026-11-01"}}}}},
          {"refractory", "yes"},
          {"bone_health", true},
          {"contraindications", ""}};
}

json procedure() {
  return {{"date", "2026-11-20"},
          {"primary_operator", "Dr R Radiologist"},
          {"image_guidance", "fluoroscopy_biplane"},
          {"anaesthesia", "local"},
          {"cement_product", "PMMA"},
          {"cement_lot", "L1"},
          {"levels", {{"T12", {{"approach", "transpedicular"}, {"pedicles", "bipedicular"},
                               {"cement_ml", "4.5"}}}}}};
}

// The field names of a refusal, in order.
std::vector<std::string> fields_of(const Result<ValidatedForm>& r) {
  std::vector<std::string> out;
  if (!r) {
    for (const auto& f : r.error().fields) out.push_back(f.field);
  }
  return out;
}

TEST(AssessmentForm, NormalisesAndCalculatesGenant) {
  auto r = validate_form(FormKind::kAssessment, assessment(), context());
  ASSERT_TRUE(r.ok()) << testing::PrintToString(fields_of(r));
  const json& doc = r->document;
  EXPECT_EQ(doc["pain_at_rest"], 7);
  EXPECT_EQ(doc["levels"][0]["level"], "T12");
  EXPECT_EQ(doc["levels"][0]["genant"], "moderate");  // 30% height loss: grade 2
  EXPECT_EQ(doc["levels"][0]["bone_scan_uptake"], "unknown");
  EXPECT_EQ(doc["treatments"].size(), 2u);
  EXPECT_EQ(doc["refractory"], true);
  EXPECT_FALSE(doc.contains("tumour_primary"));
  EXPECT_TRUE(r->warnings.empty());
}

TEST(AssessmentForm, EachBadValueNamesItsField) {
  json in = assessment();
  in["pain_at_rest"] = 11;
  in["treatments"]["bracing"]["end"] = "2026-10-11";  // before its start
  in["levels"]["T13"] = json::object();
  in["assessed_on"] = "2026-09-30";  // before the referral
  in["analgesic"] = "morphine";
  auto r = validate_form(FormKind::kAssessment, in, context());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalid);
  const auto f = fields_of(r);
  for (const char* want : {"pain_at_rest", "treatments.bracing.end", "levels.T13", "assessed_on",
                           "analgesic"}) {
    EXPECT_NE(std::find(f.begin(), f.end(), want), f.end()) << want;
  }
}

TEST(AssessmentForm, PainBoundariesAndFutureDates) {
  for (int pain : {0, 10}) {
    json in = assessment();
    in["pain_on_movement"] = pain;
    EXPECT_TRUE(validate_form(FormKind::kAssessment, in, context()).ok()) << pain;
  }
  json in = assessment();
  in["pain_on_movement"] = -1;
  in["fracture_date"] = "2026-11-26";
  EXPECT_EQ(fields_of(validate_form(FormKind::kAssessment, in, context())),
            (std::vector<std::string>{"fracture_date", "pain_on_movement"}));
}

// Mobility before the procedure is what follow-up visits judge improved mobility against.
TEST(AssessmentForm, KeepsMobilityBeforeTheProcedure) {
  json in = assessment();
  in["mobility"] = "walking_with_frame";
  auto r = validate_form(FormKind::kAssessment, in, context());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->document["mobility"], "walking_with_frame");
  in["mobility"] = "sprinting";
  auto bad = validate_form(FormKind::kAssessment, in, context());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().fields.front().field, "mobility");
}

TEST(AssessmentForm, TumourNeedsPrimaryAndScoresSins) {
  json in = assessment();
  in["indication"] = "metastasis";
  in["sins"] = {{"level", "T12"},       {"pain", "mechanical"},   {"bone_lesion", "lytic"},
                {"alignment", "normal"}, {"collapse", "under_50"}, {"posterolateral", "none"}};
  EXPECT_EQ(fields_of(validate_form(FormKind::kAssessment, in, context())),
            (std::vector<std::string>{"tumour_primary"}));
  in["tumour_primary"] = "Breast";
  auto r = validate_form(FormKind::kAssessment, in, context());
  ASSERT_TRUE(r.ok());
  // T12 junctional 3 + mechanical 3 + lytic 2 + normal 0 + under 50% 2 + none 0.
  EXPECT_EQ(r->document["sins"]["total"], 10);
  EXPECT_EQ(r->document["sins"]["category"], "indeterminate");
  in["sins"]["pain"] = "sharp";
  EXPECT_EQ(fields_of(validate_form(FormKind::kAssessment, in, context())),
            (std::vector<std::string>{"sins.pain"}));
}

// HTG3 supports *symptomatic* haemangioma: the form keeps the symptoms (up to 1,000 characters)
// for a haemangioma only, and the snapshot reads them (HTG3-IND-HAEMANGIOMA).
TEST(AssessmentForm, HaemangiomaKeepsItsSymptoms) {
  json in = assessment();
  in["indication"] = "haemangioma";
  in["haemangioma_symptoms"] = "  Pain at T12 on standing  ";
  auto r = validate_form(FormKind::kAssessment, in, context());
  ASSERT_TRUE(r.ok()) << testing::PrintToString(fields_of(r));
  EXPECT_EQ(r->document["haemangioma_symptoms"], "Pain at T12 on standing");
  guidance::EpisodeSnapshot s;
  fill_from_assessment(r->document, s);
  EXPECT_EQ(s.haemangioma_symptoms, "Pain at T12 on standing");

  in["haemangioma_symptoms"] = std::string(1001, 'x');
  EXPECT_EQ(fields_of(validate_form(FormKind::kAssessment, in, context())),
            (std::vector<std::string>{"haemangioma_symptoms"}));

  // Another indication does not keep them.
  in["indication"] = "osteoporotic";
  in["haemangioma_symptoms"] = "Pain";
  auto other = validate_form(FormKind::kAssessment, in, context());
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->document.contains("haemangioma_symptoms"));

  // A traumatic fracture in non-osteoporotic bone is an indication of its own.
  in["indication"] = "traumatic";
  auto traumatic = validate_form(FormKind::kAssessment, in, context());
  ASSERT_TRUE(traumatic.ok());
  EXPECT_EQ(traumatic->document["indication"], "traumatic");
}

TEST(AssessmentForm, ContraindicationsWarnAndUnknownOnesAreRefused) {
  json in = assessment();
  in["contraindications"] = "active_infection, cement_allergy";
  auto r = validate_form(FormKind::kAssessment, in, context());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->document["contraindications"], json::array({"active_infection", "cement_allergy"}));
  EXPECT_EQ(r->warnings.size(), 1u);
  in["contraindications"] = json::array({"pregnancy"});
  EXPECT_EQ(fields_of(validate_form(FormKind::kAssessment, in, context())),
            (std::vector<std::string>{"contraindications"}));
}

TEST(AssessmentForm, SnapshotReadsTheStoredDocument) {
  auto r = validate_form(FormKind::kAssessment, assessment(), context());
  ASSERT_TRUE(r.ok());
  guidance::EpisodeSnapshot s;
  fill_from_assessment(r->document, s);
  EXPECT_EQ(s.indication, domain::Indication::kOsteoporotic);
  ASSERT_EQ(s.levels.size(), 1u);
  EXPECT_EQ(s.levels[0].genant, guidance::GenantGrade::kModerate);
  EXPECT_EQ(s.levels[0].mri_oedema, guidance::Answer::kYes);
  EXPECT_EQ(s.pain_at_rest, 7);
  EXPECT_EQ(s.analgesic, guidance::AnalgesicClass::kWeakOpioid);
  ASSERT_EQ(s.conservative_treatments.size(), 2u);
  EXPECT_EQ(s.conservative_treatments[1].end, d("2026-11-01"));
  EXPECT_EQ(s.clinician_judged_refractory, true);
  EXPECT_EQ(s.bone_health_measure, true);
  EXPECT_EQ(s.fracture_date, d("2026-10-10"));
  EXPECT_EQ(assessed_levels(r->document).size(), 1u);
}

TEST(ConsentForm, RequiresItsFieldsAndOrdersRisks) {
  auto r = validate_form(FormKind::kConsent, json::object(), context());
  EXPECT_EQ(fields_of(r), (std::vector<std::string>{"date", "clinician", "leaflet_version",
                                                    "capacity_confirmed"}));
  json in = {{"date", "2026-11-10"},
             {"clinician", "Mr S Surgeon"},
             {"leaflet_version", "v3"},
             {"capacity_confirmed", "no"},
             {"risks", json::array({"infection", "cement_leakage"})}};
  r = validate_form(FormKind::kConsent, in, context());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->document["risks"], json::array({"cement_leakage", "infection"}));
  EXPECT_EQ(r->warnings.size(), 1u);  // capacity not confirmed
  guidance::EpisodeSnapshot s;
  fill_from_consent(r->document, s);
  EXPECT_EQ(s.consent.date, d("2026-11-10"));
  EXPECT_EQ(s.consent.risks_discussed.size(), 2u);
  in["risks"] = "cement_leakage, fainting";
  EXPECT_EQ(fields_of(validate_form(FormKind::kConsent, in, context())),
            (std::vector<std::string>{"risks"}));
}

TEST(ProcedureForm, CementVolumeBoundaries) {
  for (const char* ok : {"0.1", "20"}) {
    json in = procedure();
    in["levels"]["T12"]["cement_ml"] = ok;
    EXPECT_TRUE(validate_form(FormKind::kProcedure, in, context()).ok()) << ok;
  }
  for (const char* bad : {"20.1", "25", "0", "-1", "lots"}) {
    json in = procedure();
    in["levels"]["T12"]["cement_ml"] = bad;
    auto r = validate_form(FormKind::kProcedure, in, context());
    EXPECT_EQ(fields_of(r), (std::vector<std::string>{"levels.T12.cement_ml"})) << bad;
    if (!r.ok() && std::string(bad) != "lots") {
      // It refuses 0, so it must not say "from 0 to 20".
      EXPECT_EQ(r.error().fields[0].message,
                "Cement volume must be more than 0 and at most 20 mL")
          << bad;
    }
  }
}

// A procedure must lie between the referral and today. One dated before its MDT or consent is
// a fact to record, not a typing error to refuse: the recorded-procedure gate judges it
// (PathwayAppTest.ProcedureBeforeConsentIsBlockedWhenRecorded).
TEST(ProcedureForm, DateMustFollowTheReferralAndNotBeInTheFuture) {
  const FormContext c = context();
  json in = procedure();
  EXPECT_TRUE(validate_form(FormKind::kProcedure, in, c).ok());
  for (const char* date : {"2026-09-30", "2026-11-26"}) {
    in["date"] = date;
    auto r = validate_form(FormKind::kProcedure, in, c);
    ASSERT_FALSE(r.ok()) << date;
    EXPECT_EQ(r.error().fields.front().field, "date") << date;
  }
  for (const char* date : {"2026-10-01", "2026-11-25"}) {
    in["date"] = date;
    EXPECT_TRUE(validate_form(FormKind::kProcedure, in, c).ok()) << date;
  }
}

TEST(ProcedureForm, LeakageNeedsDetailsAndUnassessedLevelsWarn) {
  json in = procedure();
  in["levels"]["T12"]["leakage"] = json::array({"S", "B"});
  EXPECT_EQ(fields_of(validate_form(FormKind::kProcedure, in, context())),
            (std::vector<std::string>{"levels.T12.leakage_symptomatic",
                                      "levels.T12.leakage_detected_by"}));
  in["levels"]["T12"]["leakage_symptomatic"] = "no";
  in["levels"]["T12"]["leakage_detected_by"] = "ct";
  in["levels"]["L1"] = {{"approach", "parapedicular"}, {"pedicles", "unipedicular"},
                        {"cement_ml", 3}};
  auto r = validate_form(FormKind::kProcedure, in, context());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->document["levels"][0]["leakage"], json::array({"B", "S"}));
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("L1"), std::string::npos);
  in["start_time"] = "25:00";
  in["dap"] = 12;
  EXPECT_EQ(fields_of(validate_form(FormKind::kProcedure, in, context())),
            (std::vector<std::string>{"start_time", "dap_unit"}));
}

// The primary operator and supervisor (issue 11): chosen from the operators active at the
// episode's site, stored with their names; a typed name is a visiting operator; a supervisor who
// is the primary operator is refused naming supervisor_id.
TEST(ProcedureForm, OperatorsAreChosenFromTheSiteOrVisiting) {
  FormContext c = context();
  c.site_operators = {{7, "Dr T Trainee"}, {9, "Dr S Senior"}};
  json in = procedure();
  in.erase("primary_operator");
  in["primary_operator_id"] = "7";
  in["supervisor_id"] = "9";
  auto r = validate_form(FormKind::kProcedure, in, c);
  ASSERT_TRUE(r.ok()) << testing::PrintToString(fields_of(r));
  EXPECT_EQ(r->document["primary_operator_id"], 7);
  EXPECT_EQ(r->document["primary_operator"], "Dr T Trainee");
  EXPECT_EQ(r->document["supervisor_id"], 9);
  EXPECT_EQ(r->document["supervisor"], "Dr S Senior");
  EXPECT_FALSE(r->document.contains("primary_operator_visiting"));
  // The stored document sent back as it is (ids as numbers, names beside them) is the same.
  auto again = validate_form(FormKind::kProcedure, r->document, c);
  ASSERT_TRUE(again.ok()) << testing::PrintToString(fields_of(again));
  EXPECT_EQ(again->document, r->document);

  in["supervisor_id"] = 7;
  EXPECT_EQ(fields_of(validate_form(FormKind::kProcedure, in, c)),
            (std::vector<std::string>{"supervisor_id"}));
  in["supervisor_id"] = "8";  // not active at this site
  EXPECT_EQ(fields_of(validate_form(FormKind::kProcedure, in, c)),
            (std::vector<std::string>{"supervisor_id"}));
  in.erase("supervisor_id");
  in["primary_operator"] = "Dr V Visitor";  // both a choice and a different typed name
  EXPECT_EQ(fields_of(validate_form(FormKind::kProcedure, in, c)),
            (std::vector<std::string>{"primary_operator"}));
  in.erase("primary_operator_id");
  in["primary_operator_visiting"] = false;  // worked out again, whatever is sent
  r = validate_form(FormKind::kProcedure, in, c);
  ASSERT_TRUE(r.ok()) << testing::PrintToString(fields_of(r));
  EXPECT_EQ(r->document["primary_operator"], "Dr V Visitor");
  EXPECT_EQ(r->document["primary_operator_visiting"], true);
  EXPECT_FALSE(r->document.contains("primary_operator_id"));
  in.erase("primary_operator");
  EXPECT_EQ(fields_of(validate_form(FormKind::kProcedure, in, c)),
            (std::vector<std::string>{"primary_operator_id"}));
}

// The follow-up schedule settings (issue 12): the VERTOS IV default, and each bad time point
// named "follow_up_time_points"; the primary time point must be one of them.
TEST(UnitConfigParse, FollowUpTimePoints) {
  auto c = parse_unit_config(json::object());
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->follow_up_time_points.size(), 6u);
  EXPECT_EQ(c->follow_up_time_points[2].name(), "1 month");
  EXPECT_EQ(c->follow_up_time_points[2].window_before_days, 7);
  EXPECT_EQ(c->follow_up_time_points[2].window_after_days, 14);
  EXPECT_EQ(c->primary_follow_up, "1 month");

  auto point = [](const char* name, json before, json after) {
    return json{{"time_point", name}, {"window_before_days", before}, {"window_after_days", after}};
  };
  const json bad[] = {
      json::array(),
      "1 month",
      json::array({"1 month"}),
      json::array({point("1 fortnight", 0, 0)}),
      json::array({point("1 month", 366, 0)}),
      json::array({point("1 month", 0, "7 days")}),
      json::array({point("1 month", 0, 1.5)}),
      json::array({point("1 month", 0, nullptr)}),
      json::array({point("30 days", 0, 0), point("1 month", 0, 0)}),  // not later
      json::array({point("1 week", 0, 0), point("1 week", 0, 0)}),
  };
  for (const auto& b : bad) {
    auto r = parse_unit_config({{"follow_up_time_points", b}, {"primary_follow_up", "1 week"}});
    ASSERT_FALSE(r.ok()) << b.dump();
    ASSERT_FALSE(r.error().fields.empty());
    EXPECT_EQ(r.error().fields[0].field, "follow_up_time_points") << b.dump();
  }
  json thirteen = json::array();
  for (int m = 1; m <= 13; ++m) thirteen.push_back(point((std::to_string(m) + " months").c_str(), 0, 0));
  EXPECT_FALSE(parse_unit_config({{"follow_up_time_points", thirteen}}).ok());

  auto ok = parse_unit_config({{"follow_up_time_points",
                                json::array({point("2 weeks", "3", 4), point("6 months", 0, 365)})},
                               {"primary_follow_up", " 6 Month "}});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->primary_follow_up, "6 months");
  EXPECT_EQ(ok->follow_up_time_points[0].window_before_days, 3);
  auto round = parse_unit_config(unit_config_json(*ok));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(unit_config_json(*round), unit_config_json(*ok));

  for (const json& primary : {json("2 months"), json("soon"), json("")}) {
    auto r = parse_unit_config({{"primary_follow_up", primary}});
    ASSERT_FALSE(r.ok()) << primary.dump();
    EXPECT_EQ(r.error().fields[0].field, "primary_follow_up");
  }
}

TEST(UnitConfigParse, DefaultsAndEachBadSetting) {
  auto c = parse_unit_config(json::object());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->rules.min_conservative_days, 21);
  EXPECT_TRUE(c->may_override(domain::Role::kOperator, guidance::Gate::kMdtToConsent));
  EXPECT_FALSE(c->may_override(domain::Role::kCoordinator, guidance::Gate::kMdtToConsent));
  auto round = parse_unit_config(unit_config_json(*c));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(unit_config_json(*round), unit_config_json(*c));

  auto bad = parse_unit_config({{"pain_threshold", 11},
                                {"enabled_packs", json::array({"TA279"})},
                                {"radiologist_roles", ""},
                                {"override_roles", {{"mdt_to_consent", "operator, wizard"}}}});
  ASSERT_FALSE(bad.ok());
  std::vector<std::string> f;
  for (const auto& e : bad.error().fields) f.push_back(e.field);
  EXPECT_EQ(f, (std::vector<std::string>{"pain_threshold", "radiologist_roles", "enabled_packs",
                                         "override_roles.mdt_to_consent"}));

  // While TA279 or EBI is on, the minimum must be shorter than the window: both fields named.
  // Settings stored before that check are still read (parse_stored_unit_config).
  const json legacy = {{"min_conservative_days", 42}, {"recent_fracture_window_days", 42}};
  auto window = parse_unit_config(legacy);
  ASSERT_FALSE(window.ok());
  f.clear();
  for (const auto& e : window.error().fields) f.push_back(e.field);
  EXPECT_EQ(f, (std::vector<std::string>{"min_conservative_days", "recent_fracture_window_days"}));
  auto stored = parse_stored_unit_config(legacy);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->rules.min_conservative_days, 42);
  EXPECT_FALSE(parse_stored_unit_config({{"pain_threshold", 11}}).ok());

  auto more = parse_unit_config({{"override_roles", {{"mdt_to_consent", "operator, coordinator"}}},
                                 {"enabled_packs", "HTG3"}});
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(more->may_override(domain::Role::kCoordinator, guidance::Gate::kMdtToConsent));
  EXPECT_EQ(more->rules.enabled_packs.size(), 1u);
}

// ---- Unknown members ----------------------------------------------------------------------
// Every object of the clinical forms and the unit settings refuses a member it does not know,
// naming it by its path (app::InputReader::only), and accepts back whole what it stores, so a
// document read from the API can be sent again.

// Every member each form accepts, with SINS, leakage and a treatment, so that every object of
// each form is present.
json full_assessment() {
  return {{"assessed_on", "2026-10-20"},
          {"indication", "metastasis"},
          {"tumour_primary", "Breast"},
          {"fracture_date", "2026-10-10"},
          {"onset_date", "2026-10-09"},
          {"levels", {{"T12", {{"height_loss_percent", "30"}, {"mri_oedema", "yes"},
                               {"bone_scan_uptake", "unknown"}, {"focal_tenderness", "yes"},
                               {"morphology", "wedge"}}}}},
          {"pain_at_rest", 7},
          {"pain_on_movement", 9},
          {"analgesic", "weak_opioid"},
          {"treatments", {{"bracing", {{"start", "2026-10-12"}, {"end", "2026-11-01"},
                                       {"effect", "no_relief"}, {"detail", "Soft brace"}}}}},
          {"refractory", "yes"},
          {"bone_health", "yes"},
          {"bone_health_detail", "Bisphosphonate"},
          {"sins", {{"level", "T12"}, {"pain", "mechanical"}, {"bone_lesion", "lytic"},
                    {"alignment", "normal"}, {"collapse", "under_50"}, {"posterolateral", "none"}}},
          {"contraindications", json::array({"cement_allergy"})},
          {"contraindication_notes", "Reported, unconfirmed"}};
}

json full_consent() {
  return {{"date", "2026-11-10"},          {"clinician", "Dr S Surgeon"},
          {"leaflet_version", "v3"},       {"capacity_confirmed", "yes"},
          {"risks", json::array({"cement_leakage"})}, {"form_reference", "C-1"}};
}

json full_procedure() {
  return {{"date", "2026-11-20"},
          {"start_time", "09:30"},
          {"primary_operator", "Dr R Radiologist"},
          {"supervisor", "Dr S Senior"},
          {"image_guidance", "fluoroscopy_biplane"},
          {"anaesthesia", "local"},
          {"cement_product", "PMMA"},
          {"cement_lot", "L1"},
          {"levels", {{"T12", {{"approach", "transpedicular"}, {"pedicles", "bipedicular"},
                               {"cement_ml", "4.5"}, {"leakage", json::array({"B"})},
                               {"leakage_symptomatic", "no"},
                               {"leakage_detected_by", "fluoroscopy"}}}}},
          {"complications", "None"},
          {"dap", 12.5},
          {"dap_unit", "Gy.cm2"},
          {"fluoroscopy_seconds", 200}};
}

struct FormCase {
  const char* name;
  FormKind kind;
  json (*full)();
};

const FormCase kForms[] = {{"assessment", FormKind::kAssessment, full_assessment},
                           {"consent", FormKind::kConsent, full_consent},
                           {"procedure", FormKind::kProcedure, full_procedure}};

TEST(FormUnknownFieldsTest, EveryFormAcceptsWhatItStoresBackWhole) {
  for (const auto& f : kForms) {
    SCOPED_TRACE(f.name);
    auto first = validate_form(f.kind, f.full(), context());
    ASSERT_TRUE(first.ok()) << testing::PrintToString(fields_of(first));
    // The stored shape (levels and treatments as lists, calculated Genant and SINS) again.
    auto again = validate_form(f.kind, first->document, context());
    ASSERT_TRUE(again.ok()) << testing::PrintToString(fields_of(again));
    EXPECT_EQ(again->document, first->document);
  }
}

TEST(FormUnknownFieldsTest, EachUnknownMemberIsNamedByItsPath) {
  struct Case {
    const char* name;
    FormKind kind;
    json (*full)();
    std::vector<std::string> path;  // where the stray member goes, its key last
    const char* field;              // the field the refusal names
  };
  const std::vector<Case> cases = {
      {"top level, misspelt", FormKind::kAssessment, full_assessment, {"pain_at_rst"}, "pain_at_rst"},
      {"in a level", FormKind::kAssessment, full_assessment, {"levels", "T12", "oedema"},
       "levels.T12.oedema"},
      {"in a treatment", FormKind::kAssessment, full_assessment, {"treatments", "bracing", "stop"},
       "treatments.bracing.stop"},
      {"in SINS", FormKind::kAssessment, full_assessment, {"sins", "score"}, "sins.score"},
      {"consent", FormKind::kConsent, full_consent, {"witness"}, "witness"},
      {"procedure", FormKind::kProcedure, full_procedure, {"cement_volume"}, "cement_volume"},
      {"procedure level", FormKind::kProcedure, full_procedure, {"levels", "T12", "cement_mls"},
       "levels.T12.cement_mls"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    json in = c.full();
    json* node = &in;
    for (std::size_t i = 0; i + 1 < c.path.size(); ++i) node = &(*node)[c.path[i]];
    (*node)[c.path.back()] = "5";
    auto r = validate_form(c.kind, in, context());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kInvalid);
    EXPECT_EQ(fields_of(r), std::vector<std::string>{c.field});
    EXPECT_EQ(r.error().fields.front().message, "Unknown field \"" + c.path.back() + "\"");
  }
}

TEST(FormUnknownFieldsTest, EveryUnknownMemberIsNamedAtOnceBesideOtherErrors) {
  json in = full_consent();
  in["witnes"] = "A";
  in["leaflet"] = "v3";
  in["date"] = "not a date";
  auto r = validate_form(FormKind::kConsent, in, context());
  ASSERT_FALSE(r.ok());
  const auto fields = fields_of(r);
  for (const char* f : {"witnes", "leaflet", "date"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
}

TEST(FormUnknownFieldsTest, UnitSettingsUseTheSameCheck) {
  auto r = parse_unit_config({{"min_conservative_day", 21}, {"pain_threshold", 5}});
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "min_conservative_day");
  EXPECT_EQ(r.error().fields[0].message, "Unknown setting \"min_conservative_day\"");
}

TEST(FormUnknownFieldsTest, ReaderOnlyReportsWithItsPrefixAndNoun) {
  std::vector<FieldError> errors;
  const json input = {{"a", 1}, {"b", 2}, {"c", {{"x", 1}, {"y", 2}}}};  // the reader keeps a reference
  InputReader in(input, errors);
  in.only({"a", "c"});
  in.nested("c").only({"x"}, "part");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "b");
  EXPECT_EQ(errors[0].message, "Unknown field \"b\"");
  EXPECT_EQ(errors[1].field, "c.y");
  EXPECT_EQ(errors[1].message, "Unknown part \"y\"");
}

}  // namespace
}  // namespace vertebro::app
