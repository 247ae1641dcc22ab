// JSON API for the cement catalogue and the lot register (HTG3-1.2-CEMENT). Same conventions
// as api.cpp: bearer token or session cookie plus X-CSRF-Token, errors as {"error": {"code",
// "message", "fields"}}, 201 with Location for what a POST creates. docs/api.md.

#include "app/cement.h"
#include "app/procedure_cement.h"
#include "app/users.h"
#include "http/api_support.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

using domain::CementLotId;
using domain::CementProductId;

std::string product_path(std::int64_t id) {
  return "/api/v1/cement-products/" + std::to_string(id);
}
std::string lot_path(std::int64_t id) { return "/api/v1/cement-lots/" + std::to_string(id); }

Json product_json(const domain::CementProduct& p) {
  return {{"id", p.id.value},
          {"name", p.name},
          {"manufacturer", p.manufacturer},
          {"marking", p.marking},
          {"viscosity", p.viscosity},
          {"pack_volume_ml", p.pack_volume_ml},
          {"gtins", p.gtins},
          {"hibc_codes", p.hibc_codes},
          {"created_at", p.created_at}};
}

Json ifu_json(const domain::IfuVersion& v) {
  Json j = app::ifu_content_json(v);
  j["id"] = v.id;
  j["created_by"] = v.created_by_name;
  j["created_at"] = v.created_at;
  return j;
}

Json lot_json(const domain::CementLot& l, domain::Date today) {
  Json j = {{"id", l.id.value},
            {"product_id", l.product.value},
            {"product", l.product_name},
            {"scheme", l.scheme},
            {l.scheme == "hibc" ? "hibc_code" : "gtin", l.code},
            {"lot", l.lot},
            {"expiry", l.expiry},
            {"production_date", l.production_date.empty() ? Json(nullptr)
                                                           : Json(l.production_date)},
            {"status_today", domain::lot_status_name(domain::lot_status(l, today))},
            {"added_by", l.added_by_name},
            {"added_at", l.added_at},
            {"recall", nullptr}};
  if (l.recalled()) {
    j["recall"] = {{"recalled_on", l.recalled_on},
                   {"reason", l.recall_reason},
                   {"notice", l.recall_notice},
                   {"recalled_by", l.recalled_by_name},
                   {"recalled_at", l.recalled_at}};
  }
  return j;
}

// A member that may be a whole number or a string of digits; "" when absent or null.
std::string number_member(const Json& j, const std::string& key,
                          std::vector<FieldError>& errors) {
  if (!j.contains(key) || j.at(key).is_null()) return "";
  const auto& v = j.at(key);
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_string()) return v.get<std::string>();
  errors.push_back({key, key + " must be a whole number"});
  return "";
}

// An array of strings; an error naming `key` otherwise.
std::vector<std::string> strings_member(const Json& j, const std::string& key,
                                        std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  const auto& v = j.at(key);
  bool bad = !v.is_array();
  if (!bad) {
    for (const auto& x : v) {
      if (!x.is_string()) bad = true;
      if (x.is_string()) out.push_back(x.get<std::string>());
    }
  }
  if (bad) errors.push_back({key, key + " must be an array of strings"});
  return out;
}

app::IfuInput ifu_input(const Json& j, std::vector<FieldError>& errors) {
  only_fields(j, {"reference", "mixing_seconds", "waiting_seconds", "working_seconds",
                  "temperature_min_c", "temperature_max_c", "loading", "steps"},
              errors);
  app::IfuInput in;
  in.reference = member(j, "reference", errors);
  in.mixing_seconds = number_member(j, "mixing_seconds", errors);
  in.waiting_seconds = number_member(j, "waiting_seconds", errors);
  in.working_seconds = number_member(j, "working_seconds", errors);
  in.temperature_min_c = number_member(j, "temperature_min_c", errors);
  in.temperature_max_c = number_member(j, "temperature_max_c", errors);
  in.loading = member(j, "loading", errors);
  in.steps = strings_member(j, "steps", errors);
  return in;
}

// The IFU's reference field is "ifu_reference" in the use case (beside the product's fields);
// the API's document calls it "reference" inside "ifu".
std::vector<FieldError> api_fields(std::vector<FieldError> fields, const std::string& prefix) {
  static const std::vector<std::string> kIfu = {"ifu_reference", "mixing_seconds",
                                                "waiting_seconds", "working_seconds",
                                                "temperature_min_c", "temperature_max_c",
                                                "loading", "steps"};
  for (auto& f : fields) {
    if (std::find(kIfu.begin(), kIfu.end(), f.field) == kIfu.end()) continue;
    const std::string name = f.field == "ifu_reference" ? "reference" : f.field;
    f.field = prefix + name;
  }
  return fields;
}

void send_with_fields(Response& res, Error e, const std::string& prefix) {
  e.fields = api_fields(std::move(e.fields), prefix);
  send_error(res, e);
}

Json lookup_json(Web& web, const app::RecallLookup& r) {
  const auto today = domain::Date::today(web.ctx.clock());
  auto sites = app::list_sites(web.ctx);
  Json uses = Json::array();
  for (const auto& u : r.uses) {
    Json j = {{"episode_id", u.episode.value},
              {"unit", u.unit},
              {"site_id", u.site.value},
              {"site", sites ? site_name(*sites, u.site) : ""},
              {"procedure_date", u.procedure_date},
              {"operator", u.operator_name},
              {"levels", u.levels},
              {"patient", nullptr}};
    if (u.visible) {
      j["patient"] = {{"id", u.patient.value},
                      {"name", u.patient_name},
                      {"nhs_number", u.nhs_number},
                      {"date_of_birth", u.date_of_birth}};
    }
    uses.push_back(j);
  }
  return {{"lot", lot_json(r.lot, today)}, {"uses", uses}, {"hidden", r.hidden}};
}

}  // namespace

void add_cement_api(Router& router, Web& web) {
  router.get("/api/v1/cement-lots/{id}/uses",
             "Recall look-up: every procedure that used the lot, with its patient where you may "
             "see them",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto r = app::recall_lookup(web.ctx, *actor, CementLotId{path_id(req)});
               if (!r) return send_error(res, r.error());
               send(res, 200, lookup_json(web, *r));
             });

  router.get("/api/v1/recall-lookup",
             "Recall look-up by label: ?scan=... (as a scanner types it) or ?gtin=...&lot=...",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto id = app::find_lot_for_lookup(web.ctx, *actor, req.get_param_value("scan"),
                                                  req.get_param_value("gtin"),
                                                  req.get_param_value("lot"));
               if (!id) return send_error(res, id.error());
               auto r = app::recall_lookup(web.ctx, *actor, *id);
               if (!r) return send_error(res, r.error());
               send(res, 200, lookup_json(web, *r));
             });

  router.get("/api/v1/cement-products",
             "The cement catalogue: every product with its current IFU version",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto list = app::list_cement_products(web.ctx, *actor);
               if (!list) return send_error(res, list.error());
               Json items = Json::array();
               for (const auto& row : *list) {
                 Json j = product_json(row.product);
                 j["current_ifu_version"] = row.current_ifu_version;
                 j["lot_count"] = row.lots;
                 items.push_back(j);
               }
               send(res, 200, {{"items", items}});
             });

  router.post("/api/v1/cement-products",
              "Add a product (device safety officer): {name, manufacturer, marking: ce | ukca | "
              "ce_ukca, viscosity: low | medium | high, pack_volume_ml, gtins, hibc_codes, "
              "ifu: {reference, mixing_seconds, waiting_seconds, working_seconds, "
              "temperature_min_c, temperature_max_c, loading, steps}}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"name", "manufacturer", "marking", "viscosity",
                                 "pack_volume_ml", "gtins", "hibc_codes", "ifu"},
                            errors);
                app::CementProductInput in;
                in.name = member(*j, "name", errors);
                in.manufacturer = member(*j, "manufacturer", errors);
                in.marking = member(*j, "marking", errors);
                in.viscosity = member(*j, "viscosity", errors);
                in.pack_volume_ml = j->contains("pack_volume_ml") &&
                                            (*j)["pack_volume_ml"].is_number()
                                        ? (*j)["pack_volume_ml"].dump()
                                        : member(*j, "pack_volume_ml", errors);
                in.gtins = strings_member(*j, "gtins", errors);
                in.hibc_codes = strings_member(*j, "hibc_codes", errors);
                if (!j->contains("ifu") || !(*j)["ifu"].is_object()) {
                  errors.push_back({"ifu", "ifu must be an object: the instructions for use"});
                } else {
                  std::vector<FieldError> inner;
                  in.ifu = ifu_input((*j)["ifu"], inner);
                  for (auto& f : inner) errors.push_back({"ifu." + f.field, f.message});
                }
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto p = app::create_cement_product(web.ctx, *actor, in);
                if (!p) return send_with_fields(res, p.error(), "ifu.");
                res.set_header("Location", product_path(p->id.value));
                send(res, 201, product_json(*p));
              });

  router.get("/api/v1/cement-products/{id}",
             "A cement product with its IFU versions (newest first) and its lots",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto v = app::view_cement_product(web.ctx, *actor, CementProductId{path_id(req)});
               if (!v) return send_error(res, v.error());
               const auto today = domain::Date::today(web.ctx.clock());
               Json body = product_json(v->product);
               body["ifu_versions"] = Json::array();
               for (const auto& i : v->ifu_versions) body["ifu_versions"].push_back(ifu_json(i));
               body["lots"] = Json::array();
               for (const auto& l : v->lots) body["lots"].push_back(lot_json(l, today));
               body["notices"] = Json::array();
               for (const auto& n : v->notices) {
                 body["notices"].push_back({{"id", n.id},
                                            {"reference", n.reference},
                                            {"title", n.title},
                                            {"subject_confirmed", n.subject_confirmed},
                                            {"acknowledged", n.acknowledged()}});
               }
               send(res, 200, body);
             });

  router.post("/api/v1/cement-products/{id}/ifu-versions",
              "Save a new version of a product's instructions for use (device safety officer): "
              "{reference, mixing_seconds, waiting_seconds, working_seconds, temperature_min_c, "
              "temperature_max_c, loading, steps}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                const app::IfuInput in = ifu_input(*j, errors);
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                const std::int64_t id = path_id(req);
                auto v = app::add_ifu_version(web.ctx, *actor, CementProductId{id}, in);
                if (!v) return send_with_fields(res, v.error(), "");
                res.set_header("Location", product_path(id));
                send(res, 201, ifu_json(*v));
              });

  router.post("/api/v1/cement-products/{id}/codes",
              "Add a GTIN or HIBC code to a product (device safety officer): {scan} as a "
              "barcode scanner types it, or {gtin} or {hibc_code}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"scan", "gtin", "hibc_code"}, errors);
                const app::ProductCodeInput in{member(*j, "scan", errors),
                                               member(*j, "gtin", errors),
                                               member(*j, "hibc_code", errors)};
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto p = app::add_cement_product_code(web.ctx, *actor,
                                                      CementProductId{path_id(req)}, in);
                if (!p) return send_error(res, p.error());
                send(res, 200, product_json(*p));
              });

  router.get("/api/v1/cement-lots", "The lot register, newest first",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto list = app::list_cement_lots(web.ctx, *actor);
               if (!list) return send_error(res, list.error());
               const auto today = domain::Date::today(web.ctx.clock());
               Json items = Json::array();
               for (const auto& l : *list) items.push_back(lot_json(l, today));
               send(res, 200, {{"items", items}});
             });

  router.post("/api/v1/cement-lots",
              "Register a lot (device safety officer): {scan} as a barcode scanner types it, "
              "or {gtin | hibc_code, lot, expiry, production_date}; typed members must agree "
              "with the scan",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"scan", "gtin", "hibc_code", "lot", "expiry", "production_date"},
                            errors);
                app::LotInput in{member(*j, "scan", errors),   member(*j, "gtin", errors),
                                 member(*j, "hibc_code", errors), member(*j, "lot", errors),
                                 member(*j, "expiry", errors),
                                 member(*j, "production_date", errors)};
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto l = app::register_cement_lot(web.ctx, *actor, in);
                if (!l && l.error().code == Errc::kDuplicate) {
                  Json body = error_body(errc_name(l.error().code), l.error().message);
                  body["error"]["existing"] = lot_path(l.error().related_id);
                  return send(res, 409, body);
                }
                if (!l) return send_error(res, l.error());
                res.set_header("Location", lot_path(l->id.value));
                send(res, 201, lot_json(*l, domain::Date::today(web.ctx.clock())));
              });

  router.get("/api/v1/cement-lots/{id}", "A lot of the register with its recall, if any",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto l = app::view_cement_lot(web.ctx, *actor, CementLotId{path_id(req)});
               if (!l) return send_error(res, l.error());
               send(res, 200, lot_json(*l, domain::Date::today(web.ctx.clock())));
             });

  router.post("/api/v1/cement-lots/{id}/recall",
              "Recall a lot (device safety officer), once: {recalled_on, reason, notice}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"recalled_on", "reason", "notice"}, errors);
                app::RecallInput in{member(*j, "recalled_on", errors), member(*j, "reason", errors),
                                    member(*j, "notice", errors)};
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto l = app::recall_cement_lot(web.ctx, *actor, CementLotId{path_id(req)}, in);
                if (!l) return send_error(res, l.error());
                send(res, 200, lot_json(*l, domain::Date::today(web.ctx.clock())));
              });
}

}  // namespace vertebro::http
