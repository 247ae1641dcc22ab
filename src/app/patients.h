#pragma once
// Registering and viewing patients. A user sees a patient when the patient is registered at,
// or has an episode at, one of the user's sites; anything else is kNotFound (and the attempt
// is logged in the audit trail).

#include <vector>

#include "app/context.h"
#include "domain/patient.h"
#include "domain/records.h"

namespace vertebro::app {

// Registers a patient at `site_id` (one of the actor's sites). Errors: kForbidden (role),
// kInvalid (fields, including site_id), kDuplicate (NHS number already registered;
// related_id is the existing patient when the actor may see it, else 0).
Result<domain::PatientRecord> register_patient(const Context& ctx, const Actor& actor,
                                               const std::string& site_id,
                                               const domain::PatientInput& input);

struct PatientView {
  domain::PatientRecord patient;
  std::vector<domain::EpisodeRecord> episodes;  // those at the actor's sites, newest first
};

// Reads a patient and their episodes; audited as a read. kNotFound when absent or not visible.
Result<PatientView> view_patient(const Context& ctx, const Actor& actor, PatientId id);

// Finds a patient by NHS number among those the actor may see; audited. kNotFound otherwise.
Result<domain::PatientRecord> find_patient_by_nhs(const Context& ctx, const Actor& actor,
                                                  const std::string& nhs_number);

// True when the actor's sites include any of `sites`.
bool shares_site(const domain::User& user, const std::vector<SiteId>& sites);

// Within a transaction: reads the patient and checks it is visible to the actor; writes a
// "denied" audit entry and returns kNotFound when it is not. Used by every patient use case.
Result<domain::PatientRecord> load_visible_patient(store::Tx& tx, const Context& ctx,
                                                   const Actor& actor, PatientId id);

// Parses a site chosen on a form: must be one of the actor's sites. Field "site_id".
Result<SiteId> parse_actor_site(const Actor& actor, const std::string& site_id);

}  // namespace vertebro::app
