// Every guidance rule against its case file, tests/data/guidance/<rule-id>.json: a list of cases
// a clinician can review, each {"name", "snapshot", "settings" (optional overrides), "expect"
// (pass, warn, fail, missing, or none when the rule does not apply), "requirement" and
// "mentions" (optional)}. One ctest test per rule file.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "guidance/rules.h"
#include "snapshot_json.h"

namespace vertebro::guidance {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Rules that cannot lack data, with the reason. Every other rule file must have a missing case.
const std::map<std::string, std::string> kNoMissingCase = {
    {"HTG3-1.2-REFRACTORY-WINDOW", "compares two unit settings, which always have values"},
};

std::vector<std::string> RuleFiles() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(VERTEBRO_GUIDANCE_DATA_DIR)) {
    if (entry.path().extension() == ".json") out.push_back(entry.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

json LoadFile(const std::string& rule_id) {
  const fs::path path = fs::path(VERTEBRO_GUIDANCE_DATA_DIR) / (rule_id + ".json");
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return json::parse(in);
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class GuidanceRuleCasesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GuidanceRuleCasesTest, EveryCaseGivesItsExpectedOutcome) {
  const std::string rule_id = GetParam();
  const Rule* rule = find_rule(rule_id);
  ASSERT_NE(rule, nullptr) << rule_id << ".json names no rule in the table (rules.cpp)";

  json cases;
  ASSERT_NO_THROW(cases = LoadFile(rule_id)) << rule_id;
  ASSERT_TRUE(cases.is_array()) << rule_id << ".json must be a list of cases";

  std::set<std::string> expects;
  std::set<std::string> names;
  bool has_boundary = false;
  for (const auto& c : cases) {
    const std::string name = c.value("name", std::string("(unnamed)"));
    SCOPED_TRACE(rule_id + " / " + name);
    EXPECT_TRUE(names.insert(name).second) << rule_id << ": duplicate case name \"" << name << "\"";
    for (const auto& [key, value] : c.items()) {
      EXPECT_TRUE(key == "name" || key == "snapshot" || key == "settings" || key == "expect" ||
                  key == "requirement" || key == "mentions")
          << rule_id << " / " << name << ": unknown key \"" << key << "\"";
    }
    if (name.rfind("Boundary", 0) == 0) has_boundary = true;

    EpisodeSnapshot snapshot;
    UnitSettings settings;
    try {
      snapshot = testing::snapshot_from_json(c.at("snapshot"));
      if (c.contains("settings")) settings = testing::settings_from_json(c["settings"]);
    } catch (const std::exception& e) {
      ADD_FAILURE() << rule_id << " / " << name << ": " << e.what();
      continue;
    }
    ASSERT_TRUE(validate_settings(settings).ok()) << rule_id << " / " << name;

    const std::string expect = c.value("expect", std::string("(none given)"));
    expects.insert(expect);
    const std::optional<Finding> f = run_rule(*rule, snapshot, settings);
    if (expect == "none") {
      EXPECT_FALSE(f.has_value()) << rule_id << " / " << name << ": expected no finding, got "
                                  << outcome_name(f->outcome) << ": " << f->message;
      continue;
    }
    ASSERT_TRUE(f.has_value()) << rule_id << " / " << name << ": expected " << expect
                               << ", got no finding";
    EXPECT_EQ(outcome_name(f->outcome), expect)
        << rule_id << " / " << name << "\n  message: " << f->message
        << "\n  evidence: " << f->evidence;
    // The finding cites the rule's id (HTG3-IND cites the indication's own id).
    EXPECT_EQ(f->requirement.rfind(rule_id, 0), 0u) << rule_id << " / " << name;
    if (c.contains("requirement")) {
      EXPECT_EQ(f->requirement, c["requirement"].get<std::string>()) << rule_id << " / " << name;
    }
    EXPECT_EQ(f->pack, pack_name(rule->pack)) << rule_id << " / " << name;
    EXPECT_FALSE(f->message.empty()) << rule_id << " / " << name;
    if (f->outcome == Outcome::kPass) {
      EXPECT_FALSE(f->evidence.empty()) << rule_id << " / " << name << ": a pass must show "
                                        << "the values it used";
    }
    for (const auto& phrase : c.value("mentions", json::array())) {
      const std::string p = phrase.get<std::string>();
      EXPECT_NE((f->message + " " + f->evidence).find(p), std::string::npos)
          << rule_id << " / " << name << ": message and evidence do not mention \"" << p
          << "\"\n  message: " << f->message << "\n  evidence: " << f->evidence;
    }
  }

  // What every rule's file must hold (STYLE.md: pass, fail, boundary and missing-data cases).
  EXPECT_TRUE(expects.contains("pass")) << rule_id << ": no pass case";
  EXPECT_TRUE(expects.contains("fail") || expects.contains("warn"))
      << rule_id << ": no fail (or, for an advisory rule, warn) case";
  if (!kNoMissingCase.contains(rule_id)) {
    EXPECT_TRUE(expects.contains("missing")) << rule_id << ": no missing-data case";
  }
  EXPECT_TRUE(has_boundary) << rule_id << ": no case named \"Boundary...\"";
}

INSTANTIATE_TEST_SUITE_P(Rules, GuidanceRuleCasesTest, ::testing::ValuesIn(RuleFiles()), ParamName);

// Every rule in the table has a case file, so a new rule cannot ship untested.
TEST(GuidanceRuleCasesFilesTest, EveryRuleHasACaseFile) {
  const auto files = RuleFiles();
  for (const Rule& rule : all_rules()) {
    EXPECT_TRUE(std::find(files.begin(), files.end(), rule.id) != files.end())
        << "no tests/data/guidance/" << rule.id << ".json";
  }
}

// The JSON reader refuses a typo instead of leaving the value missing.
TEST(GuidanceRuleCasesFilesTest, ReaderRefusesUnknownKeysAndNames) {
  EXPECT_THROW(testing::snapshot_from_json(json{{"pain_at_rst", 8}}), std::runtime_error);
  EXPECT_THROW(testing::snapshot_from_json(json{{"analgesic", "morphine"}}), std::runtime_error);
  EXPECT_THROW(testing::snapshot_from_json(json{{"today", "2026-02-30"}}), std::runtime_error);
  EXPECT_THROW(testing::settings_from_json(json{{"enabled_packs", json::array({"NG234"})}}),
               std::runtime_error);
  EXPECT_NO_THROW(testing::snapshot_from_json(json{{"pain_at_rest", 8}}));
}

}  // namespace
}  // namespace vertebro::guidance
