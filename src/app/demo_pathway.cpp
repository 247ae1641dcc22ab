#include "app/demo_pathway.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "app/cement.h"
#include "app/complications.h"
#include "app/device_notices.h"
#include "app/follow_up_visits.h"
#include "app/mdt.h"
#include "app/operators.h"
#include "app/pathway.h"
#include "app/patient_links.h"
#include "app/patients.h"
#include "app/referrals.h"
#include "app/site_surgery.h"
#include "app/yellow_card.h"
#include "store/store.h"

namespace vertebro::app {

using nlohmann::json;

namespace {

// A moment of the demonstration's past: `day` days from today (negative: before), at hh:mm UTC.
struct When {
  int day = 0;
  int hour = 9;
  int minute = 0;
};

// Each use case runs with the clock at its step's moment, the steps of every patient in one time
// order, so records, transitions and the audit trail carry the dates and times a unit's real
// database would, in the order it would hold them.
class Timeline {
 public:
  void at(When w, std::function<void()> step) { steps_.push_back({w, std::move(step)}); }

  // The day of the earliest step (0 when there is none).
  int first_day() const {
    int first = 0;
    for (const auto& s : steps_) first = std::min(first, s.when.day);
    return first;
  }

  // Runs every step in time order (steps at one moment in the order they were added), with the
  // clock at the step's moment. A minute past 59 runs into the next hour.
  void run(FixedClock& clock, domain::Date today) {
    std::stable_sort(steps_.begin(), steps_.end(), [](const Step& a, const Step& b) {
      return std::pair(a.when.day, a.when.hour * 60 + a.when.minute) <
             std::pair(b.when.day, b.when.hour * 60 + b.when.minute);
    });
    for (auto& s : steps_) {
      const auto day = today.days() + std::chrono::days(s.when.day);
      clock.set(TimePoint(day) + std::chrono::hours(s.when.hour) +
                std::chrono::minutes(s.when.minute));
      s.run();
    }
  }

 private:
  struct Step {
    When when;
    std::function<void()> run;
  };
  std::vector<Step> steps_;
};

// The requirements of `findings` that block, for a demonstration script's error: " (HTG3-1.2-MDT:
// its message)".
std::string blocking(const guidance::Findings& findings) {
  std::string out;
  for (const auto& f : findings) {
    const bool fails =
        f.outcome == guidance::Outcome::kFail || f.outcome == guidance::Outcome::kMissing;
    if (!f.required || !fails) continue;
    out += (out.empty() ? " (" : "; ") + f.requirement + ": " + f.message;
  }
  return out.empty() ? out : out + ")";
}

// Carries the first error out of a long script of use-case calls.
class Script {
 public:
  Script(const Context& ctx, const std::vector<SiteId>& sites,
         const std::function<std::string()>& next_nhs, domain::Date today)
      : ctx_(ctx), sites_(sites), next_nhs_(next_nhs), today_(today) {}

  Status error() const { return error_ ? Status{*error_} : Status{}; }
  bool ok() const { return !error_; }

  domain::Date today() const { return today_; }

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
  void fail(const std::string& what) {
    if (!error_) error_ = Error::internal(what);
  }

  // Registers a patient and a referral dated today; returns the episode id (0 after an error).
  EpisodeId referral(const Actor& by, int site, const std::string& family, const std::string& given,
                     const std::string& sex, int age, const std::string& indication,
                     const std::string& levels, const std::string& reason) {
    if (!ok()) return {};
    const auto site_id = sites_.at(static_cast<std::size_t>(site)).str();
    const auto dob = domain::Date::from_days(today_.days() - std::chrono::days(age * 365 + 100));
    auto p =
        check(register_patient(ctx_, by, site_id, {next_nhs_(), family, given, dob.iso(), sex}));
    if (!p) return {};
    auto e = check(
        register_referral(ctx_, by, p->id,
                          {site_id, "Dr A Okafor (GP)", domain::Date::today(ctx_.clock()).iso(),
                           indication, levels, reason}));
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
            const std::string& override_reason = "", const std::string& planned = "",
            const std::string& step_back_reason = "") {
    if (!ok()) return;
    auto r = check(
        move_episode(ctx_, by, id, {to, version(id), override_reason, planned, step_back_reason}));
    if (r && !r->moved) {
      fail("Demonstration episode " + std::to_string(id.value) + " was blocked at " + to +
           blocking(r->findings));
    }
  }

  void form(const Actor& by, EpisodeId id, FormKind kind, const json& doc,
            const std::string& override_reason = "") {
    if (!ok()) return;
    std::int64_t current = 0;
    check(ctx_.read([&](store::Tx& tx) -> Status {
      auto f = tx.find_episode_form(id, std::string(form_kind_name(kind)));
      if (!f) return std::move(f).error();
      if (f->has_value()) current = (*f)->version;
      return {};
    }));
    auto saved = check(save_form(ctx_, by, id, kind, current, doc, override_reason));
    if (saved && !saved->saved) fail("A demonstration procedure was blocked when recorded");
  }

  // Records a complication or adverse event; its id (0 once the script has failed).
  std::int64_t complication(const Actor& by, EpisodeId id, const json& doc) {
    if (!ok()) return 0;
    auto v = check(save_complication(ctx_, by, id, 0, 0, doc));
    return v ? v->saved_id : 0;
  }

  // The device safety officer's Yellow Card report of complication `c`: the prefilled answers
  // with `answers` over them. Its id (0 once the script has failed).
  std::int64_t yellow_card(std::int64_t c, const json& answers) {
    if (!ok()) return 0;
    const Actor officer = actor("safety");
    auto start = check(start_yellow_card(ctx_, officer, c));
    if (!start) return 0;
    json doc = start->document;
    doc.update(answers);
    auto saved = check(save_yellow_card(ctx_, officer, 0, c, 0, doc));
    return saved ? saved->id : 0;
  }

  // Changes report `id` (at `version`) with `answers`.
  void change_yellow_card(std::int64_t id, std::int64_t version, const json& answers) {
    if (!ok()) return;
    const Actor officer = actor("safety");
    auto r = check(view_yellow_card(ctx_, officer, id, "view"));
    if (!r) return;
    json doc = r->document;
    for (const char* derived : {"patient_age", "patient_sex", "route"}) doc.erase(derived);
    doc.update(answers);
    check(save_yellow_card(ctx_, officer, id, 0, version, doc));
  }

  // Records the follow-up visit at `time_point` ("1 month").
  void visit(const Actor& by, EpisodeId id, const std::string& time_point, const json& doc) {
    if (!ok()) return;
    check(save_follow_up_visit(ctx_, by, id, time_point_url(time_point), 0, doc));
  }

  // The follow-up at `time_point` sent to the patient by link (`by` issues it), answered by the
  // patient the same day with the patient-facing answers of `doc`.
  void visit_by_link(const Actor& by, EpisodeId id, const std::string& time_point,
                     const json& doc) {
    if (!ok()) return;
    auto link = check(issue_follow_up_link(ctx_, by, id, time_point_url(time_point),
                                           (id.value % 2) == 0 ? "letter" : "text"));
    if (!link) return;
    json answers = json::object();
    for (const char* key : {"pain_at_rest", "pain_on_movement", "analgesic", "analgesic_use",
                            "mobility", "satisfaction", "would_have_again"}) {
      if (doc.contains(key)) answers[key] = doc[key];
    }
    check(answer_follow_up_link(ctx_, link->token, "demonstration", answers));
  }

  // The follow-up at `time_point` sent to the patient by `route` ("letter" or "text"), not
  // answered (yet).
  void send_link(const Actor& by, EpisodeId id, const std::string& time_point,
                 const std::string& route) {
    if (ok()) check(issue_follow_up_link(ctx_, by, id, time_point_url(time_point), route));
  }

  void exit(const Actor& by, EpisodeId id, const std::string& state, const std::string& reason,
            int event_day) {
    if (!ok()) return;
    check(exit_episode(ctx_, by, id, {state, reason, day(event_day), version(id)}));
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

  void list(const Actor& by, std::int64_t meeting, EpisodeId id) {
    if (ok()) check(add_case(ctx_, by, meeting, id));
  }
  void decide(const Actor& by, std::int64_t meeting, EpisodeId id, const std::string& decision,
              const std::string& rationale) {
    if (ok()) check(record_decision(ctx_, by, meeting, id, 0, decision, rationale));
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

// One patient's way through the pathway: the days of each step (from today; negative: before), the
// clinical facts the forms record, and where the story stops. A step whose day is unset does not
// happen, nor does any step after it.
struct Who {
  int site;  // 0 Northgate, 1 Southmoor
  std::string family, given, sex;
  int age;
  std::string indication, level, reason;
  int referred;  // the day of the referral
};

struct Story {
  explicit Story(Who w)
      : site(w.site),
        family(std::move(w.family)),
        given(std::move(w.given)),
        sex(std::move(w.sex)),
        age(w.age),
        indication(std::move(w.indication)),
        level(std::move(w.level)),
        reason(std::move(w.reason)),
        referred(w.referred) {}

  int site = 0;
  std::string family, given, sex;
  int age = 75;
  std::string indication, level, reason;
  int referred = 0;
  std::optional<int> started;  // assessment started
  // The assessment: its day, the fracture (or onset of pain) and the start of conservative
  // treatment. imaging false: neither MRI nor a bone scan was possible yet.
  std::optional<int> assessed;
  int fracture = 0;
  int treated_from = 0;
  int pain = 8;
  bool imaging = true;
  std::string mdt_override;         // a reason to pass the assessment-to-MDT gate
  std::int64_t* meeting = nullptr;  // the meeting that discusses it
  int meeting_day = 0;
  std::string decision, rationale;  // "" while the meeting has not decided
  std::optional<int> consented;
  std::optional<int> planned;  // the planned procedure date
  std::string procedure_override;
  std::optional<int> treated;  // the procedure recorded on that day
  double cement_ml = 4.0;
  std::string cement_lot = "LOT-2026-0417";
  std::string cement_deviation;  // how IFU step 4 was done otherwise, if it was
  bool leak = false;
  // A leak that caused symptoms after the procedure, recorded as a complication and reported
  // through the Yellow Card scheme with this regulator's reference: "mild" settled with
  // analgesia; "moderate" needed a nerve root block. "": none (or told by its own story).
  std::string symptomatic_leak;
  std::string yellow_card_reference;
  bool by_trainee = false;  // the trainee operated, supervised by the radiologist
  std::string primary = "Breast";  // a metastasis's primary tumour
  // A new vertebral fracture, `new_fracture_offset` levels from the treated one (-1: the level
  // above, +1: below; further: a distant level), found at follow-up time point
  // `new_fracture_at` (0: 1 day ... 5: 12 months). It is recorded as a complication too, at that
  // visit (`new_fracture_complication`) or `new_fracture_reported` days after the procedure, when
  // the GP reported it before the visit.
  std::optional<std::size_t> new_fracture_at;
  int new_fracture_offset = -1;
  bool new_fracture_complication = false;
  std::optional<int> new_fracture_reported;
  // How a patient whose pain eased still fell short at follow-up: still on strong opioids
  // (through 3 months), no better on their feet, or not satisfied.
  bool still_on_opioids = false;
  bool mobility_unchanged = false;
  bool unsatisfied = false;
  // Closed by the coordinator after its last follow-up time point (docs/pathway.md).
  bool close_after_last = false;
  // The last word: an exit (its day, the day it happened, its state and reason).
  std::optional<int> exited;
  int exit_event = 0;
  std::string exit_state, exit_reason;

  EpisodeId id{};
};

json assessment(const Script& s, const Story& st) {
  json level = {{"height_loss_percent", 32}, {"morphology", "wedge"}, {"focal_tenderness", "yes"}};
  if (st.imaging) level["mri_oedema"] = "yes";
  json a = {{"assessed_on", s.day(*st.assessed)},
            {"indication", st.indication},
            {"fracture_date", s.day(st.fracture)},
            {"levels", {{st.level, level}}},
            {"pain_at_rest", st.pain - 1},
            {"pain_on_movement", st.pain},
            {"analgesic", "strong_opioid"},
            {"mobility", st.pain >= 9 ? "chair_bound" : "walking_with_frame"},
            {"treatments",
             {{"analgesics", {{"start", s.day(st.treated_from)}, {"effect", "partial_relief"}}},
              {"physiotherapy",
               {{"start", s.day(std::min(st.treated_from + 5, *st.assessed))},
                {"effect", "no_relief"}}}}},
            {"refractory", true},
            {"bone_health", true},
            {"bone_health_detail", "Fracture liaison service referral; alendronic acid started"},
            {"contraindications", json::array()}};
  if (st.indication == "metastasis") a["tumour_primary"] = st.primary;
  if (st.indication == "haemangioma") {
    a["haemangioma_symptoms"] = "Pain at " + st.level + " on standing and walking, waking at night";
  }
  if (st.indication == "metastasis" || st.indication == "myeloma") {
    a["sins"] = {{"level", st.level},     {"pain", "mechanical"},   {"bone_lesion", "lytic"},
                 {"alignment", "normal"}, {"collapse", "under_50"}, {"posterolateral", "none"}};
  }
  return a;
}

json consent(const Script& s, int day) {
  return {{"date", s.day(day)},
          {"clinician", "Mr Sam Surgeon"},
          {"leaflet_version", "VP-PIL v3 (2026)"},
          {"capacity_confirmed", true},
          {"risks", all_risks()},
          {"form_reference", "FYCON-4"}};
}

json procedure(const Script& s, const Story& st, std::int64_t operator_id,
               std::int64_t supervisor_id) {
  json l = {
      {"approach", "transpedicular"}, {"pedicles", "bipedicular"}, {"cement_ml", st.cement_ml}};
  if (st.leak) {
    l["leakage"] = json::array({"B"});
    l["leakage_symptomatic"] = false;
    l["leakage_detected_by"] = "fluoroscopy";
  }
  // The pack scanned (docs/traceability.md): the high-viscosity cement's six IFU steps, or the
  // medium-viscosity one's five (its lot MV-2611 was recalled later).
  const bool mv = st.cement_lot == "MV-2611";
  json steps = json::object();
  for (int k = 1; k <= (mv ? 5 : 6); ++k) steps[std::to_string(k)] = "confirmed";
  json deviations = json::object();
  if (!st.cement_deviation.empty()) {
    steps["4"] = "deviation";
    deviations["4"] = st.cement_deviation;
  }
  const json cement = {
      {"unit", 1},
      {"scan", std::string(mv ? "(01)09506000134369" : "(01)09506000134352") + "(10)" +
                   st.cement_lot},
      {"steps", steps},
      {"deviations", deviations}};
  json doc = {{"date", s.day(*st.treated)},
          {"start_time", "14:00"},
          {"primary_operator_id", operator_id},
          {"image_guidance", "fluoroscopy_biplane"},
          {"anaesthesia", "sedation"},
          {"cement_units", json::array({cement})},
          {"levels", {{st.level, l}}},
          {"complications", ""},
          {"dap", 14.2},
          {"dap_unit", "Gy.cm2"},
          {"fluoroscopy_seconds", 210}};
  if (supervisor_id != 0) doc["supervisor_id"] = supervisor_id;
  return doc;
}

// The level of a story's new fracture (std::nullopt: none, or outside T1 to L5).
std::optional<std::string> new_fracture_level(const Story& st) {
  const auto l = domain::VertebralLevel::parse(st.level);
  if (!st.new_fracture_at || !l) return std::nullopt;
  const auto level = domain::VertebralLevel::from_index(l->index() + st.new_fracture_offset);
  const auto t1 = domain::VertebralLevel::parse("T1");
  const auto l5 = domain::VertebralLevel::parse("L5");
  if (level < *t1 || *l5 < level) {
    return std::nullopt;
  }
  return level.name();
}

// What the clinician noted of a new fracture at `level` at the visit that found it.
std::string new_fracture_note(const Story& st, const std::string& level) {
  if (st.new_fracture_reported) {
    return "The new " + level +
           " fracture the GP reported is healing; fracture liaison review done.";
  }
  if (st.new_fracture_offset == -1) {
    return "New pain a level higher after a fall at home; X-ray arranged.";
  }
  if (st.new_fracture_offset == 1) return "New pain a level lower after a fall; X-ray arranged.";
  return "New back pain at " + level +
         "; an X-ray shows a new fracture there. Fracture liaison "
         "review arranged.";
}

// The answers at follow-up time point `k` (0: 1 day ... 5: 12 months) of a story: most patients
// do well (pain down by half or more, off strong opioids, walking better, satisfied); one in five
// gains little. `n` varies the details between patients.
json follow_up(const Story& st, std::size_t k, int seen, int n, const Script& s) {
  const bool responder = n % 5 != 2;
  const int step = static_cast<int>(k);
  const int moving = responder ? std::max(1, st.pain - 4 - step / 2 - n % 2) : st.pain - 1;
  json v = {{"visit_date", s.day(seen)},
            {"contact", k == 0 ? "clinic" : (n + step) % 3 == 0 ? "clinic" : "phone"},
            {"pain_at_rest", std::max(0, moving - 1)},
            {"pain_on_movement", moving}};
  if (k == 0) return v;  // the day after: pain only, before discharge
  const bool opioids = !responder || (st.still_on_opioids && k <= 3);
  v["analgesic"] = opioids               ? "strong_opioid"
                   : k < 2               ? "weak_opioid"
                   : (n + step) % 4 == 0 ? "none"
                                         : "non_opioid";
  v["analgesic_use"] = responder ? "less" : "same";
  const bool frame = st.pain < 9;
  const std::string before = frame ? "walking_with_frame" : "chair_bound";
  v["mobility"] = !responder || st.mobility_unchanged ? before
                  : k >= 3                            ? "unaided"
                                                      : "walking_with_stick";
  v["satisfaction"] = !responder            ? (n % 2 == 0 ? "dissatisfied" : "neutral")
                      : st.unsatisfied      ? "neutral"
                      : (n + step) % 3 == 0 ? "very_satisfied"
                                            : "satisfied";
  v["would_have_again"] = responder ? "yes" : "unsure";
  // A new fracture found at this visit (Mrs Ashworth's at 6 months, directly above her treated
  // level), or reported by the GP since the last one.
  if (st.new_fracture_at == k) {
    if (const auto l = new_fracture_level(st)) {
      v["new_fracture_levels"] = json::array({*l});
      v["notes"] = new_fracture_note(st, *l);
    }
  }
  return v;
}

// The complication recording a story's new fracture.
json new_fracture_complication(const Story& st, const std::string& level, int event_day,
                               const Script& s) {
  const bool adjacent = st.new_fracture_offset == -1 || st.new_fracture_offset == 1;
  const bool reported = st.new_fracture_reported.has_value();
  return {{"type", "new_vertebral_fracture"},
          {"event_date", s.day(event_day)},
          {"detected", reported ? "reported_later" : "at_follow_up"},
          {"severity", "moderate"},
          {"further_intervention", false},
          {"device", "none"},
          {"outcome", "recovering"},
          {"description", level + " fracture, " + (adjacent ? "adjacent to" : "away from") +
                              " the treated " + st.level +
                              (reported ? ", after a fall; found on an X-ray the GP arranged. "
                                          "Analgesia and a fracture liaison review."
                                        : ", after a fall at home; analgesia and a fracture "
                                          "liaison review.")}};
}

struct Cast {
  Actor coordinator, rana, sam, tom, nurse;
  // Their operator profiles' ids, once the profiles are made (the procedure form names them).
  std::int64_t rana_profile = 0, sam_profile = 0, tom_profile = 0;
};

// Puts a story's steps on the timeline, at working-day times. `n` staggers the minutes so two
// patients' steps on one day keep a readable order.
void schedule(Timeline& tl, Script& s, const Cast& c, Story& st, int n) {
  const Actor op = st.site == 0 ? c.rana : c.sam;  // Southmoor's operator is the surgeon
  tl.at({st.referred, 9, n}, [&s, &c, &st] {
    st.id = s.referral(c.coordinator, st.site, st.family, st.given, st.sex, st.age, st.indication,
                       st.level, st.reason);
  });
  if (st.exited) {
    tl.at({*st.exited, 12, n}, [&s, &c, &st] {
      s.exit(c.coordinator, st.id, st.exit_state, st.exit_reason, st.exit_event);
    });
  }
  if (!st.started) return;
  tl.at({*st.started, 10, n}, [&s, &c, &st] { s.move(c.sam, st.id, "assessment"); });
  if (st.assessed) {
    tl.at({*st.assessed, 14, n}, [&s, op, &st] {
      s.form(op, st.id, FormKind::kAssessment, assessment(s, st));
      s.move(op, st.id, "mdt", st.mdt_override);
    });
    if (st.meeting) {
      tl.at({*st.assessed, 15, n}, [&s, &c, &st] { s.list(c.coordinator, *st.meeting, st.id); });
      if (!st.decision.empty()) {
        tl.at({st.meeting_day, 13, n}, [&s, &c, &st] {
          s.decide(c.coordinator, *st.meeting, st.id, st.decision, st.rationale);
        });
      }
    }
  }
  if (st.consented) {
    tl.at({st.meeting_day + 1, 9, 30 + n},
          [&s, &c, &st] { s.move(c.coordinator, st.id, "consent"); });
    tl.at({*st.consented, 11, n}, [&s, &c, &st] {
      s.form(c.sam, st.id, FormKind::kConsent, consent(s, *st.consented));
      if (st.planned) {
        s.move(c.sam, st.id, "procedure", st.procedure_override, s.day(*st.planned));
      }
    });
  }
  if (st.treated) {
    tl.at({*st.treated, 16, n}, [&s, &c, op, &st] {
      const std::int64_t profile = st.by_trainee ? c.tom_profile
                                   : st.site == 0  ? c.rana_profile
                                                   : c.sam_profile;
      s.form(op, st.id, FormKind::kProcedure,
             procedure(s, st, profile, st.by_trainee ? c.rana_profile : 0));
    });
    // Mr Carter's puncture site: a small haematoma, settled before discharge.
    if (st.family == "Carter") {
      tl.at({*st.treated, 17, n}, [&s, op, &st] {
        s.complication(op, st.id,
                       {{"type", "bleeding_or_haematoma"},
                        {"event_date", s.day(*st.treated)},
                        {"detected", "before_discharge"},
                        {"severity", "mild"},
                        {"further_intervention", false},
                        {"device", "needle"},
                        {"level", st.level},
                        {"outcome", "recovered"},
                        {"description", "Small haematoma at the left pedicle puncture site; "
                                        "pressure applied, settled before discharge."}});
      });
    }
    // Mrs Ward: cement in the left L2 foramen after a leak not seen to cause symptoms on the
    // table, with left L2 root pain that evening; CT, a root block. Reported through the Yellow
    // Card scheme, the MHRA's reference recorded.
    if (st.family == "Ward") {
      auto report = std::make_shared<std::int64_t>(0);
      tl.at({*st.treated, 19, n}, [&s, &c, &st, report] {
        const std::int64_t id = s.complication(
            c.rana, st.id,
            {{"type", "symptomatic_cement_leakage"},
             {"event_date", s.day(*st.treated)},
             {"detected", "before_discharge"},
             {"severity", "moderate"},
             {"further_intervention", true},
             {"intervention", "CT of the lumbar spine; left L2 nerve root block the next day."},
             {"device", "cement"},
             {"level", st.level},
             {"cement_unit", 1},
             {"outcome", "recovered_with_sequelae"},
             {"description", "Left L2 radicular pain that evening; CT showed cement in the left "
                             "L2 foramen. Mild numbness of the left thigh persists."}});
        *report = id;
      });
      tl.at({*st.treated + 2, 10, n}, [&s, report] {
        *report = s.yellow_card(
            *report,
            {{"nation", "england"},
             {"reporter_contact", "device.safety@northgate.example.nhs.uk"},
             {"marking", "ce_ukca"},
             {"device_location", "kept_by_unit"},
             {"actions_taken", "The rest of the lot quarantined; the manufacturer informed."}});
      });
      tl.at({*st.treated + 3, 15, n}, [&s, &st, report] {
        s.change_yellow_card(*report, 1,
                             {{"status", "submitted"},
                              {"regulator_reference", "DEMO-MHRA-0001"},
                              {"submitted_on", s.day(*st.treated + 3)}});
      });
    }
    // Mrs Cooper: her blood pressure fell as the cement went in, and recovered with fluids.
    // The device safety officer's report is a draft.
    if (st.family == "Cooper") {
      auto report = std::make_shared<std::int64_t>(0);
      tl.at({*st.treated, 18, n}, [&s, &c, &st, report] {
        const std::int64_t id = s.complication(
            c.rana, st.id,
            {{"type", "cement_reaction"},
             {"event_date", s.day(*st.treated)},
             {"detected", "during_procedure"},
             {"severity", "moderate"},
             {"further_intervention", true},
             {"intervention", "Intravenous fluids; observed on the ward overnight."},
             {"device", "cement"},
             {"cement_unit", 1},
             {"outcome", "recovered"},
             {"description", "Systolic blood pressure fell from 130 to 85 mmHg during cement "
                             "injection; no hypoxia; recovered within 20 minutes."}});
        *report = id;
      });
      tl.at({*st.treated + 1, 11, n}, [&s, report] {
        s.yellow_card(*report, {{"nation", "england"}, {"device_location", "in_patient"}});
      });
    }
    // A leak that caused symptoms that evening: CT found cement beside the treated level. The
    // device safety officer reported it through the Yellow Card scheme two days later.
    if (!st.symptomatic_leak.empty()) {
      auto report = std::make_shared<std::int64_t>(0);
      tl.at({*st.treated, 18, n}, [&s, op, &st, report] {
        const bool moderate = st.symptomatic_leak == "moderate";
        json doc = {{"type", "symptomatic_cement_leakage"},
                    {"event_date", s.day(*st.treated)},
                    {"detected", "before_discharge"},
                    {"severity", st.symptomatic_leak},
                    {"further_intervention", moderate},
                    {"device", "cement"},
                    {"level", st.level},
                    {"cement_unit", 1},
                    {"outcome", "recovered"}};
        if (moderate) {
          doc["intervention"] = "CT of the spine; a nerve root block the next day.";
          doc["description"] = "Radicular pain at " + st.level +
                               " that evening; CT showed cement in the foramen. Settled after "
                               "the root block.";
        } else {
          const bool thoracic = st.level.front() == 'T';
          doc["description"] = std::string(thoracic ? "Band-like pain around the chest wall"
                                                    : "Pain spreading into the flank") +
                               " at " + st.level +
                               " that evening; CT showed a small paravertebral cement leak. "
                               "Settled with analgesia overnight.";
        }
        *report = s.complication(op, st.id, doc);
      });
      tl.at({*st.treated + 2, 10, n}, [&s, &st, report] {
        const std::int64_t id =
            s.yellow_card(*report, {{"nation", "england"},
                                    {"reporter_contact", "device.safety@northgate.example.nhs.uk"},
                                    {"marking", "ce_ukca"},
                                    {"device_location", "kept_by_unit"},
                                    {"actions_taken", "The manufacturer informed."}});
        s.change_yellow_card(id, 1,
                             {{"status", "submitted"},
                              {"regulator_reference", st.yellow_card_reference},
                              {"submitted_on", s.day(*st.treated + 2)}});
      });
    }
    // Follow-ups (docs/pathway.md): each time point due by yesterday, seen on its due day or a
    // few days after (Northgate's radiologist, Southmoor's nurse), about one in eight
    // missed; none after the episode ended.
    const auto procedure_day = s.day(*st.treated);
    const auto done = *domain::Date::parse(procedure_day, "date", "date");
    const auto points = guidance::default_follow_up_time_points();
    std::optional<int> last_seen;  // the last time point's visit (or the end of its window)
    bool last_missed = false;
    for (std::size_t k = 0; k < points.size(); ++k) {
      const auto due = guidance::due_date(done, points[k]);
      // The first two inside their short windows; later ones up to three days late.
      const int due_day = static_cast<int>((due.days() - s.today().days()).count());
      const int seen =
          due_day + static_cast<int>((static_cast<std::size_t>(n) + k) % (k < 2 ? 2 : 4));
      const std::string name = points[k].name();
      // The follow-ups from 1 month on that fell due in the last 60 days were sent to the
      // patient on their due day and are not answered yet; most reminders (days 7 and 14)
      // were sent on their day, some are still to send: the nurses' "send today" and phone
      // lists (docs/pathway.md).
      if (k >= 2 && due_day < 0 && due_day >= -60 && !st.exited && !st.close_after_last &&
          st.family != "Ashworth") {
        const std::string route = n % 4 < 2 ? "letter" : "text";
        const bool first_reminder = n % 3 != 0;
        const bool second_reminder = first_reminder && n % 2 == 0;
        for (const int sent : {due_day, due_day + 7, due_day + 14}) {
          if (sent >= 0 || (sent == due_day + 7 && !first_reminder) ||
              (sent == due_day + 14 && !second_reminder)) {
            break;
          }
          tl.at({sent, 10, n}, [&s, &c, &st, name, route] {
            s.send_link(st.site == 0 ? c.rana : c.nurse, st.id, name, route);
          });
        }
        break;
      }
      if (seen >= 0 || (st.exited && seen >= *st.exited)) break;
      // A visit that finds a new fracture is never missed; nor is the last one of an episode to
      // be closed while its window is still open (it could not be closed yet).
      const bool finds_fracture = st.new_fracture_at == k;
      const bool last = k + 1 == points.size();
      const int window_end = static_cast<int>(
          (guidance::follow_up_due(done, points[k], done).window_end.days() - s.today().days())
              .count());
      const bool missed = (static_cast<std::size_t>(n) * 5 + k * 3) % 8 == 7 && !finds_fracture &&
                          !(last && st.close_after_last && window_end >= -7);
      if (last) {
        last_seen = missed ? window_end : seen;
        last_missed = missed;
      }
      if (missed) continue;
      // From 1 month on, about one in four answered by the patient through a link (its answers
      // have no place for a new fracture).
      const bool by_link = k >= 2 && (static_cast<std::size_t>(n) + k) % 4 == 0 &&
                           st.family != "Ashworth" && !finds_fracture;
      tl.at({seen, 11, n}, [&s, &c, &st, k, seen, n, name, by_link] {
        const Actor by = st.site == 0 ? c.rana : c.nurse;
        if (by_link) {
          s.visit_by_link(by, st.id, name, follow_up(st, k, seen, n, s));
        } else {
          s.visit(by, st.id, name, follow_up(st, k, seen, n, s));
        }
      });
      if (finds_fracture && st.new_fracture_complication) {
        tl.at({seen, 11, 30 + n}, [&s, &c, &st, seen] {
          if (const auto l = new_fracture_level(st)) {
            s.complication(st.site == 0 ? c.rana : c.nurse, st.id,
                           new_fracture_complication(st, *l, seen - 3, s));
          }
        });
      }
    }
    // A new fracture the GP reported between visits.
    if (st.new_fracture_reported) {
      const int reported = *st.treated + *st.new_fracture_reported;
      tl.at({reported, 10, 30 + n}, [&s, &c, &st, reported] {
        if (const auto l = new_fracture_level(st)) {
          s.complication(st.site == 0 ? c.rana : c.nurse, st.id,
                         new_fracture_complication(st, *l, reported - 6, s));
        }
      });
    }
    // Closed a week or few after the last time point was seen, or after its window closed.
    if (st.close_after_last && last_seen) {
      const int closed = std::min(*last_seen + 6 + n % 10, -1);
      if (closed > *last_seen) {
        const std::string reason =
            last_missed ? "No answer at 12 months to a letter and two phone calls; follow-up "
                          "ended, the GP informed."
                        : "Follow-up complete at 12 months; discharged to the GP and the "
                          "fracture liaison service.";
        tl.at({closed, 12, n}, [&s, &c, &st, closed, reason] {
          s.exit(c.coordinator, st.id, "closed", reason, closed);
        });
      }
    }
  }
}

// A number from 0 to n - 1 that varies with cohort patient `i` and `salt` in no pattern a reader
// would notice; the same every time.
int vary(int i, int salt, int n) {
  const std::uint32_t h = ((static_cast<std::uint32_t>(i) + 1u) * 2654435761u) ^
                          ((static_cast<std::uint32_t>(salt) + 1u) * 40503u);
  return static_cast<int>(((h * 2246822519u) >> 9) % static_cast<std::uint32_t>(n));
}

// The historical cohort, for the HTG3 outcomes report: 90 patients treated between about 24 and
// 13 months ago, two in three at Northgate (by the radiologist), one in three at Southmoor (by
// the surgeon, under its earlier arrangement), each discussed at the monthly MDT meeting of its
// site before the procedure, followed up at every time point (about one in eight missed) and
// closed after the last. Mostly osteoporotic fractures, with a few myeloma and metastasis cases
// at Northgate and haemangiomas at Southmoor (the operators' sign-offs cover them). One in seven
// procedures leaked, spread through each operator's cases so that neither learning curve
// signals (not even at a threshold h of 1); two leaks caused symptoms (one needed a root block),
// each reported through the Yellow Card scheme; five patients had a new vertebral fracture.
void add_cohort(const std::function<std::int64_t*(int, int, const std::string&)>& meeting,
                const std::function<Story&(Who)>& story) {
  static_assert(kDemoCohortPatients == 90, "Twelve monthly meetings a site hold 90 patients");
  static constexpr std::array kFamilies = {
      "Abbott",   "Barlow",    "Blackwood", "Brindley", "Chambers",   "Denholm",
      "Dunmore",  "Ellwood",   "Farrow",    "Fenwick",  "Garside",    "Hadley",
      "Harrop",   "Hollins",   "Ingram",    "Kershaw",  "Lambton",    "Lockwood",
      "Marsden",  "Merriman",  "Norbury",   "Oldfield", "Pennington", "Radcliffe",
      "Rowntree", "Sedgwick",  "Shipley",   "Thornton", "Tindall",    "Upton",
      "Varley",   "Whitworth", "Wilde",     "Yardley",  "Kirkby",     "Fairhurst"};
  static constexpr std::array kWomen = {
      "Audrey", "Beryl",  "Christine", "Doreen", "Elsie",   "Freda",  "Gwen",   "Hilda",
      "Ivy",    "Jean",   "Kathleen",  "Lilian", "Maureen", "Nora",   "Olive",  "Pauline",
      "Rita",   "Sheila", "Valerie",   "Wendy",  "Barbara", "Muriel", "Shirley"};
  static constexpr std::array kMen = {"Albert",   "Bernard", "Clifford", "Donald", "Eric",
                                      "Geoffrey", "Harold",  "Leonard",  "Norman", "Raymond",
                                      "Roy",      "Sidney",  "Trevor",   "Walter", "Alan",
                                      "Gordon",   "Keith"};
  // Osteoporotic fractures gather at the thoracolumbar junction; tumours anywhere from T6 to L5.
  static constexpr std::array kLevels = {"T12", "L1",  "T11", "L2", "T12", "L1", "T8",
                                         "L3",  "T10", "T12", "L1", "T7",  "L2", "T11",
                                         "L4",  "T9",  "T12", "T6", "L1",  "L5"};
  static constexpr std::array kWomenPrimaries = {"Breast", "Lung", "Kidney"};
  static constexpr std::array kMenPrimaries = {"Prostate", "Lung", "Kidney"};
  static constexpr std::array kFalls = {
      " fracture after a fall; pain not settling.",
      " fracture lifting a basket of washing; pain limiting walking.",
      " fracture found after sudden back pain; not settling with analgesia."};

  // Monthly meetings: Northgate's twelve from 725 days ago, Southmoor's a fortnight after each.
  constexpr int kMeetings = 12;
  std::array<std::array<std::int64_t*, kMeetings>, 2> meetings{};
  std::array<std::array<int, kMeetings>, 2> meeting_days{};
  for (int m = 0; m < kMeetings; ++m) {
    for (int site : {0, 1}) {
      const int day = -725 + 14 * site + 28 * m;
      meeting_days.at(site).at(m) = day;
      meetings.at(site).at(m) =
          meeting(site, day, site == 0 ? "Spinal MDT" : "Southmoor spinal MDT");
    }
  }

  std::array<int, 2> listed{0, 0};  // each site's patients so far
  for (int i = 0; i < kDemoCohortPatients; ++i) {
    const int site = i % 3 == 2 ? 1 : 0;
    const int j = listed.at(site)++;
    // Five a meeting at Northgate, two or three at Southmoor, treated in the order listed.
    const int m = site == 0 ? j / 5 : j * 2 / 5;
    const int place = site == 0 ? j % 5 : j - (5 * m + 1) / 2;
    std::string indication = "osteoporotic";
    if (site == 0 && j % 12 == 5) indication = "myeloma";
    if (site == 0 && j % 15 == 9) indication = "metastasis";
    if (site == 1 && j % 10 == 6) indication = "haemangioma";
    const bool tumour = indication == "myeloma" || indication == "metastasis";
    const bool woman = vary(i, 1, 10) < (tumour ? 5 : 7);
    const std::string family = kFamilies.at(static_cast<std::size_t>(i * 7) % kFamilies.size());
    const std::string given = woman ? kWomen.at(static_cast<std::size_t>(i * 5) % kWomen.size())
                                    : kMen.at(static_cast<std::size_t>(i * 3) % kMen.size());
    const std::string level =
        kLevels.at(static_cast<std::size_t>(vary(i, 2, static_cast<int>(kLevels.size()))));
    std::string reason = level + kFalls.at(static_cast<std::size_t>(vary(i, 3, 3)));
    std::string rationale = "Acute " + level + " fracture on MRI, refractory pain; proceed.";
    std::string primary = "Breast";
    if (indication == "myeloma") {
      reason = "Myeloma with a painful " + level + " collapse.";
      rationale =
          "Refractory pain; SINS indeterminate, reviewed by the spinal surgeon: no "
          "fixation needed; proceed.";
    } else if (indication == "metastasis") {
      primary = woman ? kWomenPrimaries.at(static_cast<std::size_t>(j % 3))
                      : kMenPrimaries.at(static_cast<std::size_t>(j % 3));
      reason = primary + " cancer with a painful " + level + " metastasis.";
      rationale =
          "SINS indeterminate: the spinal surgeon reviewed the imaging, no "
          "instrumentation needed; proceed. NG234 pathway followed by oncology.";
    } else if (indication == "haemangioma") {
      reason = "Symptomatic " + level + " haemangioma; pain not controlled.";
      rationale =
          "Painful aggressive haemangioma without cord compression; vertebroplasty "
          "agreed.";
    }
    const int meeting_day = meeting_days.at(site).at(m);
    const int referred = meeting_day - 20 - vary(i, 4, 5);
    Story& st = story({site, family, given, woman ? "female" : "male", 62 + vary(i, 5, 31),
                       indication, level, reason, referred});
    st.started = referred + 2;
    const int assessed = meeting_day - 4 - vary(i, 6, 3);
    const int treated = meeting_day + 3 + (site == 0 ? place : 2 * place);
    st.assessed = assessed;
    // The fracture three to four weeks before the assessment, conservative treatment from the
    // next day, so that at least 21 days of it had passed then and the fracture was at most 41
    // days old at the procedure; a haemangioma's pain for two to three months.
    if (indication == "haemangioma") {
      st.fracture = referred - 60 - vary(i, 7, 30);
      st.treated_from = st.fracture + 10;
    } else {
      st.fracture = assessed - 22 - vary(i, 7, 41 - (treated - assessed) - 22 + 1);
      st.treated_from = st.fracture + 1;
    }
    st.pain = 7 + vary(i, 8, 3);
    st.primary = primary;
    st.meeting = meetings.at(site).at(m);
    st.meeting_day = meeting_day;
    st.decision = "proceed";
    st.rationale = rationale;
    st.consented = meeting_day + 2;
    st.planned = treated;
    st.treated = treated;
    st.cement_lot = "LOT-2025-1102";
    st.cement_ml = 2.5 + 0.5 * vary(i, 10, 5);
    // One in seven of each operator's cases leaked, six cases apart, so that the learning curves
    // fall back to zero between leaks.
    st.leak = j % 7 == 3;
    st.still_on_opioids = vary(i, 11, 10) == 0;
    st.mobility_unchanged = vary(i, 12, 12) == 0;
    st.unsatisfied = vary(i, 13, 14) == 0;
    st.close_after_last = true;
    // Two of the leaks caused symptoms that evening.
    if ((site == 0 && j == 24) || (site == 1 && j == 17)) {
      st.symptomatic_leak = site == 0 ? "mild" : "moderate";
      st.yellow_card_reference = site == 0 ? "DEMO-MHRA-0002" : "DEMO-MHRA-0003";
    }
    // Five new fractures: found at the 3- or 12-month visit, next to the treated level or
    // further away; one reported by the GP eight months on and seen again at 12 months.
    struct NewFracture {
      int patient;
      std::size_t at;  // the time point (3: 3 months, 5: 12 months)
      int offset;      // levels from the treated one
      int reported;    // days after the procedure the GP reported it (0: found at the visit)
    };
    for (const NewFracture& f :
         {NewFracture{7, 3, -1, 0}, NewFracture{38, 3, -3, 0}, NewFracture{50, 5, 1, 0},
          NewFracture{70, 5, -4, 0}, NewFracture{19, 5, -1, 250}}) {
      if (f.patient != i) continue;
      st.new_fracture_at = f.at;
      st.new_fracture_offset = f.offset;
      if (f.reported != 0) st.new_fracture_reported = f.reported;
    }
  }
}

}  // namespace

Status load_demo_pathway(const Context& ctx, const std::vector<SiteId>& sites,
                         const std::function<std::string()>& next_nhs_number, bool with_cohort) {
  const domain::Date today = domain::Date::today(ctx.clock());
  FixedClock walk(ctx.clock().now());
  const Context past(ctx.store(), walk, ctx.settings());
  Script s(past, sites, next_nhs_number, today);
  const Actor admin = s.actor("admin");
  Cast c{s.actor("coordinator"), s.actor("radiologist"), s.actor("surgeon"), s.actor("trainee"),
         s.actor("nurse")};
  if (!s.ok()) return s.error();
  Timeline tl;

  // Before the historical cohort: Northgate has spinal surgery on site; Southmoor an arrangement
  // with Northgate, renewed a year ago.
  tl.at({kDemoPathwayFirstDay, 8, 0}, [&] {
    s.check(set_site_surgery(past, admin, s.site(0), {"on_site", "", s.day(-365)}));
    s.check(set_site_surgery(
        past, admin, s.site(1),
        {"arrangement", "Northgate General Hospital spinal surgery", s.day(-300)}));
  });
  // A year ago: Northgate has spinal surgery on site; Southmoor an arrangement with Northgate, due
  // for review two weeks ago and not renewed in vertebro since.
  tl.at({-365, 8, 0}, [&] {
    s.check(set_site_surgery(past, admin, s.site(0), {"on_site", "", s.day(200)}));
    s.check(
        set_site_surgery(past, admin, s.site(1),
                         {"arrangement", "Northgate General Hospital spinal surgery", s.day(-14)}));
  });

  // Operator profiles (docs/training.md), before the historical cohort: both operators signed
  // off for osteoporotic fractures, until a review in two years; the surgeon for haemangioma too;
  // the radiologist's older sign-off for vertebral tumours passed its review date a month ago
  // and has not been renewed.
  std::optional<domain::OperatorId> rana_id;
  tl.at({-790, 9, 0}, [&] {
    const Actor trainer = s.actor("trainer");
    const auto rana = s.check(create_operator(
        past, admin,
        {std::to_string(c.rana.user.id.value), "interventional_radiologist", "GMC 7000001",
         {std::to_string(s.site(0).value)}, "active"}));
    const auto sam = s.check(create_operator(
        past, admin,
        {std::to_string(c.sam.user.id.value), "spinal_surgeon", "GMC 7000002",
         {std::to_string(s.site(0).value), std::to_string(s.site(1).value)}, "active"}));
    if (!rana || !sam) return;
    rana_id = rana->id;
    c.rana_profile = rana->id.value;
    c.sam_profile = sam->id.value;
    s.check(
        sign_off_competence(past, trainer, rana->id,
                            {s.day(-790), "osteoporotic_thoracolumbar", s.day(-364 + 3 * 365)}));
    s.check(sign_off_competence(past, trainer, rana->id,
                                {s.day(-1500), "tumour_thoracolumbar", s.day(-30)}));
    s.check(
        sign_off_competence(past, trainer, sam->id,
                            {s.day(-790), "osteoporotic_thoracolumbar", s.day(-364 + 3 * 365)}));
    s.check(sign_off_competence(past, trainer, sam->id,
                                {s.day(-790), "haemangioma_thoracolumbar", s.day(-364 + 3 * 365)}));
  });
  // A year ago: the radiologist's training log has a checked course and an observed case still
  // waiting for the training lead; the trainee's profile.
  tl.at({-364, 9, 0}, [&] {
    const Actor trainer = s.actor("trainer");
    if (!rana_id) return;
    const auto course = s.check(add_training_entry(
        past, c.rana, *rana_id,
        {"course", s.day(-400), "Vertebral augmentation course (two days, with simulation)",
         "Certificate VA-2025-118"}));
    if (course) s.check(check_training_entry(past, trainer, *rana_id, course->id));
    s.check(add_training_entry(
        past, c.rana, *rana_id,
        {"observed_case", s.day(-380), "Observed a T11 vertebroplasty", "Case log 14"}));
    // The trainee: a profile with no sign-off yet, operating under the radiologist's supervision.
    const auto tom = s.check(create_operator(
        past, admin,
        {std::to_string(c.tom.user.id.value), "interventional_radiologist", "GMC 7000003",
         {std::to_string(s.site(0).value)}, "active"}));
    if (!tom) return;
    c.tom_profile = tom->id.value;
    const auto tom_course = s.check(add_training_entry(
        past, c.tom, tom->id,
        {"course", s.day(-370), "Vertebral augmentation course (two days, with simulation)",
         "Certificate VA-2025-131"}));
    if (tom_course) s.check(check_training_entry(past, trainer, tom->id, tom_course->id));
  });

  // The cement catalogue (docs/traceability.md), kept by the device safety officer: three
  // invented products (GTINs from GS1's demonstration range 0950600013...), one with a second
  // version of its instructions; lots in date, one expired and one recalled three weeks ago.
  // The products and the lot the historical cohort used came before it; the rest a year ago.
  std::optional<domain::CementLotId> recalled_lot;
  std::optional<domain::CementProductId> hv_product;
  const app::IfuInput hv_ifu{
      "DEMO-IFU-HV rev B", "60", "120", "900", "18", "25",
      "Fill the delivery syringe from the mixer with the nozzle up; expel air before "
      "connecting to the cannula.",
      {"Check the pack is intact and within its expiry date",
       "Bring powder and liquid to room temperature (18 to 25 C) for 24 hours",
       "Empty all of the powder, then all of the liquid, into the closed mixing system",
       "Mix for 60 seconds at about one turn per second",
       "Wait 120 seconds until the cement no longer strings",
       "Load the delivery system and inject under continuous fluoroscopy within the working "
       "time"}};
  tl.at({-780, 10, 0}, [&] {
    const Actor safety = s.actor("safety");
    const auto hv = s.check(create_cement_product(
        past, safety,
        {"Demonstration PMMA bone cement, high viscosity", "Demo Medical Ltd", "ce_ukca", "high",
         "10", {"09506000134352"}, {}, hv_ifu}));
    const auto mv = s.check(create_cement_product(
        past, safety,
        {"Demonstration radiopaque cement, medium viscosity", "Demo Medical Ltd", "ce", "medium",
         "12.5", {"09506000134369"}, {},
         {"DEMO-IFU-MV rev A", "45", "180", "600", "19", "24", "",
          {"Check the pack is intact and within its expiry date",
           "Pour the liquid into the powder in the mixing bowl",
           "Mix for 45 seconds", "Wait 180 seconds before loading",
           "Inject within 10 minutes of the end of mixing"}}}));
    const auto lv = s.check(create_cement_product(
        past, safety,
        {"Demonstration vertebral cement kit, low viscosity", "Example Orthopaedics plc", "ukca",
         "low", "9", {"09506000134376"}, {},
         {"DEMO-IFU-LV 3", "30", "", "480", "", "", "Use the kit's own pressure syringe only.",
          {"Open the kit in the sterile field", "Mix for 30 seconds with the kit's spatula",
           "Transfer to the pressure syringe at once"}}}));
    if (!hv || !mv || !lv) return;
    hv_product = hv->id;
    s.check(register_cement_lot(past, safety,
                                {"", "09506000134352", "", "LOT-2025-1102", s.day(-40), ""}));
  });
  tl.at({-363, 10, 0}, [&] {
    const Actor safety = s.actor("safety");
    if (!hv_product) return;
    app::IfuInput hv_ifu_c = hv_ifu;
    hv_ifu_c.reference = "DEMO-IFU-HV rev C";
    hv_ifu_c.waiting_seconds = "150";
    hv_ifu_c.steps[4] = "Wait 150 seconds until the cement no longer strings (changed in rev C)";
    s.check(add_ifu_version(past, safety, *hv_product, hv_ifu_c));
    s.check(register_cement_lot(
        past, safety, {"(01)09506000134352(17)" + s.day(400).substr(2, 2) +
                           s.day(400).substr(5, 2) + "00(10)LOT-2026-0417", "", "", "", "", ""}));
    const auto recalled = s.check(register_cement_lot(
        past, safety, {"", "09506000134369", "", "MV-2611", s.day(300), s.day(-400)}));
    s.check(register_cement_lot(past, safety,
                                {"", "09506000134376", "", "LV-0090", s.day(200), ""}));
    if (recalled) recalled_lot = recalled->id;
  });
  tl.at({-21, 11, 0}, [&] {
    if (!recalled_lot) return;
    s.check(recall_cement_lot(past, s.actor("safety"), *recalled_lot,
                              {s.day(-21),
                               "Manufacturer's field safety notice: the liquid ampoules of this "
                               "lot may be under-filled, so the cement may not set as its "
                               "instructions say",
                               "FSN-DEMO-2026-07"}));
    // The manufacturer's notice behind the recall, in the notices register and acknowledged.
    const auto fsn = s.check(create_device_notice(
        past, s.actor("safety"),
        {"FSN-DEMO-2026-07", "Demonstration radiopaque cement: under-filled liquid ampoules",
         s.day(-22),
         "The manufacturer reports that liquid ampoules of lot MV-2611 may be under-filled, so "
         "the mixed cement may not reach the viscosity and setting time its instructions give.",
         "Quarantine and return unused packs of the lot. Identify patients who received it and "
         "review them at their next follow-up.",
         "Manufacturer's field safety notice (demonstration)", true, false, {},
         {std::to_string(recalled_lot->value)}}));
    if (fsn) {
      s.check(acknowledge_device_notice(
          past, s.actor("safety"), fsn->id,
          {s.day(-21), "Lot recalled in vertebro the same day; two unused packs returned to "
                       "the manufacturer; recall look-up run and the patients' consultants "
                       "told."}));
    }
  });
  // MDA/2007/088, seeded by migration 0010, acknowledged long ago; MDA/2003/021 is left for
  // the device safety officer to confirm its subject and acknowledge.
  tl.at({-300, 10, 0}, [&] {
    auto notices = list_device_notices(past, s.actor("safety"));
    if (!notices) return;
    for (const auto& n : *notices) {
      if (n.reference != "MDA/2007/088") continue;
      s.check(acknowledge_device_notice(
          past, s.actor("safety"), n.id,
          {s.day(-300), "Circulated to the interventional radiologists and theatre staff; "
                        "cement preparation follows each product's instructions for use, checked "
                        "at every procedure in vertebro."}));
    }
  });

  const std::vector<std::pair<std::string, std::string>> northgate = {
      {"Dr Rana Radiologist", "Interventional radiologist"},
      {"Mr Sam Surgeon", "Spinal surgeon"},
      {"Chris Coordinator", "MDT coordinator"},
      {"Dr H Lim", "Orthogeriatrician"}};
  const std::vector<std::pair<std::string, std::string>> southmoor = {
      {"Mr Sam Surgeon", "Spinal surgeon"}, {"Dr K Osei", "Radiologist"}};
  // The meetings, each scheduled four weeks ahead of its date.
  std::deque<std::int64_t> meetings;
  auto meeting = [&](int site, int day, const std::string& title) -> std::int64_t* {
    std::int64_t* id = &meetings.emplace_back(0);
    tl.at({day - 28, 8, 30}, [&s, &c, id, site, day, title, &northgate, &southmoor] {
      *id = s.meeting(c.coordinator, site, day, title, site == 0 ? northgate : southmoor);
    });
    return id;
  };
  const auto n1 = meeting(0, -330, "Spinal MDT");
  const auto n2 = meeting(0, -240, "Spinal MDT");
  const auto s1 = meeting(1, -200, "Southmoor spinal MDT");
  const auto n5 = meeting(0, -45, "Spinal MDT");
  const auto s2 = meeting(1, -40, "Southmoor spinal MDT");
  const auto n6 = meeting(0, -24, "Spinal MDT");
  const auto s3 = meeting(1, -12, "Southmoor spinal MDT");
  const auto n7 = meeting(0, -10, "Spinal MDT");
  meeting(0, -1, "Spinal MDT");  // held yesterday; its list is still open
  const auto n8 = meeting(0, 4, "Spinal MDT");

  std::deque<Story> stories;
  auto story = [&](Who who) -> Story& { return stories.emplace_back(std::move(who)); };

  // Follow-up, eleven months on: a textbook osteoporotic fracture, treated 35 days after it.
  Story& ashworth = story({0, "Ashworth", "Dorothy", "female", 78, "osteoporotic", "T12",
                           "T12 fracture after a fall; pain not settling.", -352});
  ashworth.started = -350;
  ashworth.assessed = -336;
  ashworth.fracture = -360;
  ashworth.treated_from = -359;
  ashworth.meeting = n1;
  ashworth.meeting_day = -330;
  ashworth.decision = "proceed";
  ashworth.rationale = "Acute T12 fracture on MRI, refractory pain at 3 weeks; proceed.";
  ashworth.consented = -328;
  ashworth.planned = -325;
  ashworth.treated = -325;
  ashworth.cement_deviation =
      "Mixed for 75 seconds, not 60: the first mix was interrupted by a call from the ward";
  // Her 6-month visit finds a new fracture directly above her treated level.
  ashworth.new_fracture_at = 4;
  ashworth.new_fracture_offset = -1;
  ashworth.new_fracture_complication = true;

  // Follow-up, eight months on: myeloma, with an asymptomatic basivertebral leak.
  Story& thomas = story({0, "Thomas", "Kenneth", "male", 69, "myeloma", "L2",
                         "Myeloma with a painful L2 collapse.", -270});
  thomas.started = -268;
  thomas.assessed = -246;
  thomas.fracture = -280;
  thomas.treated_from = -275;
  thomas.meeting = n2;
  thomas.meeting_day = -240;
  thomas.decision = "proceed";
  thomas.rationale =
      "SINS 9 (indeterminate): the spinal surgeon sees no instability needing fixation; proceed.";
  thomas.consented = -236;
  thomas.planned = -233;
  thomas.treated = -233;
  thomas.cement_lot = "MV-2611";  // recalled three weeks ago (the recall look-up finds it)
  thomas.leak = true;

  // Follow-up, six months on, at Southmoor while its arrangement was in date.
  Story& lewis = story({1, "Lewis", "Patricia", "female", 84, "osteoporotic", "L1",
                        "L1 fracture; bed-bound with pain.", -226});
  lewis.started = -224;
  lewis.assessed = -207;
  lewis.fracture = -232;
  lewis.treated_from = -231;
  lewis.meeting = s1;
  lewis.meeting_day = -200;
  lewis.decision = "proceed";
  lewis.rationale = "Acute L1 fracture, pain 9/10 despite strong opioids; proceed.";
  lewis.consented = -198;
  lewis.planned = -195;
  lewis.treated = -195;
  lewis.cement_lot = "MV-2611";  // recalled three weeks ago (the recall look-up finds it)
  lewis.cement_ml = 3.5;

  // Follow-up, six weeks on: myeloma.
  Story& young = story({0, "Young", "Arthur", "male", 72, "myeloma", "T10",
                        "Myeloma with painful T10 collapse.", -62});
  young.started = -60;
  young.assessed = -47;
  young.fracture = -70;
  young.treated_from = -68;
  young.meeting = n5;
  young.meeting_day = -45;
  young.decision = "proceed";
  young.rationale =
      "Refractory pain; SINS 8, reviewed by the spinal surgeon: no fixation needed; proceed.";
  young.consented = -43;
  young.planned = -40;
  young.treated = -40;
  young.cement_lot = "MV-2611";  // recalled three weeks ago (the recall look-up finds it)
  young.cement_ml = 4.5;
  young.leak = true;

  // The trainee's supervised cases (docs/training.md): six osteoporotic fractures at Northgate
  // through the year, Dr Tom Trainee the primary operator and Dr Rana Radiologist supervising.
  // Five of the six leaked (small basivertebral leaks seen on fluoroscopy, without symptoms),
  // so his learning curve of cement leakage signalled at the sixth (score 3.00 with the
  // default p0 0.27, p1 0.54, h 3); the signal waits for the training lead's review.
  struct Series {
    const char* family;
    const char* given;
    const char* sex;
    int age;
    const char* level;
    int referred;
    std::int64_t* meeting;
    int meeting_day;
    bool leak;
  };
  const auto n3 = meeting(0, -150, "Spinal MDT");
  const auto n4 = meeting(0, -90, "Spinal MDT");
  for (const Series& x : {Series{"Baker", "Edith", "female", 80, "T12", -352, n1, -330, true},
                          Series{"Carter", "Ronald", "male", 76, "L1", -262, n2, -240, true},
                          Series{"Price", "Vera", "female", 83, "T11", -172, n3, -150, true},
                          Series{"Ward", "Doris", "female", 79, "L2", -112, n4, -90, true},
                          Series{"Hill", "Betty", "female", 85, "T12", -66, n5, -45, false},
                          Series{"Cooper", "Joyce", "female", 82, "L1", -46, n6, -24, true}}) {
    Story& st = story({0, x.family, x.given, x.sex, x.age, "osteoporotic", x.level,
                       std::string(x.level) + " fracture after a fall; pain not settling.",
                       x.referred});
    st.started = x.referred + 2;
    st.assessed = x.meeting_day - 5;
    st.fracture = x.referred - 8;
    st.treated_from = x.referred - 7;
    st.meeting = x.meeting;
    st.meeting_day = x.meeting_day;
    st.decision = "proceed";
    st.rationale = "Acute " + std::string(x.level) + " fracture on MRI, refractory pain; proceed "
                   "(trainee to operate, supervised).";
    st.consented = x.meeting_day + 2;
    st.planned = x.meeting_day + 5;
    st.treated = x.meeting_day + 5;
    st.leak = x.leak;
    st.by_trainee = true;
  }

  // Awaiting assessment.
  story({0, "Hughes", "Margaret", "female", 81, "osteoporotic", "L1",
         "Sudden severe back pain after lifting shopping; L1 fracture on plain film.", -3});

  // Being assessed: only the pain scores so far, so the MDT gate reports missing data.
  Story& patel = story({0, "Patel", "Sunita", "female", 74, "osteoporotic", "T11",
                        "Thoracolumbar pain for three weeks; T11 wedge fracture.", -12});
  patel.started = -9;
  tl.at({-2, 15, 0}, [&s, &c, &patel] {
    s.form(c.sam, patel.id, FormKind::kAssessment,
           {{"assessed_on", s.day(-2)},
            {"indication", "osteoporotic"},
            {"levels", {{"T11", {{"height_loss_percent", 22}}}}},
            {"pain_at_rest", 6},
            {"pain_on_movement", 9}});
  });

  // Awaiting MDT: a myeloma case that meets every rule, listed for the next meeting.
  Story& khan = story({0, "Khan", "Tariq", "male", 67, "myeloma", "L2",
                       "Known myeloma; new L2 pain limiting mobility.", -30});
  khan.started = -28;
  khan.assessed = -6;
  khan.fracture = -60;
  khan.treated_from = -55;
  khan.meeting = n8;
  khan.meeting_day = 4;

  // Awaiting MDT after an override: MRI is contraindicated and the bone scan is booked, so whether
  // the fracture is unhealed is not yet known.
  Story& davies = story({0, "Davies", "Eileen", "female", 86, "osteoporotic", "T12",
                         "T12 fracture after a fall at home; immobile with pain.", -30});
  davies.started = -28;
  davies.assessed = -5;
  davies.fracture = -33;
  davies.treated_from = -32;
  davies.pain = 9;
  davies.imaging = false;
  davies.mdt_override =
      "MRI is contraindicated (cardiac pacemaker) and the bone scan is booked for next week; CT "
      "shows a fresh T12 fracture line. Pain 9/10 and bed-bound: bring to this week's MDT rather "
      "than wait, the bone scan to be reviewed there.";
  davies.meeting = n8;
  davies.meeting_day = 4;

  // Awaiting consent: a symptomatic haemangioma the MDT agreed to treat.
  Story& morgan = story({0, "Morgan", "Grace", "female", 58, "haemangioma", "T8",
                         "Symptomatic T8 haemangioma; pain not controlled.", -45});
  morgan.started = -40;
  morgan.assessed = -14;
  morgan.fracture = -120;
  morgan.treated_from = -110;
  morgan.pain = 7;
  morgan.meeting = n7;
  morgan.meeting_day = -10;
  morgan.decision = "proceed";
  morgan.rationale =
      "Painful aggressive haemangioma without cord compression; vertebroplasty agreed.";
  tl.at({-9, 9, 45}, [&s, &c, &morgan] { s.move(c.coordinator, morgan.id, "consent"); });

  // Awaiting procedure, after a step back: a metastasis with SINS 9 (warns: surgical consultation).
  // Its consent was taken again after new staging; planned for next week.
  Story& evans = story({0, "Evans", "Brenda", "female", 63, "metastasis", "L3",
                        "Breast cancer with a painful L3 metastasis.", -40});
  evans.started = -38;
  evans.assessed = -26;
  evans.fracture = -60;
  evans.treated_from = -58;
  evans.meeting = n6;
  evans.meeting_day = -24;
  evans.decision = "proceed";
  evans.rationale =
      "SINS 9: spinal surgeon reviewed imaging, no instrumentation needed; proceed. NG234 pathway "
      "followed by oncology.";
  evans.consented = -20;
  evans.planned = -6;
  tl.at({-8, 11, 0}, [&s, &c, &evans] {
    s.move(c.sam, evans.id, "consent", "", "",
           "Oncology asked for a staging CT before the procedure; consent to be taken again once "
           "its result is known.");
  });
  tl.at({-3, 11, 0}, [&s, &c, &evans] {
    s.form(c.sam, evans.id, FormKind::kConsent, consent(s, -3));
    s.move(c.sam, evans.id, "procedure", "", s.day(5));
  });

  // Southmoor: the surgery arrangement lapsed two weeks ago, so the procedure gate blocks.
  Story& walker = story(
      {1, "Walker", "Dennis", "male", 70, "haemangioma", "L4", "Symptomatic L4 haemangioma.", -60});
  walker.started = -55;
  walker.assessed = -16;
  walker.fracture = -150;
  walker.treated_from = -140;
  walker.meeting = s3;
  walker.meeting_day = -12;
  walker.decision = "proceed";
  walker.rationale = "Agreed for vertebroplasty at Southmoor.";
  walker.consented = -5;

  // Southmoor, overridden: the renewal was agreed in writing but not yet recorded.
  Story& singh = story({1, "Singh", "Rajesh", "male", 77, "metastasis", "T9",
                        "Prostate cancer; painful T9 metastasis.", -55});
  singh.started = -50;
  singh.assessed = -42;
  singh.fracture = -80;
  singh.treated_from = -78;
  singh.primary = "Prostate";
  singh.meeting = s2;
  singh.meeting_day = -40;
  singh.decision = "proceed";
  singh.rationale = "SINS 8, reviewed by the spinal surgeon: no fixation needed; proceed.";
  singh.consented = -13;
  singh.planned = 3;
  singh.procedure_override =
      "The renewed arrangement with Northgate spinal surgery was agreed by the clinical director "
      "in writing on the day it lapsed; the administrator will record the new review date.";

  // Southmoor, awaiting a procedure planned before the arrangement lapsed and postponed since:
  // recorded now, the procedure's own date is after the lapse, so recording it is blocked.
  Story& quinn = story({1, "Quinn", "Frank", "male", 74, "myeloma", "T11",
                        "Myeloma; painful T11 collapse limiting walking.", -60});
  quinn.started = -58;
  quinn.assessed = -44;
  quinn.fracture = -75;
  quinn.treated_from = -72;
  quinn.meeting = s2;
  quinn.meeting_day = -40;
  quinn.decision = "proceed";
  quinn.rationale =
      "Refractory pain; SINS 10, reviewed by the spinal surgeon: no fixation needed; proceed.";
  quinn.consented = -20;
  quinn.planned = -16;

  // The four exits.
  Story& roberts = story({0, "Roberts", "Joan", "female", 79, "osteoporotic", "L2",
                          "L2 fracture; pain improving slowly.", -20});
  roberts.started = -18;
  roberts.exited = -2;
  roberts.exit_event = -2;
  roberts.exit_state = "declined";
  roberts.exit_reason = "Patient chose to continue conservative treatment.";
  Story& bennett =
      story({0, "Bennett", "Colin", "male", 83, "osteoporotic", "T7", "T7 fracture.", -25});
  bennett.exited = -5;
  bennett.exit_event = -5;
  bennett.exit_state = "withdrawn";
  bennett.exit_reason = "Pain settled; the GP withdrew the referral.";
  // Not suitable: a 49-day-old fracture, beyond the 42-day window, brought to the MDT because MRI
  // shows it unhealed; the MDT found a posterior wall defect.
  Story& fletcher = story({0, "Fletcher", "Irene", "female", 88, "osteoporotic", "L1",
                           "L1 burst fracture on CT.", -40});
  fletcher.started = -38;
  fletcher.assessed = -11;
  fletcher.fracture = -60;
  fletcher.treated_from = -58;
  fletcher.mdt_override =
      "The fracture is 49 days old, beyond the 42-day window, but MRI last week shows persisting "
      "marrow oedema: unhealed, with pain 8/10 on strong opioids. For the MDT to decide.";
  fletcher.meeting = n7;
  fletcher.meeting_day = -10;
  fletcher.decision = "do_not_proceed";
  fletcher.rationale = "Posterior wall retropulsion on CT: refer to the spinal surgeons.";
  fletcher.exited = -9;
  fletcher.exit_event = -9;
  fletcher.exit_state = "not_suitable";
  fletcher.exit_reason = "MDT: posterior wall defect; spinal surgical referral.";
  Story& iqbal =
      story({0, "Iqbal", "Aisha", "female", 91, "osteoporotic", "T12", "T12 fracture.", -30});
  iqbal.exited = -5;
  iqbal.exit_event = -6;
  iqbal.exit_state = "deceased";
  iqbal.exit_reason = "Died in hospital of pneumonia before assessment.";

  // The historical cohort, after the stories above so that each keeps its place (`n`).
  if (with_cohort) add_cohort(meeting, story);
  if (stories.size() !=
      static_cast<std::size_t>(kDemoPathwayPatients + (with_cohort ? kDemoCohortPatients : 0))) {
    return Error::internal("The demonstration pathway's patients do not match its count");
  }

  int n = 0;
  for (auto& st : stories) schedule(tl, s, c, st, n++);
  if (tl.first_day() < kDemoPathwayFirstDay) {
    return Error::internal("A demonstration step comes before the unit was set up");
  }
  tl.run(walk, today);
  return s.error();
}

}  // namespace vertebro::app
