// Who sees which patient, and every disclosure and refusal on record (issue 9, points 2 and 3),
// on every backend: a refusal's "denied" entry survives the rollback of the use case that was
// refused; an MDT meeting leaves out a listed case its reader may not see; a referral cannot
// leave its site while it waits for an MDT decision there; candidates go only to those who
// manage MDT lists, and every list view names the patients it showed, so their access logs find
// it; NHS numbers registered elsewhere are audited and limited per user in the database.

#include <nlohmann/json.hpp>

#include <algorithm>

#include "app/mdt.h"
#include "app/pathway.h"
#include "app/patients.h"
#include "app/record_log.h"
#include "app/referrals.h"
#include "app/worklist.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

using domain::PathwayState;
using domain::Role;
using nlohmann::json;

constexpr const char* kHeld = "2026-11-20";    // before the fixed today, 2026-11-25
constexpr const char* kFuture = "2026-12-10";

auto as_status = [](const auto& r) { return r.ok() ? Status{} : Status{r.error()}; };

class AccessTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    a_ = insert_site("A");
    b_ = insert_site("B");
    coord_a_ = insert_actor("coord-a", Role::kCoordinator, {a_});
    coord_ab_ = insert_actor("coord-ab", Role::kCoordinator, {a_, b_});
    op_a_ = insert_actor("op-a", Role::kOperator, {a_});
    nurse_a_ = insert_actor("nurse-a", Role::kNurse, {a_});
    admin_ab_ = insert_actor("admin-ab", Role::kAdministrator, {a_, b_});
  }

  store::EpisodeRecord awaiting_mdt(SiteId site, int nhs_index) {
    return insert_episode(insert_patient(site, nhs_index).id, site, "2026-11-01",
                          PathwayState::kMdt);
  }
  std::int64_t meeting(const app::Actor& by, SiteId site, const std::string& date) {
    return must(app::create_meeting(ctx(), by, {site.str(), date, ""}), "create_meeting").id;
  }
  domain::ReferralInput referral_at(SiteId site) {
    return {site.str(), "Dr A Referrer", "2026-11-01", "osteoporotic", "T12", "Painful fracture"};
  }
  std::int64_t episode_version(EpisodeId id) {
    std::int64_t v = 0;
    must(store().transact(store::TxMode::kRead, [&](store::Tx& tx) -> Status {
      auto e = tx.find_episode(id);
      if (!e) return std::move(e).error();
      v = (*e)->version;
      return {};
    }), "find_episode");
    return v;
  }
  std::vector<domain::AuditEntry> log_of(const std::string& type, std::int64_t id) {
    return must(app::view_record_log(ctx(), admin_ab_, {type, id, 0}), "view_record_log").entries;
  }
  static bool finds(const std::vector<domain::AuditEntry>& log, std::int64_t seq) {
    return std::any_of(log.begin(), log.end(), [&](const auto& e) { return e.seq == seq; });
  }

  SiteId a_, b_;
  app::Actor coord_a_, coord_ab_, op_a_, nurse_a_, admin_ab_;
};

// Each refusal leaves exactly one "denied" entry, whether the use case's transaction would
// have committed (a read) or rolled back (adding another site's episode to a meeting, deciding
// on it), and whether the record refused is an episode or a meeting.
TEST_P(AccessTest, EveryRefusalLeavesItsDeniedEntry) {
  const auto at_b = awaiting_mdt(b_, 0);
  const std::int64_t held_a = meeting(coord_a_, a_, kHeld);
  const std::int64_t held_b = meeting(coord_ab_, b_, kHeld);
  expect_each_refused("coord-a", {
      {"add_case of another site's episode",
       [&] { return app::add_case(ctx(), coord_a_, held_a, at_b.id); }, "episode",
       at_b.id.value},
      {"record_decision on another site's episode",
       [&] {
         return app::record_decision(ctx(), coord_a_, held_a, at_b.id, 0, "proceed", "Agreed");
       },
       "episode", at_b.id.value},
      {"remove_case of another site's episode",
       [&] { return app::remove_case(ctx(), coord_a_, held_a, at_b.id); }, "episode",
       at_b.id.value},
      {"view_meeting at another site",
       [&] {
         return as_status(
             app::view_meeting(ctx(), coord_a_, held_b, app::MeetingDetail::kWithCandidates));
       },
       "mdt_meeting", held_b},
      {"add_attendee at another site",
       [&] {
         return as_status(app::add_attendee(ctx(), coord_a_, held_b, "Dr X", "Radiologist"));
       },
       "mdt_meeting", held_b},
      {"move_episode",
       [&] { return as_status(app::move_episode(ctx(), coord_a_, at_b.id, {"consent", 1, "", "", ""})); },
       "episode", at_b.id.value},
      {"exit_episode",
       [&] {
         return as_status(app::exit_episode(ctx(), coord_a_, at_b.id,
                                            {"withdrawn", "Moved away", "2026-11-24", 1}));
       },
       "episode", at_b.id.value},
  });
  expect_each_refused("op-a", {
      {"view_pathway", [&] { return as_status(app::view_pathway(ctx(), op_a_, at_b.id)); },
       "episode", at_b.id.value},
      {"save_form",
       [&] {
         return as_status(app::save_form(ctx(), op_a_, at_b.id, app::FormKind::kAssessment, 0,
                                         json::object()));
       },
       "episode", at_b.id.value},
  });
  EXPECT_NE(last_audit_entry().detail.find("not at the user's sites"), std::string::npos);
  // Nothing was listed, decided or moved.
  auto v = must(app::view_meeting(ctx(), coord_a_, held_a, app::MeetingDetail::kList), "view");
  EXPECT_TRUE(v.cases.empty());
  EXPECT_EQ(episode_version(at_b.id), at_b.version);
}

// The case: an episode decided at site A's meeting, then moved to site B. A reader who
// works only at A no longer sees the patient on that meeting (as on the episode itself), and is
// told that a case is not shown; a reader at both sites still sees it.
TEST_P(AccessTest, MeetingLeavesOutADecidedCaseMovedToAnotherSite) {
  const auto e = awaiting_mdt(a_, 1);
  const std::int64_t m = meeting(coord_a_, a_, kHeld);
  must(app::add_case(ctx(), coord_a_, m, e.id), "add_case");
  must(app::record_decision(ctx(), coord_a_, m, e.id, 0, "proceed", "Agreed"), "decision");
  const auto before = must(app::view_meeting(ctx(), op_a_, m, app::MeetingDetail::kList), "v");
  ASSERT_EQ(before.cases.size(), 1u);

  // A decided listing is history: the referral may move.
  auto moved = app::update_referral(ctx(), coord_ab_, e.id, e.version, referral_at(b_));
  ASSERT_TRUE(moved.ok()) << describe(moved);

  const auto head = audit_head().first;
  const auto after = must(app::view_meeting(ctx(), op_a_, m, app::MeetingDetail::kList), "v");
  EXPECT_TRUE(after.cases.empty());
  EXPECT_EQ(after.hidden_cases, 1);
  ASSERT_EQ(audit_head().first, head + 1);
  const auto entry = last_audit_entry();
  EXPECT_EQ(entry.action, "list");
  const json detail = json::parse(entry.detail);
  EXPECT_TRUE(detail["episodes"].empty()) << entry.detail;  // the patient was not shown
  EXPECT_EQ(detail["hidden_cases"], 1);
  EXPECT_FALSE(app::view_episode(ctx(), op_a_, e.id).ok());

  const auto both = must(app::view_meeting(ctx(), coord_ab_, m, app::MeetingDetail::kList), "v");
  ASSERT_EQ(both.cases.size(), 1u);
  EXPECT_EQ(both.hidden_cases, 0);
  // Nor may the reader at A change the decision about a patient they may not see.
  auto decide = app::record_decision(ctx(), coord_a_, m, e.id, 1, "more_info", "Again");
  ASSERT_FALSE(decide.ok());
  EXPECT_EQ(decide.error().code, Errc::kNotFound);
}

// A referral waiting for a decision on site A's MDT list cannot move to site B: the list's
// coordinator takes it off first (audited), or the meeting decides.
TEST_P(AccessTest, SiteChangeIsRefusedWhileListedAwaitingADecision) {
  const auto e = awaiting_mdt(a_, 2);
  const std::int64_t m = meeting(coord_a_, a_, kFuture);
  must(app::add_case(ctx(), coord_a_, m, e.id), "add_case");

  const auto head = audit_head().first;
  auto refused = app::update_referral(ctx(), coord_ab_, e.id, e.version, referral_at(b_));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kInvalid);
  ASSERT_EQ(refused.error().fields.size(), 1u);
  EXPECT_EQ(refused.error().fields[0].field, "site_id");
  EXPECT_NE(refused.error().fields[0].message.find("10 Dec 2026"), std::string::npos)
      << refused.error().fields[0].message;
  EXPECT_EQ(audit_head().first, head);  // nothing changed
  EXPECT_EQ(episode_version(e.id), e.version);

  // Other changes to the referral are not held up.
  domain::ReferralInput same_site = referral_at(a_);
  same_site.reason = "Painful fracture, worse at night";
  auto edited = app::update_referral(ctx(), coord_ab_, e.id, e.version, same_site);
  ASSERT_TRUE(edited.ok()) << describe(edited);

  // Taken off the list by someone who manages it, audited on the episode; then it may move.
  auto nurse = app::remove_case(ctx(), nurse_a_, m, e.id);
  ASSERT_FALSE(nurse.ok());
  EXPECT_EQ(nurse.error().code, Errc::kForbidden);
  must(app::remove_case(ctx(), coord_a_, m, e.id), "remove_case");
  const auto removed = last_audit_entry();
  EXPECT_EQ(removed.action, "update");
  EXPECT_EQ(removed.record_type, "episode");
  EXPECT_EQ(removed.record_id, e.id.value);
  EXPECT_EQ(json::parse(removed.detail)["mdt_unlisted"], m) << removed.detail;
  EXPECT_TRUE(
      must(app::view_meeting(ctx(), coord_a_, m, app::MeetingDetail::kList), "v").cases.empty());
  auto again = app::remove_case(ctx(), coord_a_, m, e.id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kNotFound);
  auto moved = app::update_referral(ctx(), coord_ab_, e.id, edited->version, referral_at(b_));
  ASSERT_TRUE(moved.ok()) << describe(moved);
  EXPECT_EQ(moved->referral.site, b_);
}

TEST_P(AccessTest, DecidedCaseStaysOnTheList) {
  const auto e = awaiting_mdt(a_, 3);
  const std::int64_t m = meeting(coord_a_, a_, kHeld);
  must(app::add_case(ctx(), coord_a_, m, e.id), "add_case");
  must(app::record_decision(ctx(), coord_a_, m, e.id, 0, "do_not_proceed", "Healing"), "decide");
  auto r = app::remove_case(ctx(), coord_a_, m, e.id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kWrongState);
  EXPECT_EQ(
      must(app::view_meeting(ctx(), coord_a_, m, app::MeetingDetail::kList), "v").cases.size(),
      1u);
}

// Candidates (every episode awaiting MDT at the site, with name, NHS number and age) go only
// to roles that manage MDT lists; one "list" entry names each patient shown, and each shown
// patient's access log finds it.
TEST_P(AccessTest, CandidatesOnlyForThoseWhoManageMdtListsEachAudited) {
  const auto listed = awaiting_mdt(a_, 4);
  const auto waiting = awaiting_mdt(a_, 5);
  const auto elsewhere = awaiting_mdt(b_, 6);
  const std::int64_t m = meeting(coord_a_, a_, kFuture);
  must(app::add_case(ctx(), coord_a_, m, listed.id), "add_case");

  const auto nurse =
      must(app::view_meeting(ctx(), nurse_a_, m, app::MeetingDetail::kWithCandidates), "nurse");
  EXPECT_FALSE(nurse.shows_candidates);
  EXPECT_TRUE(nurse.candidates.empty());
  ASSERT_EQ(nurse.cases.size(), 1u);
  const auto nurse_entry = last_audit_entry();
  EXPECT_EQ(json::parse(nurse_entry.detail)["episodes"], json::array({listed.id.value}));

  const auto coord =
      must(app::view_meeting(ctx(), coord_ab_, m, app::MeetingDetail::kWithCandidates), "coord");
  EXPECT_TRUE(coord.shows_candidates);
  ASSERT_EQ(coord.candidates.size(), 1u);  // not the listed one, not the one at site B
  EXPECT_EQ(coord.candidates[0].episode.id, waiting.id);
  const auto entry = last_audit_entry();
  EXPECT_EQ(entry.action, "list");
  EXPECT_EQ(entry.record_type, "mdt_meeting");
  EXPECT_EQ(entry.record_id, m);
  const json detail = json::parse(entry.detail);
  EXPECT_EQ(detail["episodes"], json::array({listed.id.value, waiting.id.value}));
  EXPECT_EQ(detail["patients"], json::array({listed.patient.value, waiting.patient.value}));
  EXPECT_EQ(detail["candidates"], json::array({waiting.id.value}));

  // The printed list shows no candidates, even to a coordinator.
  const auto print = must(app::view_meeting(ctx(), coord_ab_, m, app::MeetingDetail::kList), "p");
  EXPECT_FALSE(print.shows_candidates);
  EXPECT_TRUE(print.candidates.empty());

  // Who saw this patient, and where: the candidate's logs find the meeting view.
  EXPECT_TRUE(finds(log_of("patient", waiting.patient.value), entry.seq));
  EXPECT_TRUE(finds(log_of("episode", waiting.id.value), entry.seq));
  EXPECT_TRUE(finds(log_of("patient", listed.patient.value), nurse_entry.seq));
  EXPECT_FALSE(finds(log_of("patient", elsewhere.patient.value), entry.seq));
}

// The worklist's "list" entry names the episodes and patients of the page shown (not the
// extra row that tells a next page exists), and each patient's access log finds it.
TEST_P(AccessTest, WorklistEntryNamesThePatientsShownAndTheirLogsFindIt) {
  close();
  app::Settings settings;
  settings.worklist_page_size = 2;
  open(settings);
  std::vector<store::EpisodeRecord> episodes;
  for (int i = 0; i < 3; ++i) {
    episodes.push_back(insert_episode(insert_patient(a_, 10 + i).id, a_,
                                      "2026-11-0" + std::to_string(i + 1),
                                      PathwayState::kReferral));
  }
  const auto page = must(app::list_worklist(ctx(), nurse_a_, {"", "", "", ""}), "worklist");
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_FALSE(page.next_cursor.empty());
  const auto entry = last_audit_entry();
  EXPECT_EQ(entry.action, "list");
  EXPECT_EQ(entry.record_type, "worklist");
  const json detail = json::parse(entry.detail);
  EXPECT_EQ(detail["episodes"], json::array({episodes[0].id.value, episodes[1].id.value}));
  EXPECT_EQ(detail["patients"],
            json::array({episodes[0].patient.value, episodes[1].patient.value}));
  EXPECT_EQ(detail["rows"], 2);

  EXPECT_TRUE(finds(log_of("patient", episodes[0].patient.value), entry.seq));
  EXPECT_TRUE(finds(log_of("episode", episodes[1].id.value), entry.seq));
  EXPECT_FALSE(finds(log_of("patient", episodes[2].patient.value), entry.seq));

  const auto next =
      must(app::list_worklist(ctx(), nurse_a_, {"", "", page.next_cursor, ""}), "next page");
  ASSERT_EQ(next.rows.size(), 1u);
  const auto second = last_audit_entry();
  EXPECT_TRUE(finds(log_of("patient", episodes[2].patient.value), second.seq));
}

// Registering an NHS number that is registered only at sites the user does not work at tells
// the user that the person is a patient elsewhere: each attempt is audited against that
// patient, and after the limit every registration by that user is refused until the window
// ends. The count lives in the database, so it holds across two vertebro instances.
TEST_P(AccessTest, RegisteringNumbersKnownElsewhereIsAuditedAndLimitedPerUser) {
  close();
  app::Settings settings;
  settings.duplicate_elsewhere_limit = 3;
  open(settings);
  const auto nurse_b = insert_actor("nurse-b", Role::kNurse, {b_});
  auto second_store = must(store::open_store(target(), {}), "second instance");
  const app::Context second(*second_store, clock_, settings);

  std::vector<store::PatientRecord> at_a;
  for (int i = 0; i < 5; ++i) at_a.push_back(insert_patient(a_, 20 + i));
  auto attempt = [&](const app::Context& c, const app::Actor& who, const std::string& nhs) {
    return app::register_patient(c, who, b_.str(),
                                 {nhs, "Probe", "Pat", "1950-01-01", "female"});
  };
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const auto head = audit_head().first;
    auto r = attempt(i % 2 == 0 ? ctx() : second, nurse_b,
                     at_a[static_cast<std::size_t>(i)].details.nhs_number.digits());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kDuplicate);
    EXPECT_EQ(r.error().related_id, 0);  // no link to a record the user may not see
    ASSERT_EQ(audit_head().first, head + 1);
    const auto e = last_audit_entry();
    EXPECT_EQ(e.action, "denied");
    EXPECT_EQ(e.user_id, nurse_b.user.id.value);
    EXPECT_EQ(e.record_type, "patient");
    EXPECT_EQ(e.record_id, at_a[static_cast<std::size_t>(i)].id.value);
    EXPECT_NE(e.detail.find("registered at another site"), std::string::npos) << e.detail;
  }
  // The patient's own site sees the attempt in the patient's access log.
  const auto log = log_of("patient", at_a[0].id.value);
  EXPECT_TRUE(std::any_of(log.begin(), log.end(), [&](const auto& e) {
    return e.action == "denied" && e.user_id == nurse_b.user.id.value;
  }));

  // Limit reached: refused whether the number is known elsewhere or new, on either instance.
  for (const app::Context* c : {&ctx(), &second}) {
    for (const std::string& nhs : {at_a[3].details.nhs_number.digits(), test_nhs_number(40)}) {
      auto r = attempt(*c, nurse_b, nhs);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, Errc::kRateLimited) << describe(r);
      EXPECT_GT(r.error().retry_after_seconds, 0);
      EXPECT_LE(r.error().retry_after_seconds, 24 * 60 * 60);
      EXPECT_NE(r.error().message.find("3 NHS numbers"), std::string::npos) << r.error().message;
      EXPECT_NE(r.error().message.find("24 hours"), std::string::npos) << r.error().message;
      EXPECT_EQ(last_audit_entry().action, "denied");
    }
  }
  // Others are not held up, and the same user may register again once the window has passed.
  EXPECT_TRUE(attempt(ctx(), coord_ab_, test_nhs_number(41)).ok());
  clock_.advance(std::chrono::hours(24));
  auto after = attempt(second, nurse_b, test_nhs_number(42));
  EXPECT_TRUE(after.ok()) << describe(after);
}

VERTEBRO_STORE_SUITE(AccessTest);

}  // namespace
}  // namespace vertebro::store_test
