#pragma once
// Patient questionnaires by one-time link (issue 12; docs/pathway.md, "Questionnaires by
// link"). A nurse or operator sends a follow-up to the patient as a letter with a short link and
// a QR code, or copies the link into a text message. The patient opens it with no account, sees
// no identifier but their first name, answers the patient-facing questions of the follow-up in
// plain English, and submits once; the answers become the follow-up visit of that time point,
// stored with source "patient".
//
// The link: a random token of 128 bits (32 hex digits), of which only the SHA-256 is stored, so
// neither the database nor its backups hold a working link. It works once, until it expires
// (UnitConfig::patient_link_days after it was issued), for its own episode and time point only,
// while the episode is in follow-up and that time point has no visit yet. Issuing a new link for
// a time point cancels the earlier one. Every link that does not work gets the same answer
// (kNotFound, "link not valid"), whatever the reason, is audited as "denied", and counts
// against the address it came from: after kLinkFailureLimit in kLinkFailureWindow, that
// address is refused (kRateLimited) until the window passes, so tokens cannot be guessed.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "app/pathway_forms.h"
#include "app/unit_config.h"
#include "domain/records.h"

namespace vertebro::app {

inline constexpr int kLinkFailureLimit = 10;
inline constexpr std::chrono::minutes kLinkFailureWindow{15};

// A link just issued: the only time its token is known.
struct IssuedLink {
  std::string token;       // 32 hex digits; the link is /q/{token}
  std::string time_point;  // "1 month"
  std::string expires_on;  // ISO date, the last day it works
  std::string given_name;  // for the letter
  std::string family_name;
  std::string site_name;
  std::string route;          // "letter" or "text"
  int reminder = 0;           // 0 for the first questionnaire of the time point, then 1, 2, ...
  std::string first_sent_on;  // ISO date the first one was sent (this one's, when it is the first)
};

// Issues a link for the episode's time point (nurses and operators; the episode in follow-up at
// one of the actor's sites; the time point in the unit's schedule with no visit recorded yet),
// cancelling any earlier open link of that time point. Audited as "create" on the episode.
// Errors: kForbidden, kNotFound, kWrongState, kInvalid (time_point).
// `route`: "letter" or "text", how it goes to the patient (the follow-up list groups reminders
// by it). A link issued while an earlier one of the time point was sent is a reminder.
// Errors: kForbidden, kNotFound, kWrongState, kInvalid (time_point, route).
Result<IssuedLink> issue_follow_up_link(const Context& ctx, const Actor& actor, EpisodeId id,
                                        const std::string& time_point, const std::string& route);

// One follow-up to send a questionnaire for.
struct LinkToSend {
  EpisodeId episode;
  std::string time_point;  // as in URLs ("1-month") or by name ("1 month")
};
// Issues a link for each of `wanted` by `route` in one transaction, as issue_follow_up_link
// would one by one (the nurse's "print all the letters"): all are issued, or none (the first
// error is returned). Errors: as issue_follow_up_link; kInvalid (follow_ups) when none.
Result<std::vector<IssuedLink>> issue_follow_up_links(const Context& ctx, const Actor& actor,
                                                      const std::vector<LinkToSend>& wanted,
                                                      const std::string& route);

// Stops asking the patient about the time point (a nurse's decision: the patient asked not to
// be sent questions, or will be seen in clinic): cancels its open link, so no reminder is due
// and it never reaches the phone list. Sending a new questionnaire starts again. Audited as
// "update" on the episode. Errors: kForbidden, kNotFound, kWrongState (nothing sent, or the
// follow-up recorded or stopped already), kInvalid (time_point).
Status stop_follow_up_link(const Context& ctx, const Actor& actor, EpisodeId id,
                           const std::string& time_point);

// What a follow-up time point with no visit needs next from the nurses, worked out from its
// questionnaire links and the unit's reminder and phone days (UnitConfig) by plan_contact, a
// pure function: the follow-up list, its "send today" and phone lists, the follow-up page and
// the API all use it.
enum class ContactStep {
  kSend,      // no questionnaire sent yet
  kWait,      // sent, unanswered, nothing due today
  kRemind,    // a reminder is due: a new letter or text (its link replaces the earlier one)
  kPhone,     // unanswered on or after the phone day: phone the patient; no more reminders
  kStopped,   // a nurse stopped the questionnaire: no reminders, no phone list
  kAnswered,  // the visit is recorded (by the patient or by staff)
};
std::string_view contact_step_name(ContactStep s);  // "send", "wait", "remind", ...

// One link of a time point, as plan_contact needs it.
struct LinkFacts {
  domain::Date issued;
  std::string route;  // "letter" or "text"
  bool used = false;
  bool cancelled = false;
};

struct ContactPlan {
  ContactStep step = ContactStep::kSend;
  std::string route;                  // the latest link's route; "" when none was sent
  std::optional<domain::Date> first_sent;     // when the first questionnaire was sent
  std::optional<domain::Date> last_sent;      // when the latest was sent
  int reminders_sent = 0;             // links sent after the first
  int reminder = 0;                   // kRemind and kWait: the number of the next reminder; 0 if none
  // kRemind, kPhone: the day it fell due; kWait: the day the next reminder or the phone list is
  // due.
  std::optional<domain::Date> due;
};

// `links`: the time point's links, oldest first. Reminder k (from 1) is due on the k-th reminder
// day after the first link, and never sooner after the previous link than the gap between the
// reminder days before it (so a late reminder does not bring the next one forward). On and
// after the phone day, the follow-up goes to the phone list instead. A time point whose latest
// link was cancelled (a nurse stopped it; a link replaced by a reminder is never the latest) is
// stopped; one with a visit, or whose latest link was used, is answered.
ContactPlan plan_contact(const std::vector<LinkFacts>& links, bool visit_recorded, domain::Date today,
                         const std::vector<int>& reminder_days, int phone_after_days);

// plan_contact for one time point, from every link of its episode (in any order).
ContactPlan plan_time_point(const std::vector<domain::FollowUpLinkRecord>& episode_links,
                            const std::string& time_point, bool visit_recorded, domain::Date today,
                            const UnitConfig& config);

// The state of a time point's latest link, for the follow-up page.
struct LinkStatus {
  std::string issued_on;   // ISO date
  std::string issued_by;   // the name of who issued it
  std::string expires_on;  // ISO date
  std::string route;       // "letter" or "text"
  std::string state;       // "open", "answered", "expired", "cancelled"
  ContactPlan plan;        // what is next, as if no visit were recorded
};
// The latest link of each time point of the episode, by time point name.
Result<std::map<std::string, LinkStatus>> follow_up_link_states(store::Tx& tx,
                                                                 EpisodeId episode,
                                                                 TimePoint now,
                                                                 const UnitConfig& config);

// What the patient sees.
struct Questionnaire {
  std::string given_name;
  std::string time_point;  // "1 month"
  std::string site_name;
  std::string expires_on;  // ISO date
};

// Opens the link with `token` for the address `client` (audited as a read by the patient).
// Errors: kNotFound (not valid, for any reason), kRateLimited.
Result<Questionnaire> open_follow_up_link(const Context& ctx, const std::string& token,
                                          const std::string& client);

// Saves the patient's answers (the follow-up visit's patient-facing keys: pain_at_rest,
// pain_on_movement, analgesic, analgesic_use, mobility, satisfaction, would_have_again, notes)
// as the time point's visit dated today, source "patient", and uses up the link, all in one
// transaction. Errors: kNotFound, kRateLimited, kInvalid (nothing saved; the link still works).
Result<Questionnaire> answer_follow_up_link(const Context& ctx, const std::string& token,
                                            const std::string& client,
                                            const nlohmann::json& answers);

}  // namespace vertebro::app
