// SqlTx, pathway part: clinical forms, state moves and their transitions, site surgery access,
// MDT meetings. Same rules as sql_tx.cpp: portable SQL, `?` placeholders. Expected refusals
// (a stale version, a duplicate case) are found without a failing statement, because a failed
// statement aborts the whole transaction on PostgreSQL.

#include "store/sql_tx.h"

namespace vertebro::store {

using sql::Params;
using sql::Row;

namespace {

constexpr const char* kFormCols = "episode_id, kind, data, version, updated_by, updated_at";
constexpr const char* kTransitionCols =
    "id, episode_id, from_state, to_state, gate, at, user_id, username, findings, "
    "rule_pack_version, blocked, override_reason, override_role, exit_reason, exit_date, "
    "procedure_date, step_back_reason";
constexpr const char* kMeetingCols = "id, site_id, meeting_date, title, created_at";
constexpr const char* kCaseCols =
    "c.meeting_id, c.episode_id, c.decision, c.rationale, c.decided_by, c.decided_at, "
    "c.added_at, c.version";

EpisodeFormRecord form_from(const Row& r) {
  return {EpisodeId{r.i64(0)}, r.str(1), r.str(2), r.i64(3), UserId{r.i64(4)}, r.str(5)};
}

TransitionRecord transition_from(const Row& r) {
  TransitionRecord t;
  t.id = r.i64(0);
  t.episode = EpisodeId{r.i64(1)};
  t.from_state = r.str(2);
  t.to_state = r.str(3);
  t.gate = r.str(4);
  t.at = r.str(5);
  t.user = UserId{r.i64(6)};
  t.username = r.str(7);
  t.findings = r.str(8);
  t.rule_pack_version = r.str(9);
  t.blocked = r.i64(10) != 0;
  t.override_reason = r.str(11);
  t.override_role = r.str(12);
  t.exit_reason = r.str(13);
  t.exit_date = r.str(14);
  t.procedure_date = r.str(15);
  t.step_back_reason = r.str(16);
  return t;
}

MeetingRecord meeting_from(const Row& r) {
  return {r.i64(0), SiteId{r.i64(1)}, r.str(2), r.str(3), r.str(4)};
}

AttendeeRecord attendee_from(const Row& r) { return {r.i64(0), r.i64(1), r.str(2), r.str(3)}; }

MdtCaseRecord case_from(const Row& r) {
  return {r.i64(0), EpisodeId{r.i64(1)}, r.str(2), r.str(3), UserId{r.i64(4)}, r.str(5),
          r.str(6), r.i64(7)};
}

template <class T, class F>
Result<std::vector<T>> rows_to(Result<std::vector<Row>> rows, F from) {
  if (!rows) return std::move(rows).error();
  std::vector<T> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(from(r));
  return out;
}

const char* const kFormConflict =
    "Someone else saved this form after you opened it. Your changes were not saved.";

}  // namespace

Result<bool> SqlTx::any_row(std::string_view sql, const Params& params) {
  auto rows = c_.query(sql, params);
  if (!rows) return std::move(rows).error();
  return !rows->empty();
}

Result<std::optional<EpisodeFormRecord>> SqlTx::find_episode_form(EpisodeId episode,
                                                                  const std::string& kind) {
  auto rows = c_.query(std::string("SELECT ") + kFormCols +
                           " FROM episode_forms WHERE episode_id = ? AND kind = ?",
                       {episode.value, kind});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<EpisodeFormRecord>();
  return std::optional<EpisodeFormRecord>(form_from(rows->front()));
}

Result<EpisodeFormRecord> SqlTx::put_episode_form(EpisodeId episode, const std::string& kind,
                                                  std::int64_t expected_version,
                                                  const std::string& data, UserId by,
                                                  const std::string& at) {
  if (expected_version == 0) {
    auto episode_exists = any_row("SELECT 1 FROM episodes WHERE id = ?", {episode.value});
    if (!episode_exists) return std::move(episode_exists).error();
    if (!*episode_exists) return Error::not_found("No such episode");
    auto rows = c_.query(std::string("INSERT INTO episode_forms (") + kFormCols +
                             ") VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (episode_id, kind) DO "
                             "NOTHING RETURNING " +
                             kFormCols,
                         {episode.value, kind, data, by.value, at});
    if (!rows) return std::move(rows).error();
    if (rows->empty()) return Error::conflict(kFormConflict);
    return form_from(rows->front());
  }
  auto rows = c_.query(std::string("UPDATE episode_forms SET data = ?, version = version + 1, "
                                   "updated_by = ?, updated_at = ? WHERE episode_id = ? AND "
                                   "kind = ? AND version = ? RETURNING ") +
                           kFormCols,
                       {data, by.value, at, episode.value, kind, expected_version});
  if (!rows) return std::move(rows).error();
  if (!rows->empty()) return form_from(rows->front());
  auto current = find_episode_form(episode, kind);
  if (!current) return std::move(current).error();
  if (!current->has_value()) return Error::not_found("No such form");
  return Error::conflict(kFormConflict);
}

Result<EpisodeRecord> SqlTx::set_episode_state(EpisodeId id, std::int64_t expected_version,
                                               domain::PathwayState state,
                                               const std::string& at) {
  auto changed = c_.exec(
      "UPDATE episodes SET state = ?, version = version + 1, updated_at = ?, "
      "state_changed_at = ? WHERE id = ? AND version = ?",
      {std::string(domain::state_name(state)), at, at, id.value, expected_version});
  if (!changed) return std::move(changed).error();
  auto current = find_episode(id);
  if (!current) return std::move(current).error();
  if (!current->has_value()) return Error::not_found("No such episode");
  if (*changed == 0) {
    return Error::conflict(
        "Someone else changed this episode after you opened it. Your changes were not saved.");
  }
  return std::move(**current);
}

Result<std::int64_t> SqlTx::insert_transition(const TransitionRecord& t) {
  auto rows = c_.query(
      "INSERT INTO transitions (episode_id, from_state, to_state, gate, at, user_id, username, "
      "findings, rule_pack_version, blocked, override_reason, override_role, exit_reason, "
      "exit_date, procedure_date, step_back_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?) RETURNING id",
      {t.episode.value, t.from_state, t.to_state, t.gate, t.at, t.user.value, t.username,
       t.findings, t.rule_pack_version, std::int64_t{t.blocked ? 1 : 0}, t.override_reason,
       t.override_role, t.exit_reason, t.exit_date, t.procedure_date, t.step_back_reason});
  if (!rows) return std::move(rows).error();
  return rows->front().i64(0);
}

Result<std::vector<TransitionRecord>> SqlTx::episode_transitions(EpisodeId episode) {
  return rows_to<TransitionRecord>(
      c_.query(std::string("SELECT ") + kTransitionCols +
                   " FROM transitions WHERE episode_id = ? ORDER BY id",
               {episode.value}),
      transition_from);
}

Result<std::optional<SiteSurgeryRecord>> SqlTx::find_site_surgery(SiteId site) {
  auto rows = c_.query(
      "SELECT site_id, access, service, review_date, updated_at FROM site_surgery_access WHERE "
      "site_id = ?",
      {site.value});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<SiteSurgeryRecord>();
  const auto& r = rows->front();
  return std::optional<SiteSurgeryRecord>(
      SiteSurgeryRecord{SiteId{r.i64(0)}, r.str(1), r.str(2), r.str(3), r.str(4)});
}

Status SqlTx::put_site_surgery(const SiteSurgeryRecord& s) {
  auto r = c_.exec(
      "INSERT INTO site_surgery_access (site_id, access, service, review_date, updated_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET access = excluded.access, "
      "service = excluded.service, review_date = excluded.review_date, updated_at = "
      "excluded.updated_at",
      {s.site.value, s.access, s.service, s.review_date, s.updated_at});
  if (!r) return std::move(r).error();
  return {};
}

Result<MeetingRecord> SqlTx::insert_meeting(SiteId site, const std::string& meeting_date,
                                            const std::string& title, const std::string& at) {
  auto rows = c_.query(std::string("INSERT INTO mdt_meetings (site_id, meeting_date, title, "
                                   "created_at) VALUES (?, ?, ?, ?) RETURNING ") +
                           kMeetingCols,
                       {site.value, meeting_date, title, at});
  if (!rows) return std::move(rows).error();
  return meeting_from(rows->front());
}

Result<std::optional<MeetingRecord>> SqlTx::find_meeting(std::int64_t id) {
  auto rows =
      c_.query(std::string("SELECT ") + kMeetingCols + " FROM mdt_meetings WHERE id = ?", {id});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<MeetingRecord>();
  return std::optional<MeetingRecord>(meeting_from(rows->front()));
}

Result<std::vector<MeetingRecord>> SqlTx::list_meetings(const std::vector<SiteId>& sites,
                                                        int limit) {
  if (sites.empty()) return std::vector<MeetingRecord>();
  std::string sql = std::string("SELECT ") + kMeetingCols + " FROM mdt_meetings WHERE site_id IN (";
  Params params;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.emplace_back(sites[i].value);
  }
  sql += ") ORDER BY meeting_date DESC, id DESC LIMIT ?";
  params.emplace_back(std::int64_t{limit});
  return rows_to<MeetingRecord>(c_.query(sql, params), meeting_from);
}

Result<AttendeeRecord> SqlTx::insert_attendee(std::int64_t meeting, const std::string& name,
                                              const std::string& professional_role) {
  auto found = any_row("SELECT 1 FROM mdt_meetings WHERE id = ?", {meeting});
  if (!found) return std::move(found).error();
  if (!*found) return Error::not_found("No such meeting");
  auto rows = c_.query(
      "INSERT INTO mdt_attendees (meeting_id, name, professional_role) VALUES (?, ?, ?) "
      "RETURNING id, meeting_id, name, professional_role",
      {meeting, name, professional_role});
  if (!rows) return std::move(rows).error();
  return attendee_from(rows->front());
}

Status SqlTx::delete_attendee(std::int64_t meeting, std::int64_t attendee) {
  auto r = c_.exec("DELETE FROM mdt_attendees WHERE id = ? AND meeting_id = ?",
                   {attendee, meeting});
  if (!r) return std::move(r).error();
  if (*r == 0) return Error::not_found("No such attendee at this meeting");
  return {};
}

Result<std::vector<AttendeeRecord>> SqlTx::meeting_attendees(std::int64_t meeting) {
  return rows_to<AttendeeRecord>(
      c_.query("SELECT id, meeting_id, name, professional_role FROM mdt_attendees WHERE "
               "meeting_id = ? ORDER BY id",
               {meeting}),
      attendee_from);
}

Status SqlTx::add_mdt_case(std::int64_t meeting, EpisodeId episode, const std::string& at) {
  auto found = any_row("SELECT 1 FROM mdt_meetings WHERE id = ?", {meeting});
  if (!found) return std::move(found).error();
  if (!*found) return Error::not_found("No such meeting");
  found = any_row("SELECT 1 FROM episodes WHERE id = ?", {episode.value});
  if (!found) return std::move(found).error();
  if (!*found) return Error::not_found("No such episode");
  auto next = c_.query(
      "SELECT COALESCE(MAX(list_position), 0) + 1 FROM mdt_cases WHERE meeting_id = ?",
      {meeting});
  if (!next) return std::move(next).error();
  auto rows = c_.query(
      "INSERT INTO mdt_cases (meeting_id, episode_id, added_at, list_position) VALUES (?, ?, ?, "
      "?) ON CONFLICT (meeting_id, episode_id) DO NOTHING RETURNING meeting_id",
      {meeting, episode.value, at, next->front().i64(0)});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) {
    return Error{Errc::kDuplicate, "This episode is already on the meeting's list", {}, 0, 0};
  }
  return {};
}

Status SqlTx::set_mdt_decision(std::int64_t meeting, EpisodeId episode,
                               std::int64_t expected_version, const std::string& decision,
                               const std::string& rationale, UserId by, const std::string& at) {
  auto r = c_.exec(
      "UPDATE mdt_cases SET decision = ?, rationale = ?, decided_by = ?, decided_at = ?, "
      "version = version + 1 WHERE meeting_id = ? AND episode_id = ? AND version = ?",
      {decision, rationale, by.value, at, meeting, episode.value, expected_version});
  if (!r) return std::move(r).error();
  if (*r == 1) return {};
  return case_missing_or_conflict(
      meeting, episode,
      "Someone else recorded a decision about this case after you opened the page");
}

Status SqlTx::remove_mdt_case(std::int64_t meeting, EpisodeId episode) {
  auto r = c_.exec("DELETE FROM mdt_cases WHERE meeting_id = ? AND episode_id = ? AND version = 0",
                   {meeting, episode.value});
  if (!r) return std::move(r).error();
  if (*r == 1) return {};
  return case_missing_or_conflict(meeting, episode, "A decision is recorded about this case");
}

Status SqlTx::case_missing_or_conflict(std::int64_t meeting, EpisodeId episode,
                                       const std::string& conflict) {
  auto listed = any_row("SELECT 1 FROM mdt_cases WHERE meeting_id = ? AND episode_id = ?",
                        {meeting, episode.value});
  if (!listed) return std::move(listed).error();
  if (!*listed) return Error::not_found("The episode is not on this meeting's list");
  return Error::conflict(conflict);
}

Result<std::vector<MdtCaseRecord>> SqlTx::meeting_cases(std::int64_t meeting) {
  return rows_to<MdtCaseRecord>(
      c_.query(std::string("SELECT ") + kCaseCols +
                   " FROM mdt_cases c WHERE c.meeting_id = ? ORDER BY c.list_position, "
                   "c.added_at, c.episode_id",
               {meeting}),
      case_from);
}

Result<std::vector<MdtCaseRecord>> SqlTx::episode_mdt_cases(EpisodeId episode) {
  return rows_to<MdtCaseRecord>(
      c_.query(std::string("SELECT ") + kCaseCols +
                   " FROM mdt_cases c JOIN mdt_meetings m ON m.id = c.meeting_id WHERE "
                   "c.episode_id = ? ORDER BY m.meeting_date, m.id",
               {episode.value}),
      case_from);
}

}  // namespace vertebro::store
