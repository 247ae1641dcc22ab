// vertebro refuses a PostgreSQL server that can lose acknowledged writes (hazard H-009).
// It turns fsync off on the shared test cluster for a moment, so ctest runs it alone
// (RUN_SERIAL) and it restores the setting however it ends.

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "store/store.h"
#include "support/pg_schema.h"

namespace vertebro {
namespace {

std::string exec(const std::string& uri, const std::string& sql) {
  PGconn* c = PQconnectdb(uri.c_str());
  std::string out;
  PGresult* r = PQexec(c, sql.c_str());
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
    out = std::string("error: ") + PQresultErrorMessage(r);
  }
  PQclear(r);
  PQfinish(c);
  return out;
}

// Sets a server setting with ALTER SYSTEM and waits until new sessions see it.
void set_system(const std::string& uri, const std::string& name, const std::string& value) {
  const std::string sql = value.empty() ? "ALTER SYSTEM RESET " + name
                                        : "ALTER SYSTEM SET " + name + " = " + value;
  ASSERT_EQ(exec(uri, sql), "");
  exec(uri, "SELECT pg_reload_conf()");
  const std::string want = value.empty() ? "on" : value;
  for (int i = 0; i < 200 && exec(uri, "SHOW " + name) != want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(exec(uri, "SHOW " + name), want);
}

class DurabilityTest : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override { set_system(uri_, GetParam(), ""); }
  std::string uri_ = test_support::test_cluster_uri(std::getenv("VERTEBRO_TEST_PG"));
};

TEST_P(DurabilityTest, RefusesToStartWhenTheSettingIsOff) {
  test_support::PgSchema schema(uri_);
  auto healthy = store::open_store(schema.target(), {});
  ASSERT_TRUE(healthy) << healthy.error().message;
  healthy->reset();

  set_system(uri_, GetParam(), "off");
  auto refused = store::open_store(schema.target(), {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kInternal);
  EXPECT_NE(refused.error().message.find(GetParam()), std::string::npos) << refused.error().message;
}

INSTANTIATE_TEST_SUITE_P(Settings, DurabilityTest,
                         ::testing::Values("fsync", "full_page_writes"));

}  // namespace
}  // namespace vertebro
