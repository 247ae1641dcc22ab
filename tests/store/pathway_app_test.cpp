// The pathway's use cases on every backend: each gate passes, blocks or is overridden as the
// unit's settings say; the findings, rule-pack version and override are stored with the
// transition; refusals write nothing but their audit entry.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "app/cement.h"
#include "app/follow_ups.h"
#include "app/mdt.h"
#include "app/operators.h"
#include "app/pathway.h"
#include "app/site_surgery.h"
#include "app/unit_config.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

using nlohmann::json;
using domain::PathwayState;
using domain::Role;

class PathwayAppTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    site_ = insert_site("S1");
    op_ = insert_actor("op", Role::kOperator, {site_});
    coord_ = insert_actor("coord", Role::kCoordinator, {site_});
    nurse_ = insert_actor("nurse", Role::kNurse, {site_});
    admin_ = insert_actor("admin", Role::kAdministrator, {site_});
    auto p = insert_patient(site_, 1);
    episode_ = insert_episode(p.id, site_, "2026-09-01", PathwayState::kAssessment).id;
    // A cement product with two preparation steps, and one of its lots (HTG3-1.2-CEMENT).
    const auto safety = insert_actor("safety", Role::kSafety, {site_});
    must(app::create_cement_product(ctx(), safety,
                                    {"PMMA", "Maker", "ce", "high", "10", {"09506000134352"}, {},
                                     {"IFU-1", "", "", "", "", "", "", {"Mix", "Load"}}}),
         "cement product");
    lot_ = must(app::register_cement_lot(ctx(), safety,
                                         {"", "09506000134352", "", "A1", "2027-12-31", ""}),
                "cement lot")
               .id.value;
    // The operator's profile, signed off for the cases these tests record (HTG3-1.2-TRAINING).
    const auto trainer = insert_actor("trainer", Role::kTrainer, {site_});
    op_profile_ = must(app::create_operator(ctx(), admin_,
                                            {op_.user.id.str(), "interventional_radiologist",
                                             "GMC 1", {site_.str()}, "active"}),
                       "operator profile")
                      .id.value;
    for (const char* scope : {"tumour_thoracolumbar", "osteoporotic_thoracolumbar"}) {
      must(app::sign_off_competence(ctx(), trainer, domain::OperatorId{op_profile_},
                                    {"2025-01-01", scope, "2028-01-01"}),
           "sign-off");
    }
  }

  // The procedure's one cement pack: lot A1, both steps done as instructed.
  json cement() const {
    return json::array({{{"unit", 1}, {"lot_id", lot_}, {"steps", {{"1", "confirmed"},
                                                                  {"2", "confirmed"}}}}});
  }

  std::int64_t version() {
    std::int64_t v = 0;
    must(store().transact(store::TxMode::kRead, [&](store::Tx& tx) -> Status {
      auto e = tx.find_episode(episode_);
      if (!e) return std::move(e).error();
      v = (*e)->version;
      return {};
    }), "find_episode");
    return v;
  }
  PathwayState state() {
    return must(app::view_pathway(ctx(), op_, episode_), "view").episode.state;
  }
  Result<app::MoveResult> move(const app::Actor& a, const std::string& to,
                               const std::string& reason = "") {
    return app::move_episode(ctx(), a, episode_, {to, version(), reason, "", ""});
  }
  void save(app::FormKind kind, const json& doc) {
    auto v = app::view_pathway(ctx(), op_, episode_);
    std::int64_t current = 0;
    if (kind == app::FormKind::kAssessment && v->assessment) current = v->assessment->version;
    if (kind == app::FormKind::kConsent && v->consent) current = v->consent->version;
    must(app::save_form(ctx(), op_, episode_, kind, current, doc), "save_form");
  }

  // A myeloma case that passes every required rule (TA279 and EBI do not apply to it).
  json myeloma_assessment() {
    return {{"assessed_on", "2026-11-01"},
            {"indication", "myeloma"},
            {"levels", {{"L2", {{"height_loss_percent", 30}, {"mri_oedema", "yes"},
                                {"focal_tenderness", "yes"}}}}},
            {"pain_at_rest", 7},
            {"pain_on_movement", 9},
            {"analgesic", "strong_opioid"},
            {"treatments", {{"analgesics", {{"start", "2026-09-01"}}}}},
            {"refractory", true},
            {"bone_health", true},
            {"sins", {{"level", "L2"}, {"pain", "occasional"}, {"bone_lesion", "blastic"},
                      {"alignment", "normal"}, {"collapse", "none"}, {"posterolateral", "none"}}}};
  }
  json consent() {
    json risks = json::array();
    for (auto r : guidance::all_consent_risks()) risks.push_back(guidance::consent_risk_name(r));
    return {{"date", "2026-11-20"}, {"clinician", "Dr Op"}, {"leaflet_version", "v3"},
            {"capacity_confirmed", true}, {"risks", risks}};
  }
  // A held meeting with a radiologist and a spinal surgeon that decided to proceed.
  void mdt_proceed() {
    auto m = must(app::create_meeting(ctx(), coord_, {site_.str(), "2026-11-18", "MDT"}), "meeting");
    must(app::add_attendee(ctx(), coord_, m.id, "Dr R", "Interventional radiologist"), "att");
    must(app::add_attendee(ctx(), coord_, m.id, "Mr S", "Spinal surgeon"), "att");
    must(app::add_case(ctx(), coord_, m.id, episode_), "add_case");
    must(app::record_decision(ctx(), coord_, m.id, episode_, 0, "proceed", "Agreed"), "decision");
  }
  // Assessment, MDT (18 Nov) and consent (20 Nov) recorded; the site has surgery as given;
  // the episode awaits consent -> procedure.
  void walk_to_consent(const app::SurgeryInput& surgery) {
    save(app::FormKind::kAssessment, myeloma_assessment());
    ASSERT_TRUE(move(op_, "mdt")->moved);
    mdt_proceed();
    ASSERT_TRUE(move(coord_, "consent")->moved);
    save(app::FormKind::kConsent, consent());
    must(app::set_site_surgery(ctx(), admin_, site_, surgery), "surgery");
  }
  Result<app::MoveResult> move_planned(const std::string& planned) {
    return app::move_episode(ctx(), op_, episode_, {"procedure", version(), "", planned, ""});
  }
  Result<app::MoveResult> step_back(const app::Actor& a, const std::string& to,
                                    const std::string& reason) {
    return app::move_episode(ctx(), a, episode_, {to, version(), "", "", reason});
  }
  json procedure_on(const std::string& date) {
    return {{"date", date}, {"primary_operator_id", op_profile_}, {"image_guidance", "ct"},
            {"anaesthesia", "local"}, {"cement_units", cement()},
            {"levels", {{"L2", {{"approach", "transpedicular"}, {"pedicles", "unipedicular"},
                                {"cement_ml", 3.5}}}}}};
  }
  std::int64_t procedure_version() {
    auto v = must(app::view_pathway(ctx(), op_, episode_), "view");
    return v.procedure ? v.procedure->version : 0;
  }
  Result<app::FormSaved> record(const json& doc, const std::string& reason = "",
                                const app::Actor* by = nullptr) {
    return app::save_form(ctx(), by ? *by : op_, episode_, app::FormKind::kProcedure,
                          procedure_version(), doc, reason);
  }
  int count_actions(const std::string& action) {
    int n = 0;
    for (const auto& e : audit_entries()) n += e.action == action ? 1 : 0;
    return n;
  }
  static app::SurgeryInput arrangement_until_1_dec() {
    return {"arrangement", "City spinal surgery", "2026-12-01"};
  }

  // After the MDT gate: the MDT decides to proceed, the site has on-site surgery, and the
  // episode moves to consent and, with consent recorded, to procedure (each gate passing).
  void consent_and_procedure(const std::string& surgery_review_date) {
    mdt_proceed();
    must(app::set_site_surgery(ctx(), admin_, site_, {"on_site", "", surgery_review_date}),
         "surgery");
    auto r = move(coord_, "consent");
    ASSERT_TRUE(r.ok() && r->moved) << describe(r);
    save(app::FormKind::kConsent, consent());
    r = move(op_, "procedure");
    ASSERT_TRUE(r.ok() && r->moved) << describe(r);
  }
  // Records a procedure on 24 Nov 2026 at `level`.
  Result<app::FormSaved> record_procedure(const std::string& level) {
    return app::save_form(ctx(), op_, episode_, app::FormKind::kProcedure, 0,
                          {{"date", "2026-11-24"}, {"primary_operator_id", op_profile_},
                           {"image_guidance", "ct"}, {"anaesthesia", "local"},
                           {"cement_units", cement()},
                           {"levels", {{level, {{"approach", "transpedicular"},
                                                {"pedicles", "unipedicular"},
                                                {"cement_ml", 3.5}}}}}});
  }
  std::vector<store::TransitionRecord> transitions() {
    return must(app::view_pathway(ctx(), op_, episode_), "view").transitions;
  }
  bool has_fail(const guidance::Findings& f, const std::string& id) {
    for (const auto& x : f) {
      if (x.requirement == id && (x.outcome == guidance::Outcome::kFail ||
                                  x.outcome == guidance::Outcome::kMissing)) {
        return true;
      }
    }
    return false;
  }

  SiteId site_;
  app::Actor op_, coord_, nurse_, admin_;
  std::int64_t lot_ = 0;
  std::int64_t op_profile_ = 0;  // op_'s operator profile
  EpisodeId episode_;
};

TEST_P(PathwayAppTest, WalksEveryGateToFollowUpAndStoresFindings) {
  save(app::FormKind::kAssessment, myeloma_assessment());
  auto r = move(op_, "mdt");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_TRUE(r->moved);
  EXPECT_FALSE(r->overridden);
  consent_and_procedure("2027-06-01");
  auto saved = record_procedure("L2");
  ASSERT_TRUE(saved.ok()) << describe(saved);
  EXPECT_EQ(saved->episode.state, PathwayState::kFollowUp);

  const auto t = transitions();
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].gate, "assessment_to_mdt");
  EXPECT_EQ(t[0].rule_pack_version, guidance::kRulePackVersion);
  EXPECT_FALSE(t[0].blocked);
  const auto findings = json::parse(t[0].findings);
  ASSERT_TRUE(findings.is_array());
  EXPECT_FALSE(findings.empty());
  EXPECT_EQ(t[2].gate, "consent_to_procedure");
  EXPECT_EQ(t[2].procedure_date, "2026-11-25");  // no planned date given: today
  EXPECT_EQ(t[3].to_state, "follow_up");
  EXPECT_EQ(t[3].gate, "procedure_recorded");  // recording the procedure is itself checked
  EXPECT_EQ(t[3].procedure_date, "2026-11-24");
  EXPECT_FALSE(t[3].blocked);
  EXPECT_EQ(t[3].rule_pack_version, guidance::kRulePackVersion);
  ASSERT_TRUE(saved->check.has_value());
  EXPECT_FALSE(saved->check->blocked);

  // The operator's recorded procedures are counted from the procedure_operators index.
  auto profile = app::view_operator(ctx(), admin_, domain::OperatorId{op_profile_});
  ASSERT_TRUE(profile.ok()) << describe(profile);
  EXPECT_EQ(profile->cases.independent, 1);
  EXPECT_EQ(profile->cases.supervised, 0);
  EXPECT_EQ(profile->cases.supervising, 0);
}

// Issue 14, "done when"": with the default settings, a textbook osteoporotic case (fracture 4
// weeks ago, 3 weeks of optimal pain management that failed, an MDT with a radiologist and a
// spinal surgeon, consent, on-site spinal surgery) reaches follow-up without any override (H-020).
TEST_P(PathwayAppTest, TextbookOsteoporoticCaseNeedsNoOverrideWithTheDefaults) {
  ASSERT_EQ(domain::Date::today(clock_).iso(), "2026-11-25");
  save(app::FormKind::kAssessment,
       {{"assessed_on", "2026-11-19"},
        {"indication", "osteoporotic"},
        {"fracture_date", "2026-10-28"},  // 28 days ago
        {"levels", {{"L1", {{"height_loss_percent", 30}, {"mri_oedema", "yes"},
                            {"focal_tenderness", "yes"}}}}},
        {"pain_at_rest", 6},
        {"pain_on_movement", 8},
        {"analgesic", "weak_opioid"},
        {"treatments", {{"analgesics", {{"start", "2026-10-28"}, {"effect", "no_relief"}}},
                        {"bracing", {{"start", "2026-11-01"}, {"effect", "partial_relief"}}}}},
        {"refractory", true},
        {"bone_health", true}});
  auto r = move(op_, "mdt");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_TRUE(r->moved) << "the assessment gate blocked";
  for (const auto& f : r->findings) {
    EXPECT_TRUE(f.outcome == guidance::Outcome::kPass) << f.requirement << ": " << f.message;
  }
  consent_and_procedure("");
  auto saved = record_procedure("L1");
  ASSERT_TRUE(saved.ok()) << describe(saved);
  EXPECT_EQ(saved->episode.state, PathwayState::kFollowUp);
  for (const auto& t : transitions()) {
    EXPECT_FALSE(t.blocked) << t.gate;
    EXPECT_TRUE(t.override_reason.empty()) << t.gate;
  }
}

// Settings saved before the window check (the old default 42 and 42 days) are still read: the
// episode opens and the gate runs, and HTG3-1.2-REFRACTORY-WINDOW warns about them; a change that
// keeps them is refused naming both fields.
TEST_P(PathwayAppTest, SettingsSavedBeforeTheWindowCheckAreReadAndWarned) {
  json legacy = app::unit_config_json(app::UnitConfig{});
  legacy["min_conservative_days"] = 42;
  must(store().transact(store::TxMode::kWrite,
                        [&](store::Tx& tx) { return tx.set_meta("unit_settings", legacy.dump()); }),
       "set_meta");
  save(app::FormKind::kAssessment, {{"assessed_on", "2026-11-19"},
                                    {"indication", "osteoporotic"},
                                    {"fracture_date", "2026-11-01"},
                                    {"levels", {{"L1", {{"height_loss_percent", 30}}}}}});
  const auto view = must(app::view_pathway(ctx(), op_, episode_), "view");
  ASSERT_TRUE(view.next_gate.has_value());
  bool warned = false;
  for (const auto& f : view.next_gate->findings) {
    if (f.requirement == "HTG3-1.2-REFRACTORY-WINDOW") warned = f.outcome == guidance::Outcome::kWarn;
  }
  EXPECT_TRUE(warned);
  ASSERT_TRUE(view.window.has_value());
  EXPECT_EQ(view.window->min_days, 42);
  auto change = app::put_unit_config(ctx(), admin_, {{"pain_threshold", 8}});
  ASSERT_FALSE(change.ok());
  EXPECT_EQ(change.error().code, Errc::kInvalid);
  ASSERT_EQ(change.error().fields.size(), 2u);
  EXPECT_EQ(change.error().fields[0].field, "min_conservative_days");
  EXPECT_EQ(change.error().fields[1].field, "recent_fracture_window_days");
}

TEST_P(PathwayAppTest, BlockedGateNeedsAReasonAndWritesOnlyItsAuditEntry) {
  const auto head = audit_head();
  auto r = move(op_, "mdt");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_FALSE(r->moved);
  EXPECT_TRUE(has_fail(r->findings, "HTG3-1.2-REFRACTORY"));
  EXPECT_EQ(state(), PathwayState::kAssessment);
  EXPECT_TRUE(transitions().empty());
  EXPECT_EQ(last_audit_entry().action, "read");  // the view after the blocked attempt
  bool blocked_logged = false;
  for (const auto& e : audit_entries()) {
    if (e.seq > head.first && e.action == "gate_blocked") blocked_logged = true;
  }
  EXPECT_TRUE(blocked_logged);
}

TEST_P(PathwayAppTest, OverrideIsStoredWithReasonRoleAndFindings) {
  auto r = move(op_, "mdt", "Severe pain; the MDT will decide");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_TRUE(r->moved);
  EXPECT_TRUE(r->overridden);
  const auto t = transitions();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_TRUE(t[0].blocked);
  EXPECT_EQ(t[0].override_reason, "Severe pain; the MDT will decide");
  EXPECT_EQ(t[0].override_role, "operator");
  EXPECT_NE(t[0].findings.find("HTG3-1.2-REFRACTORY"), std::string::npos);
  bool audited = false;
  for (const auto& e : audit_entries()) {
    if (e.action == "transition" && e.detail.find("Severe pain; the MDT") != std::string::npos) {
      audited = true;
    }
  }
  EXPECT_TRUE(audited);
}

TEST_P(PathwayAppTest, RolesTheUnitDoesNotAllowCannotOverride) {
  save(app::FormKind::kAssessment, myeloma_assessment());
  ASSERT_TRUE(move(op_, "mdt")->moved);
  // No MDT decision: the consent gate blocks. Coordinators may move the case but not override.
  const auto before = version();
  auto r = move(coord_, "consent", "Please");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kForbidden);
  EXPECT_EQ(version(), before);
  // The administrator lets coordinators override this gate.
  must(app::put_unit_config(ctx(), admin_,
                            {{"override_roles", {{"mdt_to_consent", "operator, coordinator"}}}}),
       "settings");
  r = move(coord_, "consent", "Decision taken by telephone; minutes to follow");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_TRUE(r->overridden);
  EXPECT_TRUE(has_fail(r->findings, "HTG3-1.2-MDT"));
}

TEST_P(PathwayAppTest, WrongRoleStaleVersionAndImpossibleMovesAreRefused) {
  auto f = app::save_form(ctx(), nurse_, episode_, app::FormKind::kAssessment, 0,
                          myeloma_assessment());
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, Errc::kForbidden);
  auto r = move(nurse_, "mdt", "x");
  EXPECT_EQ(r.error().code, Errc::kForbidden);
  auto stale = app::move_episode(ctx(), op_, episode_, {"mdt", version() - 1, "x", "", ""});
  EXPECT_EQ(stale.error().code, Errc::kConflict);
  auto jump = move(op_, "procedure", "x");
  EXPECT_EQ(jump.error().code, Errc::kWrongState);
  auto unknown = move(op_, "nowhere");
  EXPECT_EQ(unknown.error().code, Errc::kInvalid);
  auto consent_now = app::save_form(ctx(), op_, episode_, app::FormKind::kConsent, 0, consent());
  EXPECT_EQ(consent_now.error().code, Errc::kWrongState);  // not open before the MDT
  EXPECT_TRUE(transitions().empty());
}

TEST_P(PathwayAppTest, FormVersionsDetectLostUpdates) {
  save(app::FormKind::kAssessment, myeloma_assessment());
  json changed = myeloma_assessment();
  changed["pain_at_rest"] = 5;
  auto first = app::save_form(ctx(), op_, episode_, app::FormKind::kAssessment, 1, changed);
  ASSERT_TRUE(first.ok()) << describe(first);
  EXPECT_EQ(first->form.version, 2);
  auto stale = app::save_form(ctx(), op_, episode_, app::FormKind::kAssessment, 1, changed);
  EXPECT_EQ(stale.error().code, Errc::kConflict);
  auto fresh = app::save_form(ctx(), op_, episode_, app::FormKind::kAssessment, 0, changed);
  EXPECT_EQ(fresh.error().code, Errc::kConflict);
}

TEST_P(PathwayAppTest, LapsedSurgeryArrangementFailsTheProcedureGate) {
  save(app::FormKind::kAssessment, myeloma_assessment());
  ASSERT_TRUE(move(op_, "mdt")->moved);
  mdt_proceed();
  ASSERT_TRUE(move(coord_, "consent")->moved);
  save(app::FormKind::kConsent, consent());
  must(app::set_site_surgery(ctx(), admin_, site_,
                             {"arrangement", "City spinal surgery", "2026-11-01"}),
       "surgery");
  auto r = move(op_, "procedure");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->moved);
  EXPECT_TRUE(has_fail(r->findings, "HTG3-1.2-SURGERY"));
  auto bad = app::set_site_surgery(ctx(), admin_, site_, {"arrangement", "", ""});
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.error().fields.size(), 2u);
  EXPECT_EQ(bad.error().fields[0].field, "service");
  EXPECT_EQ(bad.error().fields[1].field, "review_date");
  must(app::set_site_surgery(ctx(), admin_, site_,
                             {"arrangement", "City spinal surgery", "2027-11-01"}),
       "surgery");
  EXPECT_TRUE(move(op_, "procedure")->moved);
}

TEST_P(PathwayAppTest, BadProcedureSavesNothing) {
  save(app::FormKind::kAssessment, myeloma_assessment());
  ASSERT_TRUE(move(op_, "mdt")->moved);
  mdt_proceed();
  ASSERT_TRUE(move(coord_, "consent")->moved);
  save(app::FormKind::kConsent, consent());
  must(app::set_site_surgery(ctx(), admin_, site_, {"on_site", "", ""}), "surgery");
  ASSERT_TRUE(move(op_, "procedure")->moved);
  const auto head = audit_head();
  auto r = app::save_form(ctx(), op_, episode_, app::FormKind::kProcedure, 0,
                          {{"date", "2026-08-31"}, {"primary_operator_id", op_profile_},
                           {"image_guidance", "ct"}, {"anaesthesia", "local"},
                           {"cement_units", cement()},
                           {"levels", {{"L2", {{"approach", "transpedicular"},
                                               {"pedicles", "unipedicular"},
                                               {"cement_ml", 25}}}}}});
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().fields.size(), 2u);
  EXPECT_EQ(r.error().fields[0].field, "date");  // before the referral of 1 Sep
  EXPECT_EQ(r.error().fields[1].field, "levels.L2.cement_ml");
  EXPECT_EQ(audit_head(), head);
  EXPECT_EQ(state(), PathwayState::kProcedure);
  EXPECT_FALSE(must(app::view_pathway(ctx(), op_, episode_), "view").procedure.has_value());
}

TEST_P(PathwayAppTest, ExitsNeedReasonAndDateAndEndTheEpisode) {
  auto bad = app::exit_episode(ctx(), coord_, episode_, {"declined", "", "2026-11-26", version()});
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.error().fields.size(), 2u);
  EXPECT_EQ(bad.error().fields[0].field, "reason");
  EXPECT_EQ(bad.error().fields[1].field, "date");
  auto wrong = app::exit_episode(ctx(), coord_, episode_, {"closed", "x", "2026-11-20", version()});
  EXPECT_EQ(wrong.error().fields.at(0).field, "state");
  auto early = app::exit_episode(ctx(), coord_, episode_, {"declined", "x", "2026-08-01", version()});
  EXPECT_EQ(early.error().fields.at(0).field, "date");
  auto ok = app::exit_episode(ctx(), coord_, episode_,
                              {"declined", "Prefers to wait", "2026-11-20", version()});
  ASSERT_TRUE(ok.ok()) << describe(ok);
  EXPECT_EQ(ok->state, PathwayState::kDeclined);
  const auto t = transitions();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].exit_reason, "Prefers to wait");
  EXPECT_EQ(t[0].exit_date, "2026-11-20");
  auto again = app::exit_episode(ctx(), coord_, episode_, {"deceased", "x", "2026-11-21", version()});
  EXPECT_EQ(again.error().code, Errc::kWrongState);
}

TEST_P(PathwayAppTest, MdtDecisionsNeedAHeldMeetingAndARationale) {
  save(app::FormKind::kAssessment, myeloma_assessment());
  ASSERT_TRUE(move(op_, "mdt")->moved);
  auto future = must(app::create_meeting(ctx(), coord_, {site_.str(), "2026-12-01", ""}), "m");
  must(app::add_case(ctx(), coord_, future.id, episode_), "add");
  auto twice = app::add_case(ctx(), coord_, future.id, episode_);
  EXPECT_EQ(twice.error().code, Errc::kConflict);
  auto early = app::record_decision(ctx(), coord_, future.id, episode_, 0, "proceed", "ok");
  EXPECT_EQ(early.error().fields.at(0).field, "decision");
  auto past = must(app::create_meeting(ctx(), coord_, {site_.str(), "2026-11-20", ""}), "m");
  must(app::add_case(ctx(), coord_, past.id, episode_), "add");
  auto no_reason = app::record_decision(ctx(), coord_, past.id, episode_, 0, "proceed", " ");
  EXPECT_EQ(no_reason.error().fields.at(0).field, "rationale");
  auto nurse = app::record_decision(ctx(), nurse_, past.id, episode_, 0, "proceed", "ok");
  EXPECT_EQ(nurse.error().code, Errc::kForbidden);
  auto view = must(app::view_meeting(ctx(), coord_, past.id, app::MeetingDetail::kList), "view");
  ASSERT_EQ(view.cases.size(), 1u);
  EXPECT_TRUE(view.held);
}

// The move to procedure judges the procedure's rules at the planned date and stores it
// (HTG3-1.2-SURGERY: an arrangement due for review on 1 Dec holds on 30 Nov, not on 10 Dec).
TEST_P(PathwayAppTest, PlannedProcedureDateIsJudgedAndStored) {
  walk_to_consent(arrangement_until_1_dec());
  auto late = move_planned("2026-12-10");
  ASSERT_TRUE(late.ok()) << describe(late);
  EXPECT_FALSE(late->moved);
  EXPECT_TRUE(has_fail(late->findings, "HTG3-1.2-SURGERY"));
  ASSERT_TRUE(late->procedure_date.has_value());
  EXPECT_EQ(late->procedure_date->iso(), "2026-12-10");
  bool dated_block = false;
  for (const auto& e : audit_entries()) {
    dated_block = dated_block || (e.action == "gate_blocked" &&
                                  e.detail.find("\"procedure_date\":\"2026-12-10\"") !=
                                      std::string::npos);
  }
  EXPECT_TRUE(dated_block);

  auto in_time = move_planned("2026-11-30");
  ASSERT_TRUE(in_time.ok()) << describe(in_time);
  EXPECT_TRUE(in_time->moved);
  EXPECT_FALSE(has_fail(in_time->findings, "HTG3-1.2-SURGERY"));
  const auto t = transitions();
  EXPECT_EQ(t.back().gate, "consent_to_procedure");
  EXPECT_EQ(t.back().procedure_date, "2026-11-30");
  // The pathway shows the recorded-procedure check at the planned date.
  const auto v = must(app::view_pathway(ctx(), op_, episode_), "view");
  ASSERT_TRUE(v.planned_procedure_date.has_value());
  EXPECT_EQ(v.planned_procedure_date->iso(), "2026-11-30");
  ASSERT_TRUE(v.next_gate.has_value());
  EXPECT_EQ(v.next_gate->gate, guidance::Gate::kProcedureRecorded);
  EXPECT_EQ(v.next_gate->procedure_date, v.planned_procedure_date);
  EXPECT_FALSE(v.next_gate->blocked);
}

TEST_P(PathwayAppTest, PlannedProcedureDateIsCheckedAndNamed) {
  walk_to_consent({"on_site", "", ""});
  const auto head = audit_head();
  for (const char* bad : {"2026-13-01", "tomorrow", "2026-08-31", "2027-05-27"}) {
    auto r = move_planned(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalid) << bad;
    ASSERT_EQ(r.error().fields.size(), 1u) << bad;
    EXPECT_EQ(r.error().fields[0].field, "planned_procedure_date") << bad;
  }
  EXPECT_EQ(audit_head(), head);  // refusals of input write nothing
  // 26 weeks ahead is the last day accepted; a past date after the referral is accepted too
  // (records entered after the event).
  auto wrong_move = app::move_episode(ctx(), coord_, episode_, {"mdt", version(), "", "2026-12-01", ""});
  EXPECT_EQ(wrong_move.error().fields.at(0).field, "planned_procedure_date");
  auto last_day = move_planned("2027-05-26");
  ASSERT_TRUE(last_day.ok()) << describe(last_day);
  EXPECT_TRUE(last_day->moved);
}

// Recording the procedure runs gate procedure_recorded at the procedure's own date: the
// arrangement, in date at the planned date, has lapsed by the day the procedure was done.
TEST_P(PathwayAppTest, RecordedProcedureIsCheckedAtItsOwnDate) {
  walk_to_consent(arrangement_until_1_dec());
  ASSERT_TRUE(move_planned("2026-11-30")->moved);
  clock_.advance(std::chrono::days(10));  // 5 Dec
  const auto head = audit_head();
  auto blocked = record(procedure_on("2026-12-03"));
  ASSERT_TRUE(blocked.ok()) << describe(blocked);
  EXPECT_FALSE(blocked->saved);
  ASSERT_TRUE(blocked->check.has_value());
  EXPECT_TRUE(blocked->check->blocked);
  EXPECT_TRUE(blocked->check->may_override);
  EXPECT_TRUE(has_fail(blocked->check->findings, "HTG3-1.2-SURGERY"));
  ASSERT_TRUE(blocked->check->procedure_date.has_value());
  EXPECT_EQ(blocked->check->procedure_date->iso(), "2026-12-03");
  // Nothing saved: no form, no move, one gate_blocked entry (then the view's read).
  EXPECT_EQ(state(), PathwayState::kProcedure);
  EXPECT_FALSE(must(app::view_pathway(ctx(), op_, episode_), "view").procedure.has_value());
  int blocked_entries = 0;
  for (const auto& e : audit_entries()) {
    if (e.seq <= head.first) continue;
    EXPECT_TRUE(e.action == "gate_blocked" || e.action == "read") << e.action;
    blocked_entries += e.action == "gate_blocked" ? 1 : 0;
  }
  EXPECT_EQ(blocked_entries, 1);

  const std::string reason = "Renewal agreed in writing by the clinical director on 28 Nov";
  auto saved = record(procedure_on("2026-12-03"), reason);
  ASSERT_TRUE(saved.ok()) << describe(saved);
  EXPECT_TRUE(saved->saved);
  EXPECT_TRUE(saved->overridden);
  EXPECT_EQ(saved->episode.state, PathwayState::kFollowUp);
  const auto t = transitions().back();
  EXPECT_EQ(t.from_state, "procedure");
  EXPECT_EQ(t.to_state, "follow_up");
  EXPECT_EQ(t.gate, "procedure_recorded");
  EXPECT_TRUE(t.blocked);
  EXPECT_EQ(t.override_reason, reason);
  EXPECT_EQ(t.override_role, "operator");
  EXPECT_EQ(t.procedure_date, "2026-12-03");
  EXPECT_NE(t.findings.find("HTG3-1.2-SURGERY"), std::string::npos);
}

// A procedure dated before its consent is a fact to record, judged by HTG3-1.1 at its date.
TEST_P(PathwayAppTest, ProcedureBeforeConsentIsBlockedWhenRecorded) {
  walk_to_consent({"on_site", "", ""});
  ASSERT_TRUE(move_planned("")->moved);
  auto r = record(procedure_on("2026-11-19"));  // consent is dated 20 Nov
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_FALSE(r->saved);
  ASSERT_TRUE(r->check.has_value());
  EXPECT_TRUE(has_fail(r->check->findings, "HTG3-1.1"));
  // An operator the unit no longer allows to override this check is refused, by name.
  must(app::put_unit_config(ctx(), admin_, {{"override_roles", {{"procedure_recorded", json::array()}}}}),
       "settings");
  auto refused = record(procedure_on("2026-11-19"), "Consent signed on the ward on 19 Nov; "
                                                    "the form was filed the next day");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kForbidden);
  EXPECT_NE(refused.error().message.find("may not override this gate"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(state(), PathwayState::kProcedure);
}

// A correction in follow-up runs the check again; it is stored (and a block needs a reason)
// only when its findings differ from the last check stored.
TEST_P(PathwayAppTest, CorrectionInFollowUpIsCheckedAgain) {
  walk_to_consent(arrangement_until_1_dec());
  ASSERT_TRUE(move_planned("2026-11-30")->moved);
  clock_.advance(std::chrono::days(10));
  auto first = record(procedure_on("2026-11-30"));
  ASSERT_TRUE(first.ok() && first->saved) << describe(first);
  ASSERT_EQ(transitions().size(), 4u);

  // Same findings (the DAP corrected): saved, nothing more to record.
  json lot = procedure_on("2026-11-30");
  lot["dap"] = 9.5;
  lot["dap_unit"] = "Gy.cm2";
  auto same = record(lot);
  ASSERT_TRUE(same.ok() && same->saved) << describe(same);
  EXPECT_FALSE(same->check.has_value());
  EXPECT_EQ(transitions().size(), 4u);

  // The date corrected to after the arrangement lapsed: blocked until a reason is given.
  json later = procedure_on("2026-12-02");
  auto blocked = record(later);
  ASSERT_TRUE(blocked.ok()) << describe(blocked);
  EXPECT_FALSE(blocked->saved);
  EXPECT_EQ(must(app::view_pathway(ctx(), op_, episode_), "view").procedure->document["date"],
            "2026-11-30");
  auto saved = record(later, "Date corrected from the theatre register");
  ASSERT_TRUE(saved.ok() && saved->saved) << describe(saved);
  EXPECT_EQ(saved->episode.state, PathwayState::kFollowUp);
  const auto t = transitions();
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[4].from_state, "follow_up");
  EXPECT_EQ(t[4].to_state, "follow_up");
  EXPECT_EQ(t[4].gate, "procedure_recorded");
  EXPECT_EQ(t[4].procedure_date, "2026-12-02");
  EXPECT_EQ(t[4].override_reason, "Date corrected from the theatre register");
}

TEST_P(PathwayAppTest, StepBackNeedsAReasonAndTheForwardMovesRole) {
  walk_to_consent({"on_site", "", ""});
  ASSERT_TRUE(move_planned("")->moved);
  const auto before = version();
  auto no_reason = step_back(op_, "consent", "  ");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.error().fields.at(0).field, "reason");
  EXPECT_EQ(step_back(coord_, "consent", "x").error().code, Errc::kForbidden);
  EXPECT_EQ(step_back(nurse_, "consent", "x").error().code, Errc::kForbidden);
  EXPECT_EQ(version(), before);
  auto back = step_back(op_, "consent", "Consent recorded against the wrong date");
  ASSERT_TRUE(back.ok()) << describe(back);
  EXPECT_TRUE(back->moved);
  EXPECT_TRUE(back->stepped_back);
  EXPECT_EQ(state(), PathwayState::kConsent);
  auto t = transitions().back();
  EXPECT_EQ(t.from_state, "procedure");
  EXPECT_EQ(t.to_state, "consent");
  EXPECT_EQ(t.step_back_reason, "Consent recorded against the wrong date");
  EXPECT_EQ(t.gate, "");
  EXPECT_EQ(count_actions("transition"), 4);

  // Consent -> MDT by the coordinator, MDT -> assessment by an operator. The forms and the
  // MDT listing are kept.
  ASSERT_TRUE(step_back(coord_, "mdt", "New imaging to discuss").ok());
  ASSERT_TRUE(step_back(op_, "assessment", "MRI to repeat before the MDT").ok());
  const auto v = must(app::view_pathway(ctx(), op_, episode_), "view");
  EXPECT_EQ(v.episode.state, PathwayState::kAssessment);
  EXPECT_TRUE(v.assessment.has_value());
  EXPECT_TRUE(v.consent.has_value());
  EXPECT_EQ(v.mdt.size(), 1u);
  EXPECT_FALSE(v.step_back.has_value());  // no step back from assessment
  auto further = step_back(op_, "referral", "x");
  EXPECT_EQ(further.error().code, Errc::kWrongState);
  // A forward move takes no step-back reason.
  auto mixed = app::move_episode(ctx(), op_, episode_, {"mdt", version(), "", "", "why"});
  EXPECT_EQ(mixed.error().fields.at(0).field, "reason");
}

// A role the unit lists at a gate passes it with a reason without the move's own permission
// (issue 14, point 2); only as an override, and only where it is listed.
TEST_P(PathwayAppTest, ListedOverrideRolePassesTheGateWithAReason) {
  const auto gov = insert_actor("gov", Role::kGovernance, {site_});
  walk_to_consent(arrangement_until_1_dec());
  auto not_listed = app::move_episode(ctx(), gov, episode_, {"procedure", version(), "Urgent", "2026-12-10", ""});
  ASSERT_FALSE(not_listed.ok());
  EXPECT_EQ(not_listed.error().code, Errc::kForbidden);
  EXPECT_NE(not_listed.error().message.find("this unit allows: operator"), std::string::npos)
      << not_listed.error().message;
  must(app::put_unit_config(ctx(), admin_,
                            {{"override_roles", {{"consent_to_procedure", "operator, governance"}}}}),
       "settings");
  // The gate passes at 30 Nov: nothing to override, and the move is an operator's.
  auto nothing = app::move_episode(ctx(), gov, episode_, {"procedure", version(), "x", "2026-11-30", ""});
  EXPECT_EQ(nothing.error().code, Errc::kForbidden);
  EXPECT_NE(nothing.error().message.find("nothing to override"), std::string::npos);
  // Blocked at 10 Dec: the governance lead sees the findings, then overrides with a reason.
  auto seen = app::move_episode(ctx(), gov, episode_, {"procedure", version(), "", "2026-12-10", ""});
  ASSERT_TRUE(seen.ok()) << describe(seen);
  EXPECT_FALSE(seen->moved);
  EXPECT_TRUE(seen->may_override);
  auto v = must(app::view_pathway(ctx(), gov, episode_), "view");
  auto r = app::move_episode(ctx(), gov, episode_,
                             {"procedure", version(), "Renewal signed; register updated on Monday",
                              "2026-12-10", ""});
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_TRUE(r->moved);
  EXPECT_TRUE(r->overridden);
  EXPECT_EQ(transitions().back().override_role, "governance");
}

TEST_P(PathwayAppTest, SettingsRefuseOverrideRolesThatCouldNeverUseIt) {
  auto researcher = app::put_unit_config(
      ctx(), admin_, {{"override_roles", {{"assessment_to_mdt", "operator, researcher"}}}});
  ASSERT_FALSE(researcher.ok());
  EXPECT_EQ(researcher.error().fields.at(0).field, "override_roles.assessment_to_mdt");
  auto governance = app::put_unit_config(
      ctx(), admin_, {{"override_roles", {{"procedure_recorded", "operator, governance"}}}});
  ASSERT_FALSE(governance.ok());
  EXPECT_EQ(governance.error().fields.at(0).field, "override_roles.procedure_recorded");
  EXPECT_NE(governance.error().fields.at(0).message.find("record the procedure"),
            std::string::npos);
  EXPECT_TRUE(app::put_unit_config(ctx(), admin_,
                                   {{"override_roles", {{"consent_to_procedure", "governance"}}}})
                  .ok());
}

// Issue 9: a role with no part in the pathway is refused before the episode is read, so the
// answer is the same whether the episode exists or not, and nothing is logged about it.
TEST_P(PathwayAppTest, RoleWithNoPartIsRefusedBeforeTheEpisodeIsRead) {
  const auto researcher = insert_actor("res", Role::kResearcher, {site_});
  const auto head = audit_head();
  for (EpisodeId id : {episode_, EpisodeId{episode_.value + 1000}}) {
    auto r = app::move_episode(ctx(), researcher, id, {"mdt", 1, "", "", ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kForbidden);
    EXPECT_EQ(r.error().message, "Your role cannot move episodes along the pathway");
  }
  EXPECT_EQ(audit_head(), head);
}

// Issue 12: after the procedure (24 Nov 2026) the episode is on the follow-up list when a time
// point's window has opened: 1 day due 25 Nov, open to 27 Nov; 1 week due 1 Dec, open 29 Nov to
// 5 Dec. Overdue before due; only at the user's sites; each view audited with what it showed.
TEST_P(PathwayAppTest, FollowUpListFollowsTheScheduleFromTheProcedureDate) {
  save(app::FormKind::kAssessment, myeloma_assessment());
  ASSERT_TRUE(move(op_, "mdt").ok());
  consent_and_procedure("2027-06-01");
  ASSERT_TRUE(record_procedure("L2").ok());
  auto find = [&](const app::Actor& who) -> std::optional<app::FollowUpRow> {
    auto list = must(app::list_follow_ups(ctx(), who), "list_follow_ups");
    for (auto& r : list.rows) {
      if (r.row.episode.id == episode_) return r;
    }
    return std::nullopt;
  };
  clock_.set(start_time() + std::chrono::days(2));  // 27 Nov: 1 day due, last day
  auto row = find(nurse_);
  ASSERT_TRUE(row.has_value());
  ASSERT_TRUE(row->procedure_date.has_value());
  EXPECT_EQ(row->procedure_date->iso(), "2026-11-24");
  ASSERT_EQ(row->outstanding.size(), 1u);
  EXPECT_EQ(row->outstanding[0].point.name(), "1 day");
  EXPECT_EQ(row->outstanding[0].status, guidance::FollowUpStatus::kDue);

  clock_.set(start_time() + std::chrono::days(4));  // 29 Nov
  row = find(nurse_);
  ASSERT_TRUE(row.has_value());
  ASSERT_EQ(row->outstanding.size(), 2u);
  EXPECT_EQ(row->outstanding[0].status, guidance::FollowUpStatus::kOverdue);
  EXPECT_EQ(row->outstanding[1].point.name(), "1 week");
  EXPECT_EQ(row->outstanding[1].status, guidance::FollowUpStatus::kDue);

  const SiteId other = insert_site("S2");
  EXPECT_FALSE(find(insert_actor("nurse2", Role::kNurse, {other})).has_value());
  auto refused = app::list_follow_ups(ctx(), insert_actor("res", Role::kResearcher, {site_}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kForbidden);

  int lists = 0;
  for (const auto& e : audit_entries()) {
    if (e.action != "list" || e.record_type != "follow_ups") continue;
    ++lists;
    const auto detail = json::parse(e.detail);
    const bool named = detail["episodes"].is_array() && !detail["episodes"].empty() &&
                       std::find(detail["episodes"].begin(), detail["episodes"].end(),
                                 json(episode_.value)) != detail["episodes"].end();
    // The unit's nurse was shown the episode; the other site's nurse was not.
    EXPECT_EQ(named, e.user_id == nurse_.user.id.value) << e.detail;
  }
  EXPECT_EQ(lists, 3);  // the unit nurse's two views and the other site's nurse's one
  clock_.set(start_time());
}

VERTEBRO_STORE_SUITE(PathwayAppTest);

}  // namespace
}  // namespace vertebro::store_test
