// The worklist: keyset pages in waiting order (referral date, then id) that neither overlap nor
// skip, even when many referrals share a date; state and site filters; refused parameters.

#include <algorithm>
#include <set>

#include "app/worklist.h"
#include "store/sql_tx.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

using domain::PathwayState;

class WorklistTest : public StoreTest {
 protected:
  static constexpr int kPage = 4;

  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    app::Settings settings;
    settings.worklist_page_size = kPage;
    open(settings);
    a_ = insert_site("A");
    b_ = insert_site("B");
    c_ = insert_site("C");
    actor_ = insert_actor("cora", domain::Role::kCoordinator, {a_, b_});
    // 23 episodes at A and B, inserted out of date order, several on the same day; 3 at C.
    const std::vector<std::pair<const char*, PathwayState>> plan = {
        {"2026-10-05", PathwayState::kReferral},   {"2026-09-01", PathwayState::kAssessment},
        {"2026-10-05", PathwayState::kMdt},        {"2026-08-15", PathwayState::kClosed},
        {"2026-10-05", PathwayState::kReferral},   {"2026-11-20", PathwayState::kAssessment},
        {"2026-09-01", PathwayState::kReferral},   {"2026-10-05", PathwayState::kDeclined},
        {"2026-07-30", PathwayState::kFollowUp},   {"2026-10-05", PathwayState::kAssessment},
        {"2026-10-05", PathwayState::kReferral},   {"2026-11-01", PathwayState::kConsent},
        {"2026-06-01", PathwayState::kProcedure},  {"2026-10-05", PathwayState::kReferral},
        {"2026-09-01", PathwayState::kDeceased},   {"2026-10-05", PathwayState::kAssessment},
        {"2026-11-24", PathwayState::kReferral},   {"2026-09-30", PathwayState::kWithdrawn},
        {"2026-09-30", PathwayState::kNotSuitable}, {"2026-10-05", PathwayState::kReferral},
        {"2026-05-05", PathwayState::kAssessment}, {"2026-10-05", PathwayState::kMdt},
        {"2026-10-06", PathwayState::kReferral},
    };
    int n = 0;
    for (const auto& [date, state] : plan) {
      const SiteId site = n % 3 == 0 ? b_ : a_;
      const auto p = insert_patient(site, n);
      all_.push_back(insert_episode(p.id, site, date, state));
      ++n;
    }
    for (int i = 0; i < 3; ++i) {
      const auto p = insert_patient(c_, n + i);
      insert_episode(p.id, c_, "2026-10-05", PathwayState::kReferral);
    }
  }

  // The episodes `keep` accepts, in waiting order.
  std::vector<std::int64_t> expected(const std::function<bool(const store::EpisodeRecord&)>& keep) {
    std::vector<store::EpisodeRecord> rows;
    std::copy_if(all_.begin(), all_.end(), std::back_inserter(rows), keep);
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
      return std::pair(x.referral.referral_date, x.id) < std::pair(y.referral.referral_date, y.id);
    });
    std::vector<std::int64_t> ids;
    for (const auto& r : rows) ids.push_back(r.id.value);
    return ids;
  }

  // Follows next_cursor to the end; checks page sizes on the way.
  std::vector<std::int64_t> walk(app::WorklistRequest request, int* pages = nullptr) {
    std::vector<std::int64_t> ids;
    int count = 0;
    for (;;) {
      auto page = must(app::list_worklist(ctx(), actor_, request), "list_worklist");
      ++count;
      EXPECT_LE(page.rows.size(), static_cast<std::size_t>(kPage));
      for (const auto& r : page.rows) ids.push_back(r.episode.id.value);
      if (page.next_cursor.empty()) break;
      EXPECT_EQ(page.rows.size(), static_cast<std::size_t>(kPage)) << "a short page before the end";
      request.after = page.next_cursor;
      if (count > 100) throw std::runtime_error("the worklist does not end");
    }
    if (pages) *pages = count;
    return ids;
  }

  SiteId a_, b_, c_;
  app::Actor actor_;
  std::vector<store::EpisodeRecord> all_;
};

TEST_P(WorklistTest, OpenEpisodesPageWithoutOverlapOrGap) {
  int pages = 0;
  const auto ids = walk({}, &pages);
  const auto want = expected([](const auto& e) { return !domain::is_final(e.state); });
  ASSERT_EQ(want.size(), 18u);
  EXPECT_EQ(ids, want);
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), ids.size());
}

TEST_P(WorklistTest, AllStatesIncludeClosedAndExits) {
  const auto ids = walk({"all", "", "", ""});
  EXPECT_EQ(ids, expected([](const auto&) { return true; }));
  EXPECT_EQ(ids.size(), 23u);
}

TEST_P(WorklistTest, StateFilterPagesToo) {
  for (const auto state : {PathwayState::kReferral, PathwayState::kAssessment,
                           PathwayState::kClosed, PathwayState::kDeceased}) {
    SCOPED_TRACE(std::string(domain::state_name(state)));
    const auto ids = walk({std::string(domain::state_name(state)), "", "", ""});
    EXPECT_EQ(ids, expected([&](const auto& e) { return e.state == state; }));
  }
  EXPECT_EQ(walk({"consent", "", "", ""}).size(), 1u);
}

TEST_P(WorklistTest, SiteFilterKeepsToThatSite) {
  const auto ids = walk({"all", b_.str(), "", ""});
  EXPECT_EQ(ids, expected([&](const auto& e) { return e.referral.site == b_; }));
  EXPECT_EQ(ids.size(), 8u);
}

TEST_P(WorklistTest, FullLastPageHasNoNextCursor) {
  // Eight episodes wait in state "referral": exactly two full pages.
  const auto want = expected([&](const auto& e) { return e.state == PathwayState::kReferral; });
  ASSERT_EQ(want.size(), 8u);
  ASSERT_EQ(want.size() % kPage, 0u) << "the fixture should hold a whole number of pages";
  int pages = 0;
  const auto ids = walk({"referral", "", "", ""}, &pages);
  EXPECT_EQ(ids, want);
  EXPECT_EQ(pages, static_cast<int>(want.size()) / kPage);
}

TEST_P(WorklistTest, EmptyWorklistIsOnePageWithoutCursor) {
  // The one follow-up episode is at site A.
  auto page = app::list_worklist(ctx(), actor_, {"follow_up", b_.str(), "", ""});
  ASSERT_TRUE(page.ok()) << describe(page);
  EXPECT_TRUE(page->rows.empty());
  EXPECT_EQ(page->next_cursor, "");
}

TEST_P(WorklistTest, InvalidParametersAreNamed) {
  struct Case {
    app::WorklistRequest request;
    const char* field;
  };
  const std::vector<Case> cases = {
      {{"bogus", "", "", ""}, "state"},
      {{"Referral ", "", "", ""}, "state"},
      {{"", c_.str(), "", ""}, "site"},
      {{"", "x", "", ""}, "site"},
      {{"", "", "yesterday", ""}, "after"},
      {{"", "", "2026-13-01.4", ""}, "after"},
      {{"", "", "2026-10-05.0", ""}, "after"},
      {{"", "", "2026-10-05.-3", ""}, "after"},
      {{"", "", "", "0"}, "limit"},
      {{"", "", "", "201"}, "limit"},
      {{"", "", "", "many"}, "limit"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.request.state + "|" + c.request.site + "|" + c.request.after + "|" +
                 c.request.limit);
    auto r = app::list_worklist(ctx(), actor_, c.request);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kInvalid);
    ASSERT_EQ(r.error().fields.size(), 1u);
    EXPECT_EQ(r.error().fields[0].field, c.field);
  }
}

TEST_P(WorklistTest, EachPageIsAudited) {
  const auto head = audit_head().first;
  int pages = 0;
  walk({}, &pages);
  EXPECT_EQ(audit_head().first, head + pages);
  const auto e = last_audit_entry();
  EXPECT_EQ(e.action, "list");
  EXPECT_EQ(e.record_type, "worklist");
  EXPECT_EQ(e.user_id, actor_.user.id.value);
}

// Every queue is an index range read in waiting order, whatever the registry's size: no sort
// of the site's episodes (SQLite's TEMP B-TREE, PostgreSQL's Sort) and no scan of the table,
// on the first page and on a later one. Without migration 0007 the open queue would walk past
// every closed episode of the site.
TEST_P(WorklistTest, EveryQueueReadsAnIndexInOrder) {
  struct Queue {
    std::string name;
    store::WorklistQuery query;
    std::string index;
  };
  std::vector<Queue> queues;
  store::WorklistQuery open;
  queues.push_back({"open", open, "episodes_open_by_site"});
  store::WorklistQuery all;
  all.open_only = false;
  queues.push_back({"all", all, "episodes_by_site_waiting"});
  for (const auto state : domain::all_states()) {
    store::WorklistQuery q;
    q.state = state;
    queues.push_back({std::string(domain::state_name(state)), q, "episodes_by_site_state"});
  }
  const auto db = raw();
  for (auto queue : queues) {
    for (const bool later_page : {false, true}) {
      if (later_page) queue.query.after = std::make_pair(std::string("2026-10-05"), 7);
      const auto plan = db->query_plan(store::worklist_sql(queue.query));
      SCOPED_TRACE(queue.name + (later_page ? " (later page)" : "") + ":\n" + plan);
      // PostgreSQL prices indexes by statistics a test database does not have; which one it
      // picks is only asserted on SQLite, whose choice follows the query's shape.
      if (GetParam() == "sqlite") {
        EXPECT_NE(plan.find(queue.index), std::string::npos);
      }
      EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos);
      EXPECT_EQ(plan.find("SCAN e"), std::string::npos);
      EXPECT_EQ(plan.find("Sort"), std::string::npos);
      EXPECT_EQ(plan.find("Seq Scan on episodes"), std::string::npos);
    }
  }
}

VERTEBRO_STORE_SUITE(WorklistTest);

}  // namespace
}  // namespace vertebro::store_test
