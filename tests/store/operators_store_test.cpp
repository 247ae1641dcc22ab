// Operator profiles, competence sign-offs and the training log through their use cases, on
// every backend: versions and conflicts, who may sign, self sign-off, date rules naming their
// field, one revocation, entries checked once, and sign-offs and log entries that the database
// itself refuses to delete or rewrite (HTG3-1.2-TRAINING; hazards H-045..H-048).

#include "app/operators.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

using domain::OperatorId;

class OperatorsStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    site_ = insert_site("A");
    other_ = insert_site("B");
    admin_ = insert_actor("admin", domain::Role::kAdministrator, {site_});
    trainer_ = insert_actor("trainer", domain::Role::kTrainer, {site_, other_});
    trainer2_ = insert_actor("trainer2", domain::Role::kTrainer, {site_});
    surgeon_ = insert_actor("surgeon", domain::Role::kOperator, {site_});
    nurse_ = insert_actor("nurse", domain::Role::kNurse, {site_});
  }

  app::OperatorInput input(const app::Actor& who) const {
    return {who.user.id.str(), "spinal_surgeon", "GMC 1234567", {site_.str()}, "active"};
  }

  domain::OperatorRecord add(const app::Actor& who) {
    return must(app::create_operator(ctx(), admin_, input(who)), "create_operator");
  }

  SiteId site_, other_;
  app::Actor admin_, trainer_, trainer2_, surgeon_, nurse_;
};

TEST_P(OperatorsStoreTest, ProfileIsVersionedAndAudited) {
  auto op = add(surgeon_);
  EXPECT_EQ(op.version, 1);
  EXPECT_EQ(op.username, "surgeon");
  EXPECT_EQ(op.sites, std::vector<SiteId>{site_});
  EXPECT_EQ(last_audit_entry().action, "create");
  EXPECT_EQ(last_audit_entry().record_type, "operator");

  auto in = input(surgeon_);
  in.site_ids = {other_.str(), site_.str()};
  in.status = "inactive";
  auto changed = must(app::update_operator(ctx(), trainer_, op.id, 1, in), "update");
  EXPECT_EQ(changed.version, 2);
  EXPECT_FALSE(changed.active);
  EXPECT_EQ(changed.sites, (std::vector<SiteId>{site_, other_}));
  EXPECT_EQ(last_audit_entry().action, "update");

  // A stale version changes nothing.
  in.registration_number = "GMC 7654321";
  auto stale = app::update_operator(ctx(), trainer_, op.id, 1, in);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, Errc::kConflict);
  auto profile = must(app::view_operator(ctx(), admin_, op.id), "view");
  EXPECT_EQ(profile.op.registration_number, "GMC 1234567");
  EXPECT_EQ(profile.op.version, 2);
  EXPECT_EQ(last_audit_entry().action, "read");
}

TEST_P(OperatorsStoreTest, ProfileInputNamesEachBadField) {
  // A second profile for one user, a nurse, an unknown site, no role: each names its field.
  add(surgeon_);
  auto dup = app::create_operator(ctx(), admin_, input(surgeon_));
  ASSERT_FALSE(dup.ok());
  EXPECT_TRUE(names_field(dup.error(), "user_id")) << describe(dup);
  auto nurse = app::create_operator(ctx(), admin_, input(nurse_));
  ASSERT_FALSE(nurse.ok());
  EXPECT_TRUE(names_field(nurse.error(), "user_id")) << describe(nurse);
  app::OperatorInput bad{trainer_.user.id.str(), "dentist", " ", {"999"}, "maybe"};
  auto r = app::create_operator(ctx(), admin_, bad);
  ASSERT_FALSE(r.ok());
  for (const char* f : {"professional_role", "registration_number", "site_ids", "status"}) {
    EXPECT_TRUE(names_field(r.error(), f)) << f << ": " << describe(r);
  }
  bad = input(trainer_);
  bad.site_ids.clear();
  auto no_site = app::create_operator(ctx(), admin_, bad);
  ASSERT_FALSE(no_site.ok());
  EXPECT_TRUE(names_field(no_site.error(), "site_ids"));
  // Neither an operator nor a nurse may add profiles.
  for (const auto* who : {&surgeon_, &nurse_}) {
    auto f = app::create_operator(ctx(), *who, input(trainer_));
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code, Errc::kForbidden);
  }
  EXPECT_EQ(must(app::list_operators(ctx(), admin_), "list").size(), 1u);
}

TEST_P(OperatorsStoreTest, OnlyATrainingLeadSignsAndNeverTheirOwnProfile) {
  auto op = add(surgeon_);
  auto own = add(trainer_);
  const app::SignOffInput in{"2026-11-01", "osteoporotic_thoracolumbar", "2027-11-01"};
  for (const auto* who : {&admin_, &surgeon_, &nurse_}) {
    auto r = app::sign_off_competence(ctx(), *who, op.id, in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kForbidden) << who->user.username;
  }
  auto self = app::sign_off_competence(ctx(), trainer_, own.id, in);
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.error().code, Errc::kForbidden);
  EXPECT_TRUE(names_field(self.error(), "signed_by")) << describe(self);

  auto s = must(app::sign_off_competence(ctx(), trainer_, op.id, in), "sign off");
  EXPECT_EQ(s.signed_by, trainer_.user.id);
  EXPECT_EQ(s.signed_by_name, trainer_.user.display_name);
  EXPECT_FALSE(s.revoked());
  // Another training lead signs the first one's profile.
  must(app::sign_off_competence(ctx(), trainer2_, own.id, in), "sign off the lead");
  auto profile = must(app::view_operator(ctx(), trainer_, op.id), "view");
  ASSERT_EQ(profile.sign_offs.size(), 1u);
  EXPECT_TRUE(profile.may_sign_off);
  EXPECT_FALSE(must(app::view_operator(ctx(), trainer_, own.id), "own").may_sign_off);
}

TEST_P(OperatorsStoreTest, SignOffDatesNameTheirField) {
  auto op = add(surgeon_);
  struct Case {
    app::SignOffInput in;
    const char* field;
  } cases[] = {
      {{"2026-11-26", "cervical", "2027-11-01"}, "signed_on"},  // tomorrow
      {{"", "cervical", "2027-11-01"}, "signed_on"},
      {{"2026-11-01", "lumbar", "2027-11-01"}, "scope"},
      {{"2026-11-01", "cervical", "2026-10-31"}, "review_date"},  // before
      {{"2026-11-01", "cervical", "2026-11-01"}, "review_date"},  // same day
      {{"2026-11-01", "cervical", "2031-11-02"}, "review_date"},  // over 5 years
      {{"2026-11-01", "cervical", "01/11/2027"}, "review_date"},
  };
  for (const auto& c : cases) {
    auto r = app::sign_off_competence(ctx(), trainer_, op.id, c.in);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().code, Errc::kInvalid);
    EXPECT_TRUE(names_field(r.error(), c.field)) << c.field << ": " << describe(r);
  }
  // Boundaries that pass: today, and exactly 5 years on.
  must(app::sign_off_competence(ctx(), trainer_, op.id, {"2026-11-25", "cervical", "2031-11-25"}),
       "five years");
  EXPECT_EQ(must(app::view_operator(ctx(), trainer_, op.id), "view").sign_offs.size(), 1u);
}

TEST_P(OperatorsStoreTest, RevokedOnceWithAReason) {
  auto op = add(surgeon_);
  auto s = must(app::sign_off_competence(ctx(), trainer_, op.id,
                                         {"2026-11-01", "cervical", "2027-11-01"}),
                "sign off");
  auto blank = app::revoke_competence(ctx(), trainer_, op.id, s.id, "  ");
  ASSERT_FALSE(blank.ok());
  EXPECT_TRUE(names_field(blank.error(), "reason"));
  auto by_admin = app::revoke_competence(ctx(), admin_, op.id, s.id, "Audit finding");
  ASSERT_FALSE(by_admin.ok());
  EXPECT_EQ(by_admin.error().code, Errc::kForbidden);

  auto r = must(app::revoke_competence(ctx(), trainer2_, op.id, s.id, "Audit finding"), "revoke");
  EXPECT_EQ(r.revoked_on, "2026-11-25");
  EXPECT_EQ(r.revoke_reason, "Audit finding");
  EXPECT_EQ(r.revoked_by, trainer2_.user.id);
  auto again = app::revoke_competence(ctx(), trainer_, op.id, s.id, "Again");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kConflict);
  auto missing = app::revoke_competence(ctx(), trainer_, op.id, s.id + 100, "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::kNotFound);
}

TEST_P(OperatorsStoreTest, NobodyRevokesTheirOwnSignOff) {
  auto own = add(trainer_);
  auto s = must(app::sign_off_competence(ctx(), trainer2_, own.id,
                                         {"2026-11-01", "cervical", "2027-11-01"}),
                "sign off");
  auto r = app::revoke_competence(ctx(), trainer_, own.id, s.id, "I say so");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kForbidden);
  EXPECT_TRUE(names_field(r.error(), "revoked_by"));
}

TEST_P(OperatorsStoreTest, TheDatabaseNeverDeletesOrRewritesASignOff) {
  auto op = add(surgeon_);
  auto s = must(app::sign_off_competence(ctx(), trainer_, op.id,
                                         {"2026-11-01", "cervical", "2027-11-01"}),
                "sign off");
  auto db = raw();
  const std::string id = std::to_string(s.id);
  EXPECT_NE(db->exec("DELETE FROM competence_sign_offs WHERE id = " + id), "");
  EXPECT_NE(db->exec("UPDATE competence_sign_offs SET review_date = '2031-01-01' WHERE id = " + id),
            "");
  // A revocation without a reason is refused too.
  EXPECT_NE(db->exec("UPDATE competence_sign_offs SET revoked_on = '2026-11-25', revoked_by = " +
                     trainer_.user.id.str() + ", revoked_at = 'x' WHERE id = " + id),
            "");
  must(app::revoke_competence(ctx(), trainer_, op.id, s.id, "Lapsed practice"), "revoke");
  // Once revoked, even the revocation cannot be rewritten.
  EXPECT_NE(db->exec("UPDATE competence_sign_offs SET revoke_reason = 'other' WHERE id = " + id), "");
  EXPECT_NE(db->exec("UPDATE competence_sign_offs SET revoked_on = '' WHERE id = " + id), "");
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM competence_sign_offs WHERE revoke_reason = "
                          "'Lapsed practice' AND review_date = '2027-11-01'"),
            1);
}

TEST_P(OperatorsStoreTest, TrainingLogAddedByTheOperatorCheckedOnceByALead) {
  auto op = add(surgeon_);
  auto own = add(trainer_);
  const app::TrainingInput in{"course", "2026-10-01", "Vertebral augmentation course",
                              "Certificate VA-2026-17"};
  // Only the operator adds to their own log.
  for (const auto* who : {&trainer_, &admin_}) {
    auto r = app::add_training_entry(ctx(), *who, op.id, in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kForbidden);
  }
  auto nurse = app::add_training_entry(ctx(), nurse_, op.id, in);
  ASSERT_FALSE(nurse.ok());
  EXPECT_EQ(nurse.error().code, Errc::kNotFound);
  auto bad = app::add_training_entry(ctx(), surgeon_, op.id, {"lecture", "2026-12-01", "", ""});
  ASSERT_FALSE(bad.ok());
  for (const char* f : {"kind", "entry_date", "description", "evidence"}) {
    EXPECT_TRUE(names_field(bad.error(), f)) << f;
  }
  auto e = must(app::add_training_entry(ctx(), surgeon_, op.id, in), "add");
  EXPECT_TRUE(e.checked_at.empty());

  auto by_surgeon = app::check_training_entry(ctx(), surgeon_, op.id, e.id);
  ASSERT_FALSE(by_surgeon.ok());
  EXPECT_EQ(by_surgeon.error().code, Errc::kForbidden);
  must(app::check_training_entry(ctx(), trainer_, op.id, e.id), "check");
  auto twice = app::check_training_entry(ctx(), trainer2_, op.id, e.id);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, Errc::kConflict);
  // A lead does not check their own log.
  auto mine = must(app::add_training_entry(ctx(), trainer_, own.id, in), "own entry");
  auto self = app::check_training_entry(ctx(), trainer_, own.id, mine.id);
  ASSERT_FALSE(self.ok());
  EXPECT_TRUE(names_field(self.error(), "checked_by"));

  auto profile = must(app::view_operator(ctx(), surgeon_, op.id), "own view");
  ASSERT_EQ(profile.training.size(), 1u);
  EXPECT_EQ(profile.training[0].checked_by, trainer_.user.id);
  EXPECT_EQ(profile.training[0].checked_by_name, trainer_.user.display_name);
  EXPECT_TRUE(profile.may_log);
  EXPECT_FALSE(profile.may_sign_off);
  // The surgeon sees only their own profile.
  auto other = app::view_operator(ctx(), surgeon_, own.id);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, Errc::kNotFound);
  EXPECT_EQ(must(app::list_operators(ctx(), surgeon_), "list").size(), 1u);

  auto db = raw();
  EXPECT_NE(db->exec("DELETE FROM training_entries WHERE id = " + std::to_string(e.id)), "");
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM training_entries"), 2);
}

VERTEBRO_STORE_SUITE(OperatorsStoreTest);

}  // namespace
}  // namespace vertebro::store_test
