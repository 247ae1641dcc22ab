// JSON API for the register of device safety notices (MHRA Medical Device Alerts, field safety
// notices) and the device safety officer's acknowledgement. Same conventions as api.cpp;
// docs/api.md, "Device safety notices".

#include "app/device_notices.h"
#include "http/api_support.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

std::string notice_path(std::int64_t id) {
  return "/api/v1/device-notices/" + std::to_string(id);
}

Json notice_json(const domain::DeviceNotice& n) {
  Json j = app::notice_content_json(n);
  j["id"] = n.id;
  j["version"] = n.version;
  j["updated_by"] = n.updated_by_name.empty() ? Json(nullptr) : Json(n.updated_by_name);
  j["updated_at"] = n.updated_at.empty() ? Json(nullptr) : Json(n.updated_at);
  j["acknowledgement"] = nullptr;
  if (n.acknowledged()) {
    j["acknowledgement"] = {{"acknowledged_on", n.acknowledged_on},
                            {"acknowledgement", n.acknowledgement},
                            {"acknowledged_by", n.acknowledged_by_name},
                            {"acknowledged_at", n.acknowledged_at}};
  }
  return j;
}

// true or false; an error naming `key` for any other value. Absent is false.
bool flag_member(const Json& j, const std::string& key, std::vector<FieldError>& errors) {
  if (!j.contains(key) || j.at(key).is_null()) return false;
  if (j.at(key).is_boolean()) return j.at(key).get<bool>();
  errors.push_back({key, key + " must be true or false"});
  return false;
}

// An array of ids (whole numbers, or strings of digits), as text for the use case.
std::vector<std::string> ids_member(const Json& j, const std::string& key,
                                    std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  if (!j.contains(key) || j.at(key).is_null()) return out;
  const auto& v = j.at(key);
  bool bad = !v.is_array();
  if (!bad) {
    for (const auto& x : v) {
      if (x.is_number_integer()) {
        out.push_back(std::to_string(x.get<std::int64_t>()));
      } else if (x.is_string()) {
        out.push_back(x.get<std::string>());
      } else {
        bad = true;
      }
    }
  }
  if (bad) errors.push_back({key, key + " must be an array of ids"});
  return out;
}

app::NoticeInput notice_input(const Json& j, std::vector<FieldError>& errors) {
  only_fields(j, {"reference", "title", "issued", "summary", "actions_required", "source",
                  "subject_confirmed", "all_cements", "products", "lots"},
              errors);
  app::NoticeInput in;
  in.reference = member(j, "reference", errors);
  in.title = member(j, "title", errors);
  in.issued = member(j, "issued", errors);
  in.summary = member(j, "summary", errors);
  in.actions_required = member(j, "actions_required", errors);
  in.source = member(j, "source", errors);
  in.subject_confirmed = flag_member(j, "subject_confirmed", errors);
  in.all_cements = flag_member(j, "all_cements", errors);
  in.products = ids_member(j, "products", errors);
  in.lots = ids_member(j, "lots", errors);
  return in;
}

}  // namespace

void add_notices_api(Router& router, Web& web) {
  router.get("/api/v1/device-notices",
             "The register of device safety notices (MHRA alerts, field safety notices), by "
             "reference, each with its acknowledgement or null",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto list = app::list_device_notices(web.ctx, *actor);
               if (!list) return send_error(res, list.error());
               Json items = Json::array();
               for (const auto& n : *list) items.push_back(notice_json(n));
               send(res, 200, {{"items", items}});
             });

  router.post("/api/v1/device-notices",
              "Add a notice (device safety officer or administrator): {reference, title, issued "
              "(YYYY-MM-DD or YYYY), summary, actions_required, source, subject_confirmed, "
              "all_cements, products: [ids], lots: [ids]}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                const app::NoticeInput in = notice_input(*j, errors);
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto n = app::create_device_notice(web.ctx, *actor, in);
                if (!n && n.error().code == Errc::kDuplicate) {
                  Json body = error_body(errc_name(n.error().code), n.error().message,
                                         n.error().fields);
                  body["error"]["existing"] = notice_path(n.error().related_id);
                  return send(res, 409, body);
                }
                if (!n) return send_error(res, n.error());
                res.set_header("Location", notice_path(n->id));
                res.set_header("ETag", etag(n->version));
                send(res, 201, notice_json(*n));
              });

  router.get("/api/v1/device-notices/{id}",
             "A notice with the names of the products and lots it concerns",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               auto v = app::view_device_notice(web.ctx, *actor, path_id(req));
               if (!v) return send_error(res, v.error());
               Json body = notice_json(v->notice);
               body["product_names"] = Json::array();
               for (const auto& [id, name] : v->products) {
                 body["product_names"].push_back({{"id", id}, {"name", name}});
               }
               body["lot_names"] = Json::array();
               for (const auto& [id, name] : v->lots) {
                 body["lot_names"].push_back({{"id", id}, {"name", name}});
               }
               res.set_header("ETag", etag(v->notice.version));
               send(res, 200, body);
             });

  router.put("/api/v1/device-notices/{id}",
             "Correct a notice (device safety officer or administrator): the same members as "
             "adding one; If-Match: its version. Its acknowledgement stays",
             [&web](const Request& req, Response& res) {
               auto actor = api_actor(web, req, res);
               if (!actor) return;
               const auto version = if_match(req, res, 1);
               if (!version) return;
               auto j = json_body(req, res);
               if (!j) return;
               std::vector<FieldError> errors;
               const app::NoticeInput in = notice_input(*j, errors);
               if (!errors.empty()) return send_error(res, Error::invalid(errors));
               auto n = app::update_device_notice(web.ctx, *actor, path_id(req), *version, in);
               if (!n) return send_change_error(res, n.error());
               res.set_header("ETag", etag(n->version));
               send(res, 200, notice_json(*n));
             });

  router.post("/api/v1/device-notices/{id}/acknowledgement",
              "Acknowledge a notice (device safety officer), once: {acknowledged_on, "
              "acknowledgement: what the unit did}",
              [&web](const Request& req, Response& res) {
                auto actor = api_actor(web, req, res);
                if (!actor) return;
                auto j = json_body(req, res);
                if (!j) return;
                std::vector<FieldError> errors;
                only_fields(*j, {"acknowledged_on", "acknowledgement"}, errors);
                app::AcknowledgementInput in{member(*j, "acknowledged_on", errors),
                                             member(*j, "acknowledgement", errors)};
                if (!errors.empty()) return send_error(res, Error::invalid(errors));
                auto n = app::acknowledge_device_notice(web.ctx, *actor, path_id(req), in);
                if (!n) return send_error(res, n.error());
                res.set_header("ETag", etag(n->version));
                send(res, 200, notice_json(*n));
              });
}

}  // namespace vertebro::http
