// Demonstration data: a fixed set of users and synthetic patients from the 999 test range,
// and never mixed into a database that holds real users.

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
  EXPECT_EQ(u.size(), 9u);
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
  EXPECT_GT(chain.checked, 9 + 50 + summary->episodes);
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
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM site_surgery_access WHERE access = "
                          "'arrangement' AND review_date < '2026-11-25'"),
            1);
  EXPECT_GE(db->query_int("SELECT COUNT(*) FROM mdt_cases WHERE decision = 'proceed'"), 4);
  const auto chain = must(app::verify_chain(ctx()), "verify_chain");
  EXPECT_TRUE(chain.ok) << chain.problem;
}

TEST_P(DemoDataTest, SecondRunAddsPatientsOnly) {
  ASSERT_TRUE(app::load_demo_data(ctx(), {10, 7}).ok());
  auto again = app::load_demo_data(ctx(), {5, 7});
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_FALSE(again->created_users);
  EXPECT_EQ(again->patients, 5);
  EXPECT_EQ(users().size(), 9u);
  const auto p = patients();
  EXPECT_EQ(p.size(), 15u);
  std::set<std::string> numbers;
  for (const auto& patient : p) numbers.insert(patient.details.nhs_number.digits());
  EXPECT_EQ(numbers.size(), 15u);
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
