// Operator pages (HTG3-1.2-TRAINING): the list of profiles, a profile with its competence
// sign-offs and training log, and the forms that add and change them. Each form is
// operator_form.mustache; refusals that name a field (bad input, a sign-off on your own
// profile) come back as the form with the NHS.UK error summary.

#include <charconv>

#include "app/operators.h"
#include "app/users.h"
#include "http/forms.h"
#include "http/learning_curve_views.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

using domain::OperatorId;

std::string op_href(OperatorId id) { return "/operators/" + id.str(); }

std::string role_label(const std::string& name) {
  auto r = domain::parse_professional_role(name);
  return r ? std::string(domain::professional_role_label(*r)) : name;
}

std::string sites_text(const std::vector<domain::Site>& all, const std::vector<SiteId>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + site_name(all, id);
  return out;
}

std::vector<domain::Site> sites_or_empty(Web& web) {
  auto s = app::list_sites(web.ctx);
  return s ? std::move(*s) : std::vector<domain::Site>{};
}

// The page's refusal when the actor's role lacks `p`; true when it has it.
bool require(Web& web, Response& res, const app::Actor& actor, domain::Permission p,
             const std::string& message) {
  if (role_allows(actor.user.role, p)) return true;
  render_error(web, res, Error::forbidden(message), &actor);
  return false;
}

constexpr const char* kManageOperatorsMessage =
    "Only an administrator or a training lead can add or change operator profiles";

// ---- Profiles ------------------------------------------------------------------------------

void show_operator_form(Web& web, Response& res, const app::Actor& actor, int status,
                        const app::OperatorInput& in, std::optional<domain::OperatorRecord> op,
                        Json data) {
  const Json errors = data.value("errors", Json::object());
  Json before = Json::array();
  if (!op) {
    FieldSpec user{"user_id", "User", in.user_id, FieldKind::kSelect,
                   "Users with the operator or training lead role who have no profile yet"};
    user.options.emplace_back("", "Select a user");
    auto candidates = app::operator_candidates(web.ctx, actor);
    if (candidates) {
      for (const auto& c : *candidates) {
        user.options.emplace_back(c.id.str(), c.display_name + " (" + c.username + ", " +
                                                  std::string(domain::role_label(c.role)) + ")");
      }
    }
    before.push_back(field_view(user, errors));
  }
  FieldSpec role{"professional_role", "Professional role", in.professional_role, FieldKind::kRadios};
  for (auto r : domain::all_professional_roles()) {
    role.options.emplace_back(std::string(domain::professional_role_name(r)),
                              std::string(domain::professional_role_label(r)));
  }
  before.push_back(field_view(role, errors));
  before.push_back(field_view({"registration_number", "Professional registration number",
                               in.registration_number, FieldKind::kText,
                               "For example, the GMC number", "20", "off"},
                              errors));
  FieldSpec sites{"site_ids", "Sites", "", FieldKind::kCheckboxes,
                  "Where the operator carries out procedures"};
  for (const auto& s : sites_or_empty(web)) sites.options.emplace_back(s.id.str(), s.name);
  sites.checked = in.site_ids;
  FieldSpec st{"status", "Status", in.status, FieldKind::kRadios,
               "An inactive profile keeps its history and takes no new sign-offs"};
  st.options = {{"active", "Active"}, {"inactive", "Inactive"}};
  data["fields_before"] = before;
  data["sites"] = field_view(sites, errors);
  data["fields_after"] = Json::array({field_view(st, errors)});
  if (op) {
    data["caption"] = op->display_name;
    data["heading"] = "Change the operator profile";
    data["action"] = op_href(op->id) + "/edit";
    data["version"] = std::to_string(op->version);
    data["back_href"] = op_href(op->id);
    data["button"] = "Save the profile";
  } else {
    data["caption"] = "Operators";
    data["heading"] = "Add an operator profile";
    data["action"] = "/operators/new";
    data["back_href"] = "/operators";
    data["button"] = "Add the profile";
  }
  render_page(web, res, status, "operator_form", data,
              op ? "Change operator profile" : "Add an operator profile", &actor, "operators");
}

app::OperatorInput operator_input(const Request& req) {
  return {form(req, "user_id"), form(req, "professional_role"), form(req, "registration_number"),
          form_values(req, "site_ids"), form(req, "status")};
}

app::OperatorInput operator_input(const domain::OperatorRecord& o) {
  app::OperatorInput in{o.user.str(), o.professional_role, o.registration_number, {},
                        o.active ? "active" : "inactive"};
  for (const auto& s : o.sites) in.site_ids.push_back(s.str());
  return in;
}

void show_profile(Web& web, const Request& req, Response& res, const app::Actor& actor) {
  auto p = app::view_operator(web.ctx, actor, OperatorId{path_id(req)});
  if (!p) return render_error(web, res, p.error(), &actor);
  const auto today = domain::Date::today(web.ctx.clock());
  const auto& o = p->op;
  const std::string href = op_href(o.id);
  Json sign_offs = Json::array();
  for (const auto& s : p->sign_offs) {
    auto scope = domain::parse_competence_scope(s.scope);
    const bool current = domain::sign_off_holds(s, today);
    const bool lapsed = !s.revoked() && s.review_date < today.iso();
    Json j = {{"scope_label", scope ? std::string(domain::competence_scope_label(*scope)) : s.scope},
              {"signed_on", date_display(s.signed_on)},
              {"review_date", date_display(s.review_date)},
              {"signed_by", s.signed_by_name},
              {"current", current},
              {"lapsed", lapsed},
              {"pending", !s.revoked() && !current && !lapsed},
              {"revoked", s.revoked()}};
    if (s.revoked()) {
      j["revoked_on"] = date_display(s.revoked_on);
      j["revoked_by"] = s.revoked_by_name;
      j["revoke_reason"] = s.revoke_reason;
    } else if (p->may_sign_off) {
      j["revoke_href"] = href + "/sign-offs/" + std::to_string(s.id) + "/revoke";
    }
    sign_offs.push_back(j);
  }
  Json training = Json::array();
  for (const auto& t : p->training) {
    auto kind = domain::parse_training_kind(t.kind);
    Json j = {{"kind_label", kind ? std::string(domain::training_kind_label(*kind)) : t.kind},
              {"entry_date", date_display(t.entry_date)},
              {"description", t.description},
              {"evidence", t.evidence},
              {"checked", !t.checked_at.empty()}};
    if (!t.checked_at.empty()) {
      j["checked_by"] = t.checked_by_name;
      j["checked_at"] = date_display(t.checked_at.substr(0, 10));
    } else if (p->may_sign_off) {
      j["check_action"] = href + "/training/" + std::to_string(t.id) + "/check";
    }
    training.push_back(j);
  }
  Json curve = learning_curve_view(p->curve, p->signals, p->may_sign_off);
  curve["settings_href"] = "/training/settings";
  Json data = {{"op", {{"name", o.display_name},
                       {"username", o.username},
                       {"role_label", role_label(o.professional_role)},
                       {"registration_number", o.registration_number},
                       {"sites", sites_text(sites_or_empty(web), o.sites)},
                       {"active", o.active}}},
               {"may_manage", p->may_manage},
               {"may_sign_off", p->may_sign_off && o.active},
               {"may_log", p->may_log},
               {"edit_href", href + "/edit"},
               {"sign_off_href", href + "/sign-offs/new"},
               {"training_href", href + "/training/new"},
               {"sign_offs", sign_offs},
               {"has_sign_offs", !sign_offs.empty()},
               {"training", training},
               {"has_training", !training.empty()},
               {"cases", {{"supervised", p->cases.supervised},
                          {"independent", p->cases.independent},
                          {"supervising", p->cases.supervising},
                          {"suggested", p->curve.settings.supervised_cases_suggested},
                          {"enough", p->cases.supervised >=
                                         p->curve.settings.supervised_cases_suggested}}},
               {"curve", curve},
               {"back_href", "/operators"}};
  const std::string saved = form(req, "saved");
  if (saved == "profile") data["notice"] = "The profile was saved.";
  if (saved == "sign_off") data["notice"] = "The competence sign-off was recorded.";
  if (saved == "revoked") data["notice"] = "The sign-off was revoked.";
  if (saved == "training") data["notice"] = "The entry was added to the training log.";
  if (saved == "checked") data["notice"] = "The entry was marked checked.";
  render_page(web, res, 200, "operator", data, "Operator " + o.display_name, &actor, "operators");
}

// ---- Sign-offs, revocations, training entries ----------------------------------------------

Json actor_field(const app::Actor& actor, const std::string& id, const std::string& label,
                 const Json& errors) {
  Json f = {{"id", id}, {"label", label}, {"name", actor.user.display_name + " (you)"}};
  if (errors.contains(id)) f["error"] = errors.at(id);
  return f;
}

// The profile a form is about (its name for the caption), or renders the refusal.
std::optional<app::OperatorProfile> form_profile(Web& web, Response& res, const app::Actor& actor,
                                                 OperatorId id) {
  auto p = app::view_operator(web.ctx, actor, id);
  if (!p) {
    render_error(web, res, p.error(), &actor);
    return std::nullopt;
  }
  return std::move(*p);
}

void show_sign_off_form(Web& web, Response& res, const app::Actor& actor, int status,
                        const domain::OperatorRecord& op, const app::SignOffInput& in, Json data) {
  const Json errors = data.value("errors", Json::object());
  FieldSpec scope{"scope", "Scope", in.scope, FieldKind::kRadios, "What the sign-off covers"};
  for (auto s : domain::all_competence_scopes()) {
    scope.options.emplace_back(std::string(domain::competence_scope_name(s)),
                               std::string(domain::competence_scope_label(s)));
  }
  data["actor_field"] = actor_field(actor, "signed_by", "Signed by", errors);
  data["fields_before"] = Json::array(
      {field_view({"signed_on", "Date of the sign-off", in.signed_on, FieldKind::kText,
                   "Today or earlier. For example, 2026-11-20 (year-month-day)", "10", "off"},
                  errors),
       field_view(scope, errors),
       field_view({"review_date", "Review date", in.review_date, FieldKind::kText,
                   "After the sign-off date and within 5 years of it. The sign-off holds to this "
                   "date inclusive. For example, 2029-11-20",
                   "10", "off"},
                  errors)});
  data["caption"] = op.display_name;
  data["heading"] = "Sign off competence";
  data["intro"] = intro({"A competence sign-off says that this operator may carry out "
                         "vertebroplasty without supervision for the cases its scope covers. "
                         "It cannot be changed or deleted afterwards, only revoked."});
  data["action"] = op_href(op.id) + "/sign-offs/new";
  data["back_href"] = op_href(op.id);
  data["button"] = "Record the sign-off";
  render_page(web, res, status, "operator_form", data, "Sign off competence", &actor, "operators");
}

void show_revoke_form(Web& web, Response& res, const app::Actor& actor, int status,
                      const app::OperatorProfile& p, std::int64_t sign_off,
                      const std::string& reason, Json data) {
  const Json errors = data.value("errors", Json::object());
  std::string what = "this sign-off";
  for (const auto& s : p.sign_offs) {
    if (s.id != sign_off) continue;
    auto scope = domain::parse_competence_scope(s.scope);
    what = "the sign-off for " +
           (scope ? std::string(domain::competence_scope_label(*scope)) : s.scope) + " of " +
           date_display(s.signed_on);
  }
  data["actor_field"] = actor_field(actor, "revoked_by", "Revoked by", errors);
  data["fields_before"] = Json::array({field_view(
      {"reason", "Reason for the revocation", reason, FieldKind::kTextarea,
       "Shown on the profile and kept in the access and change log"},
      errors)});
  data["caption"] = p.op.display_name;
  data["heading"] = "Revoke a competence sign-off";
  data["intro"] = intro({"You are revoking " + what + ". It stops holding from today. A sign-off "
                         "is revoked once, and the revocation cannot be undone: sign off again "
                         "if competence is later confirmed."});
  data["action"] = op_href(p.op.id) + "/sign-offs/" + std::to_string(sign_off) + "/revoke";
  data["back_href"] = op_href(p.op.id);
  data["button"] = "Revoke the sign-off";
  render_page(web, res, status, "operator_form", data, "Revoke a sign-off", &actor, "operators");
}

void show_training_form(Web& web, Response& res, const app::Actor& actor, int status,
                        const domain::OperatorRecord& op, const app::TrainingInput& in,
                        Json data) {
  const Json errors = data.value("errors", Json::object());
  FieldSpec kind{"kind", "Kind of training", in.kind, FieldKind::kRadios};
  for (auto k : domain::all_training_kinds()) {
    kind.options.emplace_back(std::string(domain::training_kind_name(k)),
                              std::string(domain::training_kind_label(k)));
  }
  data["fields_before"] = Json::array(
      {field_view(kind, errors),
       field_view({"entry_date", "Date", in.entry_date, FieldKind::kText,
                   "Today or earlier. For example, 2026-10-01 (year-month-day)", "10", "off"},
                  errors),
       field_view({"description", "Description", in.description, FieldKind::kTextarea,
                   "The course or session, or the case you observed. Do not write patient "
                   "identifiers here."},
                  errors),
       field_view({"evidence", "Evidence reference", in.evidence, FieldKind::kText,
                   "For example, a certificate number or a logbook reference", "30", "off"},
                  errors)});
  data["caption"] = op.display_name;
  data["heading"] = "Add to your training log";
  data["intro"] = intro({"A training lead checks each entry against its evidence."});
  data["action"] = op_href(op.id) + "/training/new";
  data["back_href"] = op_href(op.id);
  data["button"] = "Add the entry";
  render_page(web, res, status, "operator_form", data, "Add to your training log", &actor,
              "operators");
}


}  // namespace

void add_operator_pages(Router& router, Web& web) {
  router.get("/operators", "Operator profiles", [&web](const Request& req, Response& res) {
    auto actor = page_actor(web, req, res);
    if (!actor) return;
    auto list = app::list_operators(web.ctx, *actor);
    if (!list) return render_error(web, res, list.error(), &*actor);
    const auto sites = sites_or_empty(web);
    Json rows = Json::array();
    for (const auto& o : *list) {
      rows.push_back({{"name", o.display_name},
                      {"username", o.username},
                      {"role_label", role_label(o.professional_role)},
                      {"registration_number", o.registration_number},
                      {"sites", sites_text(sites, o.sites)},
                      {"active", o.active},
                      {"href", op_href(o.id)}});
    }
    Json data = {{"operators", rows},
                 {"none", rows.empty()},
                 {"can_add", role_allows(actor->user.role, domain::Permission::kManageOperators)}};
    render_page(web, res, 200, "operators", data, "Operators", &*actor, "operators");
  });

  router.get("/operators/new", "Form: add an operator profile",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               if (!require(web, res, *actor, domain::Permission::kManageOperators,
                            kManageOperatorsMessage)) {
                 return;
               }
               show_operator_form(web, res, *actor, 200, {"", "", "", {}, "active"}, std::nullopt,
                                  Json::object());
             });

  router.post("/operators/new", "Add an operator profile",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const auto in = operator_input(req);
                auto o = app::create_operator(web.ctx, *actor, in);
                if (o) return redirect(res, op_href(o->id) + "?saved=profile");
                if (!is_form_error(o.error())) return render_error(web, res, o.error(), &*actor);
                show_operator_form(web, res, *actor, 422, in, std::nullopt, error_view(o.error()));
              });

  router.get("/operators/{id}", "An operator's profile, sign-offs and training log",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               show_profile(web, req, res, *actor);
             });

  router.get("/operators/{id}/edit", "Form: change an operator profile",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               if (!require(web, res, *actor, domain::Permission::kManageOperators,
                            kManageOperatorsMessage)) {
                 return;
               }
               auto p = form_profile(web, res, *actor, OperatorId{path_id(req)});
               if (!p) return;
               show_operator_form(web, res, *actor, 200, operator_input(p->op), p->op,
                                  Json::object());
             });

  router.post("/operators/{id}/edit", "Change an operator profile",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const OperatorId id{path_id(req)};
                std::int64_t version = 0;
                const std::string v = form(req, "version");
                std::from_chars(v.data(), v.data() + v.size(), version);
                const auto in = operator_input(req);
                auto o = app::update_operator(web.ctx, *actor, id, version, in);
                if (o) return redirect(res, op_href(id) + "?saved=profile");
                if (!is_form_error(o.error()) && o.error().code != Errc::kConflict) {
                  return render_error(web, res, o.error(), &*actor);
                }
                auto p = form_profile(web, res, *actor, id);
                if (!p) return;
                Json data = error_view(o.error());
                // A stale version: the current values, so that a new save names the new version.
                if (o.error().code == Errc::kConflict) {
                  return show_operator_form(web, res, *actor, 409, operator_input(p->op), p->op,
                                            data);
                }
                domain::OperatorRecord shown = p->op;
                shown.version = version;
                show_operator_form(web, res, *actor, 422, in, shown, data);
              });

  router.get("/operators/{id}/sign-offs/new", "Form: sign off competence",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               if (!require(web, res, *actor, domain::Permission::kSignOffCompetence,
                            "Only a training lead can sign off competence")) {
                 return;
               }
               auto p = form_profile(web, res, *actor, OperatorId{path_id(req)});
               if (!p) return;
               show_sign_off_form(web, res, *actor, 200, p->op,
                                  {domain::Date::today(web.ctx.clock()).iso(), "", ""},
                                  Json::object());
             });

  router.post("/operators/{id}/sign-offs/new", "Sign off competence",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const OperatorId id{path_id(req)};
                const app::SignOffInput in{form(req, "signed_on"), form(req, "scope"),
                                           form(req, "review_date")};
                auto s = app::sign_off_competence(web.ctx, *actor, id, in);
                if (s) return redirect(res, op_href(id) + "?saved=sign_off");
                if (!is_form_error(s.error())) return render_error(web, res, s.error(), &*actor);
                auto p = form_profile(web, res, *actor, id);
                if (!p) return;
                show_sign_off_form(web, res, *actor, status_for(s.error().code), p->op, in,
                                   error_view(s.error()));
              });

  router.get("/operators/{id}/sign-offs/{sign_off}/revoke", "Form: revoke a sign-off",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               if (!require(web, res, *actor, domain::Permission::kSignOffCompetence,
                            "Only a training lead can revoke competence")) {
                 return;
               }
               auto p = form_profile(web, res, *actor, OperatorId{path_id(req)});
               if (!p) return;
               show_revoke_form(web, res, *actor, 200, *p, path_id(req, 2), "", Json::object());
             });

  router.post("/operators/{id}/sign-offs/{sign_off}/revoke", "Revoke a sign-off",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const OperatorId id{path_id(req)};
                const std::string reason = form(req, "reason");
                auto s = app::revoke_competence(web.ctx, *actor, id, path_id(req, 2), reason);
                if (s) return redirect(res, op_href(id) + "?saved=revoked");
                if (!is_form_error(s.error())) return render_error(web, res, s.error(), &*actor);
                auto p = form_profile(web, res, *actor, id);
                if (!p) return;
                show_revoke_form(web, res, *actor, status_for(s.error().code), *p,
                                 path_id(req, 2), reason, error_view(s.error()));
              });

  router.get("/operators/{id}/training/new", "Form: add to your training log",
             [&web](const Request& req, Response& res) {
               auto actor = page_actor(web, req, res);
               if (!actor) return;
               auto p = form_profile(web, res, *actor, OperatorId{path_id(req)});
               if (!p) return;
               if (!p->may_log) {
                 return render_error(
                     web, res,
                     Error::forbidden("Only the operator adds entries to their own training log"),
                     &*actor);
               }
               show_training_form(web, res, *actor, 200, p->op, {}, Json::object());
             });

  router.post("/operators/{id}/training/new", "Add to your training log",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const OperatorId id{path_id(req)};
                const app::TrainingInput in{form(req, "kind"), form(req, "entry_date"),
                                            form(req, "description"), form(req, "evidence")};
                auto t = app::add_training_entry(web.ctx, *actor, id, in);
                if (t) return redirect(res, op_href(id) + "?saved=training");
                if (!is_form_error(t.error())) return render_error(web, res, t.error(), &*actor);
                auto p = form_profile(web, res, *actor, id);
                if (!p) return;
                show_training_form(web, res, *actor, 422, p->op, in, error_view(t.error()));
              });

  router.post("/operators/{id}/training/{entry}/check", "Mark a training log entry checked",
              [&web](const Request& req, Response& res) {
                auto actor = page_actor(web, req, res);
                if (!actor || !check_csrf(web, *actor, req, res)) return;
                const OperatorId id{path_id(req)};
                auto s = app::check_training_entry(web.ctx, *actor, id, path_id(req, 2));
                if (!s) return render_error(web, res, s.error(), &*actor);
                redirect(res, op_href(id) + "?saved=checked");
              });
}

}  // namespace vertebro::http
