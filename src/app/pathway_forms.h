#pragma once
// The clinical forms of an episode — assessment, consent and procedure — as JSON documents.
// One shape serves the API (PUT bodies, GET answers), the pages (which build the same object
// from their form fields, named by the same dotted paths) and the store (which keeps the
// normalised document whole). Validation returns the normalised document: blank values
// removed, calculated values (Genant grade from height loss, SINS total and category) filled
// in, lists in a stable order. Field errors name dotted paths: "pain_at_rest",
// "levels.T12.cement_ml", "treatments.bracing.end".
//
// Pure: no I/O. docs/api.md documents every key.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "domain/date.h"
#include "domain/referral.h"
#include "domain/vertebral_level.h"
#include "guidance/snapshot.h"

namespace vertebro::app {

enum class FormKind { kAssessment, kConsent, kProcedure };
std::string_view form_kind_name(FormKind k);  // "assessment", "consent", "procedure"
std::optional<FormKind> parse_form_kind(std::string_view name);

// An operator the procedure form offers: a profile active at the episode's site
// (HTG3-1.2-TRAINING).
struct SiteOperator {
  std::int64_t id = 0;  // domain::OperatorId
  std::string name;     // the linked user's display name
};

// A pack of cement the procedure names (HTG3-1.2-CEMENT), as the app layer found it before
// validation from the pack's scan, or from the lot and IFU version a stored procedure already
// names (app/procedure_cement.cpp). The form keeps these values, not what a client sends.
struct CementPack {
  std::string error;  // set when the scan or lot cannot be used: the unit's field error
  std::int64_t lot_id = 0;
  std::string product;
  std::string scheme;  // "gs1" or "hibc"
  std::string code;    // the GTIN or HIBC code
  std::string lot;
  std::string expiry;  // ISO date
  std::int64_t ifu_version_id = 0;
  std::int64_t ifu_version = 0;
  std::size_t steps = 0;  // the number of steps in that IFU version
};

// What a form's dates and levels are checked against.
struct FormContext {
  domain::Date today{};
  domain::Date referral_date{};
  domain::Date date_of_birth{};
  std::vector<domain::VertebralLevel> assessed_levels{};  // procedure: warn for others
  // Procedure: the primary operator and supervisor are chosen from these (primary_operator_id,
  // supervisor_id); a name typed instead (primary_operator, supervisor) is a visiting operator.
  std::vector<SiteOperator> site_operators{};
  // Procedure: the cement packs by unit number (1, 2, ...), one for each unit the input names.
  std::map<int, CementPack> cement_packs{};
  // A procedure dated before its MDT or its consent is not refused here: recording it runs
  // the procedure's rules at its date (gate procedure_recorded), which block it unless someone
  // the unit allows overrides them with a reason (app/pathway.h, save_form).
};

struct ValidatedForm {
  nlohmann::json document;
  std::vector<std::string> warnings;  // accepted, but worth a second look
};

// Errors: kInvalid with one field error per bad field.
Result<ValidatedForm> validate_form(FormKind kind, const nlohmann::json& input,
                                    const FormContext& context);

// The contraindications checklist shown at assessment (issue 5). Its source is unconfirmed,
// so every page shows it as an unverified list.
struct Contraindication {
  std::string_view name;
  std::string_view label;
};
const std::vector<Contraindication>& contraindications();

// Fills the snapshot fields each stored document provides. The documents are normalised
// (validate_form's output); unreadable values are left unset, so the rules report them as
// missing rather than passing.
void fill_from_assessment(const nlohmann::json& doc, guidance::EpisodeSnapshot& s);
void fill_from_consent(const nlohmann::json& doc, guidance::EpisodeSnapshot& s);
void fill_from_procedure(const nlohmann::json& doc, guidance::EpisodeSnapshot& s);

// The levels an assessment document records, in order.
std::vector<domain::VertebralLevel> assessed_levels(const nlohmann::json& doc);

// Choices offered by the forms: {name, label}.
using Choices = std::vector<std::pair<std::string, std::string>>;
const Choices& morphology_choices();
const Choices& approach_choices();
const Choices& pedicle_choices();
const Choices& image_guidance_choices();
const Choices& anaesthesia_choices();
const Choices& leakage_type_choices();  // Yeom B, S, C and D (intradiscal)
const Choices& leakage_detection_choices();
const Choices& dap_unit_choices();
// A reader of a name among `choices` for InputReader::choice: the name, or std::nullopt for one
// that is not there. `choices` must outlive it.
inline auto choice_in(const Choices& choices) {
  return [&choices](std::string_view v) -> std::optional<std::string> {
    for (const auto& [name, label] : choices) {
      if (name == v) return name;
    }
    return std::nullopt;
  };
}

// The label of `name` in `choices`; `name` itself when it is none of them.
inline std::string label_in(const Choices& choices, const std::string& name) {
  for (const auto& [n, label] : choices) {
    if (n == name) return label;
  }
  return name;
}

// The mobility scale (guidance/outcomes.h), bed-bound first: the assessment's mobility before
// the procedure and each follow-up visit's.
const Choices& mobility_choices();

}  // namespace vertebro::app
