// The register of device safety notices (MHRA Medical Device Alerts, field safety notices) as
// pages: the register, a notice with what it concerns and its acknowledgement, and the forms
// that add, correct and acknowledge one (docs/traceability.md, "MHRA notices"). Forms are
// cement_form.mustache; bad input comes back as the form with the NHS.UK error summary.

#include <charconv>

#include "app/cement.h"
#include "app/device_notices.h"
#include "domain/text.h"
#include "http/forms.h"
#include "http/notice_views.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

constexpr const char* kNoticesHref = "/cement/notices";

std::string notice_href(std::int64_t id) { return kNoticesHref + ("/" + std::to_string(id)); }

// "2007", or "5 Jun 2007" for a full date.
std::string issued_display(const std::string& issued) {
  return issued.size() == 10 ? date_display(issued) : issued;
}

// One paragraph per line of typed text, blank lines left out.
Json paragraphs(const std::string& text) {
  Json out = Json::array();
  std::string cur;
  auto flush = [&] {
    if (!domain::is_blank(cur)) out.push_back({{"text", cur}});
    cur.clear();
  };
  for (char c : text) {
    if (c == '\n') {
      flush();
    } else if (c != '\r') {
      cur += c;
    }
  }
  flush();
  return out;
}

Json ack_view(const domain::DeviceNotice& n) {
  if (!n.acknowledged()) return nullptr;
  return {{"on", date_display(n.acknowledged_on)},
          {"by", n.acknowledged_by_name},
          {"what", paragraphs(n.acknowledgement)}};
}

std::vector<app::CementCatalogueRow> products_or_empty(Web& web, const app::Actor& actor) {
  auto p = app::list_cement_products(web.ctx, actor);
  return p ? std::move(*p) : std::vector<app::CementCatalogueRow>{};
}

app::NoticeInput notice_input(const Request& req) {
  app::NoticeInput in{form(req, "reference"),
                      form(req, "title"),
                      form(req, "issued"),
                      form(req, "summary"),
                      form(req, "actions_required"),
                      form(req, "source"),
                      form(req, "subject_confirmed") == "yes",
                      form(req, "all_cements") == "yes",
                      form_values(req, "products"),
                      form_values(req, "lots")};
  return in;
}

app::NoticeInput notice_input(const domain::DeviceNotice& n) {
  app::NoticeInput in{n.reference,        n.title,  n.issued,
                      n.summary,          n.actions_required,
                      n.source,           n.subject_confirmed,
                      n.all_cements,      {},       {}};
  for (const auto& p : n.products) in.products.push_back(p.str());
  for (const auto& l : n.lots) in.lots.push_back(l.str());
  return in;
}

FieldSpec yes_box(const std::string& name, const std::string& legend, const std::string& label,
                  bool ticked, const std::string& hint) {
  FieldSpec f{name, legend, "", FieldKind::kCheckboxes, hint};
  f.options = {{"yes", label}};
  if (ticked) f.checked = {"yes"};
  return f;
}

// The add and correct form; `existing` is the notice being corrected.
void show_notice_form(Web& web, Response& res, const app::Actor& actor, int status,
                      const app::NoticeInput& in, const domain::DeviceNotice* existing,
                      Json data) {
  const Json errors = data.value("errors", Json::object());
  FieldSpec products{"products", "Products it names", "", FieldKind::kCheckboxes,
                     "Leave these empty when it concerns every injectable cement"};
  for (const auto& p : products_or_empty(web, actor)) {
    products.options.emplace_back(p.product.id.str(), p.product.name);
  }
  products.checked = in.products;
  FieldSpec lots{"lots", "Lots it names", "", FieldKind::kCheckboxes,
                 "Only when it names particular lots. To stop a lot being used, recall it from "
                 "the lot's page"};
  if (auto all = app::list_cement_lots(web.ctx, actor)) {
    for (const auto& l : *all) {
      lots.options.emplace_back(l.id.str(), l.product_name + ", lot " + l.lot);
    }
  }
  lots.checked = in.lots;
  Json fields = Json::array(
      {field_view({"reference", "Reference", in.reference, FieldKind::kText,
                   "For example, MDA/2007/088, or the manufacturer's field safety notice number",
                   "20", "off"},
                  errors),
       field_view({"title", "Title", in.title, FieldKind::kText, "", "", "off"}, errors),
       field_view({"issued", "Date issued", in.issued, FieldKind::kText,
                   "For example, 2007-11-05 (year-month-day), or the year alone when only the "
                   "year is known",
                   "10", "off"},
                  errors),
       field_view({"source", "Source", in.source, FieldKind::kText,
                   "Where the unit learnt of it, for example the MHRA alert itself, or a "
                   "citation in NICE guidance",
                   "", "off"},
                  errors),
       field_view({"summary", "Summary", in.summary, FieldKind::kTextarea,
                   "What the notice says, in a few sentences"},
                  errors),
       field_view({"actions_required", "Actions required", in.actions_required,
                   FieldKind::kTextarea, "What the notice asks the unit to do"},
                  errors),
       field_view(yes_box("subject_confirmed", "Checked against the notice",
                          "The subject recorded here has been checked against the notice itself",
                          in.subject_confirmed,
                          "Leave unticked when it comes from a citation only: every page then "
                          "says the subject is unconfirmed"),
                  errors),
       field_view(yes_box("all_cements", "Cements it concerns",
                          "Every injectable cement the unit uses", in.all_cements, ""),
                  errors),
       field_view(products, errors), field_view(lots, errors)});
  data["fields"] = fields;
  data["caption"] = "Device safety notices";
  if (existing) {
    data["heading"] = "Correct notice " + existing->reference;
    data["intro"] = Json::array(
        {{{"text", "The correction is saved as a new version on the audit trail. An "
                   "acknowledgement already recorded stays."}}});
    data["action"] = notice_href(existing->id) + "/edit";
    data["version"] = std::to_string(existing->version);
    data["back_href"] = notice_href(existing->id);
    data["button"] = "Save the correction";
  } else {
    data["heading"] = "Add a safety notice";
    data["intro"] = Json::array(
        {{{"text", "Record an MHRA Medical Device Alert or a manufacturer's field safety "
                   "notice about the cements or devices the unit uses. The device safety "
                   "officer then records what the unit did about it."}}});
    data["action"] = kNoticesHref + std::string("/new");
    data["back_href"] = kNoticesHref;
    data["button"] = "Add the notice";
  }
  render_page(web, res, status, "cement_form", data, data["heading"].get<std::string>(), &actor,
              "cement");
}

void show_notice(Web& web, Response& res, const app::Actor& actor, std::int64_t id,
                 const std::string& saved, int status, const app::AcknowledgementInput& ack,
                 Json data) {
  auto v = app::view_device_notice(web.ctx, actor, id);
  if (!v) return render_error(web, res, v.error(), &actor);
  const auto& n = v->notice;
  Json products = Json::array();
  for (const auto& [pid, name] : v->products) {
    products.push_back({{"href", "/cement/" + std::to_string(pid)}, {"name", name}});
  }
  Json lots = Json::array();
  for (const auto& [lid, name] : v->lots) {
    lots.push_back({{"href", "/cement/lots/" + std::to_string(lid)}, {"name", name}});
  }
  const Json errors = data.value("errors", Json::object());
  data["notice_data"] = {{"reference", n.reference},
                         {"title", n.title},
                         {"issued", issued_display(n.issued)},
                         {"source", n.source},
                         {"summary", paragraphs(n.summary)},
                         {"actions", paragraphs(n.actions_required)},
                         {"unconfirmed", !n.subject_confirmed},
                         {"all_cements", n.all_cements},
                         {"products", products},
                         {"lots", lots},
                         {"names_none", !n.all_cements && products.empty() && lots.empty()},
                         {"changed_by", n.updated_by_name},
                         {"changed_on", n.updated_at.empty()
                                            ? ""
                                            : date_display(n.updated_at.substr(0, 10))},
                         {"seeded", n.updated_by_name.empty()},
                         {"acknowledgement", ack_view(n)}};
  data["may_manage"] = v->may_manage;
  data["edit_href"] = notice_href(n.id) + "/edit";
  data["awaiting"] = !n.acknowledged();
  if (v->may_acknowledge) {
    data["ack"] = {
        {"action", notice_href(n.id) + "/acknowledgement"},
        {"fields",
         Json::array({field_view({"acknowledged_on", "Date acknowledged", ack.acknowledged_on,
                                  FieldKind::kText, "For example, 2026-11-02 (year-month-day)",
                                  "10", "off"},
                                 errors),
                      field_view({"acknowledgement", "What the unit did", ack.acknowledgement,
                                  FieldKind::kTextarea,
                                  "The actions taken, who was told, and where the evidence is "
                                  "kept. An acknowledgement is recorded once."},
                                 errors)})}};
  }
  if (saved == "notice") data["message"] = "The notice was added to the register.";
  if (saved == "corrected") data["message"] = "The correction was saved.";
  if (saved == "acknowledged") data["message"] = "The acknowledgement was recorded.";
  render_page(web, res, status, "notice", data, n.reference, &actor, "cement");
}

bool require_manager(Web& web, Response& res, const app::Actor& actor) {
  auto r = app::require_device_manager(actor, "add or correct safety notices");
  if (r) return true;
  render_error(web, res, r.error(), &actor);
  return false;
}

}  // namespace

Json notice_row(const domain::DeviceNotice& n,
                const std::vector<app::CementCatalogueRow>& catalogue) {
  std::string concerns;
  if (n.all_cements) {
    concerns = "Every injectable cement";
  } else {
    for (const auto& id : n.products) {
      for (const auto& p : catalogue) {
        if (p.product.id == id) concerns += (concerns.empty() ? "" : ", ") + p.product.name;
      }
    }
    if (!n.lots.empty()) {
      concerns += (concerns.empty() ? "" : "; ") + std::to_string(n.lots.size()) +
                  (n.lots.size() == 1 ? " lot" : " lots");
    }
    if (concerns.empty()) concerns = "No product named";
  }
  return {{"href", notice_href(n.id)},
          {"reference", n.reference},
          {"title", n.title},
          {"issued", issued_display(n.issued)},
          {"concerns", concerns},
          {"unconfirmed", !n.subject_confirmed},
          {"acknowledgement", ack_view(n)}};
}

void add_notice_pages(Router& router, Web& web) {
  router.get(kNoticesHref, "The register of device safety notices",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               auto list = app::list_device_notices(web.ctx, *actor);
               if (!list) return render_error(web, res, list.error(), &*actor);
               const auto products = products_or_empty(web, *actor);
               Json rows = Json::array();
               std::size_t awaiting = 0;
               for (const auto& n : *list) {
                 rows.push_back(notice_row(n, products));
                 if (!n.acknowledged()) ++awaiting;
               }
               Json data = {
                   {"notices", rows},
                   {"none", rows.empty()},
                   {"awaiting", awaiting > 0},
                   {"awaiting_text", awaiting == 1 ? std::string("1 notice is")
                                                   : std::to_string(awaiting) + " notices are"},
                   {"may_manage", role_allows(actor->user.role,
                                              domain::Permission::kManageDevices)}};
               render_page(web, res, 200, "notices", data, "Device safety notices", &*actor,
                           "cement");
             });

  router.get(kNoticesHref + std::string("/new"), "Form: add a device safety notice",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor || !require_manager(web, res, *actor)) return;
               show_notice_form(web, res, *actor, 200, {}, nullptr, Json::object());
             });

  router.post(kNoticesHref + std::string("/new"), "Add a device safety notice",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const auto in = notice_input(req);
                auto n = app::create_device_notice(web.ctx, *actor, in);
                if (n) return redirect(res, notice_href(n->id) + "?saved=notice");
                if (n.error().code == Errc::kDuplicate) {
                  Json data = error_view(Error::invalid(
                      {{"reference", "This reference is already in the register"}}));
                  data["existing_href"] = notice_href(n.error().related_id);
                  return show_notice_form(web, res, *actor, 409, in, nullptr, data);
                }
                if (!is_form_error(n.error())) {
                  return render_error(web, res, n.error(), &*actor);
                }
                show_notice_form(web, res, *actor, 422, in, nullptr, error_view(n.error()));
              });

  router.get(kNoticesHref + std::string("/{id}"),
             "A device safety notice, what it concerns and its acknowledgement",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               show_notice(web, res, *actor, path_id(req), form(req, "saved"), 200,
                           {domain::Date::today(web.ctx.clock()).iso(), ""}, Json::object());
             });

  router.get(kNoticesHref + std::string("/{id}/edit"), "Form: correct a device safety notice",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor || !require_manager(web, res, *actor)) return;
               auto v = app::view_device_notice(web.ctx, *actor, path_id(req));
               if (!v) return render_error(web, res, v.error(), &*actor);
               show_notice_form(web, res, *actor, 200, notice_input(v->notice), &v->notice,
                                Json::object());
             });

  router.post(
      kNoticesHref + std::string("/{id}/edit"), "Correct a device safety notice",
      [&web](const Request& req, Response& res) {
        auto actor = page_actor(web, req, res);
        if (!actor || !check_csrf(web, *actor, req, res)) return;
        const auto id = path_id(req);
        const auto in = notice_input(req);
        std::int64_t version = 0;
        const std::string typed = form(req, "version");
        std::from_chars(typed.data(), typed.data() + typed.size(), version);
        auto n = app::update_device_notice(web.ctx, *actor, id, version, in);
        if (n) return redirect(res, notice_href(id) + "?saved=corrected");
        auto v = app::view_device_notice(web.ctx, *actor, id);
        if (!v) return render_error(web, res, v.error(), &*actor);
        // A stale version: the current values, so that a new save names the new version.
        if (n.error().code == Errc::kConflict) {
          return show_notice_form(web, res, *actor, 409, notice_input(v->notice), &v->notice,
                                  error_view(n.error()));
        }
        // Otherwise the typed values, still naming the version the user started from.
        domain::DeviceNotice shown = v->notice;
        shown.version = version;
        if (n.error().code == Errc::kDuplicate) {
          Json data = error_view(
              Error::invalid({{"reference", "Another notice in the register has this reference"}}));
          data["existing_href"] = notice_href(n.error().related_id);
          return show_notice_form(web, res, *actor, 409, in, &shown, data);
        }
        if (!is_form_error(n.error())) return render_error(web, res, n.error(), &*actor);
        show_notice_form(web, res, *actor, 422, in, &shown, error_view(n.error()));
      });

  router.post(kNoticesHref + std::string("/{id}/acknowledgement"),
              "Acknowledge a device safety notice (device safety officer)",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const auto id = path_id(req);
                const app::AcknowledgementInput in{form(req, "acknowledged_on"),
                                                   form(req, "acknowledgement")};
                auto n = app::acknowledge_device_notice(web.ctx, *actor, id, in);
                if (n) return redirect(res, notice_href(id) + "?saved=acknowledged");
                if (!is_form_error(n.error())) {
                  return render_error(web, res, n.error(), &*actor);
                }
                show_notice(web, res, *actor, id, "", 422, in, error_view(n.error()));
              });
}

}  // namespace vertebro::http
