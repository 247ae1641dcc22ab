// Transactions: optimistic versions and conflicts, all-or-nothing rollback (on an error and on
// an exception), and the natural key on NHS numbers.

#include "app/patients.h"
#include "app/referrals.h"
#include "domain/date.h"
#include "domain/patient.h"
#include "domain/referral.h"
#include "domain/vertebral_level.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

class TransactionTest : public StoreTest {
 protected:
  domain::ReferralDetails referral(SiteId site, const std::string& clinician) {
    return {site,
            clinician,
            must(domain::Date::parse("2026-10-01", "d", "d"), "date"),
            domain::Indication::kMyeloma,
            {domain::VertebralLevel::from_index(19)},
            "Changed reason"};
  }

  Result<store::EpisodeRecord> store_update(EpisodeId id, std::int64_t version,
                                            const domain::ReferralDetails& r) {
    std::optional<store::EpisodeRecord> out;
    auto s = store().transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Status {
      auto u = tx.update_referral(id, version, r, ctx().now_text());
      if (!u) return std::move(u).error();
      out = std::move(*u);
      return {};
    });
    if (!s) return std::move(s).error();
    return std::move(*out);
  }

  store::EpisodeRecord reread(EpisodeId id) {
    std::optional<store::EpisodeRecord> out;
    must(store().transact(store::TxMode::kRead,
                          [&](store::Tx& tx) -> Status {
                            auto e = tx.find_episode(id);
                            if (!e) return std::move(e).error();
                            if (!e->has_value()) return Error::not_found("episode");
                            out = std::move(**e);
                            return {};
                          }),
         "find_episode");
    return *out;
  }

  // Inserts a patient and an audit entry, then leaves by `leave`.
  Status insert_then(const domain::PatientDetails& details, SiteId site,
                     const std::function<Status()>& leave) {
    return store().transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Status {
      auto p = tx.insert_patient(site, details, ctx().now_text());
      if (!p) return std::move(p).error();
      domain::AuditEntry e;
      e.at = ctx().now_text();
      e.action = "create";
      e.record_type = "patient";
      e.record_id = p->id.value;
      e.detail = "{}";
      auto a = tx.append_audit(e);
      if (!a) return std::move(a).error();
      return leave();
    });
  }

  domain::PatientDetails details(int nhs_index) {
    domain::PatientInput in{test_nhs_number(nhs_index), "Rollback", "Rhea", "1950-05-05", "female"};
    return must(domain::validate_patient(in, domain::Date::today(clock_)), "patient");
  }

  bool patient_exists(const std::string& nhs) {
    bool found = false;
    must(store().transact(store::TxMode::kRead,
                          [&](store::Tx& tx) -> Status {
                            auto p = tx.find_patient_by_nhs(nhs);
                            if (!p) return std::move(p).error();
                            found = p->has_value();
                            return {};
                          }),
         "find_patient_by_nhs");
    return found;
  }
};

TEST_P(TransactionTest, UpdateWithCurrentVersionBumpsVersion) {
  const SiteId site = insert_site("A");
  const auto e = insert_episode(insert_patient(site, 0).id, site, "2026-09-01",
                                domain::PathwayState::kReferral);
  ASSERT_EQ(e.version, 1);
  auto u = store_update(e.id, 1, referral(site, "Dr New"));
  ASSERT_TRUE(u.ok()) << describe(u);
  EXPECT_EQ(u->version, 2);
  EXPECT_EQ(u->referral.referring_clinician, "Dr New");
  const auto stored = reread(e.id);
  EXPECT_EQ(stored.version, 2);
  EXPECT_EQ(stored.referral.referring_clinician, "Dr New");
  EXPECT_EQ(stored.referral.indication, domain::Indication::kMyeloma);
  EXPECT_EQ(stored.referral.reason, "Changed reason");
  // And again from the new version.
  auto again = store_update(e.id, 2, referral(site, "Dr Newer"));
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_EQ(again->version, 3);
}

TEST_P(TransactionTest, UpdateWithStaleVersionConflictsAndChangesNothing) {
  const SiteId site = insert_site("A");
  const auto e = insert_episode(insert_patient(site, 0).id, site, "2026-09-01",
                                domain::PathwayState::kReferral);
  ASSERT_TRUE(store_update(e.id, 1, referral(site, "Dr First")).ok());
  const auto before = reread(e.id);
  auto stale = store_update(e.id, 1, referral(site, "Dr Second"));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, Errc::kConflict) << describe(stale);
  const auto after = reread(e.id);
  EXPECT_EQ(after.version, 2);
  EXPECT_EQ(after.referral.referring_clinician, "Dr First");
  EXPECT_EQ(after.updated_at, before.updated_at);
  // A version from the future is just as stale.
  auto future = store_update(e.id, 7, referral(site, "Dr Third"));
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.error().code, Errc::kConflict) << describe(future);
}

TEST_P(TransactionTest, UpdateOfUnknownEpisodeIsNotFound) {
  const SiteId site = insert_site("A");
  auto u = store_update(EpisodeId{424242}, 1, referral(site, "Dr Nobody"));
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().code, Errc::kNotFound) << describe(u);
}

TEST_P(TransactionTest, AppUpdateConflictWritesNoAuditEntry) {
  const SiteId site = insert_site("A");
  const auto actor = insert_actor("coord", domain::Role::kCoordinator, {site});
  const auto e = insert_episode(insert_patient(site, 0).id, site, "2026-09-01",
                                domain::PathwayState::kReferral);
  domain::ReferralInput in{site.str(), "Dr Edited", "2026-09-02", "metastasis", "L1", "Edited"};
  auto ok = app::update_referral(ctx(), actor, e.id, 1, in);
  ASSERT_TRUE(ok.ok()) << describe(ok);
  EXPECT_EQ(ok->version, 2);
  const auto last = last_audit_entry();
  EXPECT_EQ(last.action, "update");
  EXPECT_EQ(last.record_type, "episode");
  EXPECT_EQ(last.record_id, e.id.value);
  EXPECT_NE(last.detail.find("Dr Edited"), std::string::npos) << last.detail;

  const auto head = audit_head();
  in.referring_clinician = "Dr Late";
  auto stale = app::update_referral(ctx(), actor, e.id, 1, in);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, Errc::kConflict) << describe(stale);
  EXPECT_EQ(audit_head(), head);
  EXPECT_EQ(reread(e.id).referral.referring_clinician, "Dr Edited");
}

TEST_P(TransactionTest, ErrorRollsBackEverything) {
  const SiteId site = insert_site("A");
  const auto head = audit_head();
  auto s = insert_then(details(0), site,
                       [] { return Status{Error::invalid({{"x", "refused on purpose"}})}; });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kInvalid);
  EXPECT_FALSE(patient_exists(test_nhs_number(0)));
  EXPECT_TRUE(audit_entries().empty());
  EXPECT_EQ(audit_head(), head);
  // The same work committed leaves both behind, so the check above could see them.
  ASSERT_TRUE(insert_then(details(0), site, [] { return Status{}; }).ok());
  EXPECT_TRUE(patient_exists(test_nhs_number(0)));
  EXPECT_EQ(audit_entries().size(), 1u);
  EXPECT_EQ(audit_head().first, 1);
}

TEST_P(TransactionTest, ExceptionRollsBackEverythingAndPropagates) {
  const SiteId site = insert_site("A");
  const auto head = audit_head();
  EXPECT_THROW((void)insert_then(details(0), site,
                                 []() -> Status { throw std::runtime_error("lost connection"); }),
               std::runtime_error);
  EXPECT_FALSE(patient_exists(test_nhs_number(0)));
  EXPECT_TRUE(audit_entries().empty());
  EXPECT_EQ(audit_head(), head);
  // The writer is usable afterwards (no transaction left open).
  auto s = insert_then(details(1), site, [] { return Status{}; });
  EXPECT_TRUE(s.ok()) << describe(s);
  EXPECT_TRUE(patient_exists(test_nhs_number(1)));
  EXPECT_EQ(audit_head().first, 1);
}

TEST_P(TransactionTest, ReadTransactionCannotWrite) {
  const SiteId site = insert_site("A");
  auto s = store().transact(store::TxMode::kRead, [&](store::Tx& tx) -> Status {
    auto p = tx.insert_patient(site, details(0), ctx().now_text());
    if (!p) return std::move(p).error();
    return {};
  });
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(patient_exists(test_nhs_number(0)));
}

TEST_P(TransactionTest, DuplicateNhsNumberNamesExistingPatient) {
  const SiteId site = insert_site("A");
  const auto first = insert_patient(site, 3);
  auto s = store().transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Status {
    auto p = tx.insert_patient(site, details(3), ctx().now_text());
    if (!p) return std::move(p).error();
    return {};
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kDuplicate) << describe(s);
  EXPECT_EQ(s.error().related_id, first.id.value);
}

TEST_P(TransactionTest, AppDuplicateShowsExistingPatientOnlyWhenVisible) {
  const SiteId a = insert_site("A");
  const SiteId b = insert_site("B");
  const auto at_a = insert_actor("nurse-a", domain::Role::kNurse, {a});
  const auto at_b = insert_actor("nurse-b", domain::Role::kNurse, {b});
  const domain::PatientInput in{test_nhs_number(5), "Dupont", "Dora", "1944-04-04", "female"};
  auto first = app::register_patient(ctx(), at_a, a.str(), in);
  ASSERT_TRUE(first.ok()) << describe(first);
  const auto head = audit_head();

  auto same_site = app::register_patient(ctx(), at_a, a.str(), in);
  ASSERT_FALSE(same_site.ok());
  EXPECT_EQ(same_site.error().code, Errc::kDuplicate) << describe(same_site);
  EXPECT_EQ(same_site.error().related_id, first->id.value);
  ASSERT_FALSE(same_site.error().fields.empty());
  EXPECT_EQ(same_site.error().fields[0].field, "nhs_number");

  auto other_site = app::register_patient(ctx(), at_b, b.str(), in);
  ASSERT_FALSE(other_site.ok());
  EXPECT_EQ(other_site.error().code, Errc::kDuplicate) << describe(other_site);
  EXPECT_EQ(other_site.error().related_id, 0);
  // Refused registrations create nothing. The one that told nurse-b the person is a patient
  // elsewhere is on record against that patient; the one at the patient's own site is not.
  ASSERT_EQ(audit_head().first, head.first + 1);
  const auto e = last_audit_entry();
  EXPECT_EQ(e.action, "denied");
  EXPECT_EQ(e.user_id, at_b.user.id.value);
  EXPECT_EQ(e.record_id, first->id.value);
}

VERTEBRO_STORE_SUITE(TransactionTest);

}  // namespace
}  // namespace vertebro::store_test
