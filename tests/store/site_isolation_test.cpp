// Site isolation at the app layer: a user sees patients and episodes of their own sites only.
// Anything else answers kNotFound, exactly as if it did not exist, and the attempt is written
// to the audit trail as "denied".

#include <functional>

#include "app/patients.h"
#include "app/record_log.h"
#include "app/referrals.h"
#include "app/worklist.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

class SiteIsolationTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    a_ = insert_site("A");
    b_ = insert_site("B");
    at_a_ = insert_actor("alice", domain::Role::kAdministrator, {a_});
    at_b_ = insert_actor("bob", domain::Role::kCoordinator, {b_});
    patient_ = insert_patient(b_, 0);
    episode_ = insert_episode(patient_.id, b_, "2026-11-01", domain::PathwayState::kReferral);
  }

  SiteId a_, b_;
  app::Actor at_a_, at_b_;
  store::PatientRecord patient_;
  store::EpisodeRecord episode_;
};

TEST_P(SiteIsolationTest, OwnSiteSeesThePatient) {
  auto v = app::view_patient(ctx(), at_b_, patient_.id);
  ASSERT_TRUE(v.ok()) << describe(v);
  EXPECT_EQ(v->patient.id, patient_.id);
  ASSERT_EQ(v->episodes.size(), 1u);
  EXPECT_EQ(last_audit_entry().action, "read");
}

TEST_P(SiteIsolationTest, OtherSiteGetsNotFoundAndDeniedEntry) {
  const domain::ReferralInput referral{a_.str(), "Dr Ref", "2026-11-02", "osteoporotic", "L2",
                                       "Pain"};
  auto as_status = [](const auto& r) { return r.ok() ? Status{} : Status{r.error()}; };
  expect_each_refused("alice", {
      {"view_patient", [&] { return as_status(app::view_patient(ctx(), at_a_, patient_.id)); },
       "patient", patient_.id.value},
      {"register_referral",
       [&] { return as_status(app::register_referral(ctx(), at_a_, patient_.id, referral)); },
       "patient", patient_.id.value},
      {"view_episode", [&] { return as_status(app::view_episode(ctx(), at_a_, episode_.id)); },
       "episode", episode_.id.value},
      {"update_referral",
       [&] {
         return as_status(app::update_referral(ctx(), at_a_, episode_.id, 1, referral));
       },
       "episode", episode_.id.value},
      {"view_record_log of patient",
       [&] {
         return as_status(
             app::view_record_log(ctx(), at_a_, {"patient", patient_.id.value, 0}));
       },
       "patient", patient_.id.value},
      {"view_record_log of episode",
       [&] {
         return as_status(
             app::view_record_log(ctx(), at_a_, {"episode", episode_.id.value, 0}));
       },
       "episode", episode_.id.value},
  });
  // Nothing changed: no new episode, the episode still at version 1.
  auto v = app::view_patient(ctx(), at_b_, patient_.id);
  ASSERT_TRUE(v.ok()) << describe(v);
  ASSERT_EQ(v->episodes.size(), 1u);
  EXPECT_EQ(v->episodes[0].version, 1);
}

TEST_P(SiteIsolationTest, HiddenPatientLooksExactlyLikeAbsentOne) {
  auto hidden = app::view_patient(ctx(), at_a_, patient_.id);
  auto absent = app::view_patient(ctx(), at_a_, PatientId{patient_.id.value + 1000});
  ASSERT_FALSE(hidden.ok());
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(hidden.error().code, absent.error().code);
  EXPECT_EQ(hidden.error().message, absent.error().message);
  EXPECT_EQ(last_audit_entry().action, "denied");
}

TEST_P(SiteIsolationTest, SearchByNhsNumberDoesNotReachOtherSites) {
  auto r = app::find_patient_by_nhs(ctx(), at_a_, test_nhs_number(0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kNotFound);
  const auto e = last_audit_entry();
  EXPECT_EQ(e.action, "search");
  EXPECT_EQ(e.record_id, 0);  // the hidden patient's id is not revealed in the trail either
  auto own = app::find_patient_by_nhs(ctx(), at_b_, test_nhs_number(0));
  ASSERT_TRUE(own.ok()) << describe(own);
  EXPECT_EQ(own->id, patient_.id);
}

TEST_P(SiteIsolationTest, WorklistShowsOwnSitesOnly) {
  insert_episode(insert_patient(a_, 1).id, a_, "2026-11-03", domain::PathwayState::kReferral);
  auto page = app::list_worklist(ctx(), at_a_, {"all", "", "", ""});
  ASSERT_TRUE(page.ok()) << describe(page);
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].episode.referral.site, a_);
  auto other = app::list_worklist(ctx(), at_a_, {"", b_.str(), "", ""});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, Errc::kInvalid);
}

TEST_P(SiteIsolationTest, EpisodeAtOwnSiteMakesPatientVisible) {
  insert_episode(patient_.id, a_, "2026-11-04", domain::PathwayState::kReferral);
  auto v = app::view_patient(ctx(), at_a_, patient_.id);
  ASSERT_TRUE(v.ok()) << describe(v);
  // Only the episode at A is shown to A.
  ASSERT_EQ(v->episodes.size(), 1u);
  EXPECT_EQ(v->episodes[0].referral.site, a_);
}

VERTEBRO_STORE_SUITE(SiteIsolationTest);

}  // namespace
}  // namespace vertebro::store_test
