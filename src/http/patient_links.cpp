// Patient questionnaires by one-time link (app/patient_links.h): the nurse's "send a
// questionnaire" (by letter or text, first or as a reminder) on a follow-up page or the
// follow-up list, which answers with the letter to print (the link and its QR code, shown this
// once) or the text message to copy; "stop asking"; and the patient's pages at /q/{token},
// with no account and no JavaScript needed: the questions, the thanks, and one "link not valid"
// page for every link that does not work. The access log never writes a token (server.cpp).

#include "app/follow_up_visits.h"
#include "app/patient_links.h"
#include "http/api_support.h"
#include "http/pathway_pages.h"
#include "http/qr.h"
#include "http/views.h"
#include "http/web.h"

namespace vertebro::http {

namespace {

// The questions, in plain English, with the follow-up visit's names as values.
struct Question {
  const char* name;
  const char* legend;
  const char* hint;
  bool inline_options;
  app::Choices options;
};

const std::vector<Question>& questions() {
  static const std::vector<Question> q = [] {
    app::Choices scale;
    for (int i = 0; i <= 10; ++i) scale.emplace_back(std::to_string(i), std::to_string(i));
    return std::vector<Question>{
        {"pain_at_rest", "How bad is your back pain when you are resting?",
         "0 means no pain, 10 means the worst pain you can imagine.", true, scale},
        {"pain_on_movement", "How bad is your back pain when you move about?",
         "0 means no pain, 10 means the worst pain you can imagine.", true, scale},
        {"analgesic", "What painkillers do you take for your back now?",
         "Choose the strongest one you take.", false,
         {{"none", "None"},
          {"non_opioid", "Paracetamol, or anti-inflammatories such as ibuprofen or naproxen"},
          {"weak_opioid", "Codeine, co-codamol, dihydrocodeine or tramadol"},
          {"strong_opioid", "Morphine, oxycodone, fentanyl patches or another strong painkiller"}}},
        {"analgesic_use", "Compared with before your treatment, do you take", "", false,
         {{"less", "Fewer painkillers"}, {"same", "About the same"}, {"more", "More painkillers"}}},
        {"mobility", "How do you get about now?", "", false,
         {{"bed_bound", "I stay in bed"},
          {"chair_bound", "I can sit in a chair but cannot walk"},
          {"walking_with_frame", "I walk with a frame"},
          {"walking_with_stick", "I walk with a stick"},
          {"unaided", "I walk without help"}}},
        {"satisfaction", "How satisfied are you with the treatment?", "", false,
         {{"very_satisfied", "Very satisfied"},
          {"satisfied", "Satisfied"},
          {"neutral", "Neither satisfied nor dissatisfied"},
          {"dissatisfied", "Dissatisfied"},
          {"very_dissatisfied", "Very dissatisfied"}}},
        {"would_have_again", "Would you have the treatment again?", "", true,
         {{"yes", "Yes"}, {"no", "No"}, {"unsure", "Not sure"}}}};
  }();
  return q;
}

std::string token_of(const Request& req) { return req.matches[1]; }

std::string client_of(const Request& req) { return req.remote_addr; }

void show_questions(Web& web, Response& res, int status, const std::string& token,
                    const app::Questionnaire& q, const Request* answered, Json data) {
  const Json errors = data.value("errors", Json::object());
  Json list = Json::array();
  for (const auto& question : questions()) {
    const std::string chosen = answered ? form(*answered, question.name) : "";
    Json options = Json::array();
    bool first = true;
    for (const auto& [value, label] : question.options) {
      // The first option carries the question's name as its id, for the error summary's link.
      options.push_back({{"id", first ? std::string(question.name)
                                      : std::string(question.name) + "-" + value},
                         {"value", value},
                         {"label", label},
                         {"checked", value == chosen}});
      first = false;
    }
    list.push_back({{"name", question.name},
                    {"legend", question.legend},
                    {"hint", *question.hint ? Json(question.hint) : Json()},
                    {"error", errors.contains(question.name) ? errors[question.name] : Json()},
                    {"inline", question.inline_options},
                    {"options", options}});
  }
  data["questions"] = list;
  data["notes_value"] = answered ? form(*answered, "notes") : "";
  data["notes_error"] = errors.contains("notes") ? errors["notes"] : Json();
  data["given_name"] = q.given_name;
  data["time_point"] = q.time_point;
  data["site_name"] = q.site_name;
  data["expires_on"] = date_display(q.expires_on);
  data["action"] = "/q/" + token;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Referrer-Policy", "no-referrer");
  render_page(web, res, status, "questionnaire", data, "Your check-up questions", nullptr);
}

// The one answer for a link that does not work, whatever the reason; or the pause after too
// many.
void show_refusal(Web& web, Response& res, const Error& e) {
  res.set_header("Cache-Control", "no-store");
  if (e.code == Errc::kRateLimited) {
    res.set_header("Retry-After", std::to_string(std::max(1, e.retry_after_seconds)));
    return render_status_page(web, res, 429, "Please wait before you try again",
                              e.message + " If you were sent a letter or a text message, check "
                                          "the address, or phone the spine team.",
                              nullptr);
  }
  if (e.code == Errc::kNotFound) {
    return render_status_page(
        web, res, 404, "This link does not work",
        "The link may have been used already, it may have expired, or part of it may be "
        "missing. If the spine team asked you to answer questions about your treatment, "
        "please phone them and they will help.",
        nullptr);
  }
  render_error(web, res, e, nullptr);
}

// Where to go back to after sending or stopping: the follow-up list when the nurse came from it,
// else the follow-up page.
std::string return_href(const Request& req, EpisodeId id, const std::string& time_point) {
  if (form(req, "from") == "list") return "/follow-ups";
  return "/episodes/" + id.str() + "/follow-ups/" + app::time_point_url(time_point);
}

// The letter (or the text message) of a link just issued, for questionnaire_letter.mustache and
// _questionnaire_letter.mustache.
Json letter_view(Web& web, const Request& req, const app::IssuedLink& link) {
  const std::string host = req.get_header_value("Host");
  const std::string url = std::string(web.options.secure_cookies ? "https" : "http") + "://" +
                          (host.empty() ? "localhost" : host) + "/q/" + link.token;
  const bool letter = link.route == "letter";
  const std::string reminder_sms =
      link.reminder == 0 ? ""
                         : " We have not had your answers yet; this new link replaces the one "
                           "we sent on " + date_display(link.first_sent_on) + ".";
  return {{"demo", web.demo},
          {"letter", letter},
          {"reminder", link.reminder == 0 ? Json() : Json(link.reminder)},
          {"first_sent_on", date_display(link.first_sent_on)},
          {"site_name", link.site_name},
          {"patient_name", link.given_name + " " + link.family_name},
          {"time_point", link.time_point},
          {"link", url},
          {"qr_svg", letter ? qr_svg(url, "QR code of the link to your questions") : std::string()},
          {"expires_on", date_display(link.expires_on)},
          {"printed_on", domain::Date::today(web.ctx.clock()).display()},
          {"sms_text", "The " + link.site_name + " spine team would like to know how your back is "
                       "since your treatment." + reminder_sms + " Please answer a few questions "
                       "(about 3 minutes): " + url + " The link works once, until " +
                       date_display(link.expires_on) + "."}};
}

void send_questionnaire(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  const EpisodeId id = episode_id(req);
  const std::string time_point = req.matches[2];
  auto link = app::issue_follow_up_link(web.ctx, *actor, id, time_point, form(req, "route"));
  if (!link) return render_error(web, res, link.error(), &*actor);
  Json data = letter_view(web, req, *link);
  data["back_href"] = return_href(req, id, link->time_point);
  data["back_text"] = form(req, "from") == "list" ? "Back to the follow-ups" : "Back to the follow-up";
  res.set_header("Cache-Control", "no-store");
  res.status = 200;
  res.set_content(web.templates.render("questionnaire_letter", data), "text/html; charset=utf-8");
}

// The follow-up list's "print all the letters": every follow-up the list showed in one group
// ("follow_up" values "{episode id}:{time point in URL form}"), issued in one transaction and
// printed as one document, a letter a page.
void send_letters(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  std::vector<app::LinkToSend> wanted;
  for (const auto& item : form_values(req, "follow_up")) {
    const auto colon = item.find(':');
    const std::int64_t id =
        colon == std::string::npos ? 0 : pathway_pages::number_of(item.substr(0, colon));
    if (id <= 0) {
      return render_error(web, res,
                          Error::invalid({{"follow_up", "\"" + item + "\" is not a follow-up"}}),
                          &*actor);
    }
    wanted.push_back({EpisodeId{id}, item.substr(colon + 1)});
  }
  auto links = app::issue_follow_up_links(web.ctx, *actor, wanted, "letter");
  if (!links) return render_error(web, res, links.error(), &*actor);
  Json letters = Json::array();
  for (const auto& l : *links) letters.push_back(letter_view(web, req, l));
  const Json data = {{"demo", web.demo}, {"letters", letters}, {"count", links->size()}};
  res.set_header("Cache-Control", "no-store");
  res.status = 200;
  res.set_content(web.templates.render("questionnaire_letters", data), "text/html; charset=utf-8");
}

void stop_questionnaire(Web& web, const Request& req, Response& res) {
  auto actor = page_actor(web, req, res);
  if (!actor || !check_csrf(web, *actor, req, res)) return;
  const EpisodeId id = episode_id(req);
  const std::string time_point = req.matches[2];
  if (auto s = app::stop_follow_up_link(web.ctx, *actor, id, time_point); !s) {
    return render_error(web, res, s.error(), &*actor);
  }
  redirect(res, return_href(req, id, time_point));
}

}  // namespace

namespace pathway_pages {

Json contact_json(const app::ContactPlan& p) {
  const auto date = [](const std::optional<domain::Date>& d) { return d ? Json(d->iso()) : Json(); };
  return {{"step", std::string(app::contact_step_name(p.step))},
          {"route", p.route.empty() ? Json() : Json(p.route)},
          {"first_sent", date(p.first_sent)},
          {"last_sent", date(p.last_sent)},
          {"reminders_sent", p.reminders_sent},
          {"reminder", p.reminder == 0 ? Json() : Json(p.reminder)},
          {"due", date(p.due)}};
}

std::string contact_text(const app::ContactPlan& p) {
  const auto on = [](const std::optional<domain::Date>& d) { return d ? d->display() : std::string(); };
  const std::string sent = "sent by " + std::string(p.route == "text" ? "text" : "letter") +
                           " on " + on(p.first_sent) +
                           (p.reminders_sent == 0 ? std::string()
                            : p.reminders_sent == 1
                                ? ", 1 reminder"
                                : ", " + std::to_string(p.reminders_sent) + " reminders");
  switch (p.step) {
    case app::ContactStep::kSend: return "Questionnaire not sent";
    case app::ContactStep::kWait:
      return "Questionnaire " + sent + "; " +
             (p.reminder != 0 ? "reminder " + std::to_string(p.reminder) + " due " + on(p.due)
                              : "phone list from " + on(p.due));
    case app::ContactStep::kRemind:
      return "Reminder " + std::to_string(p.reminder) + " due since " + on(p.due) +
             " (questionnaire " + sent + ")";
    case app::ContactStep::kPhone:
      return "Not answered: phone the patient (questionnaire " + sent + ")";
    case app::ContactStep::kStopped: return "Questionnaire stopped: no reminders";
    case app::ContactStep::kAnswered: return "Questionnaire answered";
  }
  return "";
}

}  // namespace pathway_pages

void add_patient_link_routes(Router& router, Web& web) {
  router.post("/episodes/{id}/follow-ups/{time_point}/questionnaire",
              "Send the patient a questionnaire link (the letter to print, the text to copy)",
              [&web](const Request& req, Response& res) { send_questionnaire(web, req, res); });
  router.post("/follow-ups/letters",
              "Print the questionnaire letters of several follow-ups at once",
              [&web](const Request& req, Response& res) { send_letters(web, req, res); });
  router.post("/episodes/{id}/follow-ups/{time_point}/questionnaire/stop",
              "Stop asking the patient (no reminders, not on the phone list)",
              [&web](const Request& req, Response& res) { stop_questionnaire(web, req, res); });
  router.get("/q/{token}", "A patient's follow-up questions (one-time link, no account)",
             [&web](const Request& req, Response& res) {
               const std::string token = token_of(req);
               auto q = app::open_follow_up_link(web.ctx, token, client_of(req));
               if (!q) return show_refusal(web, res, q.error());
               show_questions(web, res, 200, token, *q, nullptr, Json::object());
             });
  router.post("/q/{token}", "A patient's answers (one-time link, no account)",
              [&web](const Request& req, Response& res) {
                const std::string token = token_of(req);
                Json answers = Json::object();
                for (const auto& question : questions()) {
                  if (const std::string v = form(req, question.name); !v.empty()) {
                    answers[question.name] = v;
                  }
                }
                if (const std::string notes = form(req, "notes");
                    notes.find_first_not_of(" \t\r\n") != std::string::npos) {
                  answers["notes"] = notes;
                }
                auto done = app::answer_follow_up_link(web.ctx, token, client_of(req), answers);
                if (done) {
                  res.set_header("Cache-Control", "no-store");
                  return render_status_page(
                      web, res, 200, "Thank you, " + done->given_name,
                      "Your answers have been sent to the " + done->site_name +
                          " spine team. You can close this page now; the link will not work "
                          "again.",
                      nullptr);
                }
                const Error& e = done.error();
                if (e.code != Errc::kInvalid) return show_refusal(web, res, e);
                auto q = app::open_follow_up_link(web.ctx, token, client_of(req));
                if (!q) return show_refusal(web, res, q.error());
                show_questions(web, res, 422, token, *q, &req, error_view(e));
              });
}

}  // namespace vertebro::http
