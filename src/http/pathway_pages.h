#pragma once
// Internal to http/: what the pathway's pages share. pages_pathway.cpp draws the pathway page
// and the clinical forms; pages_pathway_moves.cpp handles moves, steps back and exits.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/pathway.h"
#include "app/patient_links.h"
#include "http/web.h"

namespace vertebro::http::pathway_pages {

struct Loaded {
  app::PathwayView pathway;
};

std::int64_t number_of(const std::string& s);
// A follow-up's questionnaire step (app/patient_links.h) for the API: {step, route, first_sent,
// last_sent, reminders_sent, reminder, due}; and in words for the pages ("Reminder 1 due since
// 10 Dec 2026 (sent by letter on 3 Dec 2026)"). Both in http/patient_links.cpp.
nlohmann::json contact_json(const app::ContactPlan& p);
std::string contact_text(const app::ContactPlan& p);
std::string pathway_href(EpisodeId id);
// The episode's pathway as the actor may see it (audited).
Result<Loaded> load(Web& web, const app::Actor& actor, EpisodeId id);
// The patient's name and NHS number, for the caption above a heading.
std::string caption(const Loaded& l);
// The signature of the warnings a page after a save shows (they travel in its address, signed
// with the session's secret so that nobody can make a page show a warning vertebro did not
// give). `saved` names what was saved.
std::string notice_signature(const app::Actor& actor, const std::string& saved,
                             const std::vector<std::string>& warnings);
// "25 Nov 2026, 10:00 UTC" from a stored timestamp.
std::string when(const std::string& at);

// Renders the pathway page. `blocked`: a move the gate refused for want of a reason; the page
// then shows that move's findings (judged at its planned procedure date, if any) and says what
// to do, with status 422.
void show_pathway(Web& web, const Request& req, Response& res, const app::Actor& actor,
                  EpisodeId id, int status, Json data, const app::MoveResult* blocked = nullptr);

// The date a gate judged at, in words: "the planned procedure date, 14 Dec 2026", "the
// procedure date, 14 Dec 2026" (planned false), or "today, 25 Nov 2026" when none.
std::string judged_at_text(const std::optional<domain::Date>& procedure_date, bool planned,
                           domain::Date today);

// Registers the move, step-back and exit routes (pages_pathway_moves.cpp).
void add_pathway_move_pages(Router& router, Web& web);

}  // namespace vertebro::http::pathway_pages
