// Migrations: an empty database is brought to the latest schema, reopening changes nothing, and
// a database written by a newer vertebro is refused rather than misread.

#include <string_view>
#include <utility>

#include "app/users.h"
#include "store_fixture.h"

namespace vertebro::embedded::migrations {
const std::vector<std::pair<std::string_view, std::string_view>>& files();
}

namespace vertebro::store_test {
namespace {

class MigrationTest : public StoreTest {
 protected:
  // How many migrations the binary carries for this backend. Their numbers may have gaps (a
  // number is reserved for work not merged yet), so this is not the latest version.
  std::int64_t migration_count() const {
    std::int64_t n = 0;
    for (const auto& [name, sql] : embedded::migrations::files()) {
      if (name.substr(0, GetParam().size() + 1) == GetParam() + "/") ++n;
    }
    return n;
  }
};

TEST_P(MigrationTest, EmptyDatabaseReachesLatestSchema) {
  EXPECT_GE(store::latest_schema_version(), 1);
  EXPECT_EQ(store().schema_version(), store::latest_schema_version());
  auto db = raw();
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM schema_migrations"), migration_count());
  EXPECT_EQ(db->query_int("SELECT MAX(version) FROM schema_migrations"),
            store::latest_schema_version());
  // The audit chain starts empty at the genesis hash.
  EXPECT_EQ(audit_head(), std::make_pair(std::int64_t{0}, domain::kGenesisHash));
}

TEST_P(MigrationTest, ReopeningIsIdempotentAndKeepsData) {
  const SiteId site = must(app::add_site(ctx(), app::system_actor("test"), "RX1", "Site one"), "add_site");
  const auto patient = insert_patient(site, 0);
  const auto head = audit_head();
  ASSERT_EQ(head.first, 1);
  for (int i = 0; i < 3; ++i) {
    close();
    open();
    EXPECT_EQ(store().schema_version(), store::latest_schema_version());
  }
  EXPECT_EQ(raw()->query_int("SELECT COUNT(*) FROM schema_migrations"), migration_count());
  EXPECT_EQ(audit_head(), head);
  must(store().transact(store::TxMode::kRead,
                        [&](store::Tx& tx) -> Status {
                          auto p = tx.find_patient(patient.id);
                          EXPECT_TRUE(p.ok() && p->has_value()) << describe(p);
                          auto sites = tx.list_sites();
                          EXPECT_TRUE(sites.ok() && sites->size() == 1) << describe(sites);
                          return {};
                        }),
       "read");
}

TEST_P(MigrationTest, RefusesDatabaseFromNewerVersion) {
  close();
  ASSERT_EQ(raw()->exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, "
                        "'2030-01-01T00:00:00Z')"),
            "");
  auto s = store::open_store(target(), {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kSchemaTooNew) << describe(s.error());
  // Refusing does not touch the file.
  EXPECT_EQ(raw()->query_int("SELECT MAX(version) FROM schema_migrations"), 999);
}

// open_store's contract: kSchemaTooNew whenever the database is newer than this binary, whether
// or not it is asked to migrate.
TEST_P(MigrationTest, RefusesDatabaseFromNewerVersionWithoutMigrating) {
  close();
  ASSERT_EQ(raw()->exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, "
                        "'2030-01-01T00:00:00Z')"),
            "");
  store::OpenOptions options;
  options.migrate = false;
  auto s = store::open_store(target(), options);
  ASSERT_FALSE(s.ok()) << "opened a schema-999 database with schema_version() = "
                       << (*s)->schema_version();
  EXPECT_EQ(s.error().code, Errc::kSchemaTooNew) << describe(s.error());
}

VERTEBRO_STORE_SUITE(MigrationTest);

}  // namespace
}  // namespace vertebro::store_test
