// The rule engine: which rules run at which gate, blocks(), the unit settings, and the
// "refractory yet recent" tension between HTG3-1.2-REFRACTORY and TA279/EBI recency.

#include "guidance/rules.h"

#include <gtest/gtest.h>

#include "test_dates.h"

#include <set>
#include <string>
#include <vector>

namespace vertebro::guidance {
namespace {

domain::VertebralLevel Level(const char* name) {
  return domain::VertebralLevel::parse(name).value_or(domain::VertebralLevel::from_index(0));
}

// An osteoporotic T12 fracture that meets every rule at every gate under Settings(): fracture
// and treatment from 1 Feb 2026, MDT 5 Mar, consent 8 Mar, procedure 10 Mar, today 2 Mar.
EpisodeSnapshot Complete() {
  EpisodeSnapshot s;
  s.indication = domain::Indication::kOsteoporotic;
  s.levels = {{.level = Level("T12"),
               .genant = GenantGrade::kModerate,
               .mri_oedema = Answer::kYes,
               .focal_tenderness = Answer::kYes}};
  s.pain_at_rest = 6;
  s.pain_on_movement = 8;
  s.analgesic = AnalgesicClass::kWeakOpioid;
  s.conservative_treatments = {{.kind = ConservativeKind::kAnalgesics,
                                .start = D("2026-02-01"),
                                .effect = TreatmentEffect::kNoRelief}};
  s.clinician_judged_refractory = true;
  s.fracture_date = D("2026-02-01");
  s.bone_health_measure = true;
  s.mdt_decisions = {{.meeting_date = D("2026-03-05"),
                      .decision = MdtDecisionKind::kProceed,
                      .attendee_roles = {"Interventional radiologist", "Spinal surgeon"}}};
  s.surgery_access = SurgeryAccess{.kind = SurgeryAccessKind::kOnSite};
  s.consent.date = D("2026-03-08");
  for (ConsentRisk r : all_consent_risks()) s.consent.risks_discussed.insert(r);
  s.procedure_date = D("2026-03-10");
  s.cement_units = std::vector<CementUnit>{
      {.unit = 1, .product = "PMMA", .lot = "A1", .expiry = D("2027-01-31"), .steps = 4}};
  // The operator planned at the move to procedure (recorded with the procedure later), signed
  // off for osteoporotic fractures (HTG3-1.2-TRAINING).
  domain::SignOffRecord signed_off;
  signed_off.scope = "osteoporotic_thoracolumbar";
  signed_off.signed_on = "2025-01-10";
  signed_off.review_date = "2027-01-10";
  s.primary_operator = ProcedureOperator{"Dr A Radiologist", false, {signed_off}};
  s.today = D("2026-03-02");
  return s;
}

// The default settings: 3 weeks of conservative treatment inside a 6-week recent-fracture
// window.
UnitSettings Settings() { return UnitSettings{}; }

// At the assessment gate the procedure date is usually not yet set.
EpisodeSnapshot AtAssessment() {
  EpisodeSnapshot s = Complete();
  s.procedure_date.reset();
  return s;
}

std::vector<std::string> Ids(const Findings& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.requirement);
  return out;
}

std::string Describe(const Findings& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += "\n  " + f.requirement + " [" + f.pack + "] " + std::string(outcome_name(f.outcome)) +
           ": " + f.message;
  }
  return out;
}

const Finding* Find(const Findings& findings, const std::string& id) {
  for (const auto& f : findings) {
    if (f.requirement == id) return &f;
  }
  return nullptr;
}

TEST(GuidanceRulesTest, EachGateRunsItsRulesInTableOrder) {
  struct Row {
    Gate gate;
    EpisodeSnapshot snapshot;
    std::vector<std::string> ids;
  };
  const Row rows[] = {
      {Gate::kAssessmentToMdt,
       AtAssessment(),
       {"HTG3-IND-OSTEOPOROTIC", "HTG3-1.2-REFRACTORY", "HTG3-1.2-REFRACTORY-WINDOW",
        "TA279-SEVERE-RECENT", "TA279-LEVEL-CONFIRMED", "EBI-VA-PAIN", "EBI-VA-IMAGING",
        "EBI-VA-BONEHEALTH"}},
      {Gate::kMdtToConsent, Complete(), {"HTG3-1.2-MDT", "EBI-VA-MDT"}},
      {Gate::kConsentToProcedure,
       Complete(),
       {"HTG3-1.2-MDT", "HTG3-1.2-SURGERY", "HTG3-1.1", "HTG3-1.2-TRAINING",
        "TA279-SEVERE-RECENT", "EBI-VA-PAIN", "EBI-VA-MDT", "EBI-VA-SURGERY"}},
      {Gate::kProcedureRecorded,
       Complete(),
       {"HTG3-1.2-MDT", "HTG3-1.2-SURGERY", "HTG3-1.1", "HTG3-1.2-CEMENT", "HTG3-1.2-TRAINING",
        "TA279-SEVERE-RECENT", "EBI-VA-PAIN", "EBI-VA-MDT", "EBI-VA-SURGERY"}},
  };
  for (const auto& r : rows) {
    const Findings f = evaluate(r.gate, r.snapshot, Settings());
    EXPECT_EQ(Ids(f), r.ids) << gate_name(r.gate) << Describe(f);
    for (const auto& one : f) {
      EXPECT_EQ(one.outcome, Outcome::kPass) << gate_name(r.gate) << Describe(f);
      EXPECT_FALSE(one.pack.empty()) << one.requirement;
    }
    EXPECT_FALSE(blocks(f)) << gate_name(r.gate) << Describe(f);
  }
}

TEST(GuidanceRulesTest, TumourRunsHtg3RulesAndSinsButNotTa279OrEbi) {
  EpisodeSnapshot s = AtAssessment();
  s.indication = domain::Indication::kMetastasis;
  s.tumour_primary = "breast";
  s.sins_total = 5;
  const Findings f = evaluate(Gate::kAssessmentToMdt, s, Settings());
  // TA279 and EBI are shown as considered and not applicable, last.
  EXPECT_EQ(Ids(f), (std::vector<std::string>{"HTG3-IND-TUMOUR", "HTG3-IND-TUMOUR-SINS",
                                              "HTG3-1.2-REFRACTORY", "TA279, EBI"}))
      << Describe(f);
  EXPECT_NE(f[0].message.find("NG234"), std::string::npos);
  EXPECT_FALSE(blocks(f)) << Describe(f);

  s.sins_total = 9;  // indeterminate: a surgeon's opinion is advised, a warning, not a block
  const Findings warned = evaluate(Gate::kAssessmentToMdt, s, Settings());
  ASSERT_NE(Find(warned, "HTG3-IND-TUMOUR-SINS"), nullptr);
  EXPECT_EQ(Find(warned, "HTG3-IND-TUMOUR-SINS")->outcome, Outcome::kWarn);
  EXPECT_FALSE(blocks(warned));

  s.sins_total = 13;  // unstable: blocks until overridden with the surgeon's review named
  const Findings unstable = evaluate(Gate::kAssessmentToMdt, s, Settings());
  ASSERT_NE(Find(unstable, "HTG3-IND-TUMOUR-SINS"), nullptr);
  EXPECT_EQ(Find(unstable, "HTG3-IND-TUMOUR-SINS")->outcome, Outcome::kFail);
  EXPECT_TRUE(blocks(unstable));

  s = Complete();
  s.indication = domain::Indication::kMyeloma;
  EXPECT_EQ(Ids(evaluate(Gate::kConsentToProcedure, s, Settings())),
            (std::vector<std::string>{"HTG3-1.2-MDT", "HTG3-1.2-SURGERY", "HTG3-1.1",
                                      "HTG3-1.2-TRAINING", "TA279, EBI"}));
}

// "TA279, EBI: not applicable to a haemangioma": one informational finding, never blocking,
// naming only the packs that are enabled and have rules at the gate.
TEST(GuidanceRulesTest, NotApplicablePacksAreShownAndNeverBlock) {
  EpisodeSnapshot s = AtAssessment();
  s.indication = domain::Indication::kHaemangioma;
  s.haemangioma_symptoms = "Pain at T12 limiting walking";
  const Findings f = evaluate(Gate::kAssessmentToMdt, s, Settings());
  const Finding* na = Find(f, "TA279, EBI");
  ASSERT_NE(na, nullptr) << Describe(f);
  EXPECT_EQ(&f.back(), na);
  EXPECT_EQ(na->outcome, Outcome::kNotApplicable);
  EXPECT_FALSE(na->required);
  EXPECT_EQ(na->pack, "TA279, EBI");
  EXPECT_EQ(na->message.rfind("TA279, EBI: not applicable to a haemangioma", 0), 0u) << na->message;
  EXPECT_FALSE(blocks(f)) << Describe(f);
  EXPECT_FALSE(blocks({*na}));

  // At MDT -> consent only EBI has a rule (EBI-VA-MDT).
  const Findings consent = evaluate(Gate::kMdtToConsent, s, Settings());
  ASSERT_NE(Find(consent, "EBI"), nullptr) << Describe(consent);
  EXPECT_EQ(Find(consent, "EBI")->message.rfind("EBI: not applicable to a haemangioma", 0), 0u);

  UnitSettings ta279_only = Settings();
  ta279_only.enabled_packs = {Pack::kHtg3, Pack::kTa279};
  EXPECT_NE(Find(evaluate(Gate::kAssessmentToMdt, s, ta279_only), "TA279"), nullptr);
  UnitSettings htg3_only = Settings();
  htg3_only.enabled_packs = {Pack::kHtg3};
  for (const auto& one : evaluate(Gate::kAssessmentToMdt, s, htg3_only)) {
    EXPECT_NE(one.outcome, Outcome::kNotApplicable) << one.requirement;
  }
  // Osteoporotic: the packs apply; no indication recorded: HTG3-IND reports that instead.
  for (const auto& one : evaluate(Gate::kAssessmentToMdt, AtAssessment(), Settings())) {
    EXPECT_NE(one.outcome, Outcome::kNotApplicable) << one.requirement;
  }
  EpisodeSnapshot unknown;
  for (const auto& one : evaluate(Gate::kAssessmentToMdt, unknown, Settings())) {
    EXPECT_NE(one.outcome, Outcome::kNotApplicable) << one.requirement;
  }
  // The wording names each indication.
  for (auto [indication, words] :
       {std::pair{domain::Indication::kMetastasis, "a vertebral metastasis"},
        std::pair{domain::Indication::kMyeloma, "myeloma"},
        std::pair{domain::Indication::kTraumatic, "a traumatic fracture in non-osteoporotic bone"},
        std::pair{domain::Indication::kOther, "an indication outside HTG3's"}}) {
    s.indication = indication;
    const Findings g = evaluate(Gate::kAssessmentToMdt, s, Settings());
    ASSERT_NE(Find(g, "TA279, EBI"), nullptr) << words;
    EXPECT_NE(Find(g, "TA279, EBI")->message.find(words), std::string::npos)
        << Find(g, "TA279, EBI")->message;
  }
}

TEST(GuidanceRulesTest, OnlyEnabledPacksRunAndFindingsNameTheirPack) {
  UnitSettings only_htg3 = Settings();
  only_htg3.enabled_packs = {Pack::kHtg3};
  const Findings f = evaluate(Gate::kConsentToProcedure, Complete(), only_htg3);
  EXPECT_EQ(Ids(f), (std::vector<std::string>{"HTG3-1.2-MDT", "HTG3-1.2-SURGERY", "HTG3-1.1",
                                              "HTG3-1.2-TRAINING"}));
  for (const auto& one : f) EXPECT_EQ(one.pack, "HTG3");

  UnitSettings only_ebi = Settings();
  only_ebi.enabled_packs = {Pack::kEbi};
  for (const auto& one : evaluate(Gate::kConsentToProcedure, Complete(), only_ebi)) {
    EXPECT_EQ(one.pack, "EBI") << one.requirement;
  }
  // The window warning needs HTG3 and a recency pack.
  EXPECT_EQ(Find(evaluate(Gate::kAssessmentToMdt, AtAssessment(), only_htg3),
                 "HTG3-1.2-REFRACTORY-WINDOW"),
            nullptr);
}

// Missing data never passes: with only the indication recorded, no gate gives a pass.
TEST(GuidanceRulesTest, AnEmptyEpisodeBlocksEveryGateWithoutAnyPass) {
  for (auto indication : domain::all_indications()) {
    EpisodeSnapshot s;
    s.indication = indication;
    s.today = D("2026-03-02");
    for (Gate g : all_gates()) {
      const Findings f = evaluate(g, s, UnitSettings{});
      SCOPED_TRACE(std::string(domain::indication_name(indication)) + " at " +
                   std::string(gate_name(g)) + Describe(f));
      EXPECT_TRUE(blocks(f));
      for (const auto& one : f) {
        // The indication itself is recorded; advisory findings judge the settings, not the data.
        const bool is_indication =
            one.requirement.rfind("HTG3-IND", 0) == 0 && one.requirement != "HTG3-IND-TUMOUR-SINS";
        if (is_indication || !one.required) continue;
        EXPECT_EQ(one.outcome, Outcome::kMissing) << one.requirement;
      }
    }
  }
  EpisodeSnapshot nothing;
  const Findings f = evaluate(Gate::kAssessmentToMdt, nothing, UnitSettings{});
  ASSERT_NE(Find(f, "HTG3-IND"), nullptr) << Describe(f);
  EXPECT_EQ(Find(f, "HTG3-IND")->outcome, Outcome::kMissing);
  EXPECT_TRUE(blocks(f));
}

TEST(GuidanceRulesTest, BlocksOnRequiredFailOrMissingOnly) {
  auto finding = [](Outcome o, bool required) {
    Finding f{"X", o, "m"};
    f.required = required;
    return f;
  };
  struct Row {
    const char* what;
    Findings findings;
    bool blocks;
  };
  const Row rows[] = {
      {"no findings", {}, false},
      {"pass", {finding(Outcome::kPass, true)}, false},
      {"warn", {finding(Outcome::kWarn, true)}, false},
      {"pass and warn", {finding(Outcome::kPass, true), finding(Outcome::kWarn, false)}, false},
      {"fail", {finding(Outcome::kFail, true)}, true},
      {"missing", {finding(Outcome::kMissing, true)}, true},
      {"pass then fail", {finding(Outcome::kPass, true), finding(Outcome::kFail, true)}, true},
      {"advisory fail", {finding(Outcome::kFail, false)}, false},
      {"advisory missing", {finding(Outcome::kMissing, false)}, false},
  };
  for (const auto& r : rows) EXPECT_EQ(blocks(r.findings), r.blocks) << r.what;
}

TEST(GuidanceRulesTest, OtherIndicationFailsAtTheMdtGate) {
  EpisodeSnapshot s = AtAssessment();
  s.indication = domain::Indication::kOther;
  const Findings f = evaluate(Gate::kAssessmentToMdt, s, Settings());
  ASSERT_NE(Find(f, "HTG3-IND"), nullptr) << Describe(f);
  EXPECT_EQ(Find(f, "HTG3-IND")->outcome, Outcome::kFail);
  EXPECT_NE(Find(f, "HTG3-IND")->message.find("outside"), std::string::npos);
  EXPECT_TRUE(blocks(f));
  // The episode page shows assess_indication: the same outcome and words.
  EXPECT_EQ(assess_indication(domain::Indication::kOther).outcome, Outcome::kFail);
  EXPECT_EQ(assess_indication(domain::Indication::kOther).message, Find(f, "HTG3-IND")->message);

  s.indication = domain::Indication::kTraumatic;
  const Findings t = evaluate(Gate::kAssessmentToMdt, s, Settings());
  ASSERT_NE(Find(t, "HTG3-IND"), nullptr) << Describe(t);
  EXPECT_EQ(Find(t, "HTG3-IND")->outcome, Outcome::kFail);
  EXPECT_EQ(assess_indication(domain::Indication::kTraumatic).message,
            Find(t, "HTG3-IND")->message);
  EXPECT_TRUE(blocks(t));
}

// Refractory yet recent: a case failing either window shows the failing one.
TEST(GuidanceRulesTest, RefractoryButNoLongerRecentShowsTheRecencyFailure) {
  EpisodeSnapshot s = AtAssessment();
  s.today = D("2026-03-20");  // fracture 47 days ago; treatment 47 days
  const Findings f = evaluate(Gate::kAssessmentToMdt, s, Settings());
  ASSERT_NE(Find(f, "HTG3-1.2-REFRACTORY"), nullptr);
  EXPECT_EQ(Find(f, "HTG3-1.2-REFRACTORY")->outcome, Outcome::kPass) << Describe(f);
  for (const char* id : {"TA279-SEVERE-RECENT", "EBI-VA-PAIN"}) {
    ASSERT_NE(Find(f, id), nullptr) << id;
    EXPECT_EQ(Find(f, id)->outcome, Outcome::kFail) << id << Describe(f);
    // HTG3-1.2-REFRACTORY passed: the recency failure does not point at it.
    EXPECT_EQ(Find(f, id)->message.find("HTG3-1.2-REFRACTORY"), std::string::npos)
        << id << ": " << Find(f, id)->message;
  }
  // With too little treatment as well, it names both windows.
  s.conservative_treatments[0].start = D("2026-03-10");  // 11 days by 20 Mar
  const Findings g = evaluate(Gate::kAssessmentToMdt, s, Settings());
  EXPECT_EQ(Find(g, "HTG3-1.2-REFRACTORY")->outcome, Outcome::kFail) << Describe(g);
  EXPECT_NE(Find(g, "EBI-VA-PAIN")->message.find("HTG3-1.2-REFRACTORY"), std::string::npos)
      << Find(g, "EBI-VA-PAIN")->message;
  EXPECT_TRUE(blocks(f));
}

TEST(GuidanceRulesTest, RecentButNotYetRefractoryShowsTheRefractoryFailure) {
  EpisodeSnapshot s = AtAssessment();
  s.today = D("2026-02-15");  // 15 days of treatment (1 to 15 Feb), the unit asks for 21
  const Findings f = evaluate(Gate::kAssessmentToMdt, s, Settings());
  const Finding* refractory = Find(f, "HTG3-1.2-REFRACTORY");
  ASSERT_NE(refractory, nullptr);
  EXPECT_EQ(refractory->outcome, Outcome::kFail) << Describe(f);
  EXPECT_NE(refractory->message.find("recent"), std::string::npos) << refractory->message;
  EXPECT_EQ(Find(f, "EBI-VA-PAIN")->outcome, Outcome::kPass) << Describe(f);
  EXPECT_TRUE(blocks(f));
}

// The recency rules run again at the procedure: a procedure planned after the window fails.
TEST(GuidanceRulesTest, RecencyIsJudgedAtTheProcedureDate) {
  EpisodeSnapshot s = Complete();
  s.procedure_date = D("2026-03-16");  // 43 days after the fracture
  const Findings f = evaluate(Gate::kConsentToProcedure, s, Settings());
  EXPECT_EQ(Find(f, "EBI-VA-PAIN")->outcome, Outcome::kFail) << Describe(f);
  EXPECT_EQ(Find(f, "TA279-SEVERE-RECENT")->outcome, Outcome::kFail) << Describe(f);
  s.procedure_date = D("2026-03-15");  // 42 days: still recent
  EXPECT_FALSE(blocks(evaluate(Gate::kConsentToProcedure, s, Settings())));
}

// Settings saved before the settings refused them (42 and 42 days) leave almost no margin: an
// advisory warning that never blocks on its own.
TEST(GuidanceRulesTest, WindowWarningIsAdvisory) {
  EpisodeSnapshot s = AtAssessment();
  s.today = D("2026-03-15");  // day 42: both met
  UnitSettings legacy;
  legacy.min_conservative_days = 42;
  EXPECT_FALSE(validate_settings(legacy).ok());
  const Findings f = evaluate(Gate::kAssessmentToMdt, s, legacy);
  const Finding* window = Find(f, "HTG3-1.2-REFRACTORY-WINDOW");
  ASSERT_NE(window, nullptr);
  EXPECT_EQ(window->outcome, Outcome::kWarn) << window->message;
  EXPECT_FALSE(window->required);
  EXPECT_FALSE(blocks(f)) << Describe(f);

  UnitSettings contradictory;
  contradictory.min_conservative_days = 56;
  const Findings g = evaluate(Gate::kAssessmentToMdt, s, contradictory);
  EXPECT_NE(Find(g, "HTG3-1.2-REFRACTORY-WINDOW")->message.find("cannot both be met"),
            std::string::npos);
  EXPECT_TRUE(blocks(g)) << "42 days of treatment is short of 56" << Describe(g);
}

TEST(GuidanceRulesTest, TableIsWellFormed) {
  std::set<std::string> ids;
  for (const Rule& r : all_rules()) {
    EXPECT_TRUE(ids.insert(std::string(r.id)).second) << "duplicate " << r.id;
    EXPECT_NE(r.check, nullptr) << r.id;
    bool any_gate = false;
    for (Gate g : all_gates()) any_gate = any_gate || runs_at(r, g);
    EXPECT_TRUE(any_gate) << r.id << " runs at no gate";
    EXPECT_EQ(find_rule(r.id), &r);
    const std::string prefix = r.pack == Pack::kHtg3    ? "HTG3-"
                               : r.pack == Pack::kTa279 ? "TA279-"
                                                        : "EBI-";
    EXPECT_EQ(std::string(r.id).rfind(prefix, 0), 0u) << r.id << " is not in its pack's ids";
  }
  EXPECT_EQ(find_rule("HTG3-9.9"), nullptr);
  EXPECT_FALSE(kRulePackVersion.empty());
}

TEST(GuidanceRulesTest, GatesFollowThePathway) {
  using domain::PathwayState;
  EXPECT_EQ(gate_into(PathwayState::kMdt), Gate::kAssessmentToMdt);
  EXPECT_EQ(gate_into(PathwayState::kConsent), Gate::kMdtToConsent);
  EXPECT_EQ(gate_into(PathwayState::kProcedure), Gate::kConsentToProcedure);
  for (PathwayState s :
       {PathwayState::kReferral, PathwayState::kAssessment, PathwayState::kFollowUp,
        PathwayState::kClosed, PathwayState::kDeclined, PathwayState::kWithdrawn,
        PathwayState::kNotSuitable, PathwayState::kDeceased}) {
    EXPECT_FALSE(gate_into(s).has_value()) << domain::state_name(s);
  }
  for (Gate g : all_gates()) EXPECT_EQ(parse_gate(gate_name(g)), g);
  EXPECT_FALSE(parse_gate("procedure").has_value());
}

TEST(GuidanceSettingsTest, DefaultsAreValidAndCiteTheirValues) {
  const UnitSettings u;
  EXPECT_TRUE(validate_settings(u).ok());
  EXPECT_EQ(u.min_conservative_days, 21);  // TA279 chapter 4; REFERENCE.md 1.2a
  EXPECT_EQ(u.recent_fracture_window_days, 42);
  EXPECT_EQ(u.pain_threshold, 7);
  EXPECT_EQ(u.enabled_packs, (std::set<Pack>{Pack::kHtg3, Pack::kTa279, Pack::kEbi}));
}

TEST(GuidanceSettingsTest, RefusesBadValuesNamingEachField) {
  struct Row {
    const char* field;
    void (*spoil)(UnitSettings&);
  };
  const Row rows[] = {
      {"min_conservative_days", [](UnitSettings& u) { u.min_conservative_days = -1; }},
      {"min_conservative_days", [](UnitSettings& u) { u.min_conservative_days = 366; }},
      {"recent_fracture_window_days", [](UnitSettings& u) { u.recent_fracture_window_days = 0; }},
      {"pain_threshold", [](UnitSettings& u) { u.pain_threshold = 11; }},
      {"radiologist_roles", [](UnitSettings& u) { u.radiologist_roles = {" "}; }},
      {"spinal_surgeon_roles", [](UnitSettings& u) { u.spinal_surgeon_roles.clear(); }},
  };
  for (const auto& r : rows) {
    UnitSettings u;
    r.spoil(u);
    const Status s = validate_settings(u);
    ASSERT_FALSE(s.ok()) << r.field;
    ASSERT_EQ(s.error().fields.size(), 1u) << r.field;
    EXPECT_EQ(s.error().fields[0].field, r.field);
  }
  // While TA279 or EBI is on, the minimum must be shorter than the window: one error on each.
  for (int min_days : {42, 43, 60}) {
    UnitSettings u;
    u.min_conservative_days = min_days;
    const Status s = validate_settings(u);
    ASSERT_FALSE(s.ok()) << min_days;
    ASSERT_EQ(s.error().fields.size(), 2u) << min_days;
    EXPECT_EQ(s.error().fields[0].field, "min_conservative_days");
    EXPECT_EQ(s.error().fields[1].field, "recent_fracture_window_days");
    EXPECT_TRUE(validate_setting_ranges(u).ok()) << min_days;
  }
  UnitSettings shorter;
  shorter.min_conservative_days = 41;
  EXPECT_TRUE(validate_settings(shorter).ok());
  for (auto packs : {std::set<Pack>{Pack::kHtg3, Pack::kTa279}, std::set<Pack>{Pack::kHtg3, Pack::kEbi}}) {
    UnitSettings one;
    one.min_conservative_days = 42;
    one.enabled_packs = packs;
    EXPECT_FALSE(validate_settings(one).ok());
  }
  UnitSettings htg3_only;  // no recency window to meet
  htg3_only.min_conservative_days = 60;
  htg3_only.enabled_packs = {Pack::kHtg3};
  EXPECT_TRUE(validate_settings(htg3_only).ok());
  // Boundaries that are allowed.
  UnitSettings edge;
  edge.min_conservative_days = 0;
  edge.recent_fracture_window_days = 365;
  edge.pain_threshold = 10;
  EXPECT_TRUE(validate_settings(edge).ok());
}

TEST(GuidanceSnapshotTest, NamesRoundTrip) {
  for (auto a : {Answer::kUnknown, Answer::kYes, Answer::kNo}) {
    EXPECT_EQ(parse_answer(answer_name(a)), a);
  }
  for (auto c : {AnalgesicClass::kNone, AnalgesicClass::kNonOpioid, AnalgesicClass::kWeakOpioid,
                 AnalgesicClass::kStrongOpioid}) {
    EXPECT_EQ(parse_analgesic_class(analgesic_class_name(c)), c);
  }
  for (auto r : all_consent_risks()) {
    EXPECT_EQ(parse_consent_risk(consent_risk_name(r)), r);
    EXPECT_FALSE(consent_risk_label(r).empty());
  }
  EXPECT_EQ(all_consent_risks().size(), 6u);
  for (auto p : {Pack::kHtg3, Pack::kTa279, Pack::kEbi}) EXPECT_EQ(parse_pack(pack_name(p)), p);
  EXPECT_EQ(parse_mdt_decision("more_info"), MdtDecisionKind::kMoreInformation);
  EXPECT_EQ(parse_surgery_access("arrangement"), SurgeryAccessKind::kArrangement);
  EXPECT_EQ(parse_conservative_kind("bed_rest"), ConservativeKind::kBedRest);
  EXPECT_EQ(parse_treatment_effect("partial_relief"), TreatmentEffect::kPartialRelief);
  EXPECT_FALSE(parse_answer("Yes").has_value());
}

}  // namespace
}  // namespace vertebro::guidance
