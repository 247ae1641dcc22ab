#include "app/episode_snapshot.h"

#include "app/pathway_detail.h"

namespace vertebro::app {

using pathway_detail::iso_date;

guidance::EpisodeSnapshot episode_snapshot(const SnapshotSources& src, domain::Date today) {
  guidance::EpisodeSnapshot s;
  s.today = today;
  s.referral_date = src.referral_date;
  if (src.assessment) fill_from_assessment(*src.assessment, s);
  if (src.consent) fill_from_consent(*src.consent, s);
  if (src.procedure) {
    fill_from_procedure(*src.procedure, s);
    const auto found = src.procedure->find("cement_units");
    const nlohmann::json units = found != src.procedure->end() && found->is_array()
                                     ? *found
                                     : nlohmann::json::array();
    for (auto& u : *s.cement_units) {
      for (const auto& doc : units) {
        if (doc.value("unit", 0) != u.unit || !doc.contains("lot_id")) continue;
        const auto lot = doc["lot_id"].is_number_integer() ? doc["lot_id"].get<std::int64_t>() : 0;
        const auto recall = src.cement_recalls.find(lot);
        if (recall != src.cement_recalls.end()) u.recalled_on = iso_date(recall->second);
      }
    }
  }
  if (src.procedure) {
    for (auto [role, op] : {std::pair{"primary_operator_id", &s.primary_operator},
                            std::pair{"supervisor_id", &s.supervisor}}) {
      const auto id = src.procedure->find(role);
      if (!*op || id == src.procedure->end() || !id->is_number_integer()) continue;
      const auto found = src.operator_sign_offs.find(id->get<std::int64_t>());
      if (found != src.operator_sign_offs.end()) (*op)->sign_offs = found->second;
    }
  }
  if (!src.procedure) {
    s.primary_operator = src.planned_operator;
    s.supervisor = src.planned_supervisor;
  }
  if (!s.procedure_date && src.planned_procedure_date) {
    s.procedure_date = src.planned_procedure_date;
    s.procedure_date_planned = true;
  }
  for (const auto& m : src.mdt) {
    auto decision = guidance::parse_mdt_decision(m.listing.decision);
    auto date = iso_date(m.meeting.meeting_date);
    if (!decision || !date) continue;
    guidance::MdtDecision d;
    d.meeting_date = *date;
    d.decision = *decision;
    d.decided_at = m.listing.decided_at;
    for (const auto& a : m.attendees) d.attendee_roles.push_back(a.professional_role);
    s.mdt_decisions.push_back(std::move(d));
  }
  if (src.surgery) {
    if (auto kind = guidance::parse_surgery_access(src.surgery->access)) {
      s.surgery_access = guidance::SurgeryAccess{*kind, iso_date(src.surgery->review_date)};
    }
  }
  return s;
}

FormContext form_context(const SnapshotSources& src, domain::Date today,
                         domain::Date date_of_birth) {
  FormContext fc;
  fc.today = today;
  fc.referral_date = src.referral_date;
  fc.date_of_birth = date_of_birth;
  if (src.assessment) fc.assessed_levels = assessed_levels(*src.assessment);
  return fc;
}

}  // namespace vertebro::app
