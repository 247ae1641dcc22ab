// Operator competence for HTG3-1.2-TRAINING: which scope a case needs (cervical levels first,
// then the indication), and whether recorded sign-offs cover it on a date (inclusive of the
// review date, not before the sign-off date, not from the day of a revocation).

#include <gtest/gtest.h>

#include "domain/operator.h"
#include "domain/user.h"
#include "domain/vertebral_level.h"
#include "guidance/competence.h"

namespace vertebro {
namespace {

using domain::CompetenceScope;
using domain::Indication;

domain::Date d(const char* iso) { return *domain::Date::parse(iso, "d", "Date"); }

std::vector<domain::VertebralLevel> levels(const char* text) {
  return *domain::parse_levels(text, "levels");
}

domain::SignOffRecord sign_off(const char* scope, const char* on, const char* review,
                               const char* revoked_on = "") {
  domain::SignOffRecord s;
  s.scope = scope;
  s.signed_on = on;
  s.review_date = review;
  s.revoked_on = revoked_on;
  return s;
}

TEST(CompetenceScopeTest, CaseScopeFromLevelsThenIndication) {
  struct Case {
    Indication indication;
    const char* levels;
    std::optional<CompetenceScope> scope;
  } cases[] = {
      {Indication::kOsteoporotic, "T12, L1", CompetenceScope::kOsteoporoticThoracolumbar},
      {Indication::kMetastasis, "L3", CompetenceScope::kTumourThoracolumbar},
      {Indication::kMyeloma, "T4", CompetenceScope::kTumourThoracolumbar},
      {Indication::kHaemangioma, "T9", CompetenceScope::kHaemangiomaThoracolumbar},
      // Any cervical level makes the whole case cervical, whatever the indication.
      {Indication::kOsteoporotic, "C7, T1", CompetenceScope::kCervical},
      {Indication::kMetastasis, "C2", CompetenceScope::kCervical},
      {Indication::kTraumatic, "C5", CompetenceScope::kCervical},
      // Boundary: T1 is not cervical.
      {Indication::kOsteoporotic, "T1", CompetenceScope::kOsteoporoticThoracolumbar},
      // Outside HTG3: no sign-off covers it.
      {Indication::kTraumatic, "L1", std::nullopt},
      {Indication::kOther, "T12", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(guidance::case_scope(c.indication, levels(c.levels)), c.scope)
        << domain::indication_name(c.indication) << " " << c.levels;
  }
}

TEST(CompetenceScopeTest, NamesRoundTrip) {
  for (auto s : domain::all_competence_scopes()) {
    EXPECT_EQ(domain::parse_competence_scope(domain::competence_scope_name(s)), s);
  }
  EXPECT_EQ(domain::all_competence_scopes().size(), 4u);
  EXPECT_FALSE(domain::parse_competence_scope("tumour"));
  for (auto r : domain::all_professional_roles()) {
    EXPECT_EQ(domain::parse_professional_role(domain::professional_role_name(r)), r);
  }
  for (auto k : domain::all_training_kinds()) {
    EXPECT_EQ(domain::parse_training_kind(domain::training_kind_name(k)), k);
  }
}

TEST(CompetenceTest, SignOffHoldsFromItsDateToItsReviewDateInclusive) {
  const auto s = sign_off("osteoporotic_thoracolumbar", "2026-01-10", "2027-01-10");
  struct Case {
    const char* on;
    bool holds;
  } cases[] = {{"2026-01-09", false}, {"2026-01-10", true}, {"2026-06-30", true},
               {"2027-01-10", true},  {"2027-01-11", false}};
  for (const auto& c : cases) EXPECT_EQ(domain::sign_off_holds(s, d(c.on)), c.holds) << c.on;
}

TEST(CompetenceTest, RevokedSignOffStopsOnTheDayOfRevocation) {
  const auto s = sign_off("cervical", "2026-01-10", "2028-01-10", "2026-05-01");
  EXPECT_TRUE(domain::sign_off_holds(s, d("2026-04-30")));
  EXPECT_FALSE(domain::sign_off_holds(s, d("2026-05-01")));
  EXPECT_FALSE(domain::sign_off_holds(s, d("2027-01-01")));
}

TEST(CompetenceTest, UnreadableDatesNeverHold) {
  EXPECT_FALSE(domain::sign_off_holds(sign_off("cervical", "", "2028-01-10"), d("2027-01-01")));
  EXPECT_FALSE(domain::sign_off_holds(sign_off("cervical", "2026-01-10", "x"), d("2027-01-01")));
}

TEST(CompetenceTest, CompetentForCaseNeedsTheCaseScopeOnTheDate) {
  const std::vector<domain::SignOffRecord> held = {
      sign_off("osteoporotic_thoracolumbar", "2026-01-10", "2027-01-10"),
      sign_off("tumour_thoracolumbar", "2024-01-10", "2025-01-10"),  // lapsed
      sign_off("cervical", "2026-01-10", "2028-01-10", "2026-03-01"),  // revoked
  };
  const auto on = d("2026-11-25");
  // Pass: osteoporotic thoracolumbar is current.
  EXPECT_TRUE(guidance::competent_for_case(held, Indication::kOsteoporotic, levels("L1"), on));
  // Fail: expired sign-off.
  EXPECT_FALSE(guidance::competent_for_case(held, Indication::kMetastasis, levels("L1"), on));
  // Fail: scope not covered (haemangioma never signed off).
  EXPECT_FALSE(guidance::competent_for_case(held, Indication::kHaemangioma, levels("T9"), on));
  // Fail: a cervical level needs the cervical scope, which was revoked.
  EXPECT_FALSE(guidance::competent_for_case(held, Indication::kOsteoporotic, levels("C7, T1"), on));
  // ... and held it before the revocation.
  EXPECT_TRUE(guidance::competent_for_case(held, Indication::kOsteoporotic, levels("C7"),
                                           d("2026-02-28")));
  // Fail: no scope covers a case outside HTG3; no sign-offs at all.
  EXPECT_FALSE(guidance::competent_for_case(held, Indication::kOther, levels("L1"), on));
  EXPECT_FALSE(guidance::competent_for_case({}, Indication::kOsteoporotic, levels("L1"), on));
  // Boundary: the review date itself still holds, the next day does not.
  EXPECT_TRUE(guidance::competent_for_case(held, Indication::kOsteoporotic, levels("L1"),
                                           d("2027-01-10")));
  EXPECT_FALSE(guidance::competent_for_case(held, Indication::kOsteoporotic, levels("L1"),
                                            d("2027-01-11")));
}

TEST(CompetenceTest, PermissionsOfTheTrainingLead) {
  using domain::Permission;
  using domain::Role;
  for (auto r : domain::all_roles()) {
    EXPECT_EQ(domain::role_allows(r, Permission::kManageOperators),
              r == Role::kAdministrator || r == Role::kTrainer)
        << domain::role_name(r);
    EXPECT_EQ(domain::role_allows(r, Permission::kSignOffCompetence), r == Role::kTrainer)
        << domain::role_name(r);
  }
}

}  // namespace
}  // namespace vertebro
