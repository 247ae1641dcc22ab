#include "app/demo_pathway.h"

#include <nlohmann/json.hpp>

#include "app/mdt.h"
#include "app/pathway.h"
#include "app/patients.h"
#include "app/referrals.h"
#include "app/site_surgery.h"

namespace vertebro::app {

using nlohmann::json;

namespace {

// Carries the first error out of a long script of use-case calls.
class Script {
 public:
  Script(const Context& ctx, const std::vector<SiteId>& sites,
         const std::function<std::string()>& next_nhs)
      : ctx_(ctx), sites_(sites), next_nhs_(next_nhs), today_(domain::Date::today(ctx.clock())) {}

  Status error() const { return error_ ? Status{*error_} : Status{}; }
  bool ok() const { return !error_; }

  // ISO date `days` from today (negative: in the past).
  std::string day(int days) const {
    return domain::Date::from_days(today_.days() + std::chrono::days(days)).iso();
  }

  Actor actor(const std::string& username) {
    std::optional<Actor> a;
    check(ctx_.read([&](store::Tx& tx) -> Status {
      auto u = tx.find_user_by_name(username);
      if (!u) return std::move(u).error();
      if (!u->has_value()) return Error::internal("A demonstration user is missing");
      a = Actor{(*u)->user, "", ""};
      return {};
    }));
    return a ? *a : system_actor("demo-data");
  }

  template <class T>
  std::optional<T> check(Result<T> r) {
    if (!r) {
      if (!error_) error_ = r.error();
      return std::nullopt;
    }
    return std::move(*r);
  }
  void check(const Status& s) {
    if (!s && !error_) error_ = s.error();
  }

  // Registers a patient and a referral; returns the episode id (0 after an error).
  EpisodeId referral(const Actor& by, int site, const std::string& family,
                     const std::string& given, const std::string& sex, int age,
                     const std::string& indication, const std::string& levels, int referred_ago,
                     const std::string& reason) {
    if (!ok()) return {};
    const auto site_id = sites_.at(static_cast<std::size_t>(site)).str();
    const auto dob = domain::Date::from_days(today_.days() - std::chrono::days(age * 365 + 100));
    auto p = check(register_patient(ctx_, by, site_id,
                                    {next_nhs_(), family, given, dob.iso(), sex}));
    if (!p) return {};
    auto e = check(register_referral(
        ctx_, by, p->id,
        {site_id, "Dr A Okafor (GP)", day(-referred_ago), indication, levels, reason}));
    return e ? e->id : EpisodeId{};
  }

  std::int64_t version(EpisodeId id) {
    std::int64_t v = 0;
    check(ctx_.read([&](store::Tx& tx) -> Status {
      auto e = tx.find_episode(id);
      if (!e) return std::move(e).error();
      if (e->has_value()) v = (*e)->version;
      return {};
    }));
    return v;
  }

  void move(const Actor& by, EpisodeId id, const std::string& to,
            const std::string& override_reason = "") {
    if (!ok()) return;
    auto r = check(move_episode(ctx_, by, id, {to, version(id), override_reason}));
    if (r && !r->moved && !error_) {
      error_ = Error::internal("A demonstration episode was blocked at " + to);
    }
  }

  void form(const Actor& by, EpisodeId id, FormKind kind, const json& doc) {
    if (!ok()) return;
    std::int64_t current = 0;
    check(ctx_.read([&](store::Tx& tx) -> Status {
      auto f = tx.find_episode_form(id, std::string(form_kind_name(kind)));
      if (!f) return std::move(f).error();
      if (f->has_value()) current = (*f)->version;
      return {};
    }));
    check(save_form(ctx_, by, id, kind, current, doc));
  }

  void exit(const Actor& by, EpisodeId id, const std::string& state, const std::string& reason,
            int days_ago) {
    if (!ok()) return;
    check(exit_episode(ctx_, by, id, {state, reason, day(-days_ago), version(id)}));
  }

  std::int64_t meeting(const Actor& by, int site, int days, const std::string& title,
                       const std::vector<std::pair<std::string, std::string>>& attendees) {
    if (!ok()) return 0;
    auto m = check(create_meeting(
        ctx_, by, {sites_.at(static_cast<std::size_t>(site)).str(), day(days), title}));
    if (!m) return 0;
    for (const auto& [name, role] : attendees) check(add_attendee(ctx_, by, m->id, name, role));
    return m->id;
  }

  void mdt(const Actor& by, std::int64_t meeting, EpisodeId id, const std::string& decision = "",
           const std::string& rationale = "") {
    if (!ok()) return;
    check(add_case(ctx_, by, meeting, id));
    if (!decision.empty()) check(record_decision(ctx_, by, meeting, id, 0, decision, rationale));
  }

  const Context& ctx() const { return ctx_; }
  SiteId site(int i) const { return sites_.at(static_cast<std::size_t>(i)); }

 private:
  const Context& ctx_;
  const std::vector<SiteId>& sites_;
  const std::function<std::string()>& next_nhs_;
  domain::Date today_;
  std::optional<Error> error_;
};

json all_risks() {
  json risks = json::array();
  for (auto r : guidance::all_consent_risks()) risks.push_back(guidance::consent_risk_name(r));
  return risks;
}

json consent(const Script& s, int days_ago) {
  return {{"date", s.day(-days_ago)},
          {"clinician", "Mr Sam Surgeon"},
          {"leaflet_version", "VP-PIL v3 (2026)"},
          {"capacity_confirmed", true},
          {"risks", all_risks()},
          {"form_reference", "FYCON-4"}};
}

// A complete assessment; `fracture_ago` and `treated_for` set the two windows HTG3, TA279 and
// EBI read. Tumours get a SINS.
json assessment(const Script& s, const std::string& indication, const std::string& level,
                int fracture_ago, int treated_for, int pain) {
  json a = {{"assessed_on", s.day(-std::min(fracture_ago, 20) + 1)},
            {"indication", indication},
            {"fracture_date", s.day(-fracture_ago)},
            {"levels",
             {{level,
               {{"height_loss_percent", 32},
                {"morphology", "wedge"},
                {"mri_oedema", "yes"},
                {"focal_tenderness", "yes"}}}}},
            {"pain_at_rest", pain - 1},
            {"pain_on_movement", pain},
            {"analgesic", "strong_opioid"},
            {"treatments",
             {{"analgesics", {{"start", s.day(-treated_for)}, {"effect", "partial_relief"}}},
              {"physiotherapy", {{"start", s.day(-treated_for + 7)}, {"effect", "no_relief"}}}}},
            {"refractory", true},
            {"bone_health", true},
            {"bone_health_detail", "Fracture liaison service referral; alendronic acid started"},
            {"contraindications", json::array()}};
  if (indication == "metastasis") a["tumour_primary"] = "Breast";
  if (indication == "haemangioma") {
    a["haemangioma_symptoms"] = "Pain at " + level + " on standing and walking, waking at night";
  }
  if (indication == "metastasis" || indication == "myeloma") {
    a["sins"] = {{"level", level},         {"pain", "mechanical"},
                 {"bone_lesion", "lytic"}, {"alignment", "normal"},
                 {"collapse", "under_50"}, {"posterolateral", "none"}};
  }
  return a;
}

json procedure(const Script& s, const std::string& level, double cement, bool leak) {
  json l = {{"approach", "transpedicular"}, {"pedicles", "bipedicular"}, {"cement_ml", cement}};
  if (leak) {
    l["leakage"] = json::array({"B"});
    l["leakage_symptomatic"] = false;
    l["leakage_detected_by"] = "fluoroscopy";
  }
  return {{"date", s.day(-1)},
          {"start_time", "09:30"},
          {"primary_operator", "Dr Rana Radiologist"},
          {"image_guidance", "fluoroscopy_biplane"},
          {"anaesthesia", "sedation"},
          {"cement_product", "PMMA bone cement (high viscosity)"},
          {"cement_lot", "LOT-2026-0417"},
          {"levels", {{level, l}}},
          {"complications", ""},
          {"dap", 14.2},
          {"dap_unit", "Gy.cm2"},
          {"fluoroscopy_seconds", 210}};
}

}  // namespace

Status load_demo_pathway(const Context& ctx, const std::vector<SiteId>& sites,
                         const std::function<std::string()>& next_nhs_number) {
  Script s(ctx, sites, next_nhs_number);
  const Actor admin = s.actor("admin");
  const Actor coordinator = s.actor("coordinator");
  const Actor rana = s.actor("radiologist");  // operator at RVB01
  const Actor sam = s.actor("surgeon");       // operator at both sites
  if (!s.ok()) return s.error();

  // Northgate has spinal surgery on site; Southmoor's arrangement with Northgate has lapsed.
  s.check(set_site_surgery(ctx, admin, s.site(0), {"on_site", "", s.day(200)}));
  s.check(set_site_surgery(ctx, admin, s.site(1),
                           {"arrangement", "Northgate General Hospital spinal surgery",
                            s.day(-14)}));

  const std::vector<std::pair<std::string, std::string>> full_team = {
      {"Dr Rana Radiologist", "Interventional radiologist"},
      {"Mr Sam Surgeon", "Spinal surgeon"},
      {"Chris Coordinator", "MDT coordinator"},
      {"Dr H Lim", "Orthogeriatrician"}};
  const auto held = s.meeting(coordinator, 0, -10, "Spinal MDT", full_team);
  const auto next = s.meeting(coordinator, 0, 4, "Spinal MDT", {});
  const auto south = s.meeting(coordinator, 1, -12, "Southmoor spinal MDT",
                               {{"Mr Sam Surgeon", "Spinal surgeon"},
                                {"Dr K Osei", "Radiologist"}});

  // Awaiting assessment. Referred before the meeting held ten days ago, so that meeting may list
  // her (the browser test does; a meeting before a referral may not).
  s.referral(coordinator, 0, "Hughes", "Margaret", "female", 81, "osteoporotic", "L1", 12,
             "Sudden severe back pain after lifting shopping; L1 fracture on plain film.");

  // Being assessed: only the pain scores so far, so the MDT gate reports missing data.
  auto e = s.referral(coordinator, 0, "Patel", "Sunita", "female", 74, "osteoporotic", "T11", 12,
                      "Thoracolumbar pain for three weeks; T11 wedge fracture.");
  s.move(sam, e, "assessment");
  s.form(sam, e, FormKind::kAssessment,
         {{"assessed_on", s.day(-2)}, {"indication", "osteoporotic"},
          {"levels", {{"T11", {{"height_loss_percent", 22}}}}},
          {"pain_at_rest", 6}, {"pain_on_movement", 9}});

  // Awaiting MDT: a myeloma case that passes every rule, listed for the next meeting.
  e = s.referral(coordinator, 0, "Khan", "Tariq", "male", 67, "myeloma", "L2", 30,
                 "Known myeloma; new L2 pain limiting mobility.");
  s.move(sam, e, "assessment");
  s.form(sam, e, FormKind::kAssessment, assessment(s, "myeloma", "L2", 30, 60, 8));
  s.move(sam, e, "mdt");
  s.mdt(coordinator, next, e);

  // Awaiting MDT: five weeks of conservative treatment, more than the unit's 21 days, in a
  // fracture still recent.
  e = s.referral(coordinator, 0, "Davies", "Eileen", "female", 86, "osteoporotic", "T12", 33,
                 "T12 fracture after a fall at home; immobile with pain.");
  s.move(sam, e, "assessment");
  s.form(sam, e, FormKind::kAssessment, assessment(s, "osteoporotic", "T12", 35, 35, 9));
  s.move(sam, e, "mdt");
  s.mdt(coordinator, next, e);

  // Awaiting consent: a symptomatic haemangioma the MDT agreed to treat.
  e = s.referral(coordinator, 0, "Morgan", "Grace", "female", 58, "haemangioma", "T8", 45,
                 "Symptomatic T8 haemangioma; pain not controlled.");
  s.move(sam, e, "assessment");
  s.form(sam, e, FormKind::kAssessment, assessment(s, "haemangioma", "T8", 90, 90, 7));
  s.move(sam, e, "mdt");
  s.mdt(coordinator, held, e, "proceed",
        "Painful aggressive haemangioma without cord compression; vertebroplasty agreed.");
  s.move(coordinator, e, "consent");

  // Awaiting procedure: a metastasis with SINS 9 (warns: surgical consultation).
  e = s.referral(coordinator, 0, "Evans", "Brenda", "female", 63, "metastasis", "L3", 40,
                 "Breast cancer with a painful L3 metastasis.");
  s.move(sam, e, "assessment");
  s.form(sam, e, FormKind::kAssessment, assessment(s, "metastasis", "L3", 60, 60, 8));
  s.move(sam, e, "mdt");
  s.mdt(coordinator, held, e, "proceed",
        "SINS 9: spinal surgeon reviewed imaging, no instrumentation needed; proceed. NG234 "
        "pathway followed by oncology.");
  s.move(coordinator, e, "consent");
  s.form(sam, e, FormKind::kConsent, consent(s, 3));
  s.move(sam, e, "procedure");

  // Follow-up: a procedure recorded, with an asymptomatic basivertebral leak.
  e = s.referral(coordinator, 0, "Young", "Arthur", "male", 72, "myeloma", "T10", 50,
                 "Myeloma with painful T10 collapse.");
  s.move(sam, e, "assessment");
  s.form(sam, e, FormKind::kAssessment, assessment(s, "myeloma", "T10", 70, 70, 8));
  s.move(sam, e, "mdt");
  s.mdt(coordinator, held, e, "proceed", "Refractory pain; stable SINS; proceed.");
  s.move(coordinator, e, "consent");
  s.form(sam, e, FormKind::kConsent, consent(s, 4));
  s.move(sam, e, "procedure");
  s.form(rana, e, FormKind::kProcedure, procedure(s, "T10", 4.5, true));

  // Southmoor: the surgery arrangement lapsed two weeks ago, so the procedure gate blocks.
  e = s.referral(coordinator, 1, "Walker", "Dennis", "male", 70, "haemangioma", "L4", 60,
                 "Symptomatic L4 haemangioma.");
  s.move(sam, e, "assessment");
  s.form(sam, e, FormKind::kAssessment, assessment(s, "haemangioma", "L4", 120, 120, 8));
  s.move(sam, e, "mdt");
  s.mdt(coordinator, south, e, "proceed", "Agreed for vertebroplasty at Southmoor.");
  s.move(coordinator, e, "consent");
  s.form(sam, e, FormKind::kConsent, consent(s, 5));

  // Southmoor, overridden: the renewal was agreed in writing but not yet recorded.
  e = s.referral(coordinator, 1, "Singh", "Rajesh", "male", 77, "metastasis", "T9", 55,
                 "Prostate cancer; painful T9 metastasis.");
  s.move(sam, e, "assessment");
  s.form(sam, e, FormKind::kAssessment, assessment(s, "metastasis", "T9", 80, 80, 8));
  s.move(sam, e, "mdt");
  s.mdt(coordinator, south, e, "proceed", "Proceed; stable lesion.");
  s.move(coordinator, e, "consent");
  s.form(sam, e, FormKind::kConsent, consent(s, 6));
  s.move(sam, e, "procedure",
         "The renewed arrangement with Northgate spinal surgery was agreed by the clinical "
         "director in writing on the day it lapsed; the administrator will record the new "
         "review date.");

  // The four exits.
  e = s.referral(coordinator, 0, "Roberts", "Joan", "female", 79, "osteoporotic", "L2", 20,
                 "L2 fracture; pain improving slowly.");
  s.move(sam, e, "assessment");
  s.exit(sam, e, "declined", "Patient chose to continue conservative treatment.", 2);
  e = s.referral(coordinator, 0, "Bennett", "Colin", "male", 83, "osteoporotic", "T7", 25,
                 "T7 fracture.");
  s.exit(coordinator, e, "withdrawn", "Pain settled; the GP withdrew the referral.", 5);
  e = s.referral(coordinator, 0, "Fletcher", "Irene", "female", 88, "osteoporotic", "L1", 40,
                 "L1 burst fracture on CT.");
  s.move(sam, e, "assessment");
  s.form(sam, e, FormKind::kAssessment, assessment(s, "osteoporotic", "L1", 50, 50, 8));
  s.move(sam, e, "mdt",
         "The fracture is 50 days old but MRI on day 45 shows persisting oedema: unhealed. MDT "
         "to decide.");
  s.mdt(coordinator, held, e, "do_not_proceed",
        "Posterior wall retropulsion on CT: refer to the spinal surgeons.");
  s.exit(coordinator, e, "not_suitable", "MDT: posterior wall defect; spinal surgical referral.",
         9);
  e = s.referral(coordinator, 0, "Iqbal", "Aisha", "female", 91, "osteoporotic", "T12", 30,
                 "T12 fracture.");
  s.exit(coordinator, e, "deceased", "Died in hospital of pneumonia before assessment.", 6);
  return s.error();
}

}  // namespace vertebro::app
