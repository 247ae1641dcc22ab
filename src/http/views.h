#pragma once
// View data (JSON for the Mustache templates and the API) for patients, episodes and audit
// entries. Internal to http/.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/audit.h"
#include "domain/date.h"
#include "domain/user.h"
#include "domain/records.h"

namespace vertebro::http {

nlohmann::json patient_view(const domain::PatientRecord& p, domain::Date today);
nlohmann::json episode_view(const domain::EpisodeRecord& e, const std::string& site_name,
                             domain::Date today);
nlohmann::json audit_view(const domain::AuditEntry& e);
std::string site_name(const std::vector<domain::Site>& sites, SiteId id);
// "25 Nov 2026" from a stored ISO date; the text itself when it is not one.
std::string date_display(const std::string& iso);
// "943 476 5919" from ten stored digits; the text itself when it is not a valid NHS number.
std::string nhs_formatted(const std::string& digits);
// The parts with `sep` between them: "T12, L1".
std::string join(const std::vector<std::string>& parts, const std::string& sep);
// One CSV cell (RFC 4180 quoting). A value a spreadsheet would read as a formula ("=", "+",
// "-", "@" first) is written as text, with a leading apostrophe.
std::string csv_cell(const std::string& v);
// The text, or null when it is empty: Mustache opens a section for any string, even "".
nlohmann::json text_or_null(const std::string& s);

// A guidance finding's outcome as every page shows it, from its stored name: "Pass" on a green
// tag, "Warning" yellow, "Fail" red, "Missing" grey, "Not applicable" blue.
std::string outcome_label(const std::string& outcome);
std::string outcome_tag_class(const std::string& outcome);
// Findings as app::findings_json() writes them (and transitions store them), for
// _findings.mustache: [{outcome_label, tag_class, requirement, pack, advisory, message,
// evidence}].
nlohmann::json findings_view(const nlohmann::json& findings);

}  // namespace vertebro::http
