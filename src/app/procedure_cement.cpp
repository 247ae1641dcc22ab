#include "app/procedure_cement.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

#include "app/audit_trail.h"
#include "domain/text.h"
#include "store/store.h"
#include "trace/udi.h"

namespace vertebro::app {

using domain::CementLot;
using domain::CementLotId;
using nlohmann::json;

namespace {

// The units of a `cement_units` member as sent: an array of objects with "unit", or an object
// keyed by unit number. Malformed parts are left to the form's validation to name.
std::vector<std::pair<int, const json*>> units_of(const json& cement_units) {
  std::vector<std::pair<int, const json*>> out;
  auto number = [](const json& k) -> int {
    std::string t = k.is_string() ? k.get<std::string>()
                    : k.is_number_integer() ? std::to_string(k.get<std::int64_t>())
                                            : "";
    int n = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    return ec == std::errc() && p == t.data() + t.size() && n > 0 ? n : 0;
  };
  if (cement_units.is_object()) {
    for (const auto& [k, v] : cement_units.items()) {
      if (const int n = number(json(k)); n > 0 && v.is_object()) out.emplace_back(n, &v);
    }
  } else if (cement_units.is_array()) {
    for (const auto& item : cement_units) {
      if (!item.is_object() || !item.contains("unit")) continue;
      if (const int n = number(item["unit"]); n > 0) out.emplace_back(n, &item);
    }
  }
  return out;
}

std::string text_member(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::int64_t id_member(const json& j, const char* key) {
  if (!j.contains(key)) return 0;
  const json& v = j[key];
  if (v.is_number_integer()) return v.get<std::int64_t>();
  const std::string t = v.is_string() ? v.get<std::string>() : "";
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  return ec == std::errc() && p == t.data() + t.size() ? n : 0;
}


struct Found {
  CementPack pack;
  std::vector<std::string> steps;
  std::optional<CementLot> lot;  // the registered lot
};

// What one unit names. `unit` is the unit's object as sent.
Result<Found> resolve_unit(store::Tx& tx, const Context& ctx, const json& unit) {
  Found f;
  const std::string scan = text_member(unit, "scan");
  std::optional<domain::CementProductId> product;
  if (!domain::is_blank(scan)) {
    const std::chrono::year_month_day ymd{domain::Date::today(ctx.clock()).days()};
    const auto r = trace::parse_udi(scan, static_cast<int>(ymd.year()));
    if (!r.valid()) {
      std::string why = r.error;
      if (!why.empty()) {
        why[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(why[0])));
      }
      f.pack.error = "The scan could not be read. " + why;
      return f;
    }
    const trace::Udi& u = *r.udi;
    f.pack.scheme = u.scheme == trace::Scheme::kGs1 ? "gs1" : "hibc";
    f.pack.code = u.scheme == trace::Scheme::kGs1
                      ? u.gtin.value_or("")
                      : u.hibc_labeler.value_or("") + u.hibc_product.value_or("");
    auto p = tx.find_cement_product_by_code(f.pack.scheme, f.pack.code);
    if (!p) return std::move(p).error();
    if (!*p) {
      f.pack.error = std::string(f.pack.scheme == "gs1" ? "GTIN " : "HIBC code ") + f.pack.code +
                     " is not in the cement catalogue: ask the device safety officer to add the "
                     "product";
      return f;
    }
    product = **p;
    if (!u.lot) {
      f.pack.error = "The label's barcode carries no lot number: scan the barcode with the lot, "
                     "or ask the device safety officer to register the lot";
      return f;
    }
    auto lot = tx.find_cement_lot_by_code(f.pack.scheme, f.pack.code, *u.lot);
    if (!lot) return std::move(lot).error();
    if (*lot) {
      f.lot = **lot;
    } else if (!u.expiry) {
      f.pack.error = "The label's barcode carries no expiry date and lot " + *u.lot +
                     " is not registered: ask the device safety officer to register it";
      return f;
    } else {
      f.pack.lot = *u.lot;
      f.pack.expiry = trace::iso_date(*u.expiry);
    }
  } else if (const auto id = id_member(unit, "lot_id"); id > 0) {
    auto lot = tx.find_cement_lot(CementLotId{id});
    if (!lot) return std::move(lot).error();
    if (!*lot) {
      f.pack.error = "This pack's lot is not in the lot register: scan the pack's label";
      return f;
    }
    f.lot = **lot;
  } else {
    f.pack.error = "Scan the label of the cement pack";
    return f;
  }
  if (f.lot) {
    product = f.lot->product;
    f.pack.lot_id = f.lot->id.value;
    f.pack.scheme = f.lot->scheme;
    f.pack.code = f.lot->code;
    f.pack.lot = f.lot->lot;
    f.pack.expiry = f.lot->expiry;
  }
  auto p = tx.find_cement_product(*product);
  if (!p) return std::move(p).error();
  if (!*p) return Error::internal("A cement lot refers to a missing product");
  f.pack.product = (*p)->name;
  auto versions = tx.product_ifu_versions(*product);
  if (!versions) return std::move(versions).error();
  if (versions->empty()) {
    f.pack.error = "The product has no instructions for use in the catalogue";
    return f;
  }
  const auto wanted = id_member(unit, "ifu_version_id");
  auto chosen = std::find_if(versions->begin(), versions->end(),
                             [&](const domain::IfuVersion& v) { return v.id == wanted; });
  if (chosen == versions->end()) chosen = versions->begin();  // the newest
  f.pack.ifu_version_id = chosen->id;
  f.pack.ifu_version = chosen->version;
  f.pack.steps = chosen->steps.size();
  f.steps = chosen->steps;
  return f;
}

// The patient's name as lists show it: "FAMILY, Given".
std::string list_name(const domain::PatientDetails& d) {
  std::string family = d.family_name;
  for (auto& c : family) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return family + ", " + d.given_name;
}

}  // namespace

Result<std::vector<CementChecklist>> cement_checklists(const Context& ctx, const Actor& actor,
                                                       const json& cement_units) {
  if (!role_allows(actor.user.role, domain::Permission::kRecordProcedure)) {
    return Error::forbidden("Your role cannot record the procedure");
  }
  std::vector<CementChecklist> out;
  const auto today = domain::Date::today(ctx.clock());
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    out.clear();
    for (const auto& [n, unit] : units_of(cement_units)) {
      auto f = resolve_unit(tx, ctx, *unit);
      if (!f) return std::move(f).error();
      CementChecklist c{n, f->pack, f->steps, ""};
      CementLot lot = f->lot.value_or(CementLot{});
      if (!f->lot) lot.expiry = f->pack.expiry;
      if (f->pack.error.empty()) {
        switch (domain::lot_status(lot, today)) {
          case domain::LotStatus::kRecalled:
            c.warning = "Lot " + lot.lot + " is recalled (from " +
                        domain::Date::parse(lot.recalled_on, "d", "d")->display() +
                        "): do not use it. " + lot.recall_reason;
            break;
          case domain::LotStatus::kExpired:
            c.warning = "Lot " + f->pack.lot + " expired on " +
                        domain::Date::parse(f->pack.expiry, "d", "d")->display() +
                        ": do not use it.";
            break;
          case domain::LotStatus::kUsable: break;
        }
      }
      out.push_back(std::move(c));
    }
    return {};
  });
  if (!s) return std::move(s).error();
  std::sort(out.begin(), out.end(),
            [](const CementChecklist& a, const CementChecklist& b) { return a.unit < b.unit; });
  return out;
}

Result<RecallLookup> recall_lookup(const Context& ctx, const Actor& actor, CementLotId id) {
  const bool views = role_allows(actor.user.role, domain::Permission::kViewPatients);
  if (!views && !role_allows(actor.user.role, domain::Permission::kManageDevices)) {
    return Error::forbidden("Your role cannot look up the patients who received a lot");
  }
  RecallLookup out;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    out = RecallLookup{};
    auto lot = tx.find_cement_lot(id);
    if (!lot) return std::move(lot).error();
    if (!*lot) return Error::not_found("No such cement lot");
    out.lot = std::move(**lot);
    auto uses = tx.cement_lot_uses(id);
    if (!uses) return std::move(uses).error();
    std::vector<domain::ShownRecord> shown;
    for (const auto& u : *uses) {
      LotUse use;
      use.episode = u.episode;
      use.unit = u.unit;
      use.site = u.site;
      const json doc = json::parse(u.procedure.empty() ? "{}" : u.procedure, nullptr, false);
      if (doc.is_object()) {
        use.procedure_date = text_member(doc, "date");
        use.operator_name = text_member(doc, "primary_operator");
        if (doc.contains("levels") && doc["levels"].is_array()) {
          for (const auto& l : doc["levels"]) {
            if (l.is_object() && l.value("cement_unit", 0) == u.unit) {
              use.levels.push_back(text_member(l, "level"));
            }
          }
        }
      }
      use.visible = views && actor.user.has_site(u.site);
      if (use.visible) {
        auto p = tx.find_patient(u.patient);
        if (!p) return std::move(p).error();
        if (!*p) return Error::internal("An episode refers to a missing patient");
        use.patient = u.patient;
        use.patient_name = list_name((*p)->details);
        use.nhs_number = (*p)->details.nhs_number.formatted();
        use.date_of_birth = (*p)->details.date_of_birth.iso();
        shown.push_back({u.episode, u.patient});
      } else {
        ++out.hidden;
      }
      out.uses.push_back(std::move(use));
    }
    return audit_list(tx, ctx, actor, {"cement_lot", id.value, 0, 0},
                      json{{"recall_lookup", true}, {"uses", out.uses.size()},
                           {"hidden", out.hidden}},
                      shown);
  });
  if (!s) return std::move(s).error();
  return out;
}

Result<CementLotId> find_lot_for_lookup(const Context& ctx, const Actor& /*actor*/,
                                        const std::string& scan, const std::string& gtin,
                                        const std::string& lot) {
  std::string scheme = "gs1", code, number = lot;
  auto trimmed = [](std::string t) {
    t.erase(0, t.find_first_not_of(" \t"));
    t.erase(t.find_last_not_of(" \t") + 1);
    return t;
  };
  if (!domain::is_blank(scan)) {
    const std::chrono::year_month_day ymd{domain::Date::today(ctx.clock()).days()};
    const auto r = trace::parse_udi(trimmed(scan), static_cast<int>(ymd.year()));
    if (!r.valid()) return Error::invalid({{"scan", "The scan could not be read: " + r.error}});
    const trace::Udi& u = *r.udi;
    scheme = u.scheme == trace::Scheme::kGs1 ? "gs1" : "hibc";
    code = u.scheme == trace::Scheme::kGs1
               ? u.gtin.value_or("")
               : u.hibc_labeler.value_or("") + u.hibc_product.value_or("");
    if (!u.lot) return Error::invalid({{"scan", "The scanned barcode carries no lot number"}});
    number = *u.lot;
  } else {
    std::vector<FieldError> errors;
    std::string digits;
    for (char c : gtin) {
      if (c != ' ') digits += c;
    }
    const bool all_digits = std::all_of(digits.begin(), digits.end(),
                                        [](char c) { return c >= '0' && c <= '9'; });
    if (digits.empty()) {
      errors.push_back({"gtin", "Scan the label, or enter the GTIN"});
    } else if (!all_digits) {
      scheme = "hibc";  // a HIBC code has letters
      for (auto& c : digits) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (digits.size() > 14) {
      errors.push_back({"gtin", "A GTIN has at most 14 digits"});
    } else {
      digits.insert(0, 14 - digits.size(), '0');
    }
    code = digits;
    number = trimmed(lot);
    if (number.empty()) errors.push_back({"lot", "Enter the lot number"});
    if (!errors.empty()) return Error::invalid(std::move(errors));
  }
  std::optional<CementLotId> out;
  auto s = ctx.read([&](store::Tx& tx) -> Status {
    auto found = tx.find_cement_lot_by_code(scheme, code, number);
    if (!found) return std::move(found).error();
    if (!*found) {
      return Error::not_found("Lot " + number + " of " + code + " is not in the lot register, "
                              "so no procedure recorded it");
    }
    out = (*found)->id;
    return {};
  });
  if (!s) return std::move(s).error();
  return *out;
}

namespace procedure_cement {

Status resolve_packs(store::Tx& tx, const Context& ctx, const json& input, FormContext& fc) {
  fc.cement_packs.clear();
  if (!input.is_object() || !input.contains("cement_units")) return {};
  for (const auto& [n, unit] : units_of(input["cement_units"])) {
    auto f = resolve_unit(tx, ctx, *unit);
    if (!f) return std::move(f).error();
    fc.cement_packs[n] = f->pack;
  }
  return {};
}

Status register_new_lots(store::Tx& tx, const Context& ctx, const Actor& actor, json& document) {
  if (!document.contains("cement_units") || !document["cement_units"].is_array()) return {};
  for (auto& u : document["cement_units"]) {
    if (u.value("lot_id", std::int64_t{0}) != 0) continue;
    const std::string scheme = text_member(u, "scheme"), code = text_member(u, "code");
    auto product = tx.find_cement_product_by_code(scheme, code);
    if (!product) return std::move(product).error();
    if (!*product) return Error::internal("A scanned pack's product is missing");
    // The same new lot scanned for two packs of one procedure is registered once.
    auto existing = tx.find_cement_lot_by_code(scheme, code, text_member(u, "lot"));
    if (!existing) return std::move(existing).error();
    if (*existing) {
      u["lot_id"] = (*existing)->id.value;
      continue;
    }
    CementLot lot;
    lot.product = **product;
    lot.scheme = scheme;
    lot.code = code;
    lot.lot = text_member(u, "lot");
    lot.expiry = text_member(u, "expiry");
    lot.added_by = actor.user.id;
    lot.added_at = ctx.now_text();
    auto saved = tx.insert_cement_lot(lot);
    if (!saved) return std::move(saved).error();
    u["lot_id"] = saved->id.value;
    if (auto a = audit(tx, ctx, actor, "create", {"cement_lot", saved->id.value, 0, 0},
                       json{{"lot",
                             {{"product_id", saved->product.value}, {"scheme", scheme},
                              {"code", code}, {"lot", saved->lot}, {"expiry", saved->expiry},
                              {"production_date", ""}}},
                            {"from", "procedure scan"}}
                           .dump());
        !a) {
      return a;
    }
  }
  return {};
}

Status index_packs(store::Tx& tx, EpisodeId episode, const json& document) {
  std::vector<std::pair<int, CementLotId>> units;
  if (document.contains("cement_units") && document["cement_units"].is_array()) {
    for (const auto& u : document["cement_units"]) {
      const auto lot = u.value("lot_id", std::int64_t{0});
      if (lot > 0) units.emplace_back(u.value("unit", 0), CementLotId{lot});
    }
  }
  return tx.put_procedure_cement(episode, units);
}

Result<std::map<std::int64_t, std::string>> recalls(store::Tx& tx, const json& document) {
  std::map<std::int64_t, std::string> out;
  if (!document.contains("cement_units") || !document["cement_units"].is_array()) return out;
  for (const auto& u : document["cement_units"]) {
    const auto id = u.is_object() ? id_member(u, "lot_id") : 0;
    if (id <= 0 || out.contains(id)) continue;
    auto lot = tx.find_cement_lot(CementLotId{id});
    if (!lot) return std::move(lot).error();
    if (*lot && (*lot)->recalled()) out[id] = (*lot)->recalled_on;
  }
  return out;
}

}  // namespace procedure_cement

}  // namespace vertebro::app
