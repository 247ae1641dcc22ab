#pragma once
// A patient's identifying details, and their validation.

#include <optional>
#include <string>

#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "domain/date.h"
#include "domain/nhs_number.h"

namespace vertebro::domain {

// Administrative sex, as FHIR's AdministrativeGender.
enum class Sex { kFemale, kMale, kOther, kUnknown };
std::string_view sex_name(Sex s);   // "female", "male", "other", "unknown"
std::string_view sex_label(Sex s);  // "Female", ...
std::optional<Sex> parse_sex(std::string_view name);

// What a form or API call supplies, as text.
struct PatientInput {
  std::string nhs_number;
  std::string family_name;
  std::string given_name;
  std::string date_of_birth;
  std::string sex;
};

struct PatientDetails {
  NhsNumber nhs_number;
  std::string family_name;
  std::string given_name;
  Date date_of_birth;
  Sex sex = Sex::kUnknown;
};

// Validates every field and returns all field errors at once (kInvalid). Fields:
// nhs_number, family_name, given_name (each 1-100 characters), date_of_birth (not in the
// future, not before 1900), sex.
Result<PatientDetails> validate_patient(const PatientInput& in, Date today);

}  // namespace vertebro::domain
