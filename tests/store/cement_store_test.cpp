// The cement catalogue and the lot register through their use cases, on every backend: IFU
// versions numbered per product and refused any change by the database itself; lots found by
// the scan's product code, one per code and lot; a recall made once and never rewritten; only
// the device safety officer or an administrator changes any of it (HTG3-1.2-CEMENT; hazards
// H-055, H-056, H-057). The clock is at 2026-11-25.

#include "app/cement.h"
#include "store_fixture.h"
#include "trace/udi.h"

namespace vertebro::store_test {
namespace {

class CementStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    site_ = insert_site("A");
    safety_ = insert_actor("safety", domain::Role::kSafety, {site_});
    surgeon_ = insert_actor("surgeon", domain::Role::kOperator, {site_});
  }

  static app::IfuInput ifu(const std::string& reference) {
    return {reference, "60", "120", "900", "18", "25", "Expel air before connecting",
            {"Mix for 60 seconds", "", "Wait 120 seconds", "Load and inject"}};
  }

  domain::CementProduct add_product() {
    return must(app::create_cement_product(ctx(), safety_,
                                           {"Test cement HV", "Maker Ltd", "ce", "high", "10.50",
                                            {"9506000134352"}, {"a123cem10"}, ifu("IFU-1 rev A")}),
                "create product");
  }

  SiteId site_;
  app::Actor safety_, surgeon_;
};

TEST_P(CementStoreTest, InstructionsAreVersionedAndNeverRewritten) {
  const auto p = add_product();
  EXPECT_EQ(p.gtins, std::vector<std::string>{"09506000134352"});  // kept as 14 digits
  EXPECT_EQ(p.hibc_codes, std::vector<std::string>{"A123CEM10"});
  EXPECT_EQ(p.pack_volume_ml, "10.5");
  EXPECT_EQ(last_audit_entry().record_type, "cement_product");

  auto v2 = must(app::add_ifu_version(ctx(), safety_, p.id, ifu("IFU-1 rev B")), "version 2");
  EXPECT_EQ(v2.version, 2);
  auto view = must(app::view_cement_product(ctx(), surgeon_, p.id), "view");
  ASSERT_EQ(view.ifu_versions.size(), 2u);
  EXPECT_EQ(view.ifu_versions[0].reference, "IFU-1 rev B");  // newest first
  EXPECT_EQ(view.ifu_versions[1].steps,
            (std::vector<std::string>{"Mix for 60 seconds", "Wait 120 seconds", "Load and inject"}));
  EXPECT_EQ(view.ifu_versions[1].temperature_max_c, 25);
  EXPECT_FALSE(view.may_manage);

  // An operator reads the instructions but cannot change them.
  auto denied = app::add_ifu_version(ctx(), surgeon_, p.id, ifu("IFU-1 rev C"));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, Errc::kForbidden);
  // A code already in the catalogue names its field; nothing is saved.
  auto again = app::create_cement_product(
      ctx(), safety_,
      {"Other", "Maker Ltd", "ce", "high", "10", {"09506000134352"}, {}, ifu("IFU-2")});
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(names_field(again.error(), "gtins"));

  auto db = raw();
  const std::string first = std::to_string(view.ifu_versions[1].id);
  EXPECT_NE(db->exec("UPDATE cement_ifu_versions SET waiting_seconds = 30 WHERE id = " + first), "");
  EXPECT_NE(db->exec("UPDATE cement_ifu_steps SET instruction = 'x' WHERE ifu_version_id = " +
                     first),
            "");
  EXPECT_NE(db->exec("DELETE FROM cement_ifu_steps WHERE ifu_version_id = " + first), "");
  EXPECT_NE(db->exec("DELETE FROM cement_ifu_versions WHERE id = " + first), "");
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM cement_products"), 1);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM cement_ifu_steps"), 6);
}

TEST_P(CementStoreTest, LotsComeFromTheScanAndAreRegisteredOnce) {
  const auto p = add_product();
  // A GS1 DataMatrix scan as a scanner types it: symbology identifier, GS after the lot.
  auto lot = must(app::register_cement_lot(
                      ctx(), safety_,
                      {"]d2010950600013435210AB12\x1d" "17270600", "", "", "", "", ""}),
                  "register");
  EXPECT_EQ(lot.product, p.id);
  EXPECT_EQ(lot.lot, "AB12");
  EXPECT_EQ(lot.expiry, "2027-06-30");  // DD=00: the month's last day
  EXPECT_EQ(domain::lot_status(lot, domain::Date::today(ctx().clock())),
            domain::LotStatus::kUsable);
  // A HIBC label of the same product finds it by its HIBC code.
  const std::string hibc_data = "+A123CEM100/$$3270630HB7";  // unit of measure 0
  const std::string hibc = hibc_data + trace::hibc_check_character(hibc_data);
  auto by_hibc = must(app::register_cement_lot(ctx(), safety_, {hibc, "", "", "", "", ""}),
                      "register hibc");
  EXPECT_EQ(by_hibc.product, p.id);
  EXPECT_EQ(by_hibc.scheme, "hibc");

  auto twice = app::register_cement_lot(ctx(), safety_,
                                        {"", "09506000134352", "", "AB12", "2027-06-30", ""});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, Errc::kDuplicate);
  EXPECT_EQ(twice.error().related_id, lot.id.value);

  // What was typed must agree with the scan; a bad scan names the scan and what is wrong.
  auto disagree = app::register_cement_lot(
      ctx(), safety_, {"(01)09506000134352(17)270600(10)CD34", "", "", "CD35", "", ""});
  ASSERT_FALSE(disagree.ok());
  EXPECT_TRUE(names_field(disagree.error(), "lot"));
  auto bad = app::register_cement_lot(ctx(), safety_,
                                      {"(01)09506000134353(17)270600(10)CD34", "", "", "", "", ""});
  ASSERT_FALSE(bad.ok());
  ASSERT_TRUE(names_field(bad.error(), "scan"));
  EXPECT_NE(bad.error().fields.front().message.find("check digit should be 2"), std::string::npos);
  auto unknown = app::register_cement_lot(
      ctx(), safety_, {"(01)09506000134369(17)270600(10)CD34", "", "", "", "", ""});
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(names_field(unknown.error(), "scan"));
  auto by_operator = app::register_cement_lot(
      ctx(), surgeon_, {"", "09506000134352", "", "EF56", "2027-06-30", ""});
  ASSERT_FALSE(by_operator.ok());
  EXPECT_EQ(by_operator.error().code, Errc::kForbidden);
  EXPECT_EQ(raw()->query_int("SELECT COUNT(*) FROM cement_lots"), 2);
}

TEST_P(CementStoreTest, ARecallIsMadeOnceAndNeverRewritten) {
  add_product();
  auto lot = must(app::register_cement_lot(ctx(), safety_,
                                           {"", "09506000134352", "", "AB12", "2027-06-30", ""}),
                  "register");
  auto future = app::recall_cement_lot(ctx(), safety_, lot.id, {"2026-11-26", "", ""});
  ASSERT_FALSE(future.ok());
  EXPECT_TRUE(names_field(future.error(), "recalled_on"));
  EXPECT_TRUE(names_field(future.error(), "reason"));

  auto recalled = must(app::recall_cement_lot(ctx(), safety_, lot.id,
                                              {"2026-11-20", "Under-filled ampoules", "FSN-1"}),
                       "recall");
  EXPECT_EQ(recalled.recalled_by_name, safety_.user.display_name);
  const auto on = [](const char* iso) { return *domain::Date::parse(iso, "d", "d"); };
  EXPECT_EQ(domain::lot_status(recalled, on("2026-11-19")), domain::LotStatus::kUsable);
  EXPECT_EQ(domain::lot_status(recalled, on("2026-11-20")), domain::LotStatus::kRecalled);
  EXPECT_EQ(last_audit_entry().record_type, "cement_lot");

  auto again = app::recall_cement_lot(ctx(), safety_, lot.id,
                                      {"2026-11-21", "Another reason", ""});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kConflict);

  auto db = raw();
  const std::string id = lot.id.str();
  EXPECT_NE(db->exec("UPDATE cement_lots SET recall_reason = 'other' WHERE id = " + id), "");
  EXPECT_NE(db->exec("UPDATE cement_lots SET recalled_on = '' WHERE id = " + id), "");
  EXPECT_NE(db->exec("DELETE FROM cement_lots WHERE id = " + id), "");
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM cement_lots WHERE recall_reason = "
                          "'Under-filled ampoules' AND lot = 'AB12'"),
            1);
}

VERTEBRO_STORE_SUITE(CementStoreTest);

}  // namespace
}  // namespace vertebro::store_test
