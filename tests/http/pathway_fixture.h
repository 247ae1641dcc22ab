#pragma once
// The pathway's HTTP test fixture, shared by pathway_test.cpp and pathway_moves_test.cpp: a
// signed-in operator and coordinator, episodes walked to a given state through the API, MDT
// meetings and site surgery access set up through the app layer (app/mdt.h,
// app/site_surgery.h) with actors signed in as the demonstration users.

#include <algorithm>
#include <chrono>
#include <string>

#include "app/mdt.h"
#include "app/operators.h"
#include "app/sessions.h"
#include "app/site_surgery.h"
#include "live_server.h"

namespace vertebro::http_test {

inline std::string quoted(std::int64_t v) { return "\"" + std::to_string(v) + "\""; }

inline httplib::Headers with(httplib::Headers h, const std::string& name,
                             const std::string& value) {
  h.emplace(name, value);
  return h;
}

inline std::string field_message(const Json& j, const std::string& field) {
  for (const auto& f : j["error"]["fields"]) {
    if (f.value("field", "") == field) return f.value("message", "");
  }
  return {};
}

// The finding for `requirement` in a findings array, or null.
inline Json finding(const Json& findings, const std::string& requirement) {
  for (const auto& f : findings) {
    if (f.value("requirement", "") == requirement) return f;
  }
  return {};
}

// An assessment that passes the assessment-to-MDT gate for a symptomatic haemangioma (TA279
// and EBI apply to osteoporotic fractures only): 85 days of analgesics, pain 8/10, judged refractory.
inline Json passing_assessment() {
  return {{"assessed_on", "2026-11-20"},
          {"indication", "haemangioma"},
          {"haemangioma_symptoms", "Pain at T12 on standing, limiting walking"},
          {"levels",
           {{"T12",
             {{"height_loss_percent", 30},
              {"morphology", "wedge"},
              {"mri_oedema", "yes"},
              {"focal_tenderness", "yes"}}}}},
          {"pain_at_rest", 8},
          {"pain_on_movement", 9},
          {"analgesic", "weak_opioid"},
          {"treatments", {{"analgesics", {{"start", "2026-09-01"}, {"effect", "no_relief"}}}}},
          {"refractory", true},
          {"bone_health", true}};
}

// No conservative treatment and no judgement: HTG3-1.2-REFRACTORY blocks the MDT gate.
inline Json blocked_assessment() {
  Json a = passing_assessment();
  a.erase("treatments");
  a.erase("refractory");
  return a;
}

inline Json full_consent(const std::string& date = "2026-11-24") {
  return {{"date", date},
          {"clinician", "Dr R Consent (interventional radiologist)"},
          {"leaflet_version", "PIL-VP v3"},
          {"capacity_confirmed", "yes"},
          {"risks",
           {"cement_leakage", "cement_embolism", "nerve_or_spinal_cord_injury", "infection",
            "new_fractures", "no_pain_relief"}},
          {"form_reference", "CF-1"}};
}

// One pack of the demonstration cement (lot LOT-2026-0417, in date), scanned as a GS1-128
// barcode, with the six steps of its IFU (version 2) done as instructed (HTG3-1.2-CEMENT).
inline Json cement_units() {
  Json steps = Json::object();
  for (int k = 1; k <= 6; ++k) steps[std::to_string(k)] = "confirmed";
  return Json::array({{{"unit", 1},
                       {"scan", "]C1010950600013435210LOT-2026-0417"},
                       {"steps", steps}}});
}

// The demonstration's Mr Sam Surgeon (app/demo_pathway.cpp): the second operator profile, active
// at both sites, signed off for osteoporotic fractures and haemangioma (thoracic and lumbar) from
// a year before the test clock, so the fixture's procedures pass HTG3-1.2-TRAINING.
inline constexpr std::int64_t kSignedOffSurgeonProfile = 2;

inline Json procedure(const std::string& date = "2026-11-25") {
  return {{"date", date},
          {"start_time", "09:30"},
          {"primary_operator_id", kSignedOffSurgeonProfile},
          {"image_guidance", "fluoroscopy_biplane"},
          {"anaesthesia", "local"},
          {"cement_units", cement_units()},
          {"levels",
           {{"T12",
             {{"approach", "transpedicular"}, {"pedicles", "bipedicular"}, {"cement_ml", 4.5}}}}},
          {"dap", 12.5},
          {"dap_unit", "Gy.cm2"},
          {"fluoroscopy_seconds", 180}};
}

class PathwayTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    if (HasFatalFailure()) return;
    operator_ = api_sign_in("surgeon");
    coordinator_ = api_sign_in("coordinator");
    site1_ = server().site_id("RVB01");
  }

  // The operator profile of `username` active at `site` (made by the administrator when
  // missing).
  static domain::OperatorRecord active_profile(const app::Actor& admin,
                                               const std::string& username, std::int64_t site) {
    const auto& ctx = server().ctx();
    auto all = app::list_operators(ctx, admin);
    EXPECT_TRUE(all.ok());
    if (all) {
      for (const auto& o : *all) {
        if (o.username != username) continue;
        const bool here =
            std::find(o.sites.begin(), o.sites.end(), SiteId{site}) != o.sites.end();
        if (o.active && here) return o;
        auto changed = app::update_operator(ctx, admin, o.id, o.version,
                                            {"", o.professional_role, o.registration_number,
                                             {std::to_string(site)}, "active"});
        EXPECT_TRUE(changed.ok());
        return changed ? *changed : o;
      }
    }
    auto made = app::create_operator(
        ctx, admin,
        {std::to_string(server().user_id(username)), "interventional_radiologist", "GMC 7100001",
         {std::to_string(site)}, "active"});
    EXPECT_TRUE(made.ok()) << (made ? "" : made.error().message);
    return made ? *made : domain::OperatorRecord{};
  }

  static app::Actor actor_of(const ApiSession& s) {
    auto a = app::authenticate(server().ctx(), s.token);
    EXPECT_TRUE(a.ok());
    return a ? *a : app::Actor{};
  }

  std::int64_t new_episode(const std::string& levels = "T12, L1") {
    const Json p =
        create_patient(coordinator_, patient_json(site1_, next_nhs_number(), "Pathwayson"));
    const Json e = create_episode(coordinator_, p.value("id", 0),
                                  referral_json(site1_, "Dr A Okafor (GP)", levels));
    return e.value("id", 0);
  }

  static std::string path(std::int64_t id, const std::string& rest) {
    return "/api/v1/episodes/" + std::to_string(id) + "/" + rest;
  }

  std::int64_t version(std::int64_t id) const { return server().episode(id)->version; }
  std::string state(std::int64_t id) const {
    return std::string(domain::state_name(server().episode(id)->state));
  }

  httplib::Result put_form(const ApiSession& s, std::int64_t id, const std::string& kind,
                           const Json& body, const std::string& if_match = "\"0\"") {
    return client()->Put(path(id, kind), with(bearer(s.token), "If-Match", if_match), body.dump(),
                         "application/json");
  }

  httplib::Result move(const ApiSession& s, std::int64_t id, const std::string& to,
                       const std::string& reason = "", std::int64_t at_version = -1) {
    Json body = {{"to", to}};
    if (!reason.empty()) body["override_reason"] = reason;
    const std::int64_t v = at_version >= 0 ? at_version : version(id);
    return client()->Post(path(id, "transitions"), with(bearer(s.token), "If-Match", quoted(v)),
                          body.dump(), "application/json");
  }

  Json get_pathway(std::int64_t id) {
    auto r = client()->Get(path(id, "pathway"), bearer(operator_.token));
    EXPECT_TRUE(r && r->status == 200);
    return r ? json_of(*r) : Json();
  }

  // An MDT meeting at site RVB01 on `date` with a radiologist and a spinal surgeon, which
  // decides `decision` about the episode (which must be awaiting MDT).
  void discuss_at_mdt(std::int64_t id, const std::string& decision = "proceed",
                      const std::string& date = "2026-11-24") {
    const app::Actor coordinator = actor_of(coordinator_);
    const auto& ctx = server().ctx();
    auto m = app::create_meeting(ctx, coordinator, {std::to_string(site1_), date, "Spinal MDT"});
    ASSERT_TRUE(m.ok()) << m.error().message;
    ASSERT_TRUE(
        app::add_attendee(ctx, coordinator, m->id, "Dr I Radiologist", "Interventional radiologist")
            .ok());
    ASSERT_TRUE(app::add_attendee(ctx, coordinator, m->id, "Mr S Surgeon", "Spinal surgeon").ok());
    auto added = app::add_case(ctx, coordinator, m->id, EpisodeId{id});
    ASSERT_TRUE(added.ok()) << added.error().message;
    auto decided = app::record_decision(ctx, coordinator, m->id, EpisodeId{id}, 0, decision,
                                        "Meets the criteria; discussed with the team");
    ASSERT_TRUE(decided.ok()) << decided.error().message;
  }

  void surgery_on_site() {
    const app::Actor admin = actor_of(api_sign_in("admin"));
    auto s = app::set_site_surgery(server().ctx(), admin, SiteId{site1_}, {"on_site", "", ""});
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  void expect_status(const httplib::Result& r, int status) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body.substr(0, 800);
  }

  // Assessment recorded, then moved through assessment into MDT.
  std::int64_t episode_at_mdt() {
    const std::int64_t id = new_episode();
    expect_status(put_form(operator_, id, "assessment", passing_assessment()), 200);
    expect_status(move(operator_, id, "assessment"), 200);
    expect_status(move(operator_, id, "mdt"), 200);
    return id;
  }

  // Every gate passed up to "procedure"; consent dated `consent_date`.
  std::int64_t episode_at_procedure(const std::string& consent_date = "2026-11-24") {
    const std::int64_t id = episode_at_mdt();
    discuss_at_mdt(id);
    expect_status(move(coordinator_, id, "consent"), 200);
    expect_status(put_form(operator_, id, "consent", full_consent(consent_date)), 200);
    surgery_on_site();
    expect_status(move(operator_, id, "procedure"), 200);
    EXPECT_EQ(state(id), "procedure");
    return id;
  }

  // Sets the server's clock to 10:00 on `iso`. Moving it by days ends every earlier session.
  static void set_clock_day(const std::string& iso) {
    auto d = domain::Date::parse(iso, "today", "today");
    ASSERT_TRUE(d.ok());
    server().clock().set(TimePoint(std::chrono::duration_cast<TimePoint::duration>(
                             d->days().time_since_epoch())) +
                         std::chrono::hours(10));
  }

  httplib::Headers page_cookie(const ApiSession& s) const {
    return cookie("vb_session=" + s.token);
  }

  ApiSession operator_;
  ApiSession coordinator_;
  std::int64_t site1_ = 0;
};

}  // namespace vertebro::http_test
