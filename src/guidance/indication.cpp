#include "guidance/indication.h"

namespace vertebro::guidance {

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kPass: return "pass";
    case Outcome::kWarn: return "warn";
    case Outcome::kFail: return "fail";
    case Outcome::kMissing: return "missing";
    case Outcome::kNotApplicable: return "not_applicable";
  }
  return "missing";
}

Finding assess_indication(domain::Indication indication) {
  using domain::Indication;
  switch (indication) {
    case Indication::kOsteoporotic:
      return {"HTG3-IND-OSTEOPOROTIC", Outcome::kPass,
              "Painful osteoporotic fracture with loss of vertebral height or a compression "
              "fracture on imaging is an indication in HTG3 2.1.1. NICE TA279 also applies: "
              "severe ongoing pain after a recent, unhealed fracture."};
    case Indication::kHaemangioma:
      return {"HTG3-IND-HAEMANGIOMA", Outcome::kPass,
              "Symptomatic vertebral haemangioma is an indication in HTG3 2.1.1; the assessment "
              "records the symptoms it causes."};
    case Indication::kMetastasis:
    case Indication::kMyeloma:
      return {"HTG3-IND-TUMOUR", Outcome::kPass,
              "Painful vertebral body tumour is an indication in HTG3 2.1.1. NICE NG234 (spinal "
              "metastases and metastatic spinal cord compression) also applies."};
    case Indication::kTraumatic:
      return {"HTG3-IND", Outcome::kFail,
              "A traumatic fracture in non-osteoporotic bone is outside the indications HTG3 "
              "supports (painful osteoporotic fracture, symptomatic haemangioma, painful vertebral "
              "body tumour). Proceeding needs an override recording why vertebroplasty is "
              "considered."};
    case Indication::kOther:
      return {"HTG3-IND", Outcome::kFail,
              "This indication is outside those HTG3 supports (painful osteoporotic fracture, "
              "symptomatic haemangioma, painful vertebral body tumour). Proceeding needs an "
              "override recording why vertebroplasty is considered."};
  }
  return {"HTG3-IND", Outcome::kMissing, "No indication recorded."};
}

}  // namespace vertebro::guidance
