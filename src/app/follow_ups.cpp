#include "app/follow_ups.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "app/access.h"
#include "app/audit_trail.h"
#include "app/unit_config.h"
#include "store/store.h"

namespace vertebro::app {

namespace {

constexpr int kBatch = 200;

// The procedure's recorded date (the procedure form's "date").
Result<std::optional<domain::Date>> procedure_date(store::Tx& tx, EpisodeId episode) {
  auto form = tx.find_episode_form(episode, "procedure");
  if (!form) return std::move(form).error();
  if (!form->has_value()) return std::optional<domain::Date>{};
  auto doc = nlohmann::json::parse((*form)->data, nullptr, false);
  if (!doc.is_object() || !doc.contains("date") || !doc["date"].is_string()) {
    return std::optional<domain::Date>{};
  }
  auto d = domain::Date::parse(doc["date"].get<std::string>(), "date", "date");
  if (!d) return std::optional<domain::Date>{};
  return std::optional<domain::Date>{*d};
}

// Adds an episode with a recorded procedure on `procedure` to the completeness of each time
// point. `ended`: the date a patient withdrew or died, if they did.
void count_completeness(std::vector<TimePointCompleteness>& out,
                        const std::vector<guidance::FollowUpTimePoint>& schedule,
                        domain::Date procedure, const std::vector<domain::FollowUpVisitRecord>& visits,
                        std::optional<domain::Date> ended, domain::Date today) {
  for (std::size_t k = 0; k < schedule.size(); ++k) {
    const auto name = schedule[k].name();
    auto visit = std::find_if(visits.begin(), visits.end(),
                              [&](const domain::FollowUpVisitRecord& v) { return v.time_point == name; });
    if (visit != visits.end()) {
      ++out[k].expected;
      ++out[k].recorded;
      if (visit->source == "patient") ++out[k].by_patient;
      continue;
    }
    const auto due = guidance::follow_up_due(procedure, schedule[k], today);
    if (due.status != guidance::FollowUpStatus::kOverdue) continue;
    if (ended && *ended <= due.window_end) continue;
    ++out[k].expected;
  }
}

// Whether every time point of `schedule` is recorded (in `done`) or past its window on `today`.
bool finished(domain::Date procedure, const std::vector<guidance::FollowUpTimePoint>& schedule,
              const std::vector<std::string>& done, domain::Date today) {
  return std::all_of(schedule.begin(), schedule.end(), [&](const guidance::FollowUpTimePoint& p) {
    return std::find(done.begin(), done.end(), p.name()) != done.end() ||
           guidance::follow_up_due(procedure, p, today).status ==
               guidance::FollowUpStatus::kOverdue;
  });
}

// 0: an overdue follow-up; 1: one due; 2: no procedure date.
int rank(const FollowUpRow& r) {
  if (!r.procedure_date) return 2;
  return r.outstanding.front().status == guidance::FollowUpStatus::kOverdue ? 0 : 1;
}

}  // namespace

Result<FollowUpList> list_follow_ups(const Context& ctx, const Actor& actor) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  const auto today = domain::Date::today(ctx.clock());
  FollowUpList list;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    list.rows.clear();
    list.ready_to_close.clear();
    auto config = load_unit_config(tx);
    if (!config) return std::move(config).error();
    list.primary_follow_up = config->primary_follow_up;
    list.completeness.clear();
    for (const auto& p : config->follow_up_time_points) {
      list.completeness.push_back({p.name(), p.name() == config->primary_follow_up, 0, 0, 0});
    }
    // Episodes whose follow-up has ended count towards completeness only.
    for (auto state : {domain::PathwayState::kClosed, domain::PathwayState::kWithdrawn,
                       domain::PathwayState::kDeceased}) {
      store::WorklistQuery ended_q;
      ended_q.sites = actor.user.sites;
      ended_q.state = state;
      ended_q.limit = kBatch;
      while (true) {
        auto rows = tx.worklist(ended_q);
        if (!rows) return std::move(rows).error();
        for (const auto& row : *rows) {
          if (!may_see_episode(actor, row.episode)) continue;
          auto date = procedure_date(tx, row.episode.id);
          if (!date) return std::move(date).error();
          if (!*date) continue;
          auto visits = tx.episode_follow_up_visits(row.episode.id);
          if (!visits) return std::move(visits).error();
          std::optional<domain::Date> ended;
          if (state != domain::PathwayState::kClosed) {
            auto transitions = tx.episode_transitions(row.episode.id);
            if (!transitions) return std::move(transitions).error();
            if (!transitions->empty()) {
              auto d = domain::Date::parse(transitions->back().exit_date, "exit_date", "date");
              if (d) ended = *d;
            }
          }
          count_completeness(list.completeness, config->follow_up_time_points, **date, *visits,
                             ended, today);
        }
        if (rows->size() < static_cast<std::size_t>(kBatch)) break;
        const auto& last = rows->back().episode;
        ended_q.after = std::make_pair(last.referral.referral_date.iso(), last.id.value);
      }
    }
    store::WorklistQuery q;
    q.sites = actor.user.sites;
    q.state = domain::PathwayState::kFollowUp;
    q.limit = kBatch;
    while (true) {
      auto rows = tx.worklist(q);
      if (!rows) return std::move(rows).error();
      const bool more = rows->size() >= static_cast<std::size_t>(kBatch);
      if (more) {
        const auto& last = rows->back().episode;
        q.after = std::make_pair(last.referral.referral_date.iso(), last.id.value);
      }
      for (auto& row : *rows) {
        if (!may_see_episode(actor, row.episode)) continue;
        auto date = procedure_date(tx, row.episode.id);
        if (!date) return std::move(date).error();
        FollowUpRow r;
        r.procedure_date = *date;
        if (*date) {
          auto visits = tx.episode_follow_up_visits(row.episode.id);
          if (!visits) return std::move(visits).error();
          std::vector<std::string> done;
          for (const auto& v : *visits) done.push_back(v.time_point);
          count_completeness(list.completeness, config->follow_up_time_points, **date, *visits,
                             std::nullopt, today);
          r.outstanding = guidance::outstanding_follow_ups(**date, config->follow_up_time_points,
                                                           done, today);
          if (finished(**date, config->follow_up_time_points, done, today)) {
            FollowUpRow ready;
            ready.row = row;
            ready.procedure_date = *date;
            list.ready_to_close.push_back(std::move(ready));
          }
          if (r.outstanding.empty()) continue;
          auto links = tx.episode_follow_up_links(row.episode.id);
          if (!links) return std::move(links).error();
          for (const auto& d : r.outstanding) {
            r.contact.push_back(plan_time_point(*links, d.point.name(), false, today, *config));
          }
        }
        r.row = std::move(row);
        list.rows.push_back(std::move(r));
      }
      if (!more) break;
    }
    std::stable_sort(list.rows.begin(), list.rows.end(),
                     [](const FollowUpRow& a, const FollowUpRow& b) {
                       if (rank(a) != rank(b)) return rank(a) < rank(b);
                       if (a.procedure_date && b.procedure_date) {
                         return a.outstanding.front().due < b.outstanding.front().due;
                       }
                       return false;
                     });
    std::sort(list.ready_to_close.begin(), list.ready_to_close.end(),
              [](const FollowUpRow& a, const FollowUpRow& b) {
                return a.procedure_date < b.procedure_date;
              });
    std::vector<store::ShownRecord> shown;
    for (const auto& r : list.rows) shown.push_back({r.row.episode.id, r.row.episode.patient});
    for (const auto& r : list.ready_to_close) {
      const bool listed = std::any_of(list.rows.begin(), list.rows.end(), [&](const FollowUpRow& x) {
        return x.row.episode.id == r.row.episode.id;
      });
      if (!listed) shown.push_back({r.row.episode.id, r.row.episode.patient});
    }
    nlohmann::json detail = {{"rows", list.rows.size()},
                             {"ready_to_close", list.ready_to_close.size()}};
    return audit_list(tx, ctx, actor, {"follow_ups", 0, 0, 0}, std::move(detail), shown);
  });
  if (!s) return std::move(s).error();
  return list;
}

}  // namespace vertebro::app
