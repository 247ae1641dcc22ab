#pragma once
// Yellow Card reports (issue 12; HTG3-YELLOWCARD; docs/yellow-card.md): the device safety
// officer's report to the regulator of an adverse incident that a device used in the procedure
// (the cement, the needle or delivery system, another device) was involved in. A report is made
// from one complication recorded with a device (app/complications.h), at most one per
// complication, and prefilled from it, the procedure's cement pack and the cement catalogue.
// vertebro submits nothing itself: the officer copies the report (PDF, JSON or CSV) into the
// route of the unit's nation and records the regulator's reference here.
//
// Only the patient details a report needs go into it: the age at the incident and the sex, both
// taken from the patient record when the report is saved. No name, NHS number or date of birth.
//
// The document (docs/api.md, "Yellow Card reports"):
//   status               "draft", "submitted", "closed" (required). A draft may be submitted, or
//                        closed unsent with the reason in closing_note (the officer judged the
//                        event not reportable); a submitted report may be corrected or closed;
//                        a closed one is final.
//   reporter_name, reporter_role, reporter_contact, organisation        (required)
//   nation               "england", "wales", "scotland", "northern_ireland" (required): decides
//                        the route (yellow_card_route)
//   device_type          complication_device_choices() without "none" (required)
//   device_name, manufacturer (required); model, lot, serial, udi (optional)
//   marking              "ukca", "ce", "ce_ukca", "none", "not_known" (required)
//   device_location      where the device is now (yellow_card_location_choices(); required)
//   incident_date        ISO date (required): on or after the procedure, not in the future
//   awareness_date       ISO date (required): on or after the incident, not in the future
//   location             where it happened (required)
//   description          what happened (required, up to 4000 characters)
//   patient_outcome      the patient's outcome or injury (required, up to 2000)
//   actions_taken        actions taken or investigation (optional, up to 2000)
//   regulator_reference  the regulator's reference (required once submitted)
//   submitted_on         ISO date the report was sent (required once submitted)
//   closed_on            ISO date (required when closed); closing_note (optional; required
//                        when a report is closed without being submitted)
// Saved with it, not sent: patient_age, patient_sex ("Female", ...), route (the route's label).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "app/pathway_forms.h"
#include "domain/date.h"

namespace vertebro::app {

const Choices& yellow_card_status_choices();
const Choices& yellow_card_nation_choices();
const Choices& yellow_card_marking_choices();
const Choices& yellow_card_location_choices();
// The reporting route of a nation: England and Wales, the MHRA Yellow Card scheme; Scotland,
// Health Facilities Scotland; Northern Ireland, NIAIC. "" for an unknown nation.
std::string yellow_card_route(std::string_view nation);

// What a report is checked against.
struct YellowCardContext {
  domain::Date today{};
  std::optional<domain::Date> procedure_date;
  std::string current_status;  // "" for a new report
};

// Errors: kInvalid with one field error per bad field. Warnings: a device not kept (the MHRA or
// the manufacturer may need it), a device without a UKCA or CE mark.
Result<ValidatedForm> validate_yellow_card(const nlohmann::json& input,
                                           const YellowCardContext& c);

// The complication a report is made from, as the device safety officer's lists show it (no
// patient identifiers).
struct YellowCardEvent {
  std::int64_t complication_id = 0;
  EpisodeId episode;
  std::string site_name;
  std::string event_date;  // ISO
  std::string type;        // complication type name
  std::string type_label;
  std::string severity_label;
  std::string device_label;
  std::string outcome_label;
  bool further_intervention = false;
};

struct YellowCardReport {
  std::int64_t id = 0;
  YellowCardEvent event;
  std::string status;
  std::string regulator_reference;
  nlohmann::json document;  // with patient_age, patient_sex and route
  std::int64_t version = 0;
  std::string created_at;
  std::string created_by_name;
  std::string updated_at;
  std::string updated_by_name;
  std::vector<std::string> warnings;  // of the save that returned this report
};

// The device safety officer's list: every report of the officer's sites, newest first, and the
// device-related events without one, oldest first (audited as a list of the episodes shown).
struct YellowCardList {
  std::vector<YellowCardReport> reports;
  std::vector<YellowCardEvent> unreported;
};

// Reports are the device safety officer's (Role::kSafety): kForbidden for everyone else.
Result<YellowCardList> list_yellow_cards(const Context& ctx, const Actor& actor);

// A new report's form: the event and the answers prefilled from it (audited as a read).
// Errors: kForbidden, kNotFound, kInvalid (no device was involved: field "complication_id"),
// kConflict (the event has a report already).
struct YellowCardStart {
  YellowCardEvent event;
  YellowCardContext context;
  nlohmann::json document;
};
Result<YellowCardStart> start_yellow_card(const Context& ctx, const Actor& actor,
                                          std::int64_t complication_id);

// One report, audited as a read with `purpose` ("view", "pdf", "json", "csv").
// Errors: kForbidden, kNotFound.
Result<YellowCardReport> view_yellow_card(const Context& ctx, const Actor& actor,
                                          std::int64_t id, const std::string& purpose);
// The context a report's form is checked against (for the page that shows the form again).
Result<YellowCardContext> yellow_card_context(const Context& ctx, const Actor& actor,
                                              std::int64_t id);

// Saves a new report of `complication_id` (id 0, expected_version 0) or changes report `id`.
// Errors: kForbidden, kNotFound, kInvalid, kConflict (stale version; the event has a report
// already), kWrongState (the report is closed).
Result<YellowCardReport> save_yellow_card(const Context& ctx, const Actor& actor,
                                          std::int64_t id, std::int64_t complication_id,
                                          std::int64_t expected_version,
                                          const nlohmann::json& input);

// The export's fields in the order the regulator's forms ask for them: {key, label, value}
// with values as labels ("Bone cement", "Kept by the unit").
struct ExportField {
  std::string key;
  std::string label;
  std::string value;
};
std::vector<ExportField> yellow_card_export_fields(const YellowCardReport& r);

}  // namespace vertebro::app
