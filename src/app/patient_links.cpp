#include "app/patient_links.h"

#include <algorithm>

#include "app/access.h"
#include "app/audit_trail.h"
#include "app/follow_up_visits.h"
#include "app/unit_config.h"
#include "base/crypto.h"
#include "store/store.h"

namespace vertebro::app {

using domain::Date;
using nlohmann::json;

namespace {

// Who the audit trail names for what a patient does through a link.
Actor patient_actor() { return system_actor("patient link"); }

AuditTarget link_target(const domain::EpisodeRecord& e) {
  return {"episode", e.id.value, e.patient.value, e.referral.site.value};
}

Result<std::string> link_site_name(store::Tx& tx, SiteId site) {
  auto sites = tx.list_sites();
  if (!sites) return std::move(sites).error();
  for (const auto& s : *sites) {
    if (s.id == site) return s.name;
  }
  return std::string();
}

Date days_after(Date d, int days) { return Date::from_days(d.days() + std::chrono::days(days)); }

// The last day a link issued at `issued` works.
Date last_day(TimePoint issued, int days) {
  return Date::from_days(std::chrono::floor<std::chrono::days>(issued) +
                         std::chrono::days(days - 1));
}

// A link with its episode when it works now; std::nullopt (for any reason) otherwise.
struct Live {
  domain::FollowUpLinkRecord link;
  domain::EpisodeRecord episode;
  domain::PatientRecord patient;
  std::string site_name;
};

Result<std::optional<Live>> live_link(store::Tx& tx, const std::string& token, TimePoint now) {
  const bool well_formed =
      token.size() == 32 && std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      });
  if (!well_formed) return std::optional<Live>();
  auto link = tx.find_follow_up_link(crypto::sha256_hex(token));
  if (!link) return std::move(link).error();
  if (!link->has_value()) return std::optional<Live>();
  const auto& l = **link;
  TimePoint expires{};
  if (!l.used_at.empty() || !l.cancelled_at.empty() || !parse_timestamp(l.expires_at, expires) ||
      now >= expires) {
    return std::optional<Live>();
  }
  auto e = tx.find_episode(l.episode);
  if (!e) return std::move(e).error();
  // Only while the episode is in follow-up: never for a patient recorded as deceased, or who
  // withdrew, or whose episode ended.
  if (!e->has_value() || (*e)->state != domain::PathwayState::kFollowUp) {
    return std::optional<Live>();
  }
  auto visit = tx.find_follow_up_visit(l.episode, l.time_point);
  if (!visit) return std::move(visit).error();
  if (visit->has_value()) return std::optional<Live>();
  auto patient = tx.find_patient((*e)->patient);
  if (!patient) return std::move(patient).error();
  if (!patient->has_value()) return Error::internal("An episode refers to a missing patient");
  auto site = link_site_name(tx, (*e)->referral.site);
  if (!site) return std::move(site).error();
  return std::optional<Live>(Live{l, std::move(**e), std::move(**patient), std::move(*site)});
}

Questionnaire questionnaire_of(const Live& live) {
  TimePoint expires{};
  parse_timestamp(live.link.expires_at, expires);
  return {live.patient.details.given_name, live.link.time_point, live.site_name,
          Date::from_days(std::chrono::floor<std::chrono::days>(expires) - std::chrono::days(1))
              .iso()};
}

Error not_valid() {
  return Error::not_found(
      "This link is not valid. It may have been used already, it may have expired, or part of "
      "it may be missing");
}

// The key of the failures counted against `client`.
std::string counter_key(const std::string& client) { return "patient_link:" + client; }

// Whether a counter's window that began at `window_start` (read into `start`) is still open at
// `now`. A start after `now` (the clock was set back) is no window.
bool in_window(const std::string& window_start, TimePoint now, TimePoint& start) {
  return parse_timestamp(window_start, start) && start <= now && now - start < kLinkFailureWindow;
}

Status check_rate(store::Tx& tx, const std::string& client, TimePoint now) {
  auto counter = tx.lock_rate_counter(counter_key(client));
  if (!counter) return std::move(counter).error();
  TimePoint start{};
  if (in_window(counter->window_start, now, start) && counter->count >= kLinkFailureLimit) {
    Error e{Errc::kRateLimited,
            "Too many links that do not work were opened from this connection. Try again in " +
                std::to_string(kLinkFailureWindow.count()) + " minutes.",
            {},
            0,
            0};
    e.retry_after_seconds = static_cast<int>(
        std::chrono::duration_cast<std::chrono::seconds>(start + kLinkFailureWindow - now)
            .count());
    return e;
  }
  return {};
}

// Counts one failure against `client` and audits it, in a transaction of its own (the refusal
// must be recorded whatever the request's own transaction did).
Status record_failure(const Context& ctx, const std::string& client) {
  return ctx.write([&](store::Tx& tx) -> Status {
    const TimePoint now = ctx.clock().now();
    auto counter = tx.lock_rate_counter(counter_key(client));
    if (!counter) return std::move(counter).error();
    TimePoint start{};
    store::RateCounter next{1, format_timestamp(now)};
    if (in_window(counter->window_start, now, start)) {
      next = {counter->count + 1, counter->window_start};
    }
    if (auto s = tx.put_rate_counter(counter_key(client), next); !s) return s;
    return audit(tx, ctx, patient_actor(), "denied", {"follow_up_link", 0, 0, 0},
                 R"({"reason":"a patient link that is not valid"})");
  });
}

}  // namespace

std::string_view contact_step_name(ContactStep s) {
  switch (s) {
    case ContactStep::kSend: return "send";
    case ContactStep::kWait: return "wait";
    case ContactStep::kRemind: return "remind";
    case ContactStep::kPhone: return "phone";
    case ContactStep::kStopped: return "stopped";
    case ContactStep::kAnswered: return "answered";
  }
  return "send";
}

ContactPlan plan_contact(const std::vector<LinkFacts>& links, bool visit_recorded, Date today,
                         const std::vector<int>& reminder_days, int phone_after_days) {
  ContactPlan plan;
  if (!links.empty()) {
    plan.route = links.back().route;
    plan.first_sent = links.front().issued;
    plan.last_sent = links.back().issued;
    plan.reminders_sent = static_cast<int>(links.size()) - 1;
  }
  if (visit_recorded || (!links.empty() && links.back().used)) {
    plan.step = ContactStep::kAnswered;
    return plan;
  }
  if (links.empty()) return plan;  // kSend
  if (links.back().cancelled) {
    plan.step = ContactStep::kStopped;
    return plan;
  }
  const Date phone_day = days_after(*plan.first_sent, phone_after_days);
  if (today >= phone_day) {
    plan.step = ContactStep::kPhone;
    plan.due = phone_day;
    return plan;
  }
  const auto k = static_cast<std::size_t>(plan.reminders_sent);  // reminders_sent + 1, from 0
  if (k < reminder_days.size()) {
    const int gap = reminder_days[k] - (k == 0 ? 0 : reminder_days[k - 1]);
    const Date due = std::max(days_after(*plan.first_sent, reminder_days[k]),
                              days_after(*plan.last_sent, gap));
    plan.reminder = static_cast<int>(k) + 1;
    if (due < phone_day) {
      plan.due = due;
      plan.step = today >= due ? ContactStep::kRemind : ContactStep::kWait;
      return plan;
    }
    plan.reminder = 0;
  }
  plan.step = ContactStep::kWait;
  plan.due = phone_day;
  return plan;
}

ContactPlan plan_time_point(const std::vector<domain::FollowUpLinkRecord>& episode_links,
                            const std::string& time_point, bool visit_recorded, Date today,
                            const UnitConfig& config) {
  std::vector<const domain::FollowUpLinkRecord*> mine;
  for (const auto& l : episode_links) {
    if (l.time_point == time_point) mine.push_back(&l);
  }
  std::sort(mine.begin(), mine.end(),
            [](const auto* a, const auto* b) { return a->id < b->id; });
  std::vector<LinkFacts> facts;
  for (const auto* l : mine) {
    auto issued = Date::parse(l->issued_at.substr(0, 10), "issued_at", "Issued");
    facts.push_back({issued ? *issued : today, l->route, !l->used_at.empty(),
                     !l->cancelled_at.empty()});
  }
  return plan_contact(facts, visit_recorded, today, config.patient_reminder_days,
                      config.patient_phone_after_days);
}

Result<std::map<std::string, LinkStatus>> follow_up_link_states(store::Tx& tx, EpisodeId episode,
                                                                 TimePoint now,
                                                                 const UnitConfig& config) {
  auto links = tx.episode_follow_up_links(episode);
  if (!links) return std::move(links).error();
  const Date today = Date::from_days(std::chrono::floor<std::chrono::days>(now));
  std::map<std::string, LinkStatus> out;
  for (const auto& l : *links) {  // newest first: the first of each time point is its latest
    if (out.count(l.time_point) != 0) continue;
    LinkStatus s;
    s.issued_on = l.issued_at.substr(0, 10);
    auto who = tx.find_user(l.issued_by);
    if (!who) return std::move(who).error();
    s.issued_by = who->has_value() ? (*who)->display_name : "";
    TimePoint expires{};
    const bool dated = parse_timestamp(l.expires_at, expires);
    s.expires_on = dated ? Date::from_days(std::chrono::floor<std::chrono::days>(expires) -
                                           std::chrono::days(1))
                               .iso()
                         : "";
    s.route = l.route;
    s.state = !l.used_at.empty()        ? "answered"
              : !l.cancelled_at.empty() ? "cancelled"
              : !dated || now >= expires ? "expired"
                                         : "open";
    s.plan = plan_time_point(*links, l.time_point, false, today, config);
    out.emplace(l.time_point, std::move(s));
  }
  return out;
}

namespace {

// The time point named in a URL, when it is in the unit's schedule.
Result<std::string> scheduled_time_point(const UnitConfig& config, const std::string& time_point) {
  auto name = time_point_from_url(time_point);
  const bool scheduled =
      name && std::any_of(config.follow_up_time_points.begin(), config.follow_up_time_points.end(),
                          [&](const guidance::FollowUpTimePoint& p) { return p.name() == *name; });
  if (!scheduled) {
    return Error::invalid({{"time_point", "\"" + time_point +
                                              "\" is not a time point of this unit's follow-up "
                                              "schedule"}});
  }
  return *name;
}

}  // namespace

namespace {

Status check_may_send(const Actor& actor, const std::string& route) {
  if (!role_allows(actor.user.role, domain::Permission::kRecordFollowUp)) {
    return Error::forbidden(
        "Your role cannot send follow-ups to patients; nurses and operators can");
  }
  if (route != "letter" && route != "text") {
    return Error::invalid(
        {{"route", "Choose how the questionnaire goes to the patient: a letter or a text message"}});
  }
  return {};
}

// Issues one link inside the caller's transaction (issue_follow_up_link's rules).
Result<IssuedLink> issue_in(store::Tx& tx, Refusals& refusals, const Context& ctx,
                            const Actor& actor, EpisodeId id, const std::string& time_point,
                            const std::string& route) {
  auto e = load_visible_episode(tx, refusals, actor, id);
  if (!e) return std::move(e).error();
  if (e->state != domain::PathwayState::kFollowUp) {
    return Error::wrong_state("A questionnaire can be sent only while the episode is in "
                              "follow-up; it is at " +
                              std::string(domain::state_label(e->state)) + ".");
  }
  auto config = load_unit_config(tx);
  if (!config) return std::move(config).error();
  auto name = scheduled_time_point(*config, time_point);
  if (!name) return std::move(name).error();
  auto earlier = tx.episode_follow_up_links(id);
  if (!earlier) return std::move(earlier).error();
  int reminder = 0;
  std::string first_sent_on;
  for (const auto& l : *earlier) {  // newest first: the last of the time point is its first
    if (l.time_point != *name) continue;
    ++reminder;
    first_sent_on = l.issued_at.substr(0, 10);
  }
  auto visit = tx.find_follow_up_visit(id, *name);
  if (!visit) return std::move(visit).error();
  if (visit->has_value()) {
    return Error::wrong_state("The " + *name + " follow-up is recorded already; no "
                              "questionnaire is needed.");
  }
  auto patient = tx.find_patient(e->patient);
  if (!patient) return std::move(patient).error();
  if (!patient->has_value()) return Error::internal("An episode refers to a missing patient");
  auto site = link_site_name(tx, e->referral.site);
  if (!site) return std::move(site).error();
  const TimePoint now = ctx.clock().now();
  const std::string at = format_timestamp(now);
  if (auto c = tx.cancel_follow_up_links(id, *name, at); !c) return std::move(c).error();
  const Date last = last_day(now, config->patient_link_days);
  domain::FollowUpLinkRecord r;
  r.episode = id;
  r.time_point = *name;
  r.route = route;
  IssuedLink out;
  out.token = crypto::random_hex(16);
  r.token_hash = crypto::sha256_hex(out.token);
  r.issued_by = actor.user.id;
  r.issued_at = at;
  r.expires_at = format_timestamp(
      TimePoint(std::chrono::duration_cast<TimePoint::duration>(
          (last.days() + std::chrono::days(1)).time_since_epoch())));
  auto saved = tx.insert_follow_up_link(r);
  if (!saved) return std::move(saved).error();
  out.time_point = *name;
  out.expires_on = last.iso();
  out.given_name = (*patient)->details.given_name;
  out.family_name = (*patient)->details.family_name;
  out.site_name = std::move(*site);
  out.route = route;
  out.reminder = reminder;
  out.first_sent_on = reminder == 0 ? at.substr(0, 10) : first_sent_on;
  auto a = audit(tx, ctx, actor, "create", link_target(*e),
                 json{{"follow_up_link", saved->id},
                      {"time_point", *name},
                      {"route", route},
                      {"reminder", reminder},
                      {"expires_on", last.iso()}}
                     .dump());
  if (!a) return std::move(a).error();
  return out;
}

}  // namespace

Result<IssuedLink> issue_follow_up_link(const Context& ctx, const Actor& actor, EpisodeId id,
                                        const std::string& time_point, const std::string& route) {
  if (auto c = check_may_send(actor, route); !c) return std::move(c).error();
  std::optional<IssuedLink> issued;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto one = issue_in(tx, refusals, ctx, actor, id, time_point, route);
    if (!one) return std::move(one).error();
    issued = std::move(*one);
    return Status{};
  });
  if (!s) return std::move(s).error();
  return std::move(*issued);
}

Result<std::vector<IssuedLink>> issue_follow_up_links(const Context& ctx, const Actor& actor,
                                                      const std::vector<LinkToSend>& wanted,
                                                      const std::string& route) {
  if (auto c = check_may_send(actor, route); !c) return std::move(c).error();
  if (wanted.empty()) {
    return Error::invalid({{"follow_ups", "Choose at least one follow-up to send"}});
  }
  std::vector<IssuedLink> issued;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    issued.clear();
    for (const auto& w : wanted) {
      auto one = issue_in(tx, refusals, ctx, actor, w.episode, w.time_point, route);
      if (!one) return std::move(one).error();
      issued.push_back(std::move(*one));
    }
    return Status{};
  });
  if (!s) return std::move(s).error();
  return issued;
}

Status stop_follow_up_link(const Context& ctx, const Actor& actor, EpisodeId id,
                           const std::string& time_point) {
  if (!role_allows(actor.user.role, domain::Permission::kRecordFollowUp)) {
    return Error::forbidden(
        "Your role cannot change what is sent to patients; nurses and operators can");
  }
  return write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto e = load_visible_episode(tx, refusals, actor, id);
    if (!e) return std::move(e).error();
    auto config = load_unit_config(tx);
    if (!config) return std::move(config).error();
    auto name = scheduled_time_point(*config, time_point);
    if (!name) return std::move(name).error();
    auto links = tx.episode_follow_up_links(id);
    if (!links) return std::move(links).error();
    auto visit = tx.find_follow_up_visit(id, *name);
    if (!visit) return std::move(visit).error();
    const auto plan = plan_time_point(*links, *name, visit->has_value(),
                                      Date::today(ctx.clock()), *config);
    switch (plan.step) {
      case ContactStep::kSend:
        return Error::wrong_state("No questionnaire was sent for the " + *name +
                                  " follow-up; there is nothing to stop.");
      case ContactStep::kAnswered:
        return Error::wrong_state("The " + *name + " follow-up is recorded already.");
      case ContactStep::kStopped:
        return Error::wrong_state("The questionnaire of the " + *name +
                                  " follow-up is stopped already.");
      default: break;
    }
    if (auto c = tx.cancel_follow_up_links(id, *name, format_timestamp(ctx.clock().now())); !c) {
      return c;
    }
    return audit(tx, ctx, actor, "update", link_target(*e),
                 json{{"follow_up_link", "stopped"}, {"time_point", *name}}.dump());
  });
}

namespace {

// Runs `step(tx, live)` on the link with `token` in one transaction, when `client` is not paused
// and the link works; `step` answers false when the link turned out not to work after all (used
// meanwhile). A link that does not work is counted against `client` and audited (in a
// transaction of its own), and answered with not_valid().
template <typename Step>
Result<Questionnaire> run_on_live_link(const Context& ctx, const std::string& token,
                                       const std::string& client, Step step) {
  std::optional<Questionnaire> out;
  bool failed = false;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    out.reset();
    failed = false;
    const TimePoint now = ctx.clock().now();
    if (auto r = check_rate(tx, client, now); !r) return r;
    auto live = live_link(tx, token, now);
    if (!live) return std::move(live).error();
    if (!live->has_value()) {
      failed = true;
      return Status{};
    }
    Result<bool> worked = step(tx, **live);
    if (!worked) return std::move(worked).error();
    failed = !*worked;
    if (!failed) out = questionnaire_of(**live);
    return Status{};
  });
  if (!s) return std::move(s).error();
  if (failed) {
    if (auto r = record_failure(ctx, client); !r) return std::move(r).error();
    return not_valid();
  }
  return std::move(*out);
}

}  // namespace

Result<Questionnaire> open_follow_up_link(const Context& ctx, const std::string& token,
                                          const std::string& client) {
  return run_on_live_link(ctx, token, client, [&](store::Tx& tx, const Live& l) -> Result<bool> {
    auto a = audit(tx, ctx, patient_actor(), "read", link_target(l.episode),
                   json{{"follow_up_link", l.link.id}, {"view", "questionnaire"}}.dump());
    if (!a) return std::move(a).error();
    return true;
  });
}

Result<Questionnaire> answer_follow_up_link(const Context& ctx, const std::string& token,
                                            const std::string& client, const json& answers) {
  if (!answers.is_object()) return Error::invalid({{"body", "Send the answers as a JSON object"}});
  return run_on_live_link(ctx, token, client, [&](store::Tx& tx, const Live& l) -> Result<bool> {
    const TimePoint now = ctx.clock().now();
    // Only the questions the patient is asked; the date is today's.
    std::vector<FieldError> errors;
    for (const auto& [key, value] : answers.items()) {
      static const std::vector<std::string> kAsked = {
          "pain_at_rest", "pain_on_movement", "analgesic", "analgesic_use",
          "mobility",     "satisfaction",     "would_have_again", "notes"};
      if (std::find(kAsked.begin(), kAsked.end(), key) == kAsked.end()) {
        errors.push_back({key, "Unknown field \"" + key + "\""});
      }
    }
    if (!errors.empty()) return Error::invalid(std::move(errors));
    json doc = answers;
    const Date today = Date::today(ctx.clock());
    doc["visit_date"] = today.iso();
    auto procedure = tx.find_episode_form(l.episode.id, "procedure");
    if (!procedure) return std::move(procedure).error();
    VisitContext vc;
    vc.today = today;
    if (procedure->has_value()) {
      guidance::EpisodeSnapshot snap;
      fill_from_procedure(json::parse((*procedure)->data, nullptr, false), snap);
      vc.procedure_date = snap.procedure_date;
      vc.treated_levels = snap.treated_levels;
    }
    auto valid = validate_follow_up_visit(doc, vc);
    if (!valid) {
      Error e = std::move(valid).error();
      for (auto& f : e.fields) {
        // A patient who answered nothing is told so in their own words.
        if (f.message.rfind("Enter at least one answer", 0) == 0) {
          f.message = "Answer at least one question before you send your answers";
        }
      }
      return e;
    }
    auto used = tx.use_follow_up_link(l.link.id, format_timestamp(now));
    if (!used) return std::move(used).error();
    if (!*used) return false;  // used meanwhile
    domain::FollowUpVisitRecord r;
    r.episode = l.episode.id;
    r.time_point = l.link.time_point;
    r.visit_date = today.iso();
    r.source = "patient";
    r.data = valid->document.dump();
    r.updated_by = UserId{0};
    r.updated_at = format_timestamp(now);
    auto put = tx.put_follow_up_visit(r, 0);
    if (!put) return std::move(put).error();
    auto a = audit(tx, ctx, patient_actor(), "create", link_target(l.episode),
                   json{{"follow_up", l.link.time_point},
                        {"source", "patient"},
                        {"follow_up_link", l.link.id},
                        {"follow_up_version", put->version}}
                       .dump());
    if (!a) return std::move(a).error();
    return true;
  });
}

}  // namespace vertebro::app
