// Cement pages (HTG3-1.2-CEMENT): the catalogue, a product with its instructions for use and
// lots, the lot register and a lot with its recall, and the forms that add a product, save a
// new IFU version, register a lot (by scanning its label) and recall it. Every form is
// cement_form.mustache; bad input comes back as the form with the NHS.UK error summary.

#include <algorithm>

#include "app/cement.h"
#include "app/procedure_cement.h"
#include "app/users.h"
#include "http/forms.h"
#include "http/notice_views.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

using domain::CementLotId;
using domain::CementProductId;

std::string product_href(CementProductId id) { return "/cement/" + id.str(); }
std::string lot_href(CementLotId id) { return "/cement/lots/" + id.str(); }

constexpr const char* kManageCementMessage =
    "Only the device safety officer or an administrator can change the cement catalogue and "
    "the lot register";

bool may_manage(const app::Actor& actor) {
  return role_allows(actor.user.role, domain::Permission::kManageDevices);
}

bool require_manage(Web& web, Response& res, const app::Actor& actor) {
  if (may_manage(actor)) return true;
  render_error(web, res, Error::forbidden(kManageCementMessage), &actor);
  return false;
}

std::string marking_label(const std::string& name) {
  auto m = domain::parse_device_marking(name);
  return m ? std::string(domain::device_marking_label(*m)) : name;
}

std::string viscosity_label(const std::string& name) {
  auto v = domain::parse_cement_viscosity(name);
  return v ? std::string(domain::cement_viscosity_label(*v)) : name;
}

std::string joined(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string num(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : ""; }

// The IFU's parameters as the page lists them; empty entries are left out.
Json ifu_view(const domain::IfuVersion& v) {
  Json params = Json::array();
  auto add = [&](const std::string& key, const std::string& value) {
    if (!value.empty()) params.push_back({{"key", key}, {"value", value}});
  };
  auto seconds = [](const std::optional<std::int64_t>& s) -> std::string {
    if (!s) return "";
    const auto m = *s / 60, r = *s % 60;
    std::string out = std::to_string(*s) + " seconds";
    if (m > 0) {
      out += " (" + std::to_string(m) + " min" + (r ? " " + std::to_string(r) + " s" : "") + ")";
    }
    return out;
  };
  add("Mixing time", seconds(v.mixing_seconds));
  add("Waiting time", seconds(v.waiting_seconds));
  add("Working time", seconds(v.working_seconds));
  if (v.temperature_min_c || v.temperature_max_c) {
    add("Temperature", (v.temperature_min_c ? num(v.temperature_min_c) + " °C" : "") + " to " +
                           (v.temperature_max_c ? num(v.temperature_max_c) + " °C" : ""));
  }
  add("Loading the delivery system", v.loading);
  Json steps = Json::array();
  for (const auto& s : v.steps) steps.push_back({{"text", s}});
  return {{"version", v.version},
          {"reference", v.reference},
          {"params", params},
          {"has_params", !params.empty()},
          {"steps", steps},
          {"created_by", v.created_by_name},
          {"created_on", date_display(v.created_at.substr(0, 10))}};
}

Json lot_row(const domain::CementLot& l, domain::Date today) {
  const auto status = domain::lot_status(l, today);
  return {{"href", lot_href(l.id)},
          {"product", l.product_name},
          {"product_href", product_href(l.product)},
          {"code_label", l.scheme == "hibc" ? "HIBC" : "GTIN"},
          {"code", l.code},
          {"lot", l.lot},
          {"expiry", date_display(l.expiry)},
          {"production_date", l.production_date.empty() ? "" : date_display(l.production_date)},
          {"has_production_date", !l.production_date.empty()},
          {"usable", status == domain::LotStatus::kUsable},
          {"expired", status == domain::LotStatus::kExpired},
          {"recalled", status == domain::LotStatus::kRecalled},
          {"recall_pending", l.recalled() && status != domain::LotStatus::kRecalled}};
}

void show_form(Web& web, Response& res, const app::Actor& actor, int status, Json data,
               const std::string& title) {
  render_page(web, res, status, "cement_form", data, title, &actor, "cement");
}

// ---- Products ------------------------------------------------------------------------------

Json ifu_fields(const app::IfuInput& in, const Json& errors) {
  return Json::array(
      {field_view({"ifu_reference", "IFU document reference", in.reference, FieldKind::kText,
                   "The reference and revision printed on the instructions for use, for "
                   "example IFU-0123 rev D",
                   "20", "off"},
                  errors),
       field_view({"steps", "Preparation steps", joined(in.steps, "\n"), FieldKind::kTextarea,
                   "One step per line, in the order the instructions give them. The operator "
                   "confirms each one for every pack used."},
                  errors),
       field_view({"mixing_seconds", "Mixing time (seconds)", in.mixing_seconds, FieldKind::kText,
                   "Leave blank if the instructions give none", "4", "off"},
                  errors),
       field_view({"waiting_seconds", "Waiting time before injection (seconds)",
                   in.waiting_seconds, FieldKind::kText, "", "4", "off"},
                  errors),
       field_view({"working_seconds", "Working time (seconds)", in.working_seconds,
                   FieldKind::kText, "", "4", "off"},
                  errors),
       field_view({"temperature_min_c", "Lowest room or storage temperature (°C)",
                   in.temperature_min_c, FieldKind::kText, "", "3", "off"},
                  errors),
       field_view({"temperature_max_c", "Highest room or storage temperature (°C)",
                   in.temperature_max_c, FieldKind::kText, "", "3", "off"},
                  errors),
       field_view({"loading", "How to load the delivery system", in.loading,
                   FieldKind::kTextarea, "As the instructions say; leave blank if they say nothing"},
                  errors)});
}

app::IfuInput ifu_input(const Request& req) {
  app::IfuInput in{form(req, "ifu_reference"),     form(req, "mixing_seconds"),
                   form(req, "waiting_seconds"),   form(req, "working_seconds"),
                   form(req, "temperature_min_c"), form(req, "temperature_max_c"),
                   form(req, "loading"),           {}};
  for (auto& l : lines(form(req, "steps"))) in.steps.push_back(l);
  return in;
}

app::IfuInput ifu_input(const domain::IfuVersion& v) {
  return {v.reference,
          num(v.mixing_seconds),
          num(v.waiting_seconds),
          num(v.working_seconds),
          num(v.temperature_min_c),
          num(v.temperature_max_c),
          v.loading,
          v.steps};
}

void show_product_form(Web& web, Response& res, const app::Actor& actor, int status,
                       const app::CementProductInput& in, Json data) {
  const Json errors = data.value("errors", Json::object());
  FieldSpec marking{"marking", "Conformity marking", in.marking, FieldKind::kRadios};
  for (auto m : domain::all_device_markings()) {
    marking.options.emplace_back(std::string(domain::device_marking_name(m)),
                                 std::string(domain::device_marking_label(m)));
  }
  FieldSpec viscosity{"viscosity", "Viscosity", in.viscosity, FieldKind::kRadios,
                      "As the manufacturer classes the mixed cement"};
  for (auto v : domain::all_cement_viscosities()) {
    viscosity.options.emplace_back(std::string(domain::cement_viscosity_name(v)),
                                   std::string(domain::cement_viscosity_label(v)));
  }
  Json fields = Json::array(
      {field_view({"name", "Product name", in.name, FieldKind::kText, "", "30", "off"}, errors),
       field_view({"manufacturer", "Manufacturer", in.manufacturer, FieldKind::kText, "", "30",
                   "off"},
                  errors),
       field_view(marking, errors), field_view(viscosity, errors),
       field_view({"pack_volume_ml", "Cement per pack (mL)", in.pack_volume_ml, FieldKind::kText,
                   "For example, 10 or 12.5", "4", "off"},
                  errors),
       field_view({"gtins", "GTINs", joined(in.gtins, "\n"), FieldKind::kTextarea,
                   "The GTIN printed under the barcode on each pack size, one per line (8, 12, "
                   "13 or 14 digits)"},
                  errors),
       field_view({"hibc_codes", "HIBC codes", joined(in.hibc_codes, "\n"), FieldKind::kTextarea,
                   "Only for packs labelled with HIBC: the labeler code followed by the product "
                   "number, one per line, for example A123CEM10"},
                  errors)});
  for (auto& f : ifu_fields(in.ifu, errors)) fields.push_back(f);
  data["fields"] = fields;
  data["caption"] = "Cement catalogue";
  data["heading"] = "Add a cement product";
  data["intro"] = Json::array(
      {{{"text", "Record the product as its label and its instructions for use (IFU) describe "
                 "it. HTG3 1.2: clinicians must follow the manufacturer's instructions for "
                 "making the cement, to reduce the risk of embolisation."}}});
  data["action"] = "/cement/new";
  data["back_href"] = "/cement";
  data["button"] = "Add the product";
  show_form(web, res, actor, status, data, "Add a cement product");
}

app::CementProductInput product_input(const Request& req) {
  app::CementProductInput in{form(req, "name"),      form(req, "manufacturer"),
                             form(req, "marking"),   form(req, "viscosity"),
                             form(req, "pack_volume_ml"), lines(form(req, "gtins")),
                             lines(form(req, "hibc_codes")), ifu_input(req)};
  return in;
}

void show_product(Web& web, const Request& req, Response& res, const app::Actor& actor) {
  auto v = app::view_cement_product(web.ctx, actor, CementProductId{path_id(req)});
  if (!v) return render_error(web, res, v.error(), &actor);
  const auto today = domain::Date::today(web.ctx.clock());
  const auto& p = v->product;
  Json older = Json::array();
  for (std::size_t i = 1; i < v->ifu_versions.size(); ++i) {
    older.push_back(ifu_view(v->ifu_versions[i]));
  }
  Json lots = Json::array();
  for (const auto& l : v->lots) lots.push_back(lot_row(l, today));
  Json notices = Json::array();
  if (!v->notices.empty()) {
    auto catalogue = app::list_cement_products(web.ctx, actor);
    if (!catalogue) return render_error(web, res, catalogue.error(), &actor);
    for (const auto& n : v->notices) notices.push_back(notice_row(n, *catalogue));
  }
  Json data = {{"product", {{"name", p.name},
                            {"manufacturer", p.manufacturer},
                            {"marking", marking_label(p.marking)},
                            {"viscosity", viscosity_label(p.viscosity)},
                            {"pack_volume_ml", p.pack_volume_ml},
                            {"gtins", joined(p.gtins, ", ")},
                            {"hibc_codes", joined(p.hibc_codes, ", ")},
                            {"has_gtins", !p.gtins.empty()},
                            {"has_hibc", !p.hibc_codes.empty()}}},
               {"older", older},
               {"has_older", !older.empty()},
               {"lots", lots},
               {"has_lots", !lots.empty()},
               {"notices", notices},
               {"has_notices", !notices.empty()},
               {"may_manage", v->may_manage},
               {"new_ifu_href", product_href(p.id) + "/ifu/new"},
               {"new_code_href", product_href(p.id) + "/codes/new"}};
  if (!v->ifu_versions.empty()) data["current"] = ifu_view(v->ifu_versions.front());
  const std::string saved = form(req, "saved");
  if (saved == "product") data["notice"] = "The product was added to the catalogue.";
  if (saved == "ifu") data["notice"] = "The new version of the instructions for use was saved.";
  if (saved == "code") data["notice"] = "The code was added to the product.";
  render_page(web, res, 200, "cement_product", data, p.name, &actor, "cement");
}

void show_ifu_form(Web& web, Response& res, const app::Actor& actor, int status,
                   const domain::CementProduct& p, std::int64_t next_version,
                   const app::IfuInput& in, Json data) {
  const Json errors = data.value("errors", Json::object());
  data["fields"] = ifu_fields(in, errors);
  data["caption"] = p.name;
  data["heading"] = "Save a new version of the instructions for use";
  data["intro"] = Json::array(
      {{{"text", "This saves version " + std::to_string(next_version) + ". Earlier versions "
                 "stay as they were: procedures keep the version they followed."}}});
  data["action"] = product_href(p.id) + "/ifu/new";
  data["back_href"] = product_href(p.id);
  data["button"] = "Save version " + std::to_string(next_version);
  show_form(web, res, actor, status, data, "New IFU version");
}

// ---- Lots ----------------------------------------------------------------------------------

void show_lot_form(Web& web, Response& res, const app::Actor& actor, int status,
                   const app::LotInput& in, Json data) {
  const Json errors = data.value("errors", Json::object());
  data["fields"] = Json::array(
      {field_view({"scan", "Scan the pack's label", in.scan, FieldKind::kText,
                   "Put the cursor here and scan the barcode with the GS1 or HIBC symbol. It "
                   "fills the GTIN, lot and expiry date; any field you type must agree with it.",
                   "", "off"},
                  errors),
       field_view({"gtin", "GTIN", in.gtin, FieldKind::kText,
                   "If you cannot scan: the number printed under the barcode after (01)", "20",
                   "off"},
                  errors),
       field_view({"hibc_code", "HIBC code", in.hibc_code, FieldKind::kText,
                   "Only for HIBC labels: the labeler code and the product number", "20", "off"},
                  errors),
       field_view({"lot", "Lot number", in.lot, FieldKind::kText, "After (10) or LOT", "20",
                   "off"},
                  errors),
       field_view({"expiry", "Expiry date", in.expiry, FieldKind::kText,
                   "After (17) or the hourglass symbol. For example, 2027-06-30 (year-month-day)",
                   "10", "off"},
                  errors),
       field_view({"production_date", "Production date (optional)", in.production_date,
                   FieldKind::kText, "For example, 2026-01-15", "10", "off"},
                  errors)});
  data["caption"] = "Lot register";
  data["heading"] = "Register a cement lot";
  data["action"] = "/cement/lots/new";
  data["back_href"] = "/cement/lots";
  data["button"] = "Register the lot";
  show_form(web, res, actor, status, data, "Register a cement lot");
}

void show_recall_form(Web& web, Response& res, const app::Actor& actor, int status,
                      const domain::CementLot& lot, const app::RecallInput& in, Json data) {
  const Json errors = data.value("errors", Json::object());
  data["fields"] = Json::array(
      {field_view({"recalled_on", "Date of the recall", in.recalled_on, FieldKind::kText,
                   "The date of the manufacturer's field safety notice or the MHRA's notice; "
                   "today or earlier. For example, 2026-12-01",
                   "10", "off"},
                  errors),
       field_view({"reason", "Reason for the recall", in.reason, FieldKind::kTextarea,
                   "As the notice gives it"},
                  errors),
       field_view({"notice", "Notice reference (optional)", in.notice, FieldKind::kText,
                   "For example, the field safety notice number or an MHRA reference", "20",
                   "off"},
                  errors)});
  data["caption"] = lot.product_name + ", lot " + lot.lot;
  data["heading"] = "Recall this lot";
  data["intro"] = Json::array(
      {{{"text", "A recalled lot is named as recalled wherever it is scanned from the date of "
                 "the recall. A recall is recorded once and cannot be undone."}}});
  data["action"] = lot_href(lot.id) + "/recall";
  data["back_href"] = lot_href(lot.id);
  data["button"] = "Recall the lot";
  show_form(web, res, actor, status, data, "Recall a cement lot");
}


void show_code_form(Web& web, Response& res, const app::Actor& actor, int status,
                    const domain::CementProduct& p, const app::ProductCodeInput& in, Json data) {
  const Json errors = data.value("errors", Json::object());
  data["fields"] = Json::array(
      {field_view({"scan", "Scan the pack's label", in.scan, FieldKind::kText,
                   "The barcode with the GS1 or HIBC symbol: its product code is added", "",
                   "off"},
                  errors),
       field_view({"gtin", "Or type the GTIN", in.gtin, FieldKind::kText,
                   "8, 12, 13 or 14 digits, printed under the barcode", "20", "off"},
                  errors),
       field_view({"hibc_code", "Or the HIBC code", in.hibc_code, FieldKind::kText,
                   "Only for packs labelled with HIBC: the labeler code followed by the product "
                   "number, for example A123CEM10",
                   "20", "off"},
                  errors)});
  data["caption"] = p.name;
  data["heading"] = "Add a GTIN or HIBC code";
  data["intro"] = Json::array(
      {{{"text", "For a new pack size or a new label of this product: scans of the code then "
                 "find this product. A code stays with its product once added, because lots "
                 "refer to it."}}});
  data["action"] = product_href(p.id) + "/codes/new";
  data["back_href"] = product_href(p.id);
  data["button"] = "Add the code";
  show_form(web, res, actor, status, data, "Add a GTIN or HIBC code");
}

// ---- Recall look-up ------------------------------------------------------------------------

void show_lookup_form(Web& web, Response& res, const app::Actor& actor, int status,
                      const Request& req, Json data) {
  const Json errors = data.value("errors", Json::object());
  data["fields"] = Json::array(
      {field_view({"scan", "Scan the label", form(req, "scan"), FieldKind::kText,
                   "The barcode with the GS1 or HIBC symbol, from a pack of the lot or from the "
                   "recall notice",
                   "", "off"},
                  errors),
       field_view({"gtin", "Or the GTIN (or HIBC code)", form(req, "gtin"), FieldKind::kText, "",
                   "20", "off"},
                  errors),
       field_view({"lot", "and the lot number", form(req, "lot"), FieldKind::kText, "", "20",
                   "off"},
                  errors)});
  render_page(web, res, status, "cement_lookup", data, "Recall look-up", &actor, "cement");
}

}  // namespace

void add_cement_pages(Router& router, Web& web) {
  router.get("/cement", "The cement catalogue", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor) return;
    auto list = app::list_cement_products(web.ctx, *actor);
    if (!list) return render_error(web, res, list.error(), &*actor);
    Json rows = Json::array();
    for (const auto& r : *list) {
      rows.push_back({{"href", product_href(r.product.id)},
                      {"name", r.product.name},
                      {"manufacturer", r.product.manufacturer},
                      {"viscosity", viscosity_label(r.product.viscosity)},
                      {"codes", joined(r.product.gtins.empty() ? r.product.hibc_codes
                                                               : r.product.gtins,
                                       ", ")},
                      {"ifu_version", r.current_ifu_version},
                      {"lots", r.lots}});
    }
    Json data = {{"products", rows}, {"none", rows.empty()}, {"may_manage", may_manage(*actor)}};
    render_page(web, res, 200, "cement_products", data, "Cement catalogue", &*actor, "cement");
  });

  router.get("/cement/new", "Form: add a cement product",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor || !require_manage(web, res, *actor)) return;
               app::CementProductInput in;
               const std::string gtin = form(req, "gtin");
               Json data = Json::object();
               if (!gtin.empty()) {
                 in.gtins.push_back(gtin);
                 // A new pack size of a product already in the catalogue is added to it.
                 Json others = Json::array();
                 if (auto list = app::list_cement_products(web.ctx, *actor)) {
                   for (const auto& row : *list) {
                     others.push_back({{"name", row.product.name},
                                       {"href", product_href(row.product.id) +
                                                    "/codes/new?gtin=" + gtin}});
                   }
                 }
                 const bool digits = std::all_of(gtin.begin(), gtin.end(), [](char c) {
                   return c >= '0' && c <= '9';
                 });
                 if (digits && !others.empty()) {
                   data["existing_products"] = {{"gtin", gtin}, {"products", others}};
                 }
               }
               show_product_form(web, res, *actor, 200, in, data);
             });

  router.post("/cement/new", "Add a cement product", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor || !check_csrf(web, *actor, req, res)) return;
    const auto in = product_input(req);
    auto p = app::create_cement_product(web.ctx, *actor, in);
    if (p) return redirect(res, product_href(p->id) + "?saved=product");
    if (!is_form_error(p.error())) return render_error(web, res, p.error(), &*actor);
    show_product_form(web, res, *actor, 422, in, error_view(p.error()));
  });

  router.get("/cement/{id}", "A cement product: its instructions for use and its lots",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               show_product(web, req, res, *actor);
             });

  router.get("/cement/{id}/codes/new", "Form: add a GTIN or HIBC code to a product",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor || !require_manage(web, res, *actor)) return;
               auto v = app::view_cement_product(web.ctx, *actor, CementProductId{path_id(req)});
               if (!v) return render_error(web, res, v.error(), &*actor);
               show_code_form(web, res, *actor, 200, v->product,
                              {"", form(req, "gtin"), form(req, "hibc_code")}, Json::object());
             });

  router.post("/cement/{id}/codes/new", "Add a GTIN or HIBC code to a product",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const CementProductId id{path_id(req)};
                const app::ProductCodeInput in{form(req, "scan"), form(req, "gtin"),
                                               form(req, "hibc_code")};
                auto saved = app::add_cement_product_code(web.ctx, *actor, id, in);
                if (saved) return redirect(res, product_href(id) + "?saved=code");
                if (!is_form_error(saved.error())) {
                  return render_error(web, res, saved.error(), &*actor);
                }
                auto v = app::view_cement_product(web.ctx, *actor, id);
                if (!v) return render_error(web, res, v.error(), &*actor);
                show_code_form(web, res, *actor, 422, v->product, in, error_view(saved.error()));
              });

  router.get("/cement/{id}/ifu/new", "Form: a new version of a product's instructions for use",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor || !require_manage(web, res, *actor)) return;
               auto v = app::view_cement_product(web.ctx, *actor, CementProductId{path_id(req)});
               if (!v) return render_error(web, res, v.error(), &*actor);
               const auto in = v->ifu_versions.empty() ? app::IfuInput{}
                                                       : ifu_input(v->ifu_versions.front());
               show_ifu_form(web, res, *actor, 200, v->product, v->ifu_versions.size() + 1, in,
                             Json::object());
             });

  router.post("/cement/{id}/ifu/new", "Save a new version of a product's instructions for use",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const CementProductId id{path_id(req)};
                const auto in = ifu_input(req);
                auto saved = app::add_ifu_version(web.ctx, *actor, id, in);
                if (saved) return redirect(res, product_href(id) + "?saved=ifu");
                if (!is_form_error(saved.error())) {
                  return render_error(web, res, saved.error(), &*actor);
                }
                auto v = app::view_cement_product(web.ctx, *actor, id);
                if (!v) return render_error(web, res, v.error(), &*actor);
                show_ifu_form(web, res, *actor, 422, v->product, v->ifu_versions.size() + 1, in,
                              error_view(saved.error()));
              });

  router.get("/cement/lots", "The cement lot register", [&web](const Request& req,
                                                               Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor) return;
    auto list = app::list_cement_lots(web.ctx, *actor);
    if (!list) return render_error(web, res, list.error(), &*actor);
    const auto today = domain::Date::today(web.ctx.clock());
    Json rows = Json::array();
    for (const auto& l : *list) rows.push_back(lot_row(l, today));
    Json data = {{"lots", rows}, {"none", rows.empty()}, {"may_manage", may_manage(*actor)}};
    render_page(web, res, 200, "cement_lots", data, "Cement lot register", &*actor, "cement");
  });

  router.get("/cement/lots/new", "Form: register a cement lot",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor || !require_manage(web, res, *actor)) return;
               show_lot_form(web, res, *actor, 200, {}, Json::object());
             });

  router.post("/cement/lots/new", "Register a cement lot",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const app::LotInput in{form(req, "scan"),   form(req, "gtin"),
                                       form(req, "hibc_code"), form(req, "lot"),
                                       form(req, "expiry"), form(req, "production_date")};
                auto l = app::register_cement_lot(web.ctx, *actor, in);
                if (l) return redirect(res, lot_href(l->id) + "?saved=lot");
                if (l.error().code == Errc::kDuplicate) {
                  return redirect(res, lot_href(CementLotId{l.error().related_id}) +
                                           "?saved=already");
                }
                if (!is_form_error(l.error())) return render_error(web, res, l.error(), &*actor);
                Json data = error_view(l.error());
                // An unknown product: the way to add it, for those who may.
                for (const auto& f : l.error().fields) {
                  const auto at = f.message.find(" is not in the catalogue");
                  if (at == std::string::npos || f.message.rfind("GTIN ", 0) != 0) continue;
                  data["add_product_href"] = "/cement/new?gtin=" + f.message.substr(5, at - 5);
                }
                show_lot_form(web, res, *actor, 422, in, data);
              });

  router.get("/cement/lookup", "Recall look-up: find a lot by its label",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               if (form(req, "scan").empty() && form(req, "gtin").empty() &&
                   form(req, "lot").empty()) {
                 return show_lookup_form(web, res, *actor, 200, req, Json::object());
               }
               auto id = app::find_lot_for_lookup(web.ctx, *actor, form(req, "scan"),
                                                  form(req, "gtin"), form(req, "lot"));
               if (id) return redirect(res, lot_href(*id) + "/patients");
               if (id.error().code == Errc::kNotFound) {
                 Error e = Error::invalid({{form(req, "scan").empty() ? "lot" : "scan",
                                            id.error().message}});
                 return show_lookup_form(web, res, *actor, 404, req, error_view(e));
               }
               if (!is_form_error(id.error())) return render_error(web, res, id.error(), &*actor);
               show_lookup_form(web, res, *actor, 422, req, error_view(id.error()));
             });

  router.get("/cement/lots/{id}/patients",
             "Recall look-up: the procedures and patients that received a lot",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               auto r = app::recall_lookup(web.ctx, *actor, CementLotId{path_id(req)});
               if (!r) return render_error(web, res, r.error(), &*actor);
               const auto today = domain::Date::today(web.ctx.clock());
               auto sites = app::list_sites(web.ctx);
               Json rows = Json::array();
               for (const auto& u : r->uses) {
                 Json j = {{"procedure_date", date_display(u.procedure_date)},
                           {"site", sites ? site_name(*sites, u.site) : ""},
                           {"operator", u.operator_name},
                           {"levels", joined(u.levels, ", ")},
                           {"unit", u.unit},
                           {"visible", u.visible}};
                 if (u.visible) {
                   j["patient_name"] = u.patient_name;
                   j["nhs_number"] = u.nhs_number;
                   j["date_of_birth"] = date_display(u.date_of_birth);
                   j["href"] = "/episodes/" + u.episode.str() + "/pathway";
                 }
                 rows.push_back(j);
               }
               Json data = {{"lot", lot_row(r->lot, today)},
                            {"uses", rows},
                            {"count_text", r->uses.size() == 1
                                               ? std::string("1 pack of this lot was recorded at a "
                                                             "procedure")
                                               : std::to_string(r->uses.size()) +
                                                     " packs of this lot were recorded at "
                                                     "procedures"},
                            {"none", r->uses.empty()},
                            {"hidden", r->hidden},
                            {"has_hidden", r->hidden > 0},
                            {"csv_href", lot_href(r->lot.id) + "/patients.csv"},
                            {"back_href", lot_href(r->lot.id)}};
               render_page(web, res, 200, "cement_uses", data, "Patients who received lot " +
                           r->lot.lot, &*actor, "cement");
             });

  router.get("/cement/lots/{id}/patients.csv",
             "Recall look-up as CSV (a spreadsheet of the procedures and patients)",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               auto r = app::recall_lookup(web.ctx, *actor, CementLotId{path_id(req)});
               if (!r) return render_error(web, res, r.error(), &*actor);
               auto sites = app::list_sites(web.ctx);
               std::string csv =
                   "product,gtin_or_hibc,lot,procedure_date,site,operator,pack,levels,episode_id,"
                   "patient_name,nhs_number,date_of_birth\r\n";
               for (const auto& u : r->uses) {
                 const std::vector<std::string> cells = {
                     r->lot.product_name, r->lot.code, r->lot.lot, u.procedure_date,
                     sites ? site_name(*sites, u.site) : "", u.operator_name,
                     std::to_string(u.unit), joined(u.levels, " "),
                     u.visible ? u.episode.str() : "",
                     u.visible ? u.patient_name : "(at a site you do not work at)",
                     u.visible ? u.nhs_number : "", u.visible ? u.date_of_birth : ""};
                 std::string line;
                 for (const auto& c : cells) line += (line.empty() ? "" : ",") + csv_cell(c);
                 csv += line + "\r\n";
               }
               res.set_header("Content-Disposition",
                              "attachment; filename=\"lot-" + r->lot.id.str() + "-patients.csv\"");
               res.set_header("Cache-Control", "no-store");
               res.set_content(csv, "text/csv; charset=utf-8");
             });

  router.get("/cement/lots/{id}", "A cement lot and its recall",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               auto l = app::view_cement_lot(web.ctx, *actor, CementLotId{path_id(req)});
               if (!l) return render_error(web, res, l.error(), &*actor);
               const auto today = domain::Date::today(web.ctx.clock());
               Json data = {{"lot", lot_row(*l, today)},
                            {"added_by", l->added_by_name},
                            {"added_on", date_display(l->added_at.substr(0, 10))},
                            {"may_recall", may_manage(*actor) && !l->recalled()},
                            {"recall_href", lot_href(l->id) + "/recall"},
                            {"patients_href", lot_href(l->id) + "/patients"}};
               if (l->recalled()) {
                 data["recall"] = {{"recalled_on", date_display(l->recalled_on)},
                                   {"reason", l->recall_reason},
                                   {"notice", l->recall_notice},
                                   {"has_notice", !l->recall_notice.empty()},
                                   {"recalled_by", l->recalled_by_name}};
               }
               const std::string saved = form(req, "saved");
               if (saved == "lot") data["notice"] = "The lot was registered.";
               if (saved == "already") {
                 data["notice"] = "This lot was already registered: nothing new was saved.";
               }
               if (saved == "recalled") data["notice"] = "The lot was recalled.";
               render_page(web, res, 200, "cement_lot", data, "Lot " + l->lot, &*actor, "cement");
             });

  router.get("/cement/lots/{id}/recall", "Form: recall a cement lot",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor || !require_manage(web, res, *actor)) return;
               auto l = app::view_cement_lot(web.ctx, *actor, CementLotId{path_id(req)});
               if (!l) return render_error(web, res, l.error(), &*actor);
               if (l->recalled()) {
                 return render_error(web, res, Error::conflict("This lot is already recalled"),
                                     &*actor);
               }
               show_recall_form(web, res, *actor, 200, *l,
                                {domain::Date::today(web.ctx.clock()).iso(), "", ""},
                                Json::object());
             });

  router.post("/cement/lots/{id}/recall", "Recall a cement lot",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const CementLotId id{path_id(req)};
                const app::RecallInput in{form(req, "recalled_on"), form(req, "reason"),
                                          form(req, "notice")};
                auto l = app::recall_cement_lot(web.ctx, *actor, id, in);
                if (l) return redirect(res, lot_href(id) + "?saved=recalled");
                if (!is_form_error(l.error())) return render_error(web, res, l.error(), &*actor);
                auto lot = app::view_cement_lot(web.ctx, *actor, id);
                if (!lot) return render_error(web, res, lot.error(), &*actor);
                show_recall_form(web, res, *actor, 422, *lot, in, error_view(l.error()));
              });
}

}  // namespace vertebro::http
