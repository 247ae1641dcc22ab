#include "app/mdt.h"

#include <nlohmann/json.hpp>

#include "app/access.h"
#include "app/audit_trail.h"
#include "app/patients.h"
#include "app/unit_config.h"
#include "base/log.h"
#include "domain/text.h"
#include "guidance/snapshot.h"
#include "store/store.h"

namespace vertebro::app {

using domain::Permission;
using nlohmann::json;

namespace {

Status require_mdt(const Actor& actor) {
  if (!role_allows(actor.user.role, Permission::kManageMdt)) {
    return Error::forbidden("Your role cannot manage MDT meetings");
  }
  return {};
}

// The meeting if it exists and is at one of the actor's sites; otherwise notes a refusal and
// returns kNotFound.
Result<store::MeetingRecord> load_meeting(store::Tx& tx, Refusals& refusals, const Actor& actor,
                                          std::int64_t id) {
  auto m = tx.find_meeting(id);
  if (!m) return std::move(m).error();
  if (!m->has_value() || !actor.user.has_site((*m)->site)) {
    refusals.add({"mdt_meeting", id, 0, 0}, "not found or not at the user's sites");
    log::warn("user {} was refused MDT meeting {} (not visible)", actor.user.username, id);
    return Error::not_found("No such MDT meeting");
  }
  return std::move(**m);
}

std::string site_name_of(store::Tx& tx, SiteId site) {
  auto sites = tx.list_sites();
  if (sites) {
    for (const auto& s : *sites) {
      if (s.id == site) return s.name;
    }
  }
  return {};
}

Result<MeetingCase> case_of(store::Tx& tx, store::MdtCaseRecord listing,
                            const store::EpisodeRecord& e, domain::Date today) {
  auto p = tx.find_patient(e.patient);
  if (!p) return std::move(p).error();
  if (!p->has_value()) return Error::internal("An episode refers to a missing patient");
  const auto& d = (*p)->details;
  return MeetingCase{std::move(listing), e, d.family_name + ", " + d.given_name,
                     d.nhs_number.digits(), static_cast<int>(d.date_of_birth.years_until(today))};
}

Status audit_meeting(store::Tx& tx, const Context& ctx, const Actor& actor,
                     const store::MeetingRecord& m, const std::string& action, json detail) {
  return audit(tx, ctx, actor, action, {"mdt_meeting", m.id, 0, m.site.value}, detail.dump());
}

}  // namespace

Result<store::MeetingRecord> create_meeting(const Context& ctx, const Actor& actor,
                                           const MeetingInput& input) {
  if (auto s = require_mdt(actor); !s) return std::move(s).error();
  std::vector<FieldError> errors;
  auto site = parse_actor_site(actor, input.site_id);
  if (!site) errors.push_back(site.error().fields.front());
  std::optional<domain::Date> date;
  if (input.meeting_date.empty()) {
    errors.push_back({"meeting_date", "Enter the date of the meeting"});
  } else if (auto d = domain::Date::parse(input.meeting_date, "meeting_date", "Meeting date")) {
    date = *d;
  } else {
    errors.push_back(d.error().fields.front());
  }
  const std::string title =
      domain::checked_text(input.title, "title", "title", 200, false, errors);
  if (!errors.empty()) return Error::invalid(std::move(errors));
  std::optional<store::MeetingRecord> created;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto m = tx.insert_meeting(*site, date->iso(), title.empty() ? "Spinal MDT" : title,
                               ctx.now_text());
    if (!m) return std::move(m).error();
    created = *m;
    return audit_meeting(tx, ctx, actor, *m, "create",
                         {{"meeting_date", m->meeting_date}, {"title", m->title}});
  });
  if (!s) return std::move(s).error();
  log::info("user {} scheduled MDT meeting {}", actor.user.username, created->id);
  return std::move(*created);
}

Result<std::vector<MeetingSummary>> list_meetings(const Context& ctx, const Actor& actor) {
  if (!role_allows(actor.user.role, Permission::kManageMdt) &&
      !role_allows(actor.user.role, Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see MDT meetings");
  }
  std::vector<MeetingSummary> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto ms = tx.list_meetings(actor.user.sites, 200);
    if (!ms) return std::move(ms).error();
    auto sites = tx.list_sites();
    if (!sites) return std::move(sites).error();
    for (auto& m : *ms) {
      std::string name;
      for (const auto& site : *sites) {
        if (site.id == m.site) name = site.name;
      }
      out.push_back({std::move(m), name});
    }
    return {};
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<MeetingView> view_meeting(const Context& ctx, const Actor& actor, std::int64_t meeting,
                                 MeetingDetail detail) {
  if (!role_allows(actor.user.role, Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see MDT meetings");
  }
  std::optional<MeetingView> view;
  const auto today = domain::Date::today(ctx.clock());
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto m = load_meeting(tx, refusals, actor, meeting);
    if (!m) return std::move(m).error();
    MeetingView v;
    v.meeting = *m;
    v.site_name = site_name_of(tx, m->site);
    auto date = domain::Date::parse(m->meeting_date, "meeting_date", "Meeting date");
    v.held = date && *date <= today;
    auto attendees = tx.meeting_attendees(meeting);
    if (!attendees) return std::move(attendees).error();
    v.attendees = std::move(*attendees);
    auto config = load_unit_config(tx);
    if (!config) return std::move(config).error();
    std::vector<std::string> roles;
    for (const auto& a : v.attendees) roles.push_back(a.professional_role);
    v.has_radiologist = guidance::any_role_in(roles, config->rules.radiologist_roles);
    v.has_spinal_surgeon = guidance::any_role_in(roles, config->rules.spinal_surgeon_roles);
    std::vector<store::ShownRecord> shown;
    auto cases = tx.meeting_cases(meeting);
    if (!cases) return std::move(cases).error();
    for (auto& c : *cases) {
      auto e = find_visible_episode(tx, actor, c.episode);
      if (!e) return std::move(e).error();
      if (!e->has_value()) {
        ++v.hidden_cases;  // moved to a site the actor does not work at
        continue;
      }
      auto mc = case_of(tx, c, **e, today);
      if (!mc) return std::move(mc).error();
      shown.push_back({mc->episode.id, mc->episode.patient});
      v.cases.push_back(std::move(*mc));
    }
    json candidate_ids = json::array();
    v.shows_candidates = detail == MeetingDetail::kWithCandidates &&
                         role_allows(actor.user.role, Permission::kManageMdt);
    if (v.shows_candidates) {
      store::WorklistQuery q;
      q.sites = {m->site};
      q.state = domain::PathwayState::kMdt;
      q.limit = 200;
      auto waiting = tx.worklist(q);
      if (!waiting) return std::move(waiting).error();
      for (const auto& row : *waiting) {
        bool listed = false;
        for (const auto& c : *cases) listed = listed || c.episode == row.episode.id;
        if (listed || !may_see_episode(actor, row.episode)) continue;
        // A meeting before the referral cannot list it (add_case refuses), so it is not offered.
        if (date && row.episode.referral.referral_date > *date) continue;
        store::MdtCaseRecord none;
        none.meeting = meeting;
        none.episode = row.episode.id;
        v.candidates.push_back({none, row.episode, row.family_name + ", " + row.given_name,
                                row.nhs_number,
                                static_cast<int>(row.date_of_birth.years_until(today))});
        shown.push_back({row.episode.id, row.episode.patient});
        candidate_ids.push_back(row.episode.id.value);
      }
    }
    view = std::move(v);
    return audit_list(tx, ctx, actor, {"mdt_meeting", meeting, 0, m->site.value},
                      {{"view", "mdt_meeting"},
                       {"candidates", candidate_ids},
                       {"hidden_cases", view->hidden_cases}},
                      shown);
  });
  if (!s) return std::move(s).error();
  return std::move(*view);
}

Result<store::AttendeeRecord> add_attendee(const Context& ctx, const Actor& actor,
                                           std::int64_t meeting, const std::string& name,
                                           const std::string& professional_role) {
  if (auto s = require_mdt(actor); !s) return std::move(s).error();
  std::vector<FieldError> errors;
  const auto n = domain::checked_text(name, "name", "name", 200, true, errors);
  const auto r = domain::checked_text(professional_role, "professional_role",
                                      "professional role", 100, true, errors);
  if (!errors.empty()) return Error::invalid(std::move(errors));
  std::optional<store::AttendeeRecord> added;
  auto s = write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto m = load_meeting(tx, refusals, actor, meeting);
    if (!m) return std::move(m).error();
    auto a = tx.insert_attendee(meeting, n, r);
    if (!a) return std::move(a).error();
    added = *a;
    return audit_meeting(tx, ctx, actor, *m, "update",
                         {{"attendee_added", {{"id", a->id}, {"name", n}, {"professional_role", r}}}});
  });
  if (!s) return std::move(s).error();
  return std::move(*added);
}

Status remove_attendee(const Context& ctx, const Actor& actor, std::int64_t meeting,
                       std::int64_t attendee) {
  if (auto s = require_mdt(actor); !s) return s;
  return write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto m = load_meeting(tx, refusals, actor, meeting);
    if (!m) return std::move(m).error();
    if (auto d = tx.delete_attendee(meeting, attendee); !d) return d;
    return audit_meeting(tx, ctx, actor, *m, "update", {{"attendee_removed", attendee}});
  });
}

Status add_case(const Context& ctx, const Actor& actor, std::int64_t meeting, EpisodeId episode) {
  if (auto s = require_mdt(actor); !s) return s;
  return write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto m = load_meeting(tx, refusals, actor, meeting);
    if (!m) return std::move(m).error();
    auto e = load_visible_episode(tx, refusals, actor, episode);
    if (!e) return std::move(e).error();
    if (e->referral.site != m->site) {
      return Error::invalid({{"episode_id", "This episode belongs to another site's MDT"}});
    }
    // A meeting before the referral cannot have discussed it (HTG3-1.2-MDT ignores its decision).
    if (auto held = domain::Date::parse(m->meeting_date, "meeting_date", "Meeting date");
        held && *held < e->referral.referral_date) {
      return Error::invalid(
          {{"episode_id", "This meeting (" + held->display() + ") is before the episode's " +
                              "referral (" + e->referral.referral_date.display() +
                              "): list it at a meeting on or after the referral"}});
    }
    if (e->state != domain::PathwayState::kMdt) {
      return Error::wrong_state("Only an episode awaiting MDT can go on a meeting's list; this one "
                             "is at " + std::string(domain::state_label(e->state)) + ".");
    }
    auto added = tx.add_mdt_case(meeting, episode, ctx.now_text());
    if (!added && added.error().code == Errc::kDuplicate) {
      return Error::conflict("This episode is already on the meeting's list.");
    }
    if (!added) return added;
    return audit(tx, ctx, actor, "update",
                 {"episode", episode.value, e->patient.value, e->referral.site.value},
                 json{{"mdt_listed", meeting}, {"meeting_date", m->meeting_date}}.dump());
  });
}

Status remove_case(const Context& ctx, const Actor& actor, std::int64_t meeting,
                   EpisodeId episode) {
  if (auto s = require_mdt(actor); !s) return s;
  return write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto m = load_meeting(tx, refusals, actor, meeting);
    if (!m) return std::move(m).error();
    auto e = load_visible_episode(tx, refusals, actor, episode);
    if (!e) return std::move(e).error();
    auto removed = tx.remove_mdt_case(meeting, episode);
    if (!removed && removed.error().code == Errc::kConflict) {
      return Error::wrong_state("A decision is recorded about this case, so it stays on the list "
                                "as the record of the meeting.");
    }
    if (!removed) return removed;
    return audit(tx, ctx, actor, "update",
                 {"episode", episode.value, e->patient.value, e->referral.site.value},
                 json{{"mdt_unlisted", meeting}, {"meeting_date", m->meeting_date}}.dump());
  });
}

Status record_decision(const Context& ctx, const Actor& actor, std::int64_t meeting,
                       EpisodeId episode, std::int64_t expected_version,
                       const std::string& decision, const std::string& rationale) {
  if (auto s = require_mdt(actor); !s) return s;
  std::vector<FieldError> errors;
  if (!guidance::parse_mdt_decision(decision)) {
    errors.push_back({"decision", "Select the MDT's decision"});
  }
  const auto why = domain::checked_text(rationale, "rationale", "rationale", 4000, true, errors);
  if (!errors.empty()) return Error::invalid(std::move(errors));
  const auto today = domain::Date::today(ctx.clock());
  return write_with_refusals(ctx, actor, [&](store::Tx& tx, Refusals& refusals) -> Status {
    auto m = load_meeting(tx, refusals, actor, meeting);
    if (!m) return std::move(m).error();
    auto date = domain::Date::parse(m->meeting_date, "meeting_date", "Meeting date");
    if (!date || *date > today) {
      return Error::invalid({{"decision", "A decision can be recorded once the meeting has been "
                                          "held (" + (date ? date->display() : m->meeting_date) +
                                          ")"}});
    }
    auto e = load_visible_episode(tx, refusals, actor, episode);
    if (!e) return std::move(e).error();
    if (auto d = tx.set_mdt_decision(meeting, episode, expected_version, decision, why,
                                     actor.user.id, ctx.now_text());
        !d) {
      return d;
    }
    return audit(tx, ctx, actor, "update",
                 {"episode", episode.value, e->patient.value, e->referral.site.value},
                 json{{"mdt_decision", {{"meeting", meeting},
                                        {"meeting_date", m->meeting_date},
                                        {"version", expected_version + 1},
                                        {"decision", decision},
                                        {"rationale", why}}}}
                     .dump());
  });
}

}  // namespace vertebro::app
