#include "domain/patient.h"

#include <optional>

#include "domain/text.h"

namespace vertebro::domain {

namespace {
struct SexInfo {
  Sex sex;
  std::string_view name;
  std::string_view label;
};
constexpr SexInfo kSexes[] = {{Sex::kFemale, "female", "Female"},
                              {Sex::kMale, "male", "Male"},
                              {Sex::kOther, "other", "Other"},
                              {Sex::kUnknown, "unknown", "Not known"}};
}  // namespace

std::string_view sex_name(Sex s) {
  for (const auto& i : kSexes) {
    if (i.sex == s) return i.name;
  }
  return "unknown";
}
std::string_view sex_label(Sex s) {
  for (const auto& i : kSexes) {
    if (i.sex == s) return i.label;
  }
  return "Not known";
}
std::optional<Sex> parse_sex(std::string_view name) {
  for (const auto& i : kSexes) {
    if (i.name == name) return i.sex;
  }
  return std::nullopt;
}

Result<PatientDetails> validate_patient(const PatientInput& in, Date today) {
  std::vector<FieldError> errors;
  std::optional<NhsNumber> nhs;
  if (auto n = NhsNumber::parse(in.nhs_number)) {
    nhs = *n;
  } else {
    for (auto& f : n.error().fields) errors.push_back(f);
  }
  auto family = checked_text(in.family_name, "family_name", "family name", 100, true, errors);
  auto given = checked_text(in.given_name, "given_name", "given name", 100, true, errors);
  std::optional<Date> dob;
  if (auto d = Date::parse(in.date_of_birth, "date_of_birth", "date of birth")) {
    if (*d > today) {
      errors.push_back({"date_of_birth", "Date of birth must be today or in the past"});
    } else {
      dob = *d;
    }
  } else {
    for (auto& f : d.error().fields) errors.push_back(f);
  }
  auto sex = parse_sex(in.sex);
  if (!sex) errors.push_back({"sex", "Select the patient's sex"});
  if (!errors.empty()) return Error::invalid(std::move(errors));
  return PatientDetails{*nhs, std::move(family), std::move(given), *dob, *sex};
}

}  // namespace vertebro::domain
