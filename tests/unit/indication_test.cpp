// Whether a suspected indication is one HTG3 supports (HTG3-IND-OSTEOPOROTIC,
// HTG3-IND-HAEMANGIOMA, HTG3-IND-TUMOUR). The cases are in
// tests/data/unit/indication_cases.tsv so a clinician can review them.

#include "guidance/indication.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace vertebro::guidance {
namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

struct Case {
  std::string indication, requirement, outcome;
  std::vector<std::string> mentions;
  std::string not_mention;
};

std::vector<Case> LoadCases() {
  std::ifstream file(VERTEBRO_UNIT_DATA_DIR "/indication_cases.tsv");
  EXPECT_TRUE(file.good()) << "cannot open indication_cases.tsv";
  std::vector<Case> cases;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto cols = Split(line, '\t');
    EXPECT_EQ(cols.size(), 5u) << line;
    if (cols.size() != 5) continue;
    cases.push_back({cols[0], cols[1], cols[2], Split(cols[3], '|'), cols[4]});
  }
  return cases;
}

TEST(IndicationGuidanceTest, EachIndicationGivesItsRequirementAndOutcome) {
  const auto cases = LoadCases();
  std::set<std::string> covered;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.indication);
    auto indication = domain::parse_indication(c.indication);
    ASSERT_TRUE(indication.has_value());
    covered.insert(c.indication);
    const Finding f = assess_indication(*indication);
    EXPECT_EQ(f.requirement, c.requirement);
    EXPECT_EQ(outcome_name(f.outcome), c.outcome);
    for (const auto& phrase : c.mentions) {
      EXPECT_NE(f.message.find(phrase), std::string::npos) << "missing \"" << phrase << "\"";
    }
    if (c.not_mention != "-") {
      EXPECT_EQ(f.message.find(c.not_mention), std::string::npos) << f.message;
    }
  }
  // The data file covers every indication the domain defines.
  EXPECT_EQ(covered.size(), domain::all_indications().size());
}

// HTG3-IND-TUMOUR: metastasis and myeloma are both "painful vertebral body tumour", and
// NICE NG234 applies to them too.
TEST(IndicationGuidanceTest, TumoursMentionNg234) {
  for (auto i : {domain::Indication::kMetastasis, domain::Indication::kMyeloma}) {
    const Finding f = assess_indication(i);
    EXPECT_EQ(f.requirement, "HTG3-IND-TUMOUR");
    EXPECT_NE(f.message.find("NG234"), std::string::npos);
  }
}

// Outside HTG3's indications: the episode page shows a failure, as the gate does (an override
// with a reason is needed to go ahead), not a mere warning.
TEST(IndicationGuidanceTest, OutsideHtg3FailsAsAtTheGate) {
  for (auto i : {domain::Indication::kOther, domain::Indication::kTraumatic}) {
    const Finding f = assess_indication(i);
    EXPECT_EQ(f.requirement, "HTG3-IND");
    EXPECT_EQ(f.outcome, Outcome::kFail);
    EXPECT_NE(f.message.find("override"), std::string::npos) << f.message;
  }
}

TEST(IndicationGuidanceTest, OutcomeNames) {
  EXPECT_EQ(outcome_name(Outcome::kPass), "pass");
  EXPECT_EQ(outcome_name(Outcome::kWarn), "warn");
  EXPECT_EQ(outcome_name(Outcome::kFail), "fail");
  EXPECT_EQ(outcome_name(Outcome::kMissing), "missing");
  EXPECT_EQ(outcome_name(Outcome::kNotApplicable), "not_applicable");
}

}  // namespace
}  // namespace vertebro::guidance
