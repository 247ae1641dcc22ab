// Roles and what each may do.

#include "domain/user.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace vertebro::domain {
namespace {

struct RoleCase {
  Role role;
  const char* name;
  const char* label;
};
const RoleCase kRoles[] = {
    {Role::kAdministrator, "administrator", "Administrator"},
    {Role::kCoordinator, "coordinator", "MDT coordinator"},
    {Role::kOperator, "operator", "Operator"},
    {Role::kNurse, "nurse", "Nurse"},
    {Role::kGovernance, "governance", "Audit and governance lead"},
    {Role::kSafety, "safety", "Medical device safety officer"},
    {Role::kTrainer, "trainer", "Training lead"},
    {Role::kResearcher, "researcher", "Researcher"},
};

TEST(RoleTest, NamesAndLabelsRoundTrip) {
  const auto all = all_roles();
  ASSERT_EQ(all.size(), std::size(kRoles));
  for (std::size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE(kRoles[i].name);
    EXPECT_EQ(all[i], kRoles[i].role);
    EXPECT_EQ(role_name(kRoles[i].role), kRoles[i].name);
    EXPECT_EQ(role_label(kRoles[i].role), kRoles[i].label);
    auto parsed = parse_role(kRoles[i].name);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, kRoles[i].role);
  }
}

TEST(RoleTest, ParseRejectsUnknownNames) {
  for (const char* name : {"", "Administrator", "admin", "MDT coordinator", "root", " nurse"}) {
    EXPECT_FALSE(parse_role(name).has_value()) << '"' << name << '"';
  }
}

// Researchers work on pseudonymised exports, not on identifiable records (DESIGN.md users).
TEST(RoleTest, EveryRoleButResearcherViewsPatients) {
  for (const auto& r : kRoles) {
    EXPECT_EQ(role_allows(r.role, Permission::kViewPatients), r.role != Role::kResearcher)
        << r.name;
  }
}

TEST(RoleTest, OnlyAdministratorAndGovernanceViewRecordLogs) {
  for (const auto& r : kRoles) {
    const bool expected = r.role == Role::kAdministrator || r.role == Role::kGovernance;
    EXPECT_EQ(role_allows(r.role, Permission::kViewRecordLog), expected) << r.name;
  }
}

TEST(RoleTest, OnlyAdministratorManagesUsers) {
  for (const auto& r : kRoles) {
    EXPECT_EQ(role_allows(r.role, Permission::kManageUsers), r.role == Role::kAdministrator)
        << r.name;
  }
}

// Reports to the regulator are made for the unit by its device safety officer alone.
TEST(RoleTest, OnlyTheDeviceSafetyOfficerReportsDeviceIncidents) {
  for (const auto& r : kRoles) {
    EXPECT_EQ(role_allows(r.role, Permission::kReportDeviceIncidents), r.role == Role::kSafety)
        << r.name;
  }
}

// The clinical team registers patients and referrals; governance, safety, training and
// research roles read but do not register.
TEST(RoleTest, OnlyTheClinicalTeamRegistersAndEdits) {
  const std::set<Role> kClinical = {Role::kAdministrator, Role::kCoordinator, Role::kOperator,
                                    Role::kNurse};
  for (const auto& r : kRoles) {
    const bool expected = kClinical.count(r.role) == 1;
    for (auto p :
         {Permission::kRegisterPatient, Permission::kRegisterReferral, Permission::kEditReferral}) {
      EXPECT_EQ(role_allows(r.role, p), expected)
          << r.name << " permission " << static_cast<int>(p);
    }
  }
}

// The device safety officer keeps the cement catalogue, the lot register and recalls; the
// administrator may stand in. Clinicians read the catalogue but do not change it.
TEST(RoleTest, OnlyAdministratorAndSafetyOfficerManageDevices) {
  for (const auto& r : kRoles) {
    const bool expected = r.role == Role::kAdministrator || r.role == Role::kSafety;
    EXPECT_EQ(role_allows(r.role, Permission::kManageDevices), expected) << r.name;
  }
}

// Follow-up visits are recorded by the nurses and clinicians who see or phone the patient.
TEST(RoleTest, OnlyNursesAndOperatorsRecordFollowUps) {
  for (const auto& r : kRoles) {
    const bool expected = r.role == Role::kOperator || r.role == Role::kNurse;
    EXPECT_EQ(role_allows(r.role, Permission::kRecordFollowUp), expected) << r.name;
  }
}

TEST(UserTest, HasSiteOnlyForListedSites) {
  User u;
  u.sites = {SiteId{1}, SiteId{3}};
  EXPECT_TRUE(u.has_site(SiteId{1}));
  EXPECT_TRUE(u.has_site(SiteId{3}));
  EXPECT_FALSE(u.has_site(SiteId{2}));
  EXPECT_FALSE(User{}.has_site(SiteId{1}));
}

}  // namespace
}  // namespace vertebro::domain
