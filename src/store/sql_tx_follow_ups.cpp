// SqlTx, follow-up part: the visits recorded at each time point of an episode's schedule
// (migration 0013) and the episode's complications and adverse events (migration 0014). Same
// rules as sql_tx.cpp: portable SQL with every value bound as a `?` parameter. A stale version
// or a taken time point is found without a failing statement, because a failed statement
// aborts the whole transaction on PostgreSQL.

#include "store/sql_tx.h"

namespace vertebro::store {

namespace {

constexpr const char* kVisitCols =
    "episode_id, time_point, visit_date, source, data, version, updated_by, updated_at";
constexpr const char* kVisitConflict =
    "Someone else recorded this follow-up after you opened it. Your answers were not saved.";

constexpr const char* kComplicationCols =
    "id, episode_id, kind, event_date, device_involved, data, version, created_by, created_at, "
    "updated_by, updated_at";

ComplicationRecord complication_from(const sql::Row& r) {
  ComplicationRecord c;
  c.id = r.i64(0);
  c.episode = EpisodeId{r.i64(1)};
  c.kind = r.str(2);
  c.event_date = r.str(3);
  c.device_involved = r.i64(4) != 0;
  c.data = r.str(5);
  c.version = r.i64(6);
  c.created_by = UserId{r.i64(7)};
  c.created_at = r.str(8);
  c.updated_by = UserId{r.i64(9)};
  c.updated_at = r.str(10);
  return c;
}

FollowUpVisitRecord visit_from(const sql::Row& r) {
  return {EpisodeId{r.i64(0)}, r.str(1), r.str(2),         r.str(3),
          r.str(4),            r.i64(5), UserId{r.i64(6)}, r.str(7)};
}

}  // namespace

Result<std::optional<FollowUpVisitRecord>> SqlTx::find_follow_up_visit(
    EpisodeId episode, const std::string& time_point) {
  auto rows = c_.query(std::string("SELECT ") + kVisitCols +
                           " FROM follow_up_visits WHERE episode_id = ? AND time_point = ?",
                       {episode.value, time_point});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<FollowUpVisitRecord>();
  return std::optional<FollowUpVisitRecord>(visit_from(rows->front()));
}

Result<std::vector<FollowUpVisitRecord>> SqlTx::episode_follow_up_visits(EpisodeId episode) {
  auto rows = c_.query(std::string("SELECT ") + kVisitCols +
                           " FROM follow_up_visits WHERE episode_id = ? "
                           "ORDER BY visit_date, time_point",
                       {episode.value});
  if (!rows) return std::move(rows).error();
  std::vector<FollowUpVisitRecord> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(visit_from(r));
  return out;
}

Result<FollowUpVisitRecord> SqlTx::put_follow_up_visit(const FollowUpVisitRecord& v,
                                                       std::int64_t expected_version) {
  if (expected_version == 0) {
    auto episode_exists = any_row("SELECT 1 FROM episodes WHERE id = ?", {v.episode.value});
    if (!episode_exists) return std::move(episode_exists).error();
    if (!*episode_exists) return Error::not_found("No such episode");
    auto rows = c_.query(std::string("INSERT INTO follow_up_visits (") + kVisitCols +
                             ") VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (episode_id, "
                             "time_point) DO NOTHING RETURNING " +
                             kVisitCols,
                         {v.episode.value, v.time_point, v.visit_date, v.source, v.data,
                          v.updated_by.value, v.updated_at});
    if (!rows) return std::move(rows).error();
    if (rows->empty()) return Error::conflict(kVisitConflict);
    return visit_from(rows->front());
  }
  auto rows = c_.query(std::string("UPDATE follow_up_visits SET visit_date = ?, source = ?, "
                                   "data = ?, version = version + 1, updated_by = ?, "
                                   "updated_at = ? WHERE episode_id = ? AND time_point = ? AND "
                                   "version = ? RETURNING ") +
                           kVisitCols,
                       {v.visit_date, v.source, v.data, v.updated_by.value, v.updated_at,
                        v.episode.value, v.time_point, expected_version});
  if (!rows) return std::move(rows).error();
  if (!rows->empty()) return visit_from(rows->front());
  auto current = find_follow_up_visit(v.episode, v.time_point);
  if (!current) return std::move(current).error();
  if (!current->has_value()) return Error::not_found("No such follow-up");
  return Error::conflict(kVisitConflict);
}

Result<std::vector<ComplicationRecord>> SqlTx::episode_complications(EpisodeId episode) {
  auto rows = c_.query(std::string("SELECT ") + kComplicationCols +
                           " FROM complications WHERE episode_id = ? ORDER BY event_date, id",
                       {episode.value});
  if (!rows) return std::move(rows).error();
  std::vector<ComplicationRecord> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(complication_from(r));
  return out;
}

Result<std::vector<ComplicationRecord>> SqlTx::device_complications() {
  auto rows = c_.query(std::string("SELECT ") + kComplicationCols +
                           " FROM complications WHERE device_involved = 1 ORDER BY event_date, id",
                       {});
  if (!rows) return std::move(rows).error();
  std::vector<ComplicationRecord> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(complication_from(r));
  return out;
}

Result<std::optional<ComplicationRecord>> SqlTx::find_complication(std::int64_t id) {
  auto rows = c_.query(
      std::string("SELECT ") + kComplicationCols + " FROM complications WHERE id = ?", {id});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<ComplicationRecord>();
  return std::optional<ComplicationRecord>(complication_from(rows->front()));
}

Result<ComplicationRecord> SqlTx::insert_complication(const ComplicationRecord& c) {
  auto episode_exists = any_row("SELECT 1 FROM episodes WHERE id = ?", {c.episode.value});
  if (!episode_exists) return std::move(episode_exists).error();
  if (!*episode_exists) return Error::not_found("No such episode");
  auto rows = c_.query(
      "INSERT INTO complications (episode_id, kind, event_date, device_involved, data, version, "
      "created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?) "
      "RETURNING " + std::string(kComplicationCols),
      {c.episode.value, c.kind, c.event_date, std::int64_t{c.device_involved ? 1 : 0}, c.data,
       c.created_by.value, c.created_at, c.updated_by.value, c.updated_at});
  if (!rows) return std::move(rows).error();
  return complication_from(rows->front());
}

Result<ComplicationRecord> SqlTx::update_complication(const ComplicationRecord& c,
                                                      std::int64_t expected_version) {
  auto rows = c_.query(
      "UPDATE complications SET kind = ?, event_date = ?, device_involved = ?, data = ?, "
      "version = version + 1, updated_by = ?, updated_at = ? WHERE id = ? AND version = ? "
      "RETURNING " + std::string(kComplicationCols),
      {c.kind, c.event_date, std::int64_t{c.device_involved ? 1 : 0}, c.data, c.updated_by.value,
       c.updated_at, c.id, expected_version});
  if (!rows) return std::move(rows).error();
  if (!rows->empty()) return complication_from(rows->front());
  auto current = find_complication(c.id);
  if (!current) return std::move(current).error();
  if (!current->has_value()) return Error::not_found("No such complication");
  return Error::conflict(
      "Someone else changed this complication after you opened it. Your changes were not saved.");
}

}  // namespace vertebro::store
