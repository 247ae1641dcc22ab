#include "report/compliance.h"

#include <array>
#include <utility>

namespace vertebro::report {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kGateLabels = {{
    {"assessment_to_mdt", "Assessment to MDT"},
    {"mdt_to_consent", "MDT to consent"},
    {"consent_to_procedure", "Consent to procedure"},
    {"procedure_recorded", "Procedure recorded"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kRequirementLabels = {{
    {"HTG3-1.2-MDT", "MDT with a radiologist and a spinal surgeon decided before the procedure"},
    {"HTG3-1.1", "Consent recorded before the procedure"},
    {"HTG3-1.2-SURGERY", "Access to a spinal surgery service on the procedure date"},
    {"HTG3-1.2-TRAINING", "Operator trained (signed off, or supervised by a signed-off operator)"},
    {"HTG3-1.2-CEMENT", "Cement prepared as its manufacturer instructs"},
}};

}  // namespace

std::string gate_label(std::string_view gate) {
  for (const auto& [name, label] : kGateLabels) {
    if (name == gate) return std::string(label);
  }
  return std::string(gate);
}

std::string requirement_label(std::string_view requirement) {
  for (const auto& [id, label] : kRequirementLabels) {
    if (id == requirement) return std::string(label);
  }
  return std::string(requirement);
}

ComplianceRow with_share(ComplianceRow row) {
  if (row.total() > 0) {
    row.share = stats::wilson(row.met, row.total());
  } else {
    row.share.reset();
  }
  return row;
}

}  // namespace vertebro::report
