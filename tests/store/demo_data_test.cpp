// Demonstration data: a fixed set of users and synthetic patients from the 999 test range,
// and never mixed into a database that holds real users.

#include <map>
#include <set>

#include "app/audit_verify.h"
#include "app/demo_data.h"
#include "app/demo_pathway.h"
#include "app/users.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

class DemoDataTest : public StoreTest {
 protected:
  // Every patient, found by id (ids start at 1 and the demo data deletes nothing).
  std::vector<store::PatientRecord> patients() {
    std::vector<store::PatientRecord> out;
    must(store().transact(store::TxMode::kRead,
                          [&](store::Tx& tx) -> Status {
                            for (std::int64_t id = 1, misses = 0; misses < 20; ++id) {
                              auto p = tx.find_patient(PatientId{id});
                              if (!p) return std::move(p).error();
                              if (p->has_value()) {
                                out.push_back(std::move(**p));
                                misses = 0;
                              } else {
                                ++misses;
                              }
                            }
                            return {};
                          }),
         "find_patient");
    return out;
  }

  std::vector<domain::User> users() {
    std::vector<domain::User> out;
    must(store().transact(store::TxMode::kRead,
                          [&](store::Tx& tx) -> Status {
                            auto u = tx.list_users();
                            if (!u) return std::move(u).error();
                            out = std::move(*u);
                            return {};
                          }),
         "list_users");
    return out;
  }
};

TEST_P(DemoDataTest, FillsEmptyDatabase) {
  auto summary = app::load_demo_data(ctx(), {50, 7});
  ASSERT_TRUE(summary.ok()) << describe(summary);
  EXPECT_EQ(summary->patients, 50);
  EXPECT_TRUE(summary->created_users);
  EXPECT_GE(summary->episodes, 50);

  const auto u = users();
  EXPECT_EQ(u.size(), 10u);
  std::set<domain::Role> roles;
  for (const auto& user : u) roles.insert(user.role);
  EXPECT_EQ(roles.size(), domain::all_roles().size());

  const auto p = patients();
  ASSERT_EQ(p.size(), 50u);
  std::set<std::string> numbers;
  for (const auto& patient : p) {
    EXPECT_TRUE(patient.details.nhs_number.is_test_number())
        << patient.details.nhs_number.digits();
    EXPECT_EQ(patient.details.nhs_number.digits().substr(0, 3), "999");
    numbers.insert(patient.details.nhs_number.digits());
  }
  EXPECT_EQ(numbers.size(), 50u);

  EXPECT_TRUE(must(app::is_demo_database(ctx()), "is_demo_database"));
  const auto chain = must(app::verify_chain(ctx()), "verify_chain");
  EXPECT_TRUE(chain.ok) << chain.problem;
  // At least one entry per user, patient and episode; the demonstration pathway adds its
  // forms, meetings and transitions.
  EXPECT_GT(chain.checked, 10 + 50 + summary->episodes);
}

// The demonstration pathway gives every state but "closed" an example, taken there through the
// use cases: with overrides, a blocked gate and a site whose surgery arrangement has lapsed.
TEST_P(DemoDataTest, PathwayHasAnExampleInEveryStateWithOverrides) {
  ASSERT_TRUE(app::load_demo_data(ctx(), {app::kDemoPathwayPatients, 7}).ok());
  auto db = raw();
  for (auto s : domain::all_states()) {
    if (s == domain::PathwayState::kClosed) continue;  // closing follows follow-up (later work)
    EXPECT_GE(db->query_int("SELECT COUNT(*) FROM episodes WHERE state = '" +
                            std::string(domain::state_name(s)) + "'"),
              1)
        << domain::state_name(s);
  }
  EXPECT_GE(db->query_int("SELECT COUNT(*) FROM transitions WHERE blocked = 1 "
                          "AND override_reason <> ''"),
            2);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM episodes WHERE state = 'follow_up'"), 10);
  // The trainee's six supervised procedures, five with a leak: his learning curve signalled at
  // the sixth, under the default design, and waits for review (docs/training.md).
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM procedure_operators p JOIN operators o ON "
                          "o.id = p.operator_id JOIN users u ON u.id = o.user_id WHERE "
                          "u.username = 'trainee' AND p.role = 'primary' AND p.supervised = 1"),
            6);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM learning_curve_signals WHERE case_number = 6 "
                          "AND design = 'leakage p0=0.27 p1=0.54 h=3' AND reviewed_at = ''"),
            1);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM site_surgery_access WHERE access = "
                          "'arrangement' AND review_date < '2026-11-25'"),
            1);
  EXPECT_GE(db->query_int("SELECT COUNT(*) FROM mdt_cases WHERE decision = 'proceed'"), 4);
  // Follow-up visits through the year (docs/pathway.md): every episode treated more than a day
  // ago has some, a few time points are missed, one 6-month visit found a new fracture.
  EXPECT_GE(db->query_int("SELECT COUNT(*) FROM follow_up_visits"), 30);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM follow_up_visits WHERE visit_date >= "
                          "'2026-11-25' OR updated_at >= '2026-11-25'"),
            0);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM follow_up_visits WHERE time_point = '6 months' "
                          "AND data LIKE '%new_fracture_levels%'"),
            1);
  // Some answered by the patients themselves, through a one-time link used once.
  EXPECT_GE(db->query_int("SELECT COUNT(*) FROM follow_up_visits WHERE source = 'patient'"), 3);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM follow_up_links WHERE used_at <> ''"),
            db->query_int("SELECT COUNT(*) FROM follow_up_visits WHERE source = 'patient'"));
  EXPECT_GE(db->query_int("SELECT COUNT(*) FROM follow_up_visits WHERE data LIKE "
                          "'%\"satisfaction\":\"dissatisfied\"%' OR data LIKE "
                          "'%\"satisfaction\":\"neutral\"%'"),
            1);
  const auto chain = must(app::verify_chain(ctx()), "verify_chain");
  EXPECT_TRUE(chain.ok) << chain.problem;
}

// Issue 14, point 6: the demonstration data have a past. Moves, forms, meetings and decisions
// are dated through the past year at working-day times, in time order in the audit trail; the
// worklist shows real days in each state; with the default settings overrides are the exception.
TEST_P(DemoDataTest, PathwayIsDatedThroughThePastYear) {
  ASSERT_TRUE(app::load_demo_data(ctx(), {40, 7}).ok());
  auto db = raw();
  const std::string now = ctx().now_text();  // 2026-11-25T10:00:00Z
  // Moves from eleven months ago to the last few days, on many different days, none today.
  EXPECT_GE(db->query_int("SELECT COUNT(*) FROM transitions WHERE at < '2026-01-01'"), 3);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM transitions WHERE at >= '2026-11-25'"), 0);
  EXPECT_GE(db->query_int("SELECT COUNT(DISTINCT substr(at, 1, 10)) FROM transitions"), 25);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM transitions WHERE substr(at, 12, 2) < '08' OR "
                          "substr(at, 12, 2) > '17'"),
            0);
  // Every episode, the random ones too, has waited in its state since an earlier day.
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM episodes WHERE state_changed_at >= '2026-11-25'"),
            0);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM episode_forms WHERE updated_at >= '2026-11-25'"),
            0);
  // Decisions are recorded on the day of their meeting; meetings were scheduled before it.
  EXPECT_GE(db->query_int("SELECT COUNT(*) FROM mdt_cases WHERE decision <> ''"), 9);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM mdt_cases c JOIN mdt_meetings m ON m.id = "
                          "c.meeting_id WHERE c.decision <> '' AND substr(c.decided_at, 1, 10) <> "
                          "m.meeting_date"),
            0);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM mdt_meetings WHERE substr(created_at, 1, 10) >= "
                          "meeting_date"),
            0);
  // Three overrides among the gated moves, each with a clinical reason; one step back; the
  // procedures recorded were checked at their own date.
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM transitions WHERE override_reason <> ''"), 3);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM transitions WHERE override_reason <> '' AND "
                          "length(override_reason) < 100"),
            0);
  EXPECT_GE(db->query_int("SELECT COUNT(*) FROM transitions WHERE gate <> ''"), 30);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM transitions WHERE step_back_reason <> ''"), 1);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM transitions WHERE gate = 'procedure_recorded' "
                          "AND procedure_date = substr(at, 1, 10)"),
            10);
  // The audit trail is in time order.
  std::string previous;
  for (const auto& e : audit_entries()) {
    EXPECT_LE(previous, e.at) << e.seq << " " << e.action;
    EXPECT_LE(e.at, now);
    previous = e.at;
  }
}

TEST_P(DemoDataTest, SecondRunAddsPatientsOnly) {
  ASSERT_TRUE(app::load_demo_data(ctx(), {10, 7}).ok());
  auto again = app::load_demo_data(ctx(), {5, 7});
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_FALSE(again->created_users);
  EXPECT_EQ(again->patients, 5);
  EXPECT_EQ(users().size(), 10u);
  const auto p = patients();
  EXPECT_EQ(p.size(), 15u);
  std::set<std::string> numbers;
  for (const auto& patient : p) numbers.insert(patient.details.nhs_number.digits());
  EXPECT_EQ(numbers.size(), 15u);
}

// A number of episodes asked for is made exactly, the patients sharing the re-referrals evenly
// (bench/run full reaches a million episodes from the test range's 900,000 numbers this way).
TEST_P(DemoDataTest, EpisodesAskedForAreMadeWithReReferralsSharedEvenly) {
  // The demonstration pathway's patients have one episode each; the other 37 share the rest.
  constexpr std::int64_t kAsked = 23 + 33 * 2 + 4 * 3;  // 33 referred twice, 4 three times
  auto summary = app::load_demo_data(ctx(), {.patients = 60, .seed = 7, .episodes = kAsked});
  ASSERT_TRUE(summary.ok()) << describe(summary);
  EXPECT_EQ(summary->patients, 60);
  EXPECT_EQ(summary->episodes, kAsked);
  std::int64_t total = 0;
  std::map<std::size_t, int> patients_with;  // episodes -> patients
  must(store().transact(store::TxMode::kRead,
                        [&](store::Tx& tx) -> Status {
                          for (const auto& p : patients()) {
                            auto e = tx.patient_episodes(p.id);
                            if (!e) return std::move(e).error();
                            total += static_cast<std::int64_t>(e->size());
                            ++patients_with[e->size()];
                          }
                          return {};
                        }),
       "patient_episodes");
  EXPECT_EQ(total, kAsked);
  static_assert(app::kDemoPathwayPatients == 60 - 37);
  EXPECT_EQ(patients_with, (std::map<std::size_t, int>{{1, 23}, {2, 33}, {3, 4}}));
  const auto chain = must(app::verify_chain(ctx()), "verify_chain");
  EXPECT_TRUE(chain.ok) << chain.problem;
}

TEST_P(DemoDataTest, RefusesEpisodesFewerThanPatientsOrMoreThanFiveEach) {
  for (std::int64_t n : {std::int64_t{59}, std::int64_t{301}, std::int64_t{-1}}) {
    auto r = app::load_demo_data(ctx(), {.patients = 60, .seed = 7, .episodes = n});
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, Errc::kInvalid);
    ASSERT_FALSE(r.error().fields.empty());
    EXPECT_EQ(r.error().fields.front().field, "episodes");
  }
  EXPECT_TRUE(users().empty());
  EXPECT_TRUE(patients().empty());
}

TEST_P(DemoDataTest, RefusesDatabaseWithRealUsers) {
  const auto system = app::system_actor("test");
  must(app::add_site(ctx(), system, "RH1", "Real Hospital"), "add_site");
  must(app::add_user(ctx(), system,
                     {"rita", "Rita Real", "operator", "", "a real long password", {"RH1"}}),
       "add_user");
  const auto head = audit_head();
  auto r = app::load_demo_data(ctx(), {50, 7});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalid) << describe(r);
  EXPECT_FALSE(must(app::is_demo_database(ctx()), "is_demo_database"));
  EXPECT_TRUE(patients().empty());
  EXPECT_EQ(users().size(), 1u);
  EXPECT_EQ(audit_head(), head);
}

TEST_P(DemoDataTest, RefusesPatientCountOutOfRange) {
  for (std::int64_t n : {std::int64_t{-1}, app::kMaxDemoPatients + 1}) {
    auto r = app::load_demo_data(ctx(), {n, 7});
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, Errc::kInvalid);
  }
  EXPECT_TRUE(users().empty());
}

VERTEBRO_STORE_SUITE(DemoDataTest);

}  // namespace
}  // namespace vertebro::store_test
