#include "domain/operator.h"

#include "domain/named_table.h"

namespace vertebro::domain {

namespace {

using detail::Named;

constexpr Named<ProfessionalRole> kProfessionalRoles[] = {
    {ProfessionalRole::kInterventionalRadiologist, "interventional_radiologist",
     "Interventional radiologist"},
    {ProfessionalRole::kSpinalSurgeon, "spinal_surgeon", "Spinal surgeon"},
    {ProfessionalRole::kOther, "other", "Other"},
};

constexpr Named<CompetenceScope> kScopes[] = {
    {CompetenceScope::kOsteoporoticThoracolumbar, "osteoporotic_thoracolumbar",
     "Osteoporotic fracture, thoracic or lumbar"},
    {CompetenceScope::kTumourThoracolumbar, "tumour_thoracolumbar",
     "Tumour (metastasis or myeloma), thoracic or lumbar"},
    {CompetenceScope::kHaemangiomaThoracolumbar, "haemangioma_thoracolumbar",
     "Haemangioma, thoracic or lumbar"},
    {CompetenceScope::kCervical, "cervical", "Cervical spine, any indication"},
};

constexpr Named<TrainingKind> kKinds[] = {
    {TrainingKind::kCourse, "course", "Course"},
    {TrainingKind::kSimulation, "simulation", "Simulation"},
    {TrainingKind::kObservedCase, "observed_case", "Observed case"},
};

}  // namespace

using detail::all_of;
using detail::label_of;
using detail::name_of;
using detail::parse_in;

std::string_view professional_role_name(ProfessionalRole r) { return name_of(kProfessionalRoles, r); }
std::string_view professional_role_label(ProfessionalRole r) {
  return label_of(kProfessionalRoles, r);
}
std::optional<ProfessionalRole> parse_professional_role(std::string_view name) {
  return parse_in(kProfessionalRoles, name);
}
std::vector<ProfessionalRole> all_professional_roles() { return all_of(kProfessionalRoles); }

std::string_view competence_scope_name(CompetenceScope s) { return name_of(kScopes, s); }
std::string_view competence_scope_label(CompetenceScope s) { return label_of(kScopes, s); }
std::optional<CompetenceScope> parse_competence_scope(std::string_view name) {
  return parse_in(kScopes, name);
}
std::vector<CompetenceScope> all_competence_scopes() { return all_of(kScopes); }

std::string_view training_kind_name(TrainingKind k) { return name_of(kKinds, k); }
std::string_view training_kind_label(TrainingKind k) { return label_of(kKinds, k); }
std::optional<TrainingKind> parse_training_kind(std::string_view name) {
  return parse_in(kKinds, name);
}
std::vector<TrainingKind> all_training_kinds() { return all_of(kKinds); }

bool sign_off_holds(const SignOffRecord& s, Date on) {
  auto signed_on = Date::parse(s.signed_on, "signed_on", "Sign-off date");
  auto review = Date::parse(s.review_date, "review_date", "Review date");
  if (!signed_on || !review) return false;
  if (on < *signed_on || *review < on) return false;
  if (s.revoked()) {
    auto revoked = Date::parse(s.revoked_on, "revoked_on", "Revocation date");
    if (!revoked || !(on < *revoked)) return false;
  }
  return true;
}

}  // namespace vertebro::domain
