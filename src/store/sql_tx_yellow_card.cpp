// SqlTx, the parts beside follow-up: the device safety officer's Yellow Card reports of
// device-related adverse incidents (migration 0015), one per complication, and the patients'
// one-time questionnaire links (migration 0016). Same rules as sql_tx.cpp: portable SQL with
// every value bound as a parameter, and a taken complication or a stale version found without a
// failing statement, because a failed statement aborts the whole transaction on PostgreSQL.

#include "store/sql_tx.h"

namespace vertebro::store {

namespace {

constexpr const char* kYellowCardCols =
    "id, complication_id, episode_id, status, regulator_reference, data, version, created_by, "
    "created_at, updated_by, updated_at";

YellowCardRecord yellow_card_from(const sql::Row& r) {
  YellowCardRecord y;
  y.id = r.i64(0);
  y.complication = r.i64(1);
  y.episode = EpisodeId{r.i64(2)};
  y.status = r.str(3);
  y.regulator_reference = r.str(4);
  y.data = r.str(5);
  y.version = r.i64(6);
  y.created_by = UserId{r.i64(7)};
  y.created_at = r.str(8);
  y.updated_by = UserId{r.i64(9)};
  y.updated_at = r.str(10);
  return y;
}

constexpr const char* kLinkCols =
    "id, episode_id, time_point, token_hash, issued_by, issued_at, expires_at, used_at, "
    "cancelled_at, route";

FollowUpLinkRecord link_from(const sql::Row& r) {
  FollowUpLinkRecord l;
  l.id = r.i64(0);
  l.episode = EpisodeId{r.i64(1)};
  l.time_point = r.str(2);
  l.token_hash = r.str(3);
  l.issued_by = UserId{r.i64(4)};
  l.issued_at = r.str(5);
  l.expires_at = r.str(6);
  l.used_at = r.str(7);
  l.cancelled_at = r.str(8);
  l.route = r.str(9);
  return l;
}

}  // namespace

Result<FollowUpLinkRecord> SqlTx::insert_follow_up_link(const FollowUpLinkRecord& l) {
  auto taken = any_row("SELECT 1 FROM follow_up_links WHERE token_hash = ?", {l.token_hash});
  if (!taken) return std::move(taken).error();
  if (*taken) return Error::conflict("The link's token is taken; make the link again");
  auto rows = c_.query(
      "INSERT INTO follow_up_links (episode_id, time_point, token_hash, issued_by, issued_at, "
      "expires_at, used_at, cancelled_at, route) VALUES (?, ?, ?, ?, ?, ?, '', '', ?) "
      "RETURNING " +
          std::string(kLinkCols),
      {l.episode.value, l.time_point, l.token_hash, l.issued_by.value, l.issued_at,
       l.expires_at, l.route});
  if (!rows) return std::move(rows).error();
  return link_from(rows->front());
}

Result<std::optional<FollowUpLinkRecord>> SqlTx::find_follow_up_link(
    const std::string& token_hash) {
  auto rows = c_.query(
      std::string("SELECT ") + kLinkCols + " FROM follow_up_links WHERE token_hash = ?",
      {token_hash});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<FollowUpLinkRecord>();
  return std::optional<FollowUpLinkRecord>(link_from(rows->front()));
}

Result<std::vector<FollowUpLinkRecord>> SqlTx::episode_follow_up_links(EpisodeId episode) {
  auto rows = c_.query(std::string("SELECT ") + kLinkCols +
                           " FROM follow_up_links WHERE episode_id = ? ORDER BY id DESC",
                       {episode.value});
  if (!rows) return std::move(rows).error();
  std::vector<FollowUpLinkRecord> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(link_from(r));
  return out;
}

Result<bool> SqlTx::use_follow_up_link(std::int64_t id, const std::string& at) {
  auto rows = c_.query(
      "UPDATE follow_up_links SET used_at = ? WHERE id = ? AND used_at = '' AND "
      "cancelled_at = '' RETURNING id",
      {at, id});
  if (!rows) return std::move(rows).error();
  return !rows->empty();
}

Status SqlTx::cancel_follow_up_links(EpisodeId episode, const std::string& time_point,
                                     const std::string& at) {
  auto rows = c_.query(
      "UPDATE follow_up_links SET cancelled_at = ? WHERE episode_id = ? AND time_point = ? AND "
      "used_at = '' AND cancelled_at = '' RETURNING id",
      {at, episode.value, time_point});
  if (!rows) return std::move(rows).error();
  return {};
}

namespace {

std::vector<YellowCardRecord> yellow_cards_from(const std::vector<sql::Row>& rows) {
  std::vector<YellowCardRecord> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(yellow_card_from(r));
  return out;
}

}  // namespace

Result<std::vector<YellowCardRecord>> SqlTx::yellow_card_reports() {
  auto rows = c_.query(
      std::string("SELECT ") + kYellowCardCols + " FROM yellow_card_reports ORDER BY id DESC", {});
  if (!rows) return std::move(rows).error();
  return yellow_cards_from(*rows);
}

Result<std::vector<YellowCardRecord>> SqlTx::episode_yellow_card_reports(EpisodeId episode) {
  auto rows = c_.query(std::string("SELECT ") + kYellowCardCols +
                           " FROM yellow_card_reports WHERE episode_id = ? ORDER BY complication_id",
                       {episode.value});
  if (!rows) return std::move(rows).error();
  return yellow_cards_from(*rows);
}

Result<std::optional<YellowCardRecord>> SqlTx::find_yellow_card_report(std::int64_t id) {
  auto rows = c_.query(
      std::string("SELECT ") + kYellowCardCols + " FROM yellow_card_reports WHERE id = ?", {id});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<YellowCardRecord>();
  return std::optional<YellowCardRecord>(yellow_card_from(rows->front()));
}

Result<YellowCardRecord> SqlTx::insert_yellow_card_report(const YellowCardRecord& r) {
  auto exists = any_row("SELECT 1 FROM complications WHERE id = ?", {r.complication});
  if (!exists) return std::move(exists).error();
  if (!*exists) return Error::not_found("No such complication");
  auto taken =
      any_row("SELECT 1 FROM yellow_card_reports WHERE complication_id = ?", {r.complication});
  if (!taken) return std::move(taken).error();
  if (*taken) {
    return Error::conflict(
        "This event has a Yellow Card report already. Open that report instead of starting "
        "another.");
  }
  auto rows = c_.query(
      "INSERT INTO yellow_card_reports (complication_id, episode_id, status, regulator_reference, "
      "data, version, created_by, created_at, updated_by, updated_at) "
      "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING " + std::string(kYellowCardCols),
      {r.complication, r.episode.value, r.status, r.regulator_reference, r.data,
       r.created_by.value, r.created_at, r.updated_by.value, r.updated_at});
  if (!rows) return std::move(rows).error();
  return yellow_card_from(rows->front());
}

Result<YellowCardRecord> SqlTx::update_yellow_card_report(const YellowCardRecord& r,
                                                          std::int64_t expected_version) {
  auto rows = c_.query(
      "UPDATE yellow_card_reports SET status = ?, regulator_reference = ?, data = ?, "
      "version = version + 1, updated_by = ?, updated_at = ? WHERE id = ? AND version = ? "
      "RETURNING " + std::string(kYellowCardCols),
      {r.status, r.regulator_reference, r.data, r.updated_by.value, r.updated_at, r.id,
       expected_version});
  if (!rows) return std::move(rows).error();
  if (!rows->empty()) return yellow_card_from(rows->front());
  auto current = find_yellow_card_report(r.id);
  if (!current) return std::move(current).error();
  if (!current->has_value()) return Error::not_found("No such Yellow Card report");
  return Error::conflict(
      "Someone else changed this report after you opened it. Your changes were not saved.");
}

}  // namespace vertebro::store
