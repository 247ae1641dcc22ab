#pragma once
// Registering and viewing patients. A user sees a patient when the patient is registered at,
// or has an episode at, one of the user's sites (app/access.h); anything else is kNotFound (and
// the attempt is logged in the audit trail).

#include <vector>

#include "app/access.h"
#include "app/context.h"
#include "domain/patient.h"
#include "domain/records.h"

namespace vertebro::app {

// Registers a patient at `site_id` (one of the actor's sites). Errors: kForbidden (role),
// kInvalid (fields, including site_id), kDuplicate (NHS number already registered;
// related_id is the existing patient when the actor may see it, else 0), kRateLimited.
// An NHS number already registered only at sites the actor does not work at tells the actor
// that the person is a patient elsewhere: the attempt is audited as "denied" against that
// patient and counted per user in the database. Once a user has made
// Settings::duplicate_elsewhere_limit such attempts within duplicate_elsewhere_window, every
// registration by that user is refused with kRateLimited (and audited) until the window ends,
// so the answer no longer tells a registered number from a new one.
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

// Parses a site chosen on a form: must be one of the actor's sites. Field "site_id".
Result<SiteId> parse_actor_site(const Actor& actor, const std::string& site_id);

}  // namespace vertebro::app
