// Two vertebro instances on one PostgreSQL database (issue: several stateless instances).
// Each instance has its own Store (connection pool), Context and HTTP server; they share
// nothing but the database, as two processes behind a load balancer would.

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "app/audit_verify.h"
#include "app/demo_data.h"
#include "base/crypto.h"
#include "base/log.h"
#include "support/test_nhs_numbers.h"
#include "http/server.h"
#include "store/store.h"
#include "support/pg_schema.h"

namespace vertebro {
namespace {

using Json = nlohmann::json;

struct Instance {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<app::Context> ctx;
  std::unique_ptr<http::Server> server;
  std::thread thread;
  int port = 0;

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
    c->set_read_timeout(30, 0);
    c->set_write_timeout(30, 0);
    return c;
  }
  ~Instance() {
    if (server) server->stop();
    if (thread.joinable()) thread.join();
  }
};

// 999-range NHS numbers well above those the demonstration data uses.
std::string nhs_number(int index) {
  return test_support::test_nhs_number(index, 500000);
}

class MultiInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::init());
    crypto::set_password_cost(crypto::PasswordCost::kTestOnlyMinimum);  // many sign-ins
    log::configure("", "warn");
    schema_ = std::make_unique<test_support::PgSchema>();
    for (auto* inst : {&a_, &b_}) {
      auto s = store::open_store(schema_->target(), {});
      ASSERT_TRUE(s) << s.error().message;
      inst->store = std::move(*s);
      inst->ctx = std::make_unique<app::Context>(*inst->store, clock_);
    }
    auto demo = app::load_demo_data(*a_.ctx, {10, 1});
    ASSERT_TRUE(demo) << demo.error().message;
    for (auto* inst : {&a_, &b_}) {
      http::ServerOptions options;
      options.threads = 8;
      inst->server = std::make_unique<http::Server>(*inst->ctx, options);
      auto port = inst->server->bind("127.0.0.1", 0);
      ASSERT_TRUE(port);
      inst->port = *port;
      http::Server* server = inst->server.get();
      inst->thread = std::thread([server] { server->run(); });
      for (int i = 0; i < 1000 && !server->running(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      ASSERT_TRUE(server->running());
    }
  }

  std::string sign_in(const Instance& inst, const std::string& user) {
    auto r = inst.client()->Post("/api/v1/session",
                                 Json{{"username", user}, {"password", "vertebro-demo"}}.dump(),
                                 "application/json");
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 201) << r->body;
    return Json::parse(r->body, nullptr, false).value("token", "");
  }

  static httplib::Headers bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  SystemClock clock_;
  std::unique_ptr<test_support::PgSchema> schema_;
  Instance a_, b_;
};

TEST_F(MultiInstanceTest, SessionMadeOnOneIsValidOnTheOtherAndSignOutEndsItOnBoth) {
  const std::string token = sign_in(a_, "coordinator");
  ASSERT_FALSE(token.empty());
  auto on_b = b_.client()->Get("/api/v1/episodes", bearer(token));
  ASSERT_TRUE(on_b);
  EXPECT_EQ(on_b->status, 200) << on_b->body;

  auto out = b_.client()->Delete("/api/v1/session", bearer(token));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  for (const Instance* inst : {&a_, &b_}) {
    auto after = inst->client()->Get("/api/v1/episodes", bearer(token));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 401) << "instance on port " << inst->port;
  }
}

TEST_F(MultiInstanceTest, TwoClinicsSavingTheSameReferralGetOneSuccessAndOneConflict) {
  const std::string ta = sign_in(a_, "coordinator");
  const std::string tb = sign_in(b_, "surgeon");
  auto list = a_.client()->Get("/api/v1/episodes?site=1", bearer(ta));
  ASSERT_TRUE(list);
  const Json items = Json::parse(list->body)["items"];
  ASSERT_FALSE(items.empty());
  const std::string id = std::to_string(items[0]["id"].get<std::int64_t>());
  auto current = a_.client()->Get("/api/v1/episodes/" + id, bearer(ta));
  ASSERT_TRUE(current);
  const std::string etag = current->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());

  auto body = [](const std::string& clinician) {
    return Json{{"site_id", "1"},          {"referring_clinician", clinician},
                {"referral_date", "2026-11-01"}, {"indication", "osteoporotic"},
                {"levels", "L1"},          {"reason", "Saved from two instances at once"}}
        .dump();
  };
  std::atomic<int> ok{0}, conflict{0}, other{0};
  auto save = [&](const Instance& inst, const std::string& token, const std::string& who) {
    httplib::Headers h = bearer(token);
    h.emplace("If-Match", etag);
    auto r = inst.client()->Put("/api/v1/episodes/" + id + "/referral", h, body(who),
                                "application/json");
    if (r && r->status == 200) {
      ++ok;
    } else if (r && r->status == 412) {
      ++conflict;
    } else {
      ++other;
    }
  };
  std::thread t1([&] { save(a_, ta, "Dr Instance A"); });
  std::thread t2([&] { save(b_, tb, "Dr Instance B"); });
  t1.join();
  t2.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(MultiInstanceTest, ConcurrentBurstFromBothLeavesOneGaplessChain) {
  const std::string ta = sign_in(a_, "coordinator");
  const std::string tb = sign_in(b_, "coordinator");
  auto head_before = app::verify_chain(*a_.ctx);
  ASSERT_TRUE(head_before && head_before->ok);
  constexpr int kPerInstance = 500;
  std::atomic<int> created{0};
  auto burst = [&](const Instance& inst, const std::string& token, int offset) {
    auto client = inst.client();
    for (int i = 0; i < kPerInstance; ++i) {
      Json p = {{"site_id", "1"},          {"nhs_number", nhs_number(offset + i)},
                {"family_name", "Burst"},  {"given_name", "Bea"},
                {"date_of_birth", "1944-04-04"}, {"sex", "female"}};
      auto r = client->Post("/api/v1/patients", bearer(token), p.dump(), "application/json");
      if (r && r->status == 201) ++created;
    }
  };
  std::thread t1([&] { burst(a_, ta, 0); });
  std::thread t2([&] { burst(b_, tb, kPerInstance); });
  t1.join();
  t2.join();
  EXPECT_EQ(created.load(), 2 * kPerInstance);

  auto report = app::verify_chain(*b_.ctx);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->ok) << "broken at " << report->bad_seq << ": " << report->problem;
  // Every registration wrote exactly one entry, in one gapless sequence.
  EXPECT_EQ(report->checked, head_before->checked + 2 * kPerInstance);
}

}  // namespace
}  // namespace vertebro
