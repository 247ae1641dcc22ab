// Yellow Card reports' rules (app/yellow_card.h): the route by nation, the answers a draft may
// leave out and a sent report may not, the status moves, the order of the dates, and the
// warnings of a discarded or unmarked device.
#include <gtest/gtest.h>

#include "app/yellow_card.h"

namespace vertebro::app::yellow_card_test {
namespace {

using nlohmann::json;

domain::Date day(const char* iso) { return *domain::Date::parse(iso, "d", "d"); }

YellowCardContext context(const std::string& current = "") {
  return {day("2026-11-25"), day("2026-11-20"), current};
}

json complete(const std::string& status) {
  json doc = {{"status", status},
              {"reporter_name", "Sol Safety"},
              {"reporter_role", "Medical device safety officer"},
              {"reporter_contact", "01234 567890"},
              {"organisation", "Northgate General Hospital"},
              {"nation", "wales"},
              {"device_type", "cement"},
              {"device_name", "PMMA cement"},
              {"manufacturer", "Medical Ltd"},
              {"marking", "ce_ukca"},
              {"device_location", "kept_by_unit"},
              {"incident_date", "2026-11-20"},
              {"awareness_date", "2026-11-21"},
              {"location", "Radiology"},
              {"description", "Cement leak"},
              {"patient_outcome", "Recovering"}};
  if (status != "draft") {
    doc["regulator_reference"] = "REF-1";
    doc["submitted_on"] = "2026-11-22";
  }
  return doc;
}

// The fields named by the errors of validating `doc`, or {} when it is valid.
std::vector<std::string> error_fields(const json& doc, const YellowCardContext& c) {
  auto r = validate_yellow_card(doc, c);
  std::vector<std::string> out;
  if (r) return out;
  for (const auto& f : r.error().fields) out.push_back(f.field);
  return out;
}

using Fields = std::vector<std::string>;

TEST(YellowCardRouteTest, FollowsTheNation) {
  EXPECT_EQ(yellow_card_route("england"), "MHRA Yellow Card scheme (England and Wales)");
  EXPECT_EQ(yellow_card_route("wales"), "MHRA Yellow Card scheme (England and Wales)");
  EXPECT_NE(yellow_card_route("scotland").find("Health Facilities Scotland"), std::string::npos);
  EXPECT_NE(yellow_card_route("northern_ireland").find("NIAIC"), std::string::npos);
  EXPECT_EQ(yellow_card_route("france"), "");
}

TEST(YellowCardValidationTest, ADraftNeedsOnlyTheDeviceAndTheIncidentDate) {
  const json draft = {{"status", "draft"},
                      {"device_type", "needle"},
                      {"device_name", "Bone access needle"},
                      {"manufacturer", "Medical Ltd"},
                      {"incident_date", "2026-11-20"}};
  EXPECT_EQ(error_fields(draft, context()), Fields{});
  EXPECT_EQ(error_fields({{"status", "draft"}, {"incident_date", "2026-11-20"}}, context()),
            (Fields{"device_type", "device_name", "manufacturer"}));
  EXPECT_EQ(error_fields(complete("draft"), context()), Fields{});
}

TEST(YellowCardValidationTest, ASubmittedReportNeedsEveryAnswerAndTheReference) {
  EXPECT_EQ(error_fields(complete("submitted"), context("draft")), Fields{});
  json bare = complete("submitted");
  for (const char* key : {"reporter_contact", "nation", "marking", "device_location",
                          "awareness_date", "patient_outcome", "regulator_reference",
                          "submitted_on"}) {
    bare.erase(key);
  }
  EXPECT_EQ(error_fields(bare, context("draft")),
            (Fields{"reporter_contact", "nation", "marking", "device_location", "awareness_date",
                    "patient_outcome", "regulator_reference", "submitted_on"}));
  // A reference on a draft is a contradiction.
  json draft = complete("draft");
  draft["regulator_reference"] = "REF-1";
  EXPECT_EQ(error_fields(draft, context()), Fields{"status"});
}

TEST(YellowCardValidationTest, StatusMovesForwardOnly) {
  EXPECT_EQ(error_fields(complete("draft"), context("submitted")), Fields{"status"});
  json closed = complete("closed");
  closed["closed_on"] = "2026-11-23";
  EXPECT_EQ(error_fields(closed, context("submitted")), Fields{});
  closed.erase("closed_on");
  EXPECT_EQ(error_fields(closed, context("submitted")), Fields{"closed_on"});
  json closing_draft = complete("draft");
  closing_draft["closed_on"] = "2026-11-23";
  EXPECT_EQ(error_fields(closing_draft, context("draft")), Fields{"status"});
}

TEST(YellowCardValidationTest, ADraftClosedUnsentSaysWhy) {
  json unsent = complete("draft");
  unsent["status"] = "closed";
  unsent["closed_on"] = "2026-11-23";
  EXPECT_EQ(error_fields(unsent, context("draft")), Fields{"closing_note"});
  unsent["closing_note"] = "Expected risk of the procedure; no device fault";
  EXPECT_EQ(error_fields(unsent, context("draft")), Fields{});
  // With a reference, the date it was submitted is needed too.
  unsent["regulator_reference"] = "REF-1";
  EXPECT_EQ(error_fields(unsent, context("draft")), Fields{"submitted_on"});
}

TEST(YellowCardValidationTest, DatesRunFromTheProcedureToToday) {
  struct Case {
    const char* incident;
    const char* aware;
    const char* submitted;
    Fields errors;
  };
  const Case cases[] = {
      {"2026-11-20", "2026-11-20", "2026-11-20", {}},            // all on the procedure day
      {"2026-11-19", "2026-11-21", "2026-11-22", {"incident_date"}},  // before the procedure
      {"2026-11-26", "2026-11-21", "2026-11-22", {"incident_date"}},  // tomorrow
      {"2026-11-21", "2026-11-20", "2026-11-22", {"awareness_date"}},  // aware before it
      {"2026-11-20", "2026-11-22", "2026-11-21", {"submitted_on"}},  // sent before aware
      {"2026-11-20", "2026-11-25", "2026-11-26", {"submitted_on"}},  // sent tomorrow
  };
  for (const auto& c : cases) {
    json doc = complete("submitted");
    doc["incident_date"] = c.incident;
    doc["awareness_date"] = c.aware;
    doc["submitted_on"] = c.submitted;
    EXPECT_EQ(error_fields(doc, context("draft")), c.errors)
        << c.incident << " " << c.aware << " " << c.submitted;
  }
}

TEST(YellowCardValidationTest, WarnsOfADiscardedOrUnmarkedDevice) {
  json doc = complete("draft");
  auto plain = validate_yellow_card(doc, context());
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->warnings.empty());
  doc["device_location"] = "discarded";
  doc["marking"] = "none";
  auto warned = validate_yellow_card(doc, context());
  ASSERT_TRUE(warned.ok());
  EXPECT_EQ(warned->warnings.size(), 2u);
}

TEST(YellowCardValidationTest, RefusesUnknownKeysAndBadChoices) {
  json doc = complete("draft");
  doc["nhs_number"] = "9434765919";
  doc["nation"] = "france";
  doc["device_type"] = "none";
  EXPECT_EQ(error_fields(doc, context()), (Fields{"nhs_number", "nation", "device_type"}));
  EXPECT_EQ(error_fields(json::array(), context()), Fields{"body"});
}

TEST(YellowCardExportTest, ListsTheAnswersAsLabelsWithTheAgeAndSex) {
  YellowCardReport r;
  r.id = 7;
  r.status = "submitted";
  r.document = complete("submitted");
  r.document["patient_age"] = 81;
  r.document["patient_sex"] = "Female";
  r.document["route"] = yellow_card_route("wales");
  const auto fields = yellow_card_export_fields(r);
  auto value = [&](const std::string& key) {
    for (const auto& f : fields) {
      if (f.key == key) return f.value;
    }
    return std::string("(absent)");
  };
  EXPECT_EQ(value("report_id"), "7");
  EXPECT_EQ(value("status"), "Submitted to the regulator");
  EXPECT_EQ(value("device_type"), "The bone cement");
  EXPECT_EQ(value("device_location"), "Kept by the unit (quarantined)");
  EXPECT_EQ(value("patient_age"), "81");
  EXPECT_EQ(value("patient_sex"), "Female");
  EXPECT_EQ(value("model"), "");
  for (const auto& f : fields) EXPECT_EQ(f.key.find("birth"), std::string::npos);
}

}  // namespace
}  // namespace vertebro::app::yellow_card_test
