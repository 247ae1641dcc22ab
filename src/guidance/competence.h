#pragma once
// Operator competence for HTG3-1.2-TRAINING ("Clinicians should receive training to reach an
// appropriate level of expertise before carrying out this procedure"): which competence scope a
// case needs, and whether an operator's recorded sign-offs cover it on a date. Pure: no I/O.
// The rule itself (a finding at the consent -> procedure gate and when the procedure is
// recorded) is built on these; see docs/training.md.

#include <optional>
#include <vector>

#include "domain/date.h"
#include "domain/operator.h"
#include "domain/referral.h"
#include "domain/vertebral_level.h"

namespace vertebro::guidance {

// The scope a case needs: any cervical level (C1-C7) makes it kCervical; otherwise the
// indication decides (osteoporotic, haemangioma, metastasis or myeloma as a tumour).
// std::nullopt for an indication outside HTG3 (traumatic, other), which no sign-off covers.
std::optional<domain::CompetenceScope> case_scope(domain::Indication indication,
                                                  const std::vector<domain::VertebralLevel>& levels);

// Whether one of `sign_offs` of scope `scope` holds on `on` (domain::sign_off_holds: signed on
// or before it, review date on or after it, not revoked by then).
bool holds_sign_off(const std::vector<domain::SignOffRecord>& sign_offs,
                    domain::CompetenceScope scope, domain::Date on);

// Whether an operator with these sign-offs holds a current sign-off covering a case with this
// indication and these levels on `on`. False when the case has no scope (case_scope).
bool competent_for_case(const std::vector<domain::SignOffRecord>& sign_offs,
                        domain::Indication indication,
                        const std::vector<domain::VertebralLevel>& levels, domain::Date on);

}  // namespace vertebro::guidance
