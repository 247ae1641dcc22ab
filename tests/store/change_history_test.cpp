// The history of changes of a record costs the same however often the record was read: it is
// read from its own partial index (migration 0007), never through the record's access entries.

#include "store/sql_tx.h"
#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

class ChangeHistoryTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    open();
  }

  void append(const std::string& action) {
    must(store().transact(store::TxMode::kWrite,
                          [&](store::Tx& tx) -> Status {
                            domain::AuditEntry e;
                            e.at = ctx().now_text();
                            e.action = action;
                            e.record_type = "episode";
                            e.record_id = kEpisode;
                            e.detail = "{}";
                            auto a = tx.append_audit(e);
                            if (!a) return std::move(a).error();
                            return {};
                          }),
         action);
  }

  static constexpr std::int64_t kEpisode = 42;
};

TEST_P(ChangeHistoryTest, ManyReadsLeaveTheHistoryOfChangesAnIndexRange) {
  append("create");
  for (int i = 0; i < 150; ++i) append("read");
  append("update");
  for (int i = 0; i < 150; ++i) append("read");

  store::AuditQuery q;
  q.record_type = "episode";
  q.record_id = kEpisode;
  q.changes_only = true;
  q.limit = 100;
  std::vector<domain::AuditEntry> history;
  must(store().transact(store::TxMode::kRead,
                        [&](store::Tx& tx) -> Status {
                          auto r = tx.audit_for_record(q);
                          if (!r) return std::move(r).error();
                          history = std::move(*r);
                          return {};
                        }),
       "history");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].action, "update");
  EXPECT_EQ(history[1].action, "create");

  const auto db = raw();
  for (const std::int64_t before : {std::int64_t{0}, std::int64_t{200}}) {
    q.before_seq = before;
    const auto plan = db->query_plan(store::audit_for_record_sql(q));
    SCOPED_TRACE(plan);
    if (GetParam() == "sqlite") {
      // Only the partial index of changes: the 300 reads are not in it.
      EXPECT_NE(plan.find("USING INDEX audit_changes_by_record"), std::string::npos);
    }
    EXPECT_EQ(plan.find("SCAN audit_log"), std::string::npos);
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos);
    EXPECT_EQ(plan.find("Seq Scan on audit_log"), std::string::npos);
    EXPECT_EQ(plan.find("Sort"), std::string::npos);
  }
}

VERTEBRO_STORE_SUITE(ChangeHistoryTest);

}  // namespace
}  // namespace vertebro::store_test
