#include "http/views.h"

#include "base/clock.h"
#include "domain/pathway_state.h"

namespace vertebro::http {

std::string site_name(const std::vector<domain::Site>& sites, SiteId id) {
  for (const auto& s : sites) {
    if (s.id == id) return s.name;
  }
  return "Site " + id.str();
}

nlohmann::json patient_view(const domain::PatientRecord& p, domain::Date today) {
  const auto& d = p.details;
  return {{"id", p.id.value},
          {"family_name", d.family_name},
          {"given_name", d.given_name},
          {"display_name", d.family_name + ", " + d.given_name},
          {"nhs_number", d.nhs_number.digits()},
          {"nhs_number_formatted", d.nhs_number.formatted()},
          {"test_number", d.nhs_number.is_test_number()},
          {"date_of_birth", d.date_of_birth.iso()},
          {"date_of_birth_display", d.date_of_birth.display()},
          {"age", d.date_of_birth.years_until(today)},
          {"sex", std::string(domain::sex_name(d.sex))},
          {"sex_label", std::string(domain::sex_label(d.sex))},
          {"site_id", p.site.value},
          {"version", p.version}};
}

nlohmann::json episode_view(const domain::EpisodeRecord& e, const std::string& site,
                             domain::Date today) {
  const auto& r = e.referral;
  // Days in the current state: the queue's waiting time.
  long state_days = 0;
  if (auto d = domain::Date::parse(e.state_changed_at.substr(0, 10), "state_changed_at", "")) {
    state_days = d->days_until(today);
  }
  return {{"id", e.id.value},
          {"patient_id", e.patient.value},
          {"state", std::string(domain::state_name(e.state))},
          {"state_label", std::string(domain::state_label(e.state))},
          {"open", !domain::is_final(e.state)},
          {"site_id", r.site.value},
          {"site_name", site},
          {"referring_clinician", r.referring_clinician},
          {"referral_date", r.referral_date.iso()},
          {"referral_date_display", r.referral_date.display()},
          {"waiting_days", r.referral_date.days_until(today)},
          {"referred_today", r.referral_date.days_until(today) == 0},
          {"indication", std::string(domain::indication_name(r.indication))},
          {"indication_label", std::string(domain::indication_label(r.indication))},
          {"levels", domain::format_levels(r.levels)},
          {"reason", r.reason},
          {"version", e.version},
          {"state_changed_at", e.state_changed_at},
          {"state_days", state_days},
          {"created_at", e.created_at},
          {"updated_at", e.updated_at}};
}

namespace {
std::string shown(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// "25 Nov 2026, 12:35 UTC" from a stored timestamp.
std::string when(const std::string& at) {
  TimePoint t{};
  if (!parse_timestamp(at, t)) return at;
  const auto day = std::chrono::floor<std::chrono::days>(t);
  return domain::Date::from_days(day).display() + ", " + at.substr(11, 5) + " UTC";
}

std::string action_label(const std::string& action) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"create", "Created"},         {"update", "Changed"},
      {"read", "Viewed"},            {"read_log", "Viewed the log"},
      {"search", "Searched by NHS number"}, {"denied", "Refused access"},
      {"list", "Listed"},            {"transition", "Moved on"},
  };
  for (const auto& [key, label] : kLabels) {
    if (action == key) return label;
  }
  return action;
}
}  // namespace

nlohmann::json audit_view(const domain::AuditEntry& e) {
  nlohmann::json changes = nlohmann::json::array();
  auto detail = nlohmann::json::parse(e.detail, nullptr, false);
  if (detail.is_object() && detail.contains("changes") && detail["changes"].is_object()) {
    for (const auto& [field, change] : detail["changes"].items()) {
      changes.push_back({{"field", field},
                         {"from", shown(change.value("from", nlohmann::json()))},
                         {"to", shown(change.value("to", nlohmann::json()))}});
    }
  }
  // Where a list entry showed the record, and why access was refused.
  std::string note;
  if (e.action == "list") {
    note = e.record_type == "worklist"      ? "Shown in a worklist page"
           : e.record_type == "follow_ups"  ? "Shown in the follow-up list"
           : e.record_type == "mdt_meeting" ? "Shown on MDT meeting " + std::to_string(e.record_id)
                                            : "Shown in a list";
  } else if (e.action == "denied" && detail.is_object() && detail.contains("reason") &&
             detail["reason"].is_string()) {
    note = "Refused: " + detail["reason"].get<std::string>();
  }
  return {{"seq", e.seq},
          {"at", e.at},
          {"note", text_or_null(note)},
          {"when", when(e.at)},
          {"action_label", action_label(e.action)},
          {"user_id", e.user_id},
          {"username", e.username},
          {"action", e.action},
          {"record_type", e.record_type},
          {"record_id", e.record_id},
          {"patient_id", e.patient_id},
          {"site_id", e.site_id},
          {"detail", e.detail},
          {"changes", changes},
          {"has_changes", !changes.empty()},
          {"hash", e.hash}};
}

std::string date_display(const std::string& iso) {
  auto d = domain::Date::parse(iso, "date", "Date");
  return d ? d->display() : iso;
}

std::string nhs_formatted(const std::string& digits) {
  auto n = domain::NhsNumber::parse(digits);
  return n ? n->formatted() : digits;
}

std::string csv_cell(const std::string& v) {
  std::string t = v;
  // A cell a spreadsheet would read as a formula is written as text.
  if (!t.empty() && (t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@')) t = "'" + t;
  if (t.find_first_of(",\"\n\r") == std::string::npos) return t;
  std::string out = "\"";
  for (char c : t) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

nlohmann::json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

namespace {
struct OutcomeLook {
  std::string_view outcome, label, tag;
};
// Anything else (and "missing") shows as Missing on grey.
constexpr OutcomeLook kOutcomeLooks[] = {{"pass", "Pass", "nhsuk-tag--green"},
                                         {"warn", "Warning", "nhsuk-tag--yellow"},
                                         {"fail", "Fail", "nhsuk-tag--red"},
                                         {"not_applicable", "Not applicable", "nhsuk-tag--blue"},
                                         {"missing", "Missing", "nhsuk-tag--grey"}};
const OutcomeLook& look_of(const std::string& outcome) {
  for (const auto& l : kOutcomeLooks) {
    if (l.outcome == outcome) return l;
  }
  return kOutcomeLooks[std::size(kOutcomeLooks) - 1];
}
}  // namespace

std::string outcome_label(const std::string& outcome) {
  return std::string(look_of(outcome).label);
}

std::string outcome_tag_class(const std::string& outcome) {
  return std::string(look_of(outcome).tag);
}

nlohmann::json findings_view(const nlohmann::json& findings) {
  nlohmann::json out = nlohmann::json::array();
  if (!findings.is_array()) return out;
  for (const auto& f : findings) {
    if (!f.is_object()) continue;
    const std::string outcome = f.value("outcome", "missing");
    out.push_back({{"outcome_label", outcome_label(outcome)},
                   {"tag_class", outcome_tag_class(outcome)},
                   {"requirement", f.value("requirement", "")},
                   {"pack", f.value("pack", "")},
                   // A "not applicable" finding is informational, not an advisory rule.
                   {"advisory", !f.value("required", true) && outcome != "not_applicable"},
                   {"message", f.value("message", "")},
                   {"evidence", text_or_null(f.value("evidence", ""))}});
  }
  return out;
}

}  // namespace vertebro::http
