#include "domain/user.h"

#include <algorithm>

namespace vertebro::domain {

namespace {
struct RoleInfo {
  Role role;
  std::string_view name;
  std::string_view label;
};
constexpr RoleInfo kRoles[] = {
    {Role::kAdministrator, "administrator", "Administrator"},
    {Role::kCoordinator, "coordinator", "MDT coordinator"},
    {Role::kOperator, "operator", "Operator"},
    {Role::kNurse, "nurse", "Nurse"},
    {Role::kGovernance, "governance", "Audit and governance lead"},
    {Role::kSafety, "safety", "Medical device safety officer"},
    {Role::kTrainer, "trainer", "Training lead"},
    {Role::kResearcher, "researcher", "Researcher"},
};
}  // namespace

std::string_view role_name(Role r) {
  for (const auto& i : kRoles) {
    if (i.role == r) return i.name;
  }
  return "nurse";
}
std::string_view role_label(Role r) {
  for (const auto& i : kRoles) {
    if (i.role == r) return i.label;
  }
  return "Nurse";
}
std::optional<Role> parse_role(std::string_view name) {
  for (const auto& i : kRoles) {
    if (i.name == name) return i.role;
  }
  return std::nullopt;
}
std::vector<Role> all_roles() {
  std::vector<Role> out;
  for (const auto& i : kRoles) out.push_back(i.role);
  return out;
}

bool role_allows(Role r, Permission p) {
  switch (p) {
    case Permission::kViewPatients:
      // Researchers work on pseudonymised exports, not on identifiable records.
      return r != Role::kResearcher;
    case Permission::kRegisterPatient:
    case Permission::kRegisterReferral:
    case Permission::kEditReferral:
      return r == Role::kAdministrator || r == Role::kCoordinator || r == Role::kOperator ||
             r == Role::kNurse;
    case Permission::kViewRecordLog:
      return r == Role::kAdministrator || r == Role::kGovernance;
    case Permission::kManageUsers:
    case Permission::kManageSettings:
      return r == Role::kAdministrator;
    case Permission::kRecordAssessment:
    case Permission::kRecordConsent:
    case Permission::kRecordProcedure:
      return r == Role::kOperator;
    case Permission::kRecordFollowUp:
      // The nurses and clinicians who see or phone the patient.
      return r == Role::kOperator || r == Role::kNurse;
    case Permission::kManageMdt:
      return r == Role::kCoordinator || r == Role::kOperator;
    case Permission::kRecordExit:
      return r == Role::kCoordinator || r == Role::kOperator || r == Role::kNurse;
    case Permission::kManageOperators:
      return r == Role::kAdministrator || r == Role::kTrainer;
    case Permission::kSignOffCompetence:
      // The training lead alone: an administrator manages profiles but judges no competence.
      return r == Role::kTrainer;
    case Permission::kManageDevices:
      return r == Role::kAdministrator || r == Role::kSafety;
    case Permission::kReportDeviceIncidents:
      // The device safety officer alone, who reports to the regulator for the unit.
      return r == Role::kSafety;
    case Permission::kViewReports:
      // The audit lead's, and those who answer for the results: the clinicians, the training
      // lead, the device safety officer and the administrator. Figures, and episode numbers in the
      // compliance shortfall lists: never a patient's name.
      return r == Role::kGovernance || r == Role::kOperator || r == Role::kTrainer ||
             r == Role::kSafety || r == Role::kAdministrator;
  }
  return false;
}

bool User::has_site(SiteId s) const { return std::find(sites.begin(), sites.end(), s) != sites.end(); }

}  // namespace vertebro::domain
