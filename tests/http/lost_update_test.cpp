// No lost updates under load (issue 13, point 7; hazard H-079). Several API clients, each on
// its own connection, race to save the same referral: in every round they all read the
// current version, then all send their change with that version in If-Match. Exactly one
// save succeeds per version, every other gets 412 and changes nothing, and the record's
// history (its "update" audit entries) has one entry per success, in version order. The pg.
// copy runs the same race against PostgreSQL (READ COMMITTED, several connections).

#include <atomic>
#include <barrier>
#include <map>
#include <thread>

#include "live_server.h"

namespace vertebro::http_test {
namespace {

class LostUpdateTest : public CoordinatorTest {};

struct Attempt {
  std::int64_t if_match = 0;
  int status = 0;
  std::int64_t new_version = 0;
  std::string clinician;
};

TEST_F(LostUpdateTest, RacingClientsGetOneSuccessPerVersionAndTheRest412) {
  const Json p = create_patient(s_, patient_json(site1_, next_nhs_number(), "Racing"));
  const Json e = create_episode(s_, p.value("id", 0), referral_json(site1_));
  const std::int64_t id = e.value("id", std::int64_t{0});
  const std::int64_t first_version = e.value("version", std::int64_t{0});
  const std::string path = "/api/v1/episodes/" + std::to_string(id);

  constexpr int kClients = 4;
  constexpr int kRounds = 15;
  std::barrier round(kClients);
  std::vector<std::vector<Attempt>> attempts(kClients);
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      auto c = client();
      for (int r = 0; r < kRounds; ++r) {
        Attempt a;
        // Everyone reads the version, then everyone saves with it.
        round.arrive_and_wait();
        auto got = c->Get(path, bearer(s_.token));
        if (got && got->status == 200) a.if_match = json_of(*got).value("version", std::int64_t{0});
        round.arrive_and_wait();
        a.clinician = "Dr Race " + std::to_string(t) + "-" + std::to_string(r);
        httplib::Headers h = bearer(s_.token);
        h.emplace("If-Match", "\"" + std::to_string(a.if_match) + "\"");
        auto put = c->Put(path + "/referral", h, referral_json(site1_, a.clinician).dump(),
                          "application/json");
        a.status = put ? put->status : 0;
        if (put && put->status == 200) a.new_version = json_of(*put).value("version", std::int64_t{0});
        attempts[static_cast<std::size_t>(t)].push_back(a);
      }
    });
  }
  for (auto& c : clients) c.join();

  std::map<std::int64_t, Attempt> wins;  // by the version each success replaced
  int conflicts = 0;
  for (const auto& list : attempts) {
    for (const auto& a : list) {
      ASSERT_TRUE(a.status == 200 || a.status == 412) << "status " << a.status;
      if (a.status == 412) {
        ++conflicts;
        continue;
      }
      EXPECT_EQ(a.new_version, a.if_match + 1);
      EXPECT_TRUE(wins.emplace(a.if_match, a).second)
          << "two saves succeeded with If-Match " << a.if_match;
    }
  }
  // All clients read the same version in a round, so each round has one winner.
  EXPECT_EQ(static_cast<int>(wins.size()), kRounds);
  EXPECT_EQ(conflicts, kRounds * (kClients - 1));
  // The successes form one unbroken line of versions.
  std::int64_t expected = first_version;
  for (const auto& [v, a] : wins) EXPECT_EQ(v, expected++);

  const auto stored = server().episode(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->version, first_version + static_cast<std::int64_t>(wins.size()));
  EXPECT_EQ(stored->referral.referring_clinician, wins.rbegin()->second.clinician);

  // The history: one "update" entry per success, carrying the versions in order.
  std::vector<std::int64_t> history;
  for (const auto& entry : server().audit_all()) {
    if (entry.action == "update" && entry.record_type == "episode" && entry.record_id == id) {
      history.push_back(Json::parse(entry.detail).value("version", std::int64_t{0}));
    }
  }
  ASSERT_EQ(history.size(), wins.size());
  for (std::size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i], first_version + static_cast<std::int64_t>(i) + 1);
  }
}

}  // namespace
}  // namespace vertebro::http_test
