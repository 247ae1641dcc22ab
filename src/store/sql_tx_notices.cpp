// SqlTx, notices part: the register of device safety notices (MHRA Medical Device Alerts, field
// safety notices) with the products and lots each names and its single acknowledgement. Same
// rules as sql_tx_cement.cpp: portable SQL, `?` placeholders, and expected refusals found by a
// query first.

#include "store/sql_tx.h"

namespace vertebro::store {

using domain::CementLotId;
using domain::CementProductId;
using domain::DeviceNotice;
using sql::Params;

namespace {

constexpr const char* kNoticeCols =
    "n.id, n.reference, n.title, n.issued, n.summary, n.actions_required, n.source, "
    "n.subject_confirmed, n.all_cements, n.version, COALESCE(uu.display_name, ''), "
    "n.updated_at, n.acknowledged_by, COALESCE(au.display_name, ''), n.acknowledged_on, "
    "n.acknowledgement, n.acknowledged_at";

}  // namespace

Result<std::vector<DeviceNotice>> SqlTx::device_notices_where(const std::string& where,
                                                              const Params& params) {
  auto rows = c_.query(std::string("SELECT ") + kNoticeCols +
                           " FROM device_notices n LEFT JOIN users uu ON uu.id = n.updated_by "
                           "LEFT JOIN users au ON au.id = n.acknowledged_by " +
                           where + " ORDER BY n.reference, n.id",
                       params);
  if (!rows) return std::move(rows).error();
  std::vector<DeviceNotice> out;
  for (const auto& r : *rows) {
    DeviceNotice n;
    n.id = r.i64(0);
    n.reference = r.str(1);
    n.title = r.str(2);
    n.issued = r.str(3);
    n.summary = r.str(4);
    n.actions_required = r.str(5);
    n.source = r.str(6);
    n.subject_confirmed = r.i64(7) != 0;
    n.all_cements = r.i64(8) != 0;
    n.version = r.i64(9);
    n.updated_by_name = r.str(10);
    n.updated_at = r.str(11);
    n.acknowledged_by = UserId{r.is_null(12) ? 0 : r.i64(12)};
    n.acknowledged_by_name = r.str(13);
    n.acknowledged_on = r.str(14);
    n.acknowledgement = r.str(15);
    n.acknowledged_at = r.str(16);
    out.push_back(std::move(n));
  }
  for (auto& n : out) {
    auto products = c_.query(
        "SELECT product_id FROM device_notice_products WHERE notice_id = ? ORDER BY product_id",
        {n.id});
    if (!products) return std::move(products).error();
    for (const auto& r : *products) n.products.push_back(CementProductId{r.i64(0)});
    auto lots = c_.query(
        "SELECT lot_id FROM device_notice_lots WHERE notice_id = ? ORDER BY lot_id", {n.id});
    if (!lots) return std::move(lots).error();
    for (const auto& r : *lots) n.lots.push_back(CementLotId{r.i64(0)});
  }
  return out;
}

Result<std::vector<DeviceNotice>> SqlTx::list_device_notices() {
  return device_notices_where("", {});
}

Result<std::optional<DeviceNotice>> SqlTx::find_device_notice(std::int64_t id) {
  auto list = device_notices_where("WHERE n.id = ?", {id});
  if (!list) return std::move(list).error();
  if (list->empty()) return std::optional<DeviceNotice>();
  return std::optional<DeviceNotice>(std::move(list->front()));
}

Status SqlTx::put_notice_links(const DeviceNotice& n) {
  for (const char* table : {"device_notice_products", "device_notice_lots"}) {
    auto gone = c_.exec(std::string("DELETE FROM ") + table + " WHERE notice_id = ?", {n.id});
    if (!gone) return std::move(gone).error();
  }
  for (const auto& p : n.products) {
    auto put = c_.exec("INSERT INTO device_notice_products (notice_id, product_id) VALUES (?, ?)",
                       {n.id, p.value});
    if (!put) return std::move(put).error();
  }
  for (const auto& l : n.lots) {
    auto put = c_.exec("INSERT INTO device_notice_lots (notice_id, lot_id) VALUES (?, ?)",
                       {n.id, l.value});
    if (!put) return std::move(put).error();
  }
  return {};
}

namespace {
Error reference_taken(const std::string& reference, std::int64_t other) {
  const std::string message = "Notice " + reference + " is already in the register";
  return Error{Errc::kDuplicate, message, {{"reference", message}}, other, 0};
}
}  // namespace

Result<DeviceNotice> SqlTx::insert_device_notice(const DeviceNotice& n, UserId by,
                                                 const std::string& at) {
  auto existing = c_.query("SELECT id FROM device_notices WHERE reference = ?", {n.reference});
  if (!existing) return std::move(existing).error();
  if (!existing->empty()) return reference_taken(n.reference, existing->front().i64(0));
  auto rows = c_.query(
      "INSERT INTO device_notices (reference, title, issued, summary, actions_required, source, "
      "subject_confirmed, all_cements, version, updated_by, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
      {n.reference, n.title, n.issued, n.summary, n.actions_required, n.source,
       std::int64_t{n.subject_confirmed ? 1 : 0}, std::int64_t{n.all_cements ? 1 : 0}, by.value,
       at});
  if (!rows) return std::move(rows).error();
  DeviceNotice saved = n;
  saved.id = rows->front().i64(0);
  if (auto s = put_notice_links(saved); !s) return std::move(s).error();
  auto found = find_device_notice(saved.id);
  if (!found) return std::move(found).error();
  if (!*found) return Error::internal("The new notice could not be read back");
  return std::move(**found);
}

Status SqlTx::update_device_notice(const DeviceNotice& n, std::int64_t expected_version,
                                   UserId by, const std::string& at) {
  auto existing = c_.query("SELECT id FROM device_notices WHERE reference = ? AND id <> ?",
                           {n.reference, n.id});
  if (!existing) return std::move(existing).error();
  if (!existing->empty()) return reference_taken(n.reference, existing->front().i64(0));
  auto changed = c_.exec(
      "UPDATE device_notices SET reference = ?, title = ?, issued = ?, summary = ?, "
      "actions_required = ?, source = ?, subject_confirmed = ?, all_cements = ?, "
      "version = version + 1, updated_by = ?, updated_at = ? WHERE id = ? AND version = ?",
      {n.reference, n.title, n.issued, n.summary, n.actions_required, n.source,
       std::int64_t{n.subject_confirmed ? 1 : 0}, std::int64_t{n.all_cements ? 1 : 0}, by.value,
       at, n.id, expected_version});
  if (!changed) return std::move(changed).error();
  if (*changed != 1) {
    auto exists = any_row("SELECT 1 FROM device_notices WHERE id = ?", {n.id});
    if (!exists) return std::move(exists).error();
    if (!*exists) return Error::not_found("No such notice");
    return Error{Errc::kConflict, "This notice has been changed since you opened it", {}, 0, 0};
  }
  return put_notice_links(n);
}

Status SqlTx::acknowledge_device_notice(std::int64_t id, UserId by, const std::string& on,
                                        const std::string& acknowledgement,
                                        const std::string& at) {
  auto changed = c_.exec(
      "UPDATE device_notices SET acknowledged_by = ?, acknowledged_on = ?, acknowledgement = ?, "
      "acknowledged_at = ? WHERE id = ? AND acknowledged_on = ''",
      {by.value, on, acknowledgement, at, id});
  if (!changed) return std::move(changed).error();
  if (*changed == 1) return {};
  auto exists = any_row("SELECT 1 FROM device_notices WHERE id = ?", {id});
  if (!exists) return std::move(exists).error();
  if (!*exists) return Error::not_found("No such notice");
  return Error{Errc::kConflict, "This notice is already acknowledged", {}, 0, 0};
}

}  // namespace vertebro::store
