// SqlTx, cement part: the catalogue (products with their GTINs and HIBC codes, and versioned
// instructions for use with their steps) and the lot register with its recalls. The schema
// refuses any change to a saved IFU version and any change to a lot but its single recall.
// Same rules as sql_tx.cpp: portable SQL and `?` placeholders. An expected refusal (a code or
// lot already registered, a lot already recalled) is found by a query first, never by a failing
// statement, since a failed statement aborts the whole transaction on PostgreSQL.

#include "store/sql_tx.h"

namespace vertebro::store {

using domain::CementLot;
using domain::CementLotId;
using domain::CementProduct;
using domain::CementProductId;
using domain::IfuVersion;
using sql::Params;
using sql::Row;

namespace {

constexpr const char* kProductCols =
    "p.id, p.name, p.manufacturer, p.marking, p.viscosity, p.pack_volume_ml, p.created_by, "
    "p.created_at";

constexpr const char* kIfuCols =
    "v.id, v.product_id, v.version, v.reference, v.mixing_seconds, v.waiting_seconds, "
    "v.working_seconds, v.temperature_min_c, v.temperature_max_c, v.loading, v.created_by, "
    "u.display_name, v.created_at";

constexpr const char* kLotCols =
    "l.id, l.product_id, p.name, l.scheme, l.code, l.lot, l.expiry, l.production_date, "
    "l.added_by, au.display_name, l.added_at, l.recalled_on, l.recall_reason, l.recall_notice, "
    "l.recalled_by, COALESCE(ru.display_name, ''), l.recalled_at";

constexpr const char* kLotFrom =
    " FROM cement_lots l JOIN cement_products p ON p.id = l.product_id "
    "JOIN users au ON au.id = l.added_by LEFT JOIN users ru ON ru.id = l.recalled_by ";

std::optional<std::int64_t> optional_i64(const Row& r, std::size_t i) {
  if (r.is_null(i)) return std::nullopt;
  return r.i64(i);
}

sql::Value nullable(const std::optional<std::int64_t>& v) {
  if (!v) return std::monostate{};
  return *v;
}

IfuVersion ifu_from(const Row& r) {
  IfuVersion v;
  v.id = r.i64(0);
  v.product = CementProductId{r.i64(1)};
  v.version = r.i64(2);
  v.reference = r.str(3);
  v.mixing_seconds = optional_i64(r, 4);
  v.waiting_seconds = optional_i64(r, 5);
  v.working_seconds = optional_i64(r, 6);
  v.temperature_min_c = optional_i64(r, 7);
  v.temperature_max_c = optional_i64(r, 8);
  v.loading = r.str(9);
  v.created_by = UserId{r.i64(10)};
  v.created_by_name = r.str(11);
  v.created_at = r.str(12);
  return v;
}

CementLot lot_from(const Row& r) {
  CementLot l;
  l.id = CementLotId{r.i64(0)};
  l.product = CementProductId{r.i64(1)};
  l.product_name = r.str(2);
  l.scheme = r.str(3);
  l.code = r.str(4);
  l.lot = r.str(5);
  l.expiry = r.str(6);
  l.production_date = r.str(7);
  l.added_by = UserId{r.i64(8)};
  l.added_by_name = r.str(9);
  l.added_at = r.str(10);
  l.recalled_on = r.str(11);
  l.recall_reason = r.str(12);
  l.recall_notice = r.str(13);
  l.recalled_by = UserId{r.i64(14)};
  l.recalled_by_name = r.str(15);
  l.recalled_at = r.str(16);
  return l;
}

}  // namespace

Result<std::vector<CementProduct>> SqlTx::cement_products_where(const std::string& where,
                                                                const Params& params) {
  auto rows = c_.query(std::string("SELECT ") + kProductCols + " FROM cement_products p " + where +
                           " ORDER BY p.name, p.id",
                       params);
  if (!rows) return std::move(rows).error();
  std::vector<CementProduct> out;
  for (const auto& r : *rows) {
    CementProduct p;
    p.id = CementProductId{r.i64(0)};
    p.name = r.str(1);
    p.manufacturer = r.str(2);
    p.marking = r.str(3);
    p.viscosity = r.str(4);
    p.pack_volume_ml = r.str(5);
    p.created_by = UserId{r.i64(6)};
    p.created_at = r.str(7);
    out.push_back(std::move(p));
  }
  for (auto& p : out) {
    auto codes = c_.query(
        "SELECT scheme, code FROM cement_product_codes WHERE product_id = ? ORDER BY scheme, code",
        {p.id.value});
    if (!codes) return std::move(codes).error();
    for (const auto& c : *codes) {
      (c.str(0) == "hibc" ? p.hibc_codes : p.gtins).push_back(c.str(1));
    }
  }
  return out;
}

Result<CementProduct> SqlTx::insert_cement_product(const CementProduct& p) {
  auto rows = c_.query(
      "INSERT INTO cement_products (name, manufacturer, marking, viscosity, pack_volume_ml, "
      "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {p.name, p.manufacturer, p.marking, p.viscosity, p.pack_volume_ml, p.created_by.value,
       p.created_at});
  if (!rows) return std::move(rows).error();
  const CementProductId id{rows->front().i64(0)};
  // A code taken by another product fails the whole transaction: nothing of it is kept.
  for (const auto& g : p.gtins) {
    if (auto r = insert_cement_product_code(id, "gs1", g); !r) return std::move(r).error();
  }
  for (const auto& h : p.hibc_codes) {
    if (auto r = insert_cement_product_code(id, "hibc", h); !r) return std::move(r).error();
  }
  auto found = find_cement_product(id);
  if (!found) return std::move(found).error();
  if (!*found) return Error::internal("The new cement product could not be read back");
  return std::move(**found);
}

Result<std::optional<CementProduct>> SqlTx::find_cement_product(CementProductId id) {
  auto list = cement_products_where("WHERE p.id = ?", {id.value});
  if (!list) return std::move(list).error();
  if (list->empty()) return std::optional<CementProduct>();
  return std::optional<CementProduct>(std::move(list->front()));
}

Result<std::vector<CementProduct>> SqlTx::list_cement_products() {
  return cement_products_where("", {});
}

Result<std::optional<CementProductId>> SqlTx::find_cement_product_by_code(
    const std::string& scheme, const std::string& code) {
  auto rows = c_.query("SELECT product_id FROM cement_product_codes WHERE scheme = ? AND code = ?",
                       {scheme, code});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<CementProductId>();
  return std::optional<CementProductId>(CementProductId{rows->front().i64(0)});
}

Status SqlTx::insert_cement_product_code(CementProductId product, const std::string& scheme,
                                         const std::string& code) {
  auto owner = find_cement_product_by_code(scheme, code);
  if (!owner) return std::move(owner).error();
  if (*owner) {
    return Error{Errc::kDuplicate,
                 std::string(scheme == "gs1" ? "GTIN " : "HIBC code ") + code +
                     " already belongs to a product in the catalogue",
                 {}, (*owner)->value, 0};
  }
  auto r = c_.exec("INSERT INTO cement_product_codes (scheme, code, product_id) VALUES (?, ?, ?)",
                   {scheme, code, product.value});
  if (!r) return std::move(r).error();
  return {};
}

Result<IfuVersion> SqlTx::insert_ifu_version(IfuVersion v) {
  auto next = c_.query(
      "SELECT COALESCE(MAX(version), 0) + 1 FROM cement_ifu_versions WHERE product_id = ?",
      {v.product.value});
  if (!next) return std::move(next).error();
  v.version = next->front().i64(0);
  auto rows = c_.query(
      "INSERT INTO cement_ifu_versions (product_id, version, reference, mixing_seconds, "
      "waiting_seconds, working_seconds, temperature_min_c, temperature_max_c, loading, "
      "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {v.product.value, v.version, v.reference, nullable(v.mixing_seconds),
       nullable(v.waiting_seconds), nullable(v.working_seconds), nullable(v.temperature_min_c),
       nullable(v.temperature_max_c), v.loading, v.created_by.value, v.created_at});
  if (!rows) return std::move(rows).error();
  v.id = rows->front().i64(0);
  std::int64_t ordinal = 0;
  for (const auto& step : v.steps) {
    auto r = c_.exec(
        "INSERT INTO cement_ifu_steps (ifu_version_id, ordinal, instruction) VALUES (?, ?, ?)",
        {v.id, ++ordinal, step});
    if (!r) return std::move(r).error();
  }
  return v;
}

Result<std::vector<IfuVersion>> SqlTx::product_ifu_versions(CementProductId product) {
  auto rows = c_.query(std::string("SELECT ") + kIfuCols +
                           " FROM cement_ifu_versions v JOIN users u ON u.id = v.created_by "
                           "WHERE v.product_id = ? ORDER BY v.version DESC",
                       {product.value});
  if (!rows) return std::move(rows).error();
  std::vector<IfuVersion> out;
  for (const auto& r : *rows) out.push_back(ifu_from(r));
  for (auto& v : out) {
    auto steps = c_.query(
        "SELECT instruction FROM cement_ifu_steps WHERE ifu_version_id = ? ORDER BY ordinal",
        {v.id});
    if (!steps) return std::move(steps).error();
    for (const auto& s : *steps) v.steps.push_back(s.str(0));
  }
  return out;
}

Result<std::vector<CementLot>> SqlTx::cement_lots_where(const std::string& where,
                                                        const Params& params) {
  auto rows = c_.query(std::string("SELECT ") + kLotCols + kLotFrom + where + " ORDER BY l.id DESC",
                       params);
  if (!rows) return std::move(rows).error();
  std::vector<CementLot> out;
  for (const auto& r : *rows) out.push_back(lot_from(r));
  return out;
}

Result<CementLot> SqlTx::insert_cement_lot(const CementLot& lot) {
  auto existing = c_.query(
      "SELECT id FROM cement_lots WHERE scheme = ? AND code = ? AND lot = ?",
      {lot.scheme, lot.code, lot.lot});
  if (!existing) return std::move(existing).error();
  if (!existing->empty()) {
    return Error{Errc::kDuplicate, "Lot " + lot.lot + " of this product is already registered",
                 {}, existing->front().i64(0), 0};
  }
  auto rows = c_.query(
      "INSERT INTO cement_lots (product_id, scheme, code, lot, expiry, production_date, added_by, "
      "added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {lot.product.value, lot.scheme, lot.code, lot.lot, lot.expiry, lot.production_date,
       lot.added_by.value, lot.added_at});
  if (!rows) return std::move(rows).error();
  auto found = find_cement_lot(CementLotId{rows->front().i64(0)});
  if (!found) return std::move(found).error();
  if (!*found) return Error::internal("The new cement lot could not be read back");
  return std::move(**found);
}

Result<std::optional<CementLot>> SqlTx::find_cement_lot(CementLotId id) {
  auto list = cement_lots_where("WHERE l.id = ?", {id.value});
  if (!list) return std::move(list).error();
  if (list->empty()) return std::optional<CementLot>();
  return std::optional<CementLot>(std::move(list->front()));
}

Result<std::vector<CementLot>> SqlTx::list_cement_lots(std::optional<CementProductId> product) {
  if (product) return cement_lots_where("WHERE l.product_id = ?", {product->value});
  return cement_lots_where("", {});
}

Result<std::optional<CementLot>> SqlTx::find_cement_lot_by_code(const std::string& scheme,
                                                                 const std::string& code,
                                                                 const std::string& lot) {
  auto list = cement_lots_where("WHERE l.scheme = ? AND l.code = ? AND l.lot = ?",
                                {scheme, code, lot});
  if (!list) return std::move(list).error();
  if (list->empty()) return std::optional<CementLot>();
  return std::optional<CementLot>(std::move(list->front()));
}

Status SqlTx::put_procedure_cement(EpisodeId episode,
                                   const std::vector<std::pair<int, CementLotId>>& units) {
  auto d = c_.exec("DELETE FROM procedure_cement_units WHERE episode_id = ?", {episode.value});
  if (!d) return std::move(d).error();
  for (const auto& [unit, lot] : units) {
    auto r = c_.exec(
        "INSERT INTO procedure_cement_units (episode_id, unit, lot_id) VALUES (?, ?, ?)",
        {episode.value, std::int64_t{unit}, lot.value});
    if (!r) return std::move(r).error();
  }
  return {};
}

Result<std::vector<LotUseRow>> SqlTx::cement_lot_uses(CementLotId lot) {
  auto rows = c_.query(
      "SELECT u.episode_id, u.unit, e.patient_id, e.site_id, COALESCE(f.data, '') "
      "FROM procedure_cement_units u JOIN episodes e ON e.id = u.episode_id "
      "LEFT JOIN episode_forms f ON f.episode_id = u.episode_id AND f.kind = 'procedure' "
      "WHERE u.lot_id = ? ORDER BY u.episode_id, u.unit",
      {lot.value});
  if (!rows) return std::move(rows).error();
  std::vector<LotUseRow> out;
  for (const auto& r : *rows) {
    out.push_back({EpisodeId{r.i64(0)}, static_cast<int>(r.i64(1)), PatientId{r.i64(2)},
                   SiteId{r.i64(3)}, r.str(4)});
  }
  return out;
}

Status SqlTx::recall_cement_lot(CementLotId id, const std::string& recalled_on,
                                const std::string& reason, const std::string& notice, UserId by,
                                const std::string& at) {
  auto changed = c_.exec(
      "UPDATE cement_lots SET recalled_on = ?, recall_reason = ?, recall_notice = ?, "
      "recalled_by = ?, recalled_at = ? WHERE id = ? AND recalled_on = ''",
      {recalled_on, reason, notice, by.value, at, id.value});
  if (!changed) return std::move(changed).error();
  if (*changed == 1) return {};
  auto exists = any_row("SELECT 1 FROM cement_lots WHERE id = ?", {id.value});
  if (!exists) return std::move(exists).error();
  if (!*exists) return Error::not_found("No such cement lot");
  return Error{Errc::kConflict, "This lot is already recalled", {}, 0, 0};
}

}  // namespace vertebro::store
