#include "guidance/indication.h"

namespace vertebro::guidance {

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kPass: return "pass";
    case Outcome::kWarn: return "warn";
    case Outcome::kFail: return "fail";
    case Outcome::kMissing: return "missing";
  }
  return "missing";
}

Finding assess_indication(domain::Indication indication) {
  using domain::Indication;
  switch (indication) {
    case Indication::kOsteoporotic:
      return {"HTG3-IND-OSTEOPOROTIC", Outcome::kPass,
              "Painful osteoporotic compression fracture is an indication in HTG3 2.1.1. NICE "
              "TA279 also applies: severe ongoing pain after a recent, unhealed fracture."};
    case Indication::kHaemangioma:
      return {"HTG3-IND-HAEMANGIOMA", Outcome::kPass,
              "Symptomatic vertebral haemangioma is an indication in HTG3 2.1.1."};
    case Indication::kMetastasis:
    case Indication::kMyeloma:
      return {"HTG3-IND-TUMOUR", Outcome::kPass,
              "Painful vertebral body tumour is an indication in HTG3 2.1.1. NICE NG234 (spinal "
              "metastases and metastatic spinal cord compression) also applies."};
    case Indication::kOther:
      return {"HTG3-IND", Outcome::kWarn,
              "This indication is outside those HTG3 supports (osteoporotic fracture, "
              "haemangioma, vertebral body tumour). Record why vertebroplasty is considered."};
  }
  return {"HTG3-IND", Outcome::kMissing, "No indication recorded."};
}

}  // namespace vertebro::guidance
