#pragma once
// Users, their roles and what each role may do.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"

namespace vertebro::domain {

enum class Role {
  kAdministrator,
  kCoordinator,  // MDT coordinator
  kOperator,     // interventional radiologist or spinal surgeon
  kNurse,
  kGovernance,   // audit and governance lead
  kSafety,       // medical device safety officer
  kTrainer,      // training lead
  kResearcher,
};
std::string_view role_name(Role r);   // "administrator", "coordinator", ...
std::string_view role_label(Role r);  // "Administrator", "MDT coordinator", ...
std::optional<Role> parse_role(std::string_view name);
std::vector<Role> all_roles();

// What a user may do. Each use case checks one of these.
enum class Permission {
  kViewPatients,      // see patients and episodes of the user's sites
  kRegisterPatient,
  kRegisterReferral,
  kEditReferral,
  kViewRecordLog,     // the access and change log of a record
  kManageUsers,
  kManageSettings,     // unit settings and each site's spinal surgery access
  kRecordAssessment,   // the assessment; sends a case to the MDT
  kManageMdt,          // meetings, their lists, attendees and decisions; moves a case to consent
  kRecordConsent,      // consent; moves a case to awaiting procedure
  kRecordProcedure,    // the procedure record
  kRecordFollowUp,     // follow-up visits (in clinic or by phone)
  kRecordExit,         // declined, withdrawn, not suitable, deceased
  kManageOperators,    // operator profiles: create, change, see every profile and log
  kSignOffCompetence,  // competence sign-offs and their revocation; checks training log entries
  kManageDevices,      // the cement catalogue, its instructions for use, lots and their recalls
  kReportDeviceIncidents,  // Yellow Card reports of device-related adverse incidents
  kViewReports,            // the audit and governance reports of the user's sites (issue 15)
};
bool role_allows(Role r, Permission p);

struct Site {
  SiteId id;
  std::string code;
  std::string name;
};

struct User {
  UserId id;
  std::string username;
  std::string display_name;
  Role role = Role::kNurse;
  std::string profession;  // e.g. "Interventional radiologist"; free text
  bool disabled = false;
  std::vector<SiteId> sites;

  bool has_site(SiteId s) const;
};

}  // namespace vertebro::domain
