#include "app/worklist.h"

#include <nlohmann/json.hpp>

#include <charconv>

#include "app/access.h"
#include "app/audit_trail.h"
#include "app/patients.h"
#include "store/store.h"

namespace vertebro::app {

namespace {
// Cursor "YYYY-MM-DD.ID": the referral date and id of the last row shown.
std::optional<std::pair<std::string, std::int64_t>> parse_cursor(const std::string& text) {
  if (text.size() < 12 || text[10] != '.') return std::nullopt;
  auto date = domain::Date::parse(text.substr(0, 10), "after", "cursor");
  if (!date) return std::nullopt;
  std::int64_t id = 0;
  const char* b = text.data() + 11;
  const char* e = text.data() + text.size();
  auto [p, ec] = std::from_chars(b, e, id);
  if (ec != std::errc() || p != e || id <= 0) return std::nullopt;
  return std::make_pair(date->iso(), id);
}
}  // namespace

Result<WorklistPage> list_worklist(const Context& ctx, const Actor& actor,
                                   const WorklistRequest& request) {
  if (!role_allows(actor.user.role, domain::Permission::kViewPatients)) {
    return Error::forbidden("Your role cannot see patient records");
  }
  std::vector<FieldError> errors;
  store::WorklistQuery q;
  int page_size = ctx.settings().worklist_page_size;
  if (!request.limit.empty()) {
    int n = 0;
    const char* e = request.limit.data() + request.limit.size();
    auto [p, ec] = std::from_chars(request.limit.data(), e, n);
    if (ec != std::errc() || p != e || n < 1 || n > kMaxWorklistLimit) {
      errors.push_back({"limit", "The number of rows per page must be a whole number from 1 to " +
                                     std::to_string(kMaxWorklistLimit)});
    } else {
      page_size = n;
    }
  }
  q.limit = page_size + 1;  // one extra tells whether a next page exists
  if (request.state == "all") {
    q.open_only = false;
  } else if (!request.state.empty()) {
    q.state = domain::parse_state(request.state);
    if (!q.state) errors.push_back({"state", "Choose a state from the list"});
  }
  if (request.site.empty()) {
    q.sites = actor.user.sites;
  } else {
    auto site = parse_actor_site(actor, request.site);
    if (!site) {
      errors.push_back({"site", "Choose one of your sites"});
    } else {
      q.sites = {*site};
    }
  }
  if (!request.after.empty()) {
    q.after = parse_cursor(request.after);
    if (!q.after) errors.push_back({"after", "The page link is not valid; start from the first page"});
  }
  if (!errors.empty()) return Error::invalid(std::move(errors));

  WorklistPage page;
  auto s = ctx.write([&](store::Tx& tx) -> Status {
    auto rows = tx.worklist(q);
    if (!rows) return std::move(rows).error();
    page.rows.clear();
    page.next_cursor.clear();
    if (rows->size() > static_cast<std::size_t>(page_size)) {
      // The extra row only tells that a next page exists; it is not shown.
      rows->pop_back();
      const auto& last = rows->back().episode;
      page.next_cursor = last.referral.referral_date.iso() + "." + last.id.str();
    }
    for (auto& row : *rows) {
      // The query asks for the actor's sites only; the one visibility rule has the last word.
      if (may_see_episode(actor, row.episode)) page.rows.push_back(std::move(row));
    }
    std::vector<store::ShownRecord> shown;
    for (const auto& row : page.rows) shown.push_back({row.episode.id, row.episode.patient});
    nlohmann::json detail = {{"state", request.state}, {"site", request.site},
                             {"after", request.after}, {"limit", page_size},
                             {"rows", page.rows.size()}};
    return audit_list(tx, ctx, actor, {"worklist", 0, 0, 0}, std::move(detail), shown);
  });
  if (!s) return std::move(s).error();
  return page;
}

}  // namespace vertebro::app
