// Referral validation: every field checked, all errors returned at once.

#include "domain/referral.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace vertebro::domain {
namespace {

Date D(const char* iso) {
  auto d = Date::parse(iso, "d", "date");
  EXPECT_TRUE(d.ok()) << iso;
  return d.ok() ? *d : Date();
}

const char* const kToday = "2026-11-25";
const char* const kBirth = "1950-06-15";

ReferralInput ValidReferral() {
  return {"1",          "Dr A Jones",
          "2026-11-20", "osteoporotic",
          "L1, T12",    "Painful T12 and L1 fractures despite analgesia"};
}

TEST(ReferralValidationTest, AcceptsValidReferral) {
  auto r = validate_referral(ValidReferral(), D(kToday), D(kBirth));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->site.value, 1);
  EXPECT_EQ(r->referring_clinician, "Dr A Jones");
  EXPECT_EQ(r->referral_date.iso(), "2026-11-20");
  EXPECT_EQ(r->indication, Indication::kOsteoporotic);
  EXPECT_EQ(format_levels(r->levels), "T12, L1");
  EXPECT_EQ(r->reason, "Painful T12 and L1 fractures despite analgesia");
}

TEST(ReferralValidationTest, AcceptsBoundaryValues) {
  struct Case {
    const char* what;
    std::function<void(ReferralInput&)> change;
  };
  const Case kCases[] = {
      {"referred today", [](ReferralInput& in) { in.referral_date = kToday; }},
      {"referred on the date of birth", [](ReferralInput& in) { in.referral_date = kBirth; }},
      {"4000-character reason", [](ReferralInput& in) { in.reason = std::string(4000, 'r'); }},
      {"200-character clinician",
       [](ReferralInput& in) { in.referring_clinician = std::string(200, 'c'); }},
      {"large site id", [](ReferralInput& in) { in.site_id = "9223372036854775807"; }},
      // HTG3-IND-HAEMANGIOMA, HTG3-IND-TUMOUR: every indication name is accepted.
      {"haemangioma", [](ReferralInput& in) { in.indication = "haemangioma"; }},
      {"metastasis", [](ReferralInput& in) { in.indication = "metastasis"; }},
      {"myeloma", [](ReferralInput& in) { in.indication = "myeloma"; }},
      {"other", [](ReferralInput& in) { in.indication = "other"; }},
      {"cervical and sacral levels", [](ReferralInput& in) { in.levels = "C1 S5"; }},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.what);
    ReferralInput in = ValidReferral();
    c.change(in);
    auto r = validate_referral(in, D(kToday), D(kBirth));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().fields.at(0).field);
  }
}

TEST(ReferralValidationTest, EachFieldReportsItsOwnError) {
  struct Case {
    const char* what;
    std::function<void(ReferralInput&)> change;
    const char* field;
  };
  const Case kCases[] = {
      {"site id empty", [](ReferralInput& in) { in.site_id = ""; }, "site_id"},
      {"site id non-numeric", [](ReferralInput& in) { in.site_id = "abc"; }, "site_id"},
      {"site id with trailing letters", [](ReferralInput& in) { in.site_id = "1x"; }, "site_id"},
      {"site id with leading space", [](ReferralInput& in) { in.site_id = " 1"; }, "site_id"},
      {"site id zero", [](ReferralInput& in) { in.site_id = "0"; }, "site_id"},
      {"site id negative", [](ReferralInput& in) { in.site_id = "-3"; }, "site_id"},
      {"site id overflows", [](ReferralInput& in) { in.site_id = "99999999999999999999"; },
       "site_id"},
      {"clinician empty", [](ReferralInput& in) { in.referring_clinician = ""; },
       "referring_clinician"},
      {"clinician 201 characters",
       [](ReferralInput& in) { in.referring_clinician = std::string(201, 'c'); },
       "referring_clinician"},
      {"referral tomorrow", [](ReferralInput& in) { in.referral_date = "2026-11-26"; },
       "referral_date"},
      {"referral before birth", [](ReferralInput& in) { in.referral_date = "1950-06-14"; },
       "referral_date"},
      {"referral date not real", [](ReferralInput& in) { in.referral_date = "2026-02-29"; },
       "referral_date"},
      {"referral date empty", [](ReferralInput& in) { in.referral_date = ""; }, "referral_date"},
      {"indication unknown", [](ReferralInput& in) { in.indication = "tumour"; }, "indication"},
      {"indication as label", [](ReferralInput& in) { in.indication = "Osteoporotic"; },
       "indication"},
      {"indication empty", [](ReferralInput& in) { in.indication = ""; }, "indication"},
      {"level T13", [](ReferralInput& in) { in.levels = "T12, T13"; }, "levels"},
      {"levels empty", [](ReferralInput& in) { in.levels = ""; }, "levels"},
      {"reason empty", [](ReferralInput& in) { in.reason = "  "; }, "reason"},
      {"reason 4001 characters", [](ReferralInput& in) { in.reason = std::string(4001, 'r'); },
       "reason"},
      {"reason with control character", [](ReferralInput& in) { in.reason = "pain\x07"; },
       "reason"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.what);
    ReferralInput in = ValidReferral();
    c.change(in);
    auto r = validate_referral(in, D(kToday), D(kBirth));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kInvalid);
    ASSERT_EQ(r.error().fields.size(), 1u);
    EXPECT_EQ(r.error().fields[0].field, c.field);
  }
}

TEST(ReferralValidationTest, FutureAndPreBirthDatesSayWhy) {
  ReferralInput in = ValidReferral();
  in.referral_date = "2026-11-26";
  auto future = validate_referral(in, D(kToday), D(kBirth));
  ASSERT_FALSE(future.ok());
  EXPECT_NE(future.error().fields.at(0).message.find("today or in the past"), std::string::npos);
  in.referral_date = "1950-06-14";
  auto early = validate_referral(in, D(kToday), D(kBirth));
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().fields.at(0).message.find("date of birth"), std::string::npos);
}

TEST(ReferralValidationTest, ReturnsEveryErrorAtOnceInFieldOrder) {
  const ReferralInput in{"x", "", "2027-01-01", "tumour", "T13", std::string(4001, 'r')};
  auto r = validate_referral(in, D(kToday), D(kBirth));
  ASSERT_FALSE(r.ok());
  const char* kFields[] = {
      "site_id", "referring_clinician", "referral_date", "indication", "levels", "reason"};
  ASSERT_EQ(r.error().fields.size(), std::size(kFields));
  for (std::size_t i = 0; i < std::size(kFields); ++i) {
    EXPECT_EQ(r.error().fields[i].field, kFields[i]);
  }
}

TEST(IndicationTest, NamesRoundTripForEveryIndication) {
  struct Case {
    Indication indication;
    const char* name;
  };
  const Case kCases[] = {{Indication::kOsteoporotic, "osteoporotic"},
                         {Indication::kHaemangioma, "haemangioma"},
                         {Indication::kMetastasis, "metastasis"},
                         {Indication::kMyeloma, "myeloma"},
                         {Indication::kTraumatic, "traumatic"},
                         {Indication::kOther, "other"}};
  const auto all = all_indications();
  ASSERT_EQ(all.size(), std::size(kCases));
  for (std::size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE(kCases[i].name);
    EXPECT_EQ(all[i], kCases[i].indication);
    EXPECT_EQ(indication_name(kCases[i].indication), kCases[i].name);
    EXPECT_FALSE(indication_label(kCases[i].indication).empty());
    auto parsed = parse_indication(kCases[i].name);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, kCases[i].indication);
  }
}

}  // namespace
}  // namespace vertebro::domain
