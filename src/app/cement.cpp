#include "app/cement.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "app/audit_trail.h"
#include "base/log.h"
#include "domain/text.h"
#include "store/store.h"
#include "trace/udi.h"

namespace vertebro::app {

using domain::CementLot;
using domain::CementLotId;
using domain::CementProduct;
using domain::CementProductId;
using domain::IfuVersion;
using domain::Permission;

namespace {

constexpr std::size_t kMaxSteps = 40;
constexpr std::size_t kMaxLotChars = 20;  // GS1 AI (10)


AuditTarget product_target(CementProductId id) { return {"cement_product", id.value, 0, 0}; }
AuditTarget lot_target(CementLotId id) { return {"cement_lot", id.value, 0, 0}; }

// A GTIN as typed (8, 12, 13 or 14 digits, spaces allowed) as 14 digits with its check digit
// verified; an error naming `field` otherwise.
std::optional<std::string> checked_gtin(const std::string& raw, const std::string& field,
                                        std::vector<FieldError>& errors) {
  std::string digits;
  for (char c : raw) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') {
      errors.push_back({field, "A GTIN is digits only: " + domain::trimmed(raw).substr(0, 24) +
                                   " is not a GTIN"});
      return std::nullopt;
    }
    digits += c;
  }
  const auto n = digits.size();
  if (n != 8 && n != 12 && n != 13 && n != 14) {
    errors.push_back({field, "A GTIN has 8, 12, 13 or 14 digits: " + digits.substr(0, 24) +
                                 " has " + std::to_string(n)});
    return std::nullopt;
  }
  digits.insert(0, 14 - n, '0');
  const int check = trace::gs1_check_digit(std::string_view(digits).substr(0, 13));
  if (check != digits.back() - '0') {
    errors.push_back({field, "GTIN " + digits + ": the check digit should be " +
                                 std::to_string(check)});
    return std::nullopt;
  }
  return digits;
}

// A HIBC product code: the labeler identification code (a letter and three letters or digits)
// and the product or catalogue number (1 to 18 letters or digits), upper case.
std::optional<std::string> checked_hibc(const std::string& raw, const std::string& field,
                                        std::vector<FieldError>& errors) {
  std::string code;
  for (char c : domain::trimmed(raw)) code += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  bool ok = code.size() >= 5 && code.size() <= 22 && code[0] >= 'A' && code[0] <= 'Z';
  for (char c : code) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  if (!ok) {
    errors.push_back({field, "A HIBC code is the labeler code (a letter and 3 letters or digits) "
                             "followed by the product number (1 to 18 letters or digits)"});
    return std::nullopt;
  }
  return code;
}

// A whole number in [lo, hi], or nullopt when blank; an error naming `field` otherwise.
std::optional<std::int64_t> whole(const std::string& raw, const std::string& field,
                                  const std::string& label, std::int64_t lo, std::int64_t hi,
                                  const std::string& unit, std::vector<FieldError>& errors) {
  const std::string t = domain::trimmed(raw);
  if (t.empty()) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || v < lo || v > hi) {
    errors.push_back({field, label + " must be a whole number from " + std::to_string(lo) +
                                 " to " + std::to_string(hi) + unit});
    return std::nullopt;
  }
  return v;
}

// The IFU version `in` describes, for `product`, or the errors it has.
IfuVersion checked_ifu(const IfuInput& in, std::vector<FieldError>& errors) {
  IfuVersion v;
  v.reference = domain::checked_text(in.reference, "ifu_reference",
                                     "IFU document reference", 100, true, errors);
  v.mixing_seconds = whole(in.mixing_seconds, "mixing_seconds", "Mixing time", 0, 3600,
                           " seconds", errors);
  v.waiting_seconds = whole(in.waiting_seconds, "waiting_seconds", "Waiting time", 0, 3600,
                            " seconds", errors);
  v.working_seconds = whole(in.working_seconds, "working_seconds", "Working time", 0, 7200,
                            " seconds", errors);
  v.temperature_min_c = whole(in.temperature_min_c, "temperature_min_c", "Lowest temperature",
                              -10, 60, " °C", errors);
  v.temperature_max_c = whole(in.temperature_max_c, "temperature_max_c", "Highest temperature",
                              -10, 60, " °C", errors);
  if (v.temperature_min_c && v.temperature_max_c && *v.temperature_max_c < *v.temperature_min_c) {
    errors.push_back({"temperature_max_c",
                      "The highest temperature cannot be below the lowest temperature"});
  }
  v.loading = domain::checked_text(in.loading, "loading", "how to load the delivery system",
                                   1000, false, errors);
  std::size_t bad_steps = errors.size();
  for (const auto& raw : in.steps) {
    if (domain::is_blank(raw)) continue;
    v.steps.push_back(domain::checked_text(raw, "steps", "preparation step", 1000, true, errors));
  }
  if (errors.size() == bad_steps) {
    if (v.steps.empty()) {
      errors.push_back({"steps", "Enter the preparation steps of the instructions for use, "
                                 "one per line, in order"});
    } else if (v.steps.size() > kMaxSteps) {
      errors.push_back({"steps", "Enter at most " + std::to_string(kMaxSteps) + " steps"});
    }
  }
  return v;
}

nlohmann::json lot_json(const CementLot& l) {
  return {{"product_id", l.product.value}, {"scheme", l.scheme},
          {"code", l.code},                {"lot", l.lot},
          {"expiry", l.expiry},            {"production_date", l.production_date}};
}

// A decimal volume in mL: up to 3 digits, optionally a point and 1 or 2 more; above 0, at
// most 100. Normalised to drop trailing zeros of the fraction.
std::string checked_volume(const std::string& raw, std::vector<FieldError>& errors) {
  const std::string t = domain::trimmed(raw);
  if (t.empty()) {
    errors.push_back({"pack_volume_ml", "Enter the volume of cement per pack, in mL"});
    return "";
  }
  const auto point = t.find('.');
  const std::string whole_part = t.substr(0, point);
  const std::string frac = point == std::string::npos ? "" : t.substr(point + 1);
  auto digits = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const bool shape = !whole_part.empty() && whole_part.size() <= 3 && digits(whole_part) &&
                     (point == std::string::npos || (!frac.empty() && frac.size() <= 2 &&
                                                     digits(frac)));
  const double v = shape ? std::stod(t) : 0.0;
  if (!shape || v <= 0.0 || v > 100.0) {
    errors.push_back({"pack_volume_ml",
                      "The volume per pack must be a number of mL above 0 and at most 100, "
                      "like 10 or 12.5"});
    return "";
  }
  std::string out = std::to_string(std::stoi(whole_part));
  std::string f = frac;
  while (!f.empty() && f.back() == '0') f.pop_back();
  if (!f.empty()) out += "." + f;
  return out;
}

// A required ISO date; an error naming `field` otherwise.
std::optional<domain::Date> checked_date(const std::string& raw, const std::string& field,
                                         const std::string& label, bool required,
                                         std::vector<FieldError>& errors) {
  if (domain::is_blank(raw)) {
    if (required) errors.push_back({field, "Enter the " + label});
    return std::nullopt;
  }
  auto d = domain::Date::parse(domain::trimmed(raw), field, label);
  if (!d) {
    errors.push_back(d.error().fields.front());
    return std::nullopt;
  }
  return *d;
}

int current_year(const Context& ctx) {
  const std::chrono::year_month_day ymd{domain::Date::today(ctx.clock()).days()};
  return static_cast<int>(ymd.year());
}

// The scan's value for `field` laid over what was typed: the typed value stays when the scan
// has none; a typed value that differs from the scan's is an error naming the field.
void from_scan(std::string& typed, const std::optional<std::string>& scanned,
               const std::string& field, const std::string& what,
               std::vector<FieldError>& errors) {
  if (!scanned) return;
  if (!domain::is_blank(typed) && domain::trimmed(typed) != *scanned) {
    errors.push_back({field, "The scanned label says " + what + " " + *scanned + ", not " +
                                 domain::trimmed(typed).substr(0, 24)});
    return;
  }
  typed = *scanned;
}

}  // namespace

nlohmann::json ifu_content_json(const IfuVersion& v) {
  auto number = [](const std::optional<std::int64_t>& n) {
    return n ? nlohmann::json(*n) : nlohmann::json(nullptr);
  };
  return {{"version", v.version},
          {"reference", v.reference},
          {"mixing_seconds", number(v.mixing_seconds)},
          {"waiting_seconds", number(v.waiting_seconds)},
          {"working_seconds", number(v.working_seconds)},
          {"temperature_min_c", number(v.temperature_min_c)},
          {"temperature_max_c", number(v.temperature_max_c)},
          {"loading", v.loading},
          {"steps", v.steps}};
}

Status require_device_manager(const Actor& actor, const std::string& what) {
  if (role_allows(actor.user.role, Permission::kManageDevices)) return {};
  return Error::forbidden("Only the device safety officer or an administrator can " + what);
}

Result<std::vector<CementCatalogueRow>> list_cement_products(const Context& ctx,
                                                             const Actor& /*actor*/) {
  std::vector<CementCatalogueRow> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    out.clear();
    auto products = tx.list_cement_products();
    if (!products) return std::move(products).error();
    for (auto& p : *products) {
      auto versions = tx.product_ifu_versions(p.id);
      if (!versions) return std::move(versions).error();
      auto lots = tx.list_cement_lots(p.id);
      if (!lots) return std::move(lots).error();
      out.push_back({std::move(p), versions->empty() ? 0 : versions->front().version,
                     lots->size()});
    }
    return {};
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<CementProductView> view_cement_product(const Context& ctx, const Actor& actor,
                                              CementProductId id) {
  CementProductView out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto p = tx.find_cement_product(id);
    if (!p) return std::move(p).error();
    if (!*p) return Error::not_found("No such cement product");
    auto versions = tx.product_ifu_versions(id);
    if (!versions) return std::move(versions).error();
    auto lots = tx.list_cement_lots(id);
    if (!lots) return std::move(lots).error();
    auto notices = tx.list_device_notices();
    if (!notices) return std::move(notices).error();
    for (auto& n : *notices) {
      bool names_a_lot = false;
      for (const auto& l : *lots) {
        names_a_lot = names_a_lot || std::find(n.lots.begin(), n.lots.end(), l.id) != n.lots.end();
      }
      if (n.concerns(id) || names_a_lot) out.notices.push_back(std::move(n));
    }
    out.product = std::move(**p);
    out.ifu_versions = std::move(*versions);
    out.lots = std::move(*lots);
    return {};
  });
  if (!s) return std::move(s).error();
  out.may_manage = role_allows(actor.user.role, Permission::kManageDevices);
  return out;
}

Result<CementProduct> create_cement_product(const Context& ctx, const Actor& actor,
                                            const CementProductInput& in) {
  if (auto r = require_device_manager(actor, "add cement products"); !r) {
    return std::move(r).error();
  }
  std::vector<FieldError> errors;
  CementProduct p;
  p.name = domain::checked_text(in.name, "name", "product name", 200, true, errors);
  p.manufacturer = domain::checked_text(in.manufacturer, "manufacturer", "manufacturer", 200,
                                        true, errors);
  if (!domain::parse_device_marking(in.marking)) {
    errors.push_back({"marking", "Select the conformity marking on the pack"});
  }
  if (!domain::parse_cement_viscosity(in.viscosity)) {
    errors.push_back({"viscosity", "Select the cement's viscosity class"});
  }
  p.pack_volume_ml = checked_volume(in.pack_volume_ml, errors);
  for (const auto& raw : in.gtins) {
    if (domain::is_blank(raw)) continue;
    auto g = checked_gtin(raw, "gtins", errors);
    if (g && std::find(p.gtins.begin(), p.gtins.end(), *g) == p.gtins.end()) p.gtins.push_back(*g);
  }
  for (const auto& raw : in.hibc_codes) {
    if (domain::is_blank(raw)) continue;
    auto h = checked_hibc(raw, "hibc_codes", errors);
    if (h && std::find(p.hibc_codes.begin(), p.hibc_codes.end(), *h) == p.hibc_codes.end()) {
      p.hibc_codes.push_back(*h);
    }
  }
  const bool code_errors = std::any_of(errors.begin(), errors.end(), [](const FieldError& e) {
    return e.field == "gtins" || e.field == "hibc_codes";
  });
  if (!code_errors && p.gtins.empty() && p.hibc_codes.empty()) {
    errors.push_back({"gtins", "Enter at least one GTIN or HIBC code from the pack's label"});
  }
  IfuVersion ifu = checked_ifu(in.ifu, errors);
  p.marking = in.marking;
  p.viscosity = in.viscosity;
  p.created_by = actor.user.id;
  std::optional<CementProduct> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    std::vector<FieldError> taken = errors;
    auto check_codes = [&](const std::vector<std::string>& codes, const char* scheme,
                           const char* field, const char* what) -> Status {
      for (const auto& c : codes) {
        auto owner = tx.find_cement_product_by_code(scheme, c);
        if (!owner) return std::move(owner).error();
        if (*owner) taken.push_back({field, std::string(what) + c + " is already in the catalogue"});
      }
      return {};
    };
    if (auto r = check_codes(p.gtins, "gs1", "gtins", "GTIN "); !r) return r;
    if (auto r = check_codes(p.hibc_codes, "hibc", "hibc_codes", "HIBC code "); !r) return r;
    if (!taken.empty()) return Error::invalid(std::move(taken));
    p.created_at = ctx.now_text();
    auto saved = tx.insert_cement_product(p);
    if (!saved) return std::move(saved).error();
    IfuVersion first = ifu;
    first.product = saved->id;
    first.created_by = actor.user.id;
    first.created_at = p.created_at;
    auto v = tx.insert_ifu_version(first);
    if (!v) return std::move(v).error();
    out = *saved;
    return audit(tx, ctx, actor, "create", product_target(saved->id),
                 nlohmann::json{{"product",
                                 {{"name", saved->name},
                                  {"manufacturer", saved->manufacturer},
                                  {"marking", saved->marking},
                                  {"viscosity", saved->viscosity},
                                  {"pack_volume_ml", saved->pack_volume_ml},
                                  {"gtins", saved->gtins},
                                  {"hibc_codes", saved->hibc_codes}}},
                                {"ifu", ifu_content_json(*v)}}
                     .dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} added cement product {}", actor.user.username, out->id.value);
  return std::move(*out);
}

Result<CementProduct> add_cement_product_code(const Context& ctx, const Actor& actor,
                                              CementProductId product,
                                              const ProductCodeInput& input) {
  if (auto r = require_device_manager(actor, "change the cement catalogue"); !r) {
    return std::move(r).error();
  }
  std::vector<FieldError> errors;
  std::string gtin = input.gtin, hibc = input.hibc_code, field;
  if (!domain::is_blank(input.scan)) {
    const auto scan = trace::parse_udi(domain::trimmed(input.scan), current_year(ctx));
    if (!scan.valid()) return Error::invalid({{"scan", "The scan could not be read: " + scan.error}});
    const trace::Udi& u = *scan.udi;
    if (u.scheme == trace::Scheme::kGs1) {
      from_scan(gtin, u.gtin, "gtin", "GTIN", errors);
    } else {
      std::optional<std::string> h;
      if (u.hibc_labeler && u.hibc_product) h = *u.hibc_labeler + *u.hibc_product;
      from_scan(hibc, h, "hibc_code", "HIBC code", errors);
    }
    if (domain::is_blank(input.gtin) && domain::is_blank(input.hibc_code)) field = "scan";
  }
  std::string scheme;
  std::optional<std::string> code;
  if (!domain::is_blank(gtin) && !domain::is_blank(hibc)) {
    errors.push_back({"hibc_code", "Enter either the GTIN or the HIBC code, not both"});
  } else if (!domain::is_blank(hibc)) {
    scheme = "hibc";
    code = checked_hibc(hibc, field.empty() ? "hibc_code" : field, errors);
    if (field.empty()) field = "hibc_code";
  } else if (!domain::is_blank(gtin)) {
    scheme = "gs1";
    code = checked_gtin(gtin, field.empty() ? "gtin" : field, errors);
    if (field.empty()) field = "gtin";
  } else {
    errors.push_back({"gtin", "Scan the pack's label, or enter its GTIN or HIBC code"});
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));
  std::optional<CementProduct> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto p = tx.find_cement_product(product);
    if (!p) return std::move(p).error();
    if (!*p) return Error::not_found("No such cement product");
    auto owner = tx.find_cement_product_by_code(scheme, *code);
    if (!owner) return std::move(owner).error();
    if (*owner) {
      const std::string what = (scheme == "gs1" ? "GTIN " : "HIBC code ") + *code;
      if (**owner == product) return Error::invalid({{field, what + " is already this product's"}});
      auto other = tx.find_cement_product(**owner);
      if (!other) return std::move(other).error();
      return Error::invalid({{field, what + " already belongs to " +
                                         (*other ? (*other)->name : "another product")}});
    }
    if (auto r = tx.insert_cement_product_code(product, scheme, *code); !r) return r;
    auto saved = tx.find_cement_product(product);
    if (!saved) return std::move(saved).error();
    out = std::move(**saved);
    return audit(tx, ctx, actor, "update", product_target(product),
                 nlohmann::json{{"added_code", {{"scheme", scheme}, {"code", *code}}}}.dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} added a code to cement product {}", actor.user.username, product.value);
  return std::move(*out);
}

Result<IfuVersion> add_ifu_version(const Context& ctx, const Actor& actor,
                                   CementProductId product, const IfuInput& input) {
  if (auto r = require_device_manager(actor, "change instructions for use"); !r) {
    return std::move(r).error();
  }
  std::vector<FieldError> errors;
  IfuVersion v = checked_ifu(input, errors);
  std::optional<IfuVersion> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto p = tx.find_cement_product(product);
    if (!p) return std::move(p).error();
    if (!*p) return Error::not_found("No such cement product");
    if (!errors.empty()) return Error::invalid(errors);
    v.product = product;
    v.created_by = actor.user.id;
    v.created_at = ctx.now_text();
    auto saved = tx.insert_ifu_version(v);
    if (!saved) return std::move(saved).error();
    saved->created_by_name = actor.user.display_name;
    out = *saved;
    return audit(tx, ctx, actor, "update", product_target(product),
                 nlohmann::json{{"ifu", ifu_content_json(*saved)}}.dump());
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

Result<std::vector<CementLot>> list_cement_lots(const Context& ctx, const Actor& /*actor*/) {
  std::vector<CementLot> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto lots = tx.list_cement_lots(std::nullopt);
    if (!lots) return std::move(lots).error();
    out = std::move(*lots);
    return {};
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<CementLot> view_cement_lot(const Context& ctx, const Actor& /*actor*/, CementLotId id) {
  std::optional<CementLot> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto lot = tx.find_cement_lot(id);
    if (!lot) return std::move(lot).error();
    if (!*lot) return Error::not_found("No such cement lot");
    out = std::move(**lot);
    return {};
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

Result<CementLot> register_cement_lot(const Context& ctx, const Actor& actor,
                                      const LotInput& input) {
  if (auto r = require_device_manager(actor, "register cement lots"); !r) {
    return std::move(r).error();
  }
  LotInput in = input;
  std::vector<FieldError> errors;
  std::string scheme;
  std::optional<std::string> code;
  std::string code_field = "gtin";
  bool code_from_scan = false;
  if (!domain::is_blank(in.scan)) {
    const auto scan = trace::parse_udi(domain::trimmed(in.scan), current_year(ctx));
    if (!scan.valid()) {
      std::string why = scan.error;
      if (!why.empty()) why[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(why[0])));
      return Error::invalid({{"scan", "The scan could not be read. " + why}});
    }
    const trace::Udi& u = *scan.udi;
    // A code that is not in the catalogue is then named on the scan, the field the user used.
    code_from_scan = domain::is_blank(in.gtin) && domain::is_blank(in.hibc_code);
    if (u.scheme == trace::Scheme::kGs1) {
      from_scan(in.gtin, u.gtin, "gtin", "GTIN", errors);
    } else {
      std::optional<std::string> hibc;
      if (u.hibc_labeler && u.hibc_product) hibc = *u.hibc_labeler + *u.hibc_product;
      from_scan(in.hibc_code, hibc, "hibc_code", "HIBC code", errors);
    }
    from_scan(in.lot, u.lot, "lot", "lot", errors);
    auto iso = [](const auto& d) {
      return d ? std::optional<std::string>(trace::iso_date(*d)) : std::nullopt;
    };
    from_scan(in.expiry, iso(u.expiry), "expiry", "expiry date", errors);
    from_scan(in.production_date, iso(u.production_date), "production_date",
              "production date", errors);
  }
  if (!domain::is_blank(in.gtin) && !domain::is_blank(in.hibc_code)) {
    errors.push_back({"hibc_code", "Enter either the GTIN or the HIBC code, not both"});
  } else if (!domain::is_blank(in.hibc_code)) {
    scheme = "hibc";
    code_field = "hibc_code";
    code = checked_hibc(in.hibc_code, "hibc_code", errors);
  } else if (!domain::is_blank(in.gtin)) {
    scheme = "gs1";
    code = checked_gtin(in.gtin, "gtin", errors);
  } else {
    errors.push_back({"gtin", "Scan the pack's label, or enter its GTIN or HIBC code"});
  }
  if (code_from_scan) code_field = "scan";
  CementLot lot;
  lot.lot = domain::checked_text(in.lot, "lot", "lot number", kMaxLotChars, true, errors);
  auto expiry = checked_date(in.expiry, "expiry", "expiry date", true, errors);
  auto made = checked_date(in.production_date, "production_date", "production date", false,
                           errors);
  if (expiry && made && *expiry < *made) {
    errors.push_back({"expiry", "The expiry date cannot be before the production date"});
  }
  std::optional<CementLot> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    std::vector<FieldError> all = errors;
    if (code) {
      auto product = tx.find_cement_product_by_code(scheme, *code);
      if (!product) return std::move(product).error();
      if (!*product) {
        all.push_back({code_field, std::string(scheme == "gs1" ? "GTIN " : "HIBC code ") + *code +
                                       " is not in the catalogue: add the product first"});
      } else {
        lot.product = **product;
      }
    }
    if (!all.empty()) return Error::invalid(std::move(all));
    lot.scheme = scheme;
    lot.code = *code;
    lot.expiry = expiry->iso();
    lot.production_date = made ? made->iso() : "";
    lot.added_by = actor.user.id;
    lot.added_at = ctx.now_text();
    auto saved = tx.insert_cement_lot(lot);
    if (!saved) return std::move(saved).error();
    out = *saved;
    return audit(tx, ctx, actor, "create", lot_target(saved->id),
                 nlohmann::json{{"lot", lot_json(*saved)}}.dump());
  });
  if (!s) return std::move(s).error();
  return std::move(*out);
}

Result<CementLot> recall_cement_lot(const Context& ctx, const Actor& actor, CementLotId id,
                                    const RecallInput& input) {
  if (auto r = require_device_manager(actor, "recall cement lots"); !r) return std::move(r).error();
  std::vector<FieldError> errors;
  auto on = checked_date(input.recalled_on, "recalled_on", "date of the recall", true, errors);
  if (on && domain::Date::today(ctx.clock()) < *on) {
    errors.push_back({"recalled_on", "The date of the recall cannot be in the future"});
  }
  const std::string reason = domain::checked_text(input.reason, "reason", "reason for the recall",
                                                  1000, true, errors);
  const std::string notice = domain::checked_text(input.notice, "notice", "notice reference", 100,
                                                  false, errors);
  std::optional<CementLot> out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto lot = tx.find_cement_lot(id);
    if (!lot) return std::move(lot).error();
    if (!*lot) return Error::not_found("No such cement lot");
    if ((*lot)->recalled()) return Error::conflict("This lot is already recalled");
    if (!errors.empty()) return Error::invalid(errors);
    auto r = tx.recall_cement_lot(id, on->iso(), reason, notice, actor.user.id, ctx.now_text());
    if (!r) return r;
    auto after = tx.find_cement_lot(id);
    if (!after) return std::move(after).error();
    if (!*after) return Error::internal("The recalled lot could not be read back");
    out = std::move(**after);
    return audit(tx, ctx, actor, "update", lot_target(id),
                 nlohmann::json{{"recall",
                                 {{"recalled_on", out->recalled_on},
                                  {"reason", reason},
                                  {"notice", notice}}}}
                     .dump());
  });
  if (!s) return std::move(s).error();
  log::info("user {} recalled cement lot {}", actor.user.username, id.value);
  return std::move(*out);
}

}  // namespace vertebro::app
