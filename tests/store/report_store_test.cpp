// The audit reports' derived rows and the pass over them (migrations 0017 to 0019,
// store/sql_tx_reports.cpp) on every backend: a fixed set of eight procedures in range (and two
// outside it) whose counts were worked out by hand in the table below, each filter, the groups
// by operator and site, and the triggers that mark an episode stale when anything its figures
// are made from changes.
//
//  ep site op   date        leak lint other nf adj dist | 1 month: pain meds mob sat
//  1  A    10   2026-01-05  1    0    0     0  0   0    |          1    1    1   1
//  2  A    10   2026-01-20  0    0    0     1  1   0    |          1    0    1   1
//  3  A    10   2026-02-03  -    0    0     0  0   0    |          0    0    0   0
//  4  A    11   2026-02-10  1    1    0     0  0   0    |          (no visit: missing)
//  5  A    11   2026-02-28  0    0    1     0  0   0    |          (died before it: exited)
//  6  B    11   2026-03-02  0    0    0     1  0   1    |          1    -    1   -
//  7  B    -    2026-03-15  0    0    0     0  0   0    |          1    1    1   1
//  8  B    12   2026-03-30  0    0    0     0  0   0    |          (no visit, not due yet)
//  9  A    10   2025-12-31  1    (before the range)
// 10  C    10   2026-02-01  1    (another site; the one paraplegia)
// Range 2026-01-01..2026-03-31 at A and B, due cut-off 2026-03-20. Sums: cases 8; not due 1
// (ep 8); exited 1 (ep 5); pain 4 yes 1 no; meds 2 yes 2 no; mobility 4 yes 1 no; satisfied
// 3 yes 1 no; leakage 2 of 7 known; intervention 1; other 1; new fractures 2 (1 adjacent,
// 1 distant). Episodes 6 and 7 are myeloma, the rest osteoporotic.

#include <map>
#include <tuple>

#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

class ReportStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    open();
    a_ = insert_site("A");
    b_ = insert_site("B");
    c_ = insert_site("C");
    struct Plan {
      SiteId site;
      std::int64_t op;  // 0: none
      const char* date;
      std::optional<bool> leak;
      bool intervention, other, fracture, adjacent, distant;
      const char* indication;
      // The 1-month visit: "" none; "exited"; else four of 1/0/- for pain, meds, mobility,
      // satisfied.
      const char* visit;
    };
    const std::vector<Plan> plan = {
        {a_, 10, "2026-01-05", true, false, false, false, false, false, "osteoporotic", "1111"},
        {a_, 10, "2026-01-20", false, false, false, true, true, false, "osteoporotic", "1011"},
        {a_, 10, "2026-02-03", std::nullopt, false, false, false, false, false, "osteoporotic",
         "0000"},
        {a_, 11, "2026-02-10", true, true, false, false, false, false, "osteoporotic", ""},
        {a_, 11, "2026-02-28", false, false, true, false, false, false, "osteoporotic",
         "exited"},
        {b_, 11, "2026-03-02", false, false, false, true, false, true, "myeloma", "1-1-"},
        {b_, 0, "2026-03-15", false, false, false, false, false, false, "myeloma", "1111"},
        {b_, 12, "2026-03-30", false, false, false, false, false, false, "osteoporotic", ""},
        {a_, 10, "2025-12-31", true, false, false, false, false, false, "osteoporotic", "1111"},
        {c_, 10, "2026-02-01", true, false, false, false, false, false, "osteoporotic", "1111"},
    };
    int n = 0;
    for (const auto& p : plan) {
      const auto patient = insert_patient(p.site, n++);
      const auto e = insert_episode(patient.id, p.site, "2025-11-01",
                                    domain::PathwayState::kFollowUp);
      episodes_.push_back(e.id);
      store::ReportEpisodeRow row;
      row.episode = e.id;
      row.site = p.site;
      if (p.op) row.primary_operator = domain::OperatorId{p.op};
      row.indication = p.indication;
      row.procedure_date = p.date;
      row.state = "follow_up";
      row.leakage = p.leak;
      row.leakage_intervention = p.intervention;
      row.other_harm = p.other;
      row.new_fracture = p.fracture;
      row.new_fracture_adjacent = p.adjacent;
      row.new_fracture_distant = p.distant;
      row.paraplegia = n == 10;
      if (p.fracture) row.new_fracture_days = n * 10;
      row.followed_days = 365;
      std::vector<store::ReportVisitRow> visits;
      const std::string v = p.visit;
      if (v == "exited") {
        visits.push_back({"1 month", std::nullopt, std::nullopt, std::nullopt, std::nullopt, true});
      } else if (!v.empty()) {
        auto flag = [&](std::size_t i) -> std::optional<bool> {
          if (v[i] == '-') return std::nullopt;
          return v[i] == '1';
        };
        visits.push_back({"1 month", flag(0), flag(1), flag(2), flag(3), false});
        visits.push_back({"3 months", true, true, true, true, false});
      }
      // Checks that fell short (the shortfall list): the first procedure passed a gate after a
      // block, the second had one overridden, the sixth missed a requirement.
      std::vector<store::ReportCheckRow> checks = {
          {"gate", "assessment_to_mdt", "", "first_time", ""},
          {"gate", "mdt_to_consent", "", "first_time", ""},
          {"rule", "HTG3-1.1", "", "met", ""}};
      if (n == 1) checks[1].result = "after_block";
      if (n == 2) {
        checks[0] = {"gate", "assessment_to_mdt", "", "overridden", "Surgeon agreed by phone"};
        checks.push_back({"override", "HTG3-1.2-MDT", "assessment_to_mdt", "overridden",
                          "Surgeon agreed by phone"});
      }
      if (n == 6) checks[2].result = "not_met";
      must(store().transact(store::TxMode::kWrite,
                            [&](store::Tx& tx) { return tx.put_report_episode(row, visits, checks); }),
           "put_report_episode");
    }
  }

  store::ReportFilter filter() const {
    store::ReportFilter f;
    f.sites = {a_, b_};
    f.from = "2026-01-01";
    f.to = "2026-03-31";
    return f;
  }

  store::ReportPass pass(const store::ReportFilter& f, const std::string& time_point = "1 month",
                         const std::vector<SiteId>& compared = {}) {
    store::ReportPass out;
    must(store().transact(store::TxMode::kRead,
                          [&](store::Tx& tx) -> Status {
                            auto r = tx.report_pass(f, compared, time_point, "2026-03-20");
                            if (!r) return std::move(r).error();
                            out = std::move(*r);
                            return {};
                          }),
         "report_pass");
    return out;
  }

  std::vector<EpisodeId> stale() {
    std::vector<EpisodeId> out;
    must(store().transact(store::TxMode::kRead,
                          [&](store::Tx& tx) -> Status {
                            auto r = tx.report_stale_episodes(100);
                            if (!r) return std::move(r).error();
                            out = std::move(*r);
                            return {};
                          }),
         "report_stale_episodes");
    return out;
  }

  SiteId a_, b_, c_;
  std::vector<EpisodeId> episodes_;
};

TEST_P(ReportStoreTest, SumsTheRangeAsWorkedOutByHand) {
  const auto all = pass(filter());
  const auto& c = all.total;
  EXPECT_EQ(c.key, 0);
  EXPECT_EQ(c.site, 0);
  EXPECT_EQ(c.cases, 8);
  EXPECT_EQ(c.not_due, 1);
  EXPECT_EQ(c.exited, 1);
  EXPECT_EQ(c.pain_yes, 4);
  EXPECT_EQ(c.pain_no, 1);
  EXPECT_EQ(c.meds_yes, 2);
  EXPECT_EQ(c.meds_no, 2);
  EXPECT_EQ(c.mobility_yes, 4);
  EXPECT_EQ(c.mobility_no, 1);
  EXPECT_EQ(c.satisfied_yes, 3);
  EXPECT_EQ(c.satisfied_no, 1);
  EXPECT_EQ(c.leakage, 2);
  EXPECT_EQ(c.leakage_known, 7);
  EXPECT_EQ(c.leakage_intervention, 1);
  EXPECT_EQ(c.paraplegia, 0);
  EXPECT_EQ(c.other_harm, 1);
  EXPECT_EQ(c.new_fracture, 2);
  EXPECT_EQ(c.new_fracture_adjacent, 1);
  EXPECT_EQ(c.new_fracture_distant, 1);

  // At 3 months only the five with a visit there answered; the rest are missing or not due.
  const auto later = pass(filter(), "3 months").total;
  EXPECT_EQ(later.pain_yes, 5);
  EXPECT_EQ(later.exited, 0);
  EXPECT_EQ(later.not_due, 1);
}

TEST_P(ReportStoreTest, GroupsByOperatorAndSiteSummingToTheTotals) {
  // By operator then site; summed, they are the totals.
  const auto all = pass(filter());
  const std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> expected = {
      {0, b_.value, 1}, {10, a_.value, 3}, {11, a_.value, 2}, {11, b_.value, 1}, {12, b_.value, 1}};
  ASSERT_EQ(all.groups.size(), expected.size());
  store::ReportCounts sum;
  std::map<std::int64_t, store::ReportCounts> by_operator, by_site;
  for (std::size_t i = 0; i < all.groups.size(); ++i) {
    const auto& g = all.groups[i];
    EXPECT_EQ(std::tuple(g.key, g.site, g.cases), expected[i]) << i;
    store::add_counts(sum, g);
    store::add_counts(by_operator[g.key], g);
    store::add_counts(by_site[g.site], g);
  }
  for (auto field : store::kReportCountFields) EXPECT_EQ(sum.*field, all.total.*field);
  EXPECT_EQ(sum.cases, 8);
  EXPECT_EQ(sum.pain_yes, 4);
  // Each group's own counts, from the table: operator 10 one leak of two known, 11 one of three.
  EXPECT_EQ(by_operator[10].leakage, 1);
  EXPECT_EQ(by_operator[10].leakage_known, 2);
  EXPECT_EQ(by_operator[10].new_fracture_adjacent, 1);
  EXPECT_EQ(by_operator[11].leakage, 1);
  EXPECT_EQ(by_operator[11].leakage_intervention, 1);
  EXPECT_EQ(by_operator[11].exited, 1);
  EXPECT_EQ(by_operator[11].recorded, 1);
  EXPECT_EQ(by_operator[11].new_fracture_distant, 1);
  EXPECT_EQ(by_operator[12].not_due, 1);
  EXPECT_EQ(by_site[a_.value].cases, 5);
  EXPECT_EQ(by_site[a_.value].other_harm, 1);
  EXPECT_EQ(by_site[b_.value].cases, 3);
  EXPECT_EQ(by_site[b_.value].meds_yes, 1);
}

TEST_P(ReportStoreTest, CountsComparedSitesInTheGroupsOnly) {
  // The report of site A alone, with C compared (the sites' funnel): C's procedure is in the
  // groups, not in the totals, cases, survival times or checks.
  auto f = filter();
  f.sites = {a_};
  const auto all = pass(f, "1 month", {a_, c_});
  std::int64_t at_c = 0;
  for (const auto& g : all.groups) {
    if (g.site == c_.value) {
      at_c += g.cases;
      EXPECT_EQ(g.key, 10);
      EXPECT_EQ(g.paraplegia, 1);
      EXPECT_EQ(g.leakage, 1);
    }
    EXPECT_NE(g.site, b_.value);
  }
  EXPECT_EQ(at_c, 1);
  EXPECT_EQ(all.total.cases, 5);
  EXPECT_EQ(all.total.paraplegia, 0);
  EXPECT_EQ(all.survival.size(), 5u);
  EXPECT_EQ(all.cases.size(), 5u);
  std::int64_t gates = 0;
  for (const auto& c : all.checks) {
    if (c.kind == "gate" && c.name == "assessment_to_mdt") gates += c.count;
  }
  EXPECT_EQ(gates, 5);

  // Chosen, site C's paraplegia is the report's, and operator 10's case.
  f.sites = {c_};
  const auto c = pass(f);
  EXPECT_EQ(c.total.paraplegia, 1);
  ASSERT_EQ(c.cases.size(), 1u);
  EXPECT_TRUE(c.cases[0].paraplegia);
  EXPECT_FALSE(c.cases[0].other_harm);
  EXPECT_EQ(c.cases[0].leakage, true);
}

TEST_P(ReportStoreTest, ListsShortfallsByKindNameAndDateUpToTheLimit) {
  auto shortfalls = [&](const store::ReportFilter& f, int limit) {
    std::vector<store::ReportShortfallRow> out;
    must(store().transact(store::TxMode::kRead,
                          [&](store::Tx& tx) -> Status {
                            auto r = tx.report_shortfalls(f, "1 month", "2026-03-20", limit);
                            if (!r) return std::move(r).error();
                            out = std::move(*r);
                            return {};
                          }),
         "report_shortfalls");
    return out;
  };
  // Worked out from the plan: the fourth procedure (10 Feb) has no visit at 1 month though its
  // window closed (the eighth's, 30 Mar, had not); kinds sort follow_up, gate, override, rule.
  const auto all = shortfalls(filter(), 50);
  const std::vector<std::tuple<std::string, std::string, std::string, EpisodeId>> expected = {
      {"follow_up", "1 month", "missing", episodes_[3]},
      {"gate", "assessment_to_mdt", "overridden", episodes_[1]},
      {"gate", "mdt_to_consent", "after_block", episodes_[0]},
      {"override", "HTG3-1.2-MDT", "overridden", episodes_[1]},
      {"rule", "HTG3-1.1", "not_met", episodes_[5]}};
  ASSERT_EQ(all.size(), expected.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(std::tuple(all[i].kind, all[i].name, all[i].result, all[i].episode), expected[i])
        << i;
  }
  EXPECT_EQ(all[1].reason, "Surgeon agreed by phone");
  EXPECT_EQ(all[3].gate, "assessment_to_mdt");
  EXPECT_EQ(all[0].procedure_date, "2026-02-10");

  // The limit keeps the first rows in the same order.
  const auto three = shortfalls(filter(), 3);
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[2].episode, episodes_[0]);
  // The filter applies: at site B only the requirement missed on 2 March.
  auto at_b = filter();
  at_b.sites = {b_};
  const auto b = shortfalls(at_b, 50);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].episode, episodes_[5]);
}

TEST_P(ReportStoreTest, CountsEachCheckOfTheRangeFromTheEpisodesSummaries) {
  const auto counts = pass(filter()).checks;
  // Eight procedures in the range, each with three checks (one overridden gate adding an
  // override row): by kind, name, result in byte order.
  std::vector<std::tuple<std::string, std::string, std::string, std::int64_t>> got;
  for (const auto& c : counts) got.emplace_back(c.kind, c.name, c.result, c.count);
  const std::vector<std::tuple<std::string, std::string, std::string, std::int64_t>> expected = {
      {"gate", "assessment_to_mdt", "first_time", 7}, {"gate", "assessment_to_mdt", "overridden", 1},
      {"gate", "mdt_to_consent", "after_block", 1},   {"gate", "mdt_to_consent", "first_time", 7},
      {"override", "HTG3-1.2-MDT", "overridden", 1},  {"rule", "HTG3-1.1", "met", 7},
      {"rule", "HTG3-1.1", "not_met", 1}};
  EXPECT_EQ(got, expected);
}

TEST_P(ReportStoreTest, FiltersByOperatorIndicationSiteAndDates) {
  auto f = filter();
  f.primary_operator = domain::OperatorId{11};
  EXPECT_EQ(pass(f).total.cases, 3);
  EXPECT_EQ(pass(f).total.exited, 1);
  f = filter();
  f.indication = "myeloma";
  EXPECT_EQ(pass(f).total.cases, 2);
  EXPECT_EQ(pass(f).total.pain_yes, 2);
  f = filter();
  f.sites = {a_, b_, c_};
  EXPECT_EQ(pass(f).total.cases, 9);
  f.from = "2025-12-31";
  EXPECT_EQ(pass(f).total.cases, 10);
  // Nothing in range: zeros and no groups.
  f.from = "2001-01-01";
  f.to = "2001-12-31";
  const auto none = pass(f);
  EXPECT_EQ(none.total.cases, 0);
  EXPECT_EQ(none.total.leakage, 0);
  EXPECT_TRUE(none.groups.empty());
  EXPECT_TRUE(none.cases.empty());
  EXPECT_TRUE(none.survival.empty());
  EXPECT_TRUE(none.checks.empty());
}

TEST_P(ReportStoreTest, ListsSurvivalAndEachOperatorsCasesInOrder) {
  const auto all = pass(filter());
  const auto& survival = all.survival;  // by procedure date
  const auto& cases = all.cases;        // by operator, then procedure date
  ASSERT_EQ(survival.size(), 8u);
  EXPECT_EQ(survival[1].new_fracture_days, 20);  // episode 2, the second by date
  EXPECT_EQ(survival[5].new_fracture_days, 60);
  EXPECT_FALSE(survival[0].new_fracture_days.has_value());
  EXPECT_EQ(survival[0].followed_days, 365);
  ASSERT_EQ(cases.size(), 7u);  // episode 7 has no operator profile
  EXPECT_EQ(cases[0].primary_operator.value, 10);
  EXPECT_EQ(cases[0].leakage, true);
  EXPECT_FALSE(cases[2].leakage.has_value());
  EXPECT_EQ(cases[3].primary_operator.value, 11);
  EXPECT_TRUE(cases[3].leakage_intervention);
  EXPECT_EQ(cases[6].primary_operator.value, 12);
}

TEST_P(ReportStoreTest, TriggersMarkAnEpisodeStaleWhenItsRecordsChange) {
  EXPECT_TRUE(stale().empty()) << "writing the rows clears the marks";
  const auto e1 = episodes_[0], e2 = episodes_[1], e3 = episodes_[2], e4 = episodes_[3];
  auto db = raw();
  ASSERT_EQ(db->exec("INSERT INTO follow_up_visits (episode_id, time_point, visit_date, source, "
                     "data, version, updated_by, updated_at) VALUES (" +
                     e1.str() + ", '6 months', '2026-07-05', 'clinician', '{}', 1, 1, 'x')"),
            "");
  ASSERT_EQ(db->exec("INSERT INTO complications (episode_id, kind, event_date, device_involved, "
                     "data, version, created_by, created_at, updated_by, updated_at) VALUES (" +
                     e2.str() + ", 'paraplegia', '2026-01-21', 0, '{}', 1, 1, 'x', 1, 'x')"),
            "");
  ASSERT_EQ(db->exec("UPDATE episodes SET site_id = " + b_.str() + " WHERE id = " + e3.str()), "");
  ASSERT_EQ(db->exec("INSERT INTO episode_forms (episode_id, kind, data, version, updated_by, "
                     "updated_at) VALUES (" +
                     e4.str() + ", 'procedure', '{}', 1, 1, 'x')"),
            "");
  const auto marked = stale();
  ASSERT_EQ(marked.size(), 4u);
  EXPECT_EQ(marked[0], e1);
  EXPECT_EQ(marked[3], e4);

  // Dropping an episode's rows clears its mark; marking all marks each procedure.
  must(store().transact(store::TxMode::kWrite,
                        [&](store::Tx& tx) -> Status {
                          for (auto id : marked) {
                            if (auto s = tx.drop_report_episode(id); !s) return s;
                          }
                          return {};
                        }),
       "drop");
  EXPECT_TRUE(stale().empty());
  must(store().transact(store::TxMode::kWrite,
                        [&](store::Tx& tx) { return tx.mark_all_report_stale(); }),
       "mark all");
  EXPECT_EQ(stale(), std::vector<EpisodeId>{e4}) << "the only episode with a procedure form";
}

VERTEBRO_STORE_SUITE(ReportStoreTest);

}  // namespace
}  // namespace vertebro::store_test
