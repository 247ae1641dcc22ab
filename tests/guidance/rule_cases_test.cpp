// Every guidance rule against its case file, tests/data/guidance/<rule-id>.json: a list of cases
// a clinician can review, each {"name", "episode" (the forms, MDT listings and site surgery
// access as the application stores them), "settings" (optional overrides), "expect" (pass,
// warn, fail, missing, or none when the rule does not apply), "requirement", "mentions" and
// "not_mentions" (optional)}; tests/data/guidance/README.md has the format. Each case runs
// through the application's own path (case_episode.h): its forms through app::validate_form,
// its snapshot from app::episode_snapshot, its settings through app::parse_unit_config. One
// ctest test per rule file.

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
#include "case_episode.h"

namespace vertebro::guidance {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Rules that cannot lack data, with the reason. Every other rule file must have a missing case.
const std::map<std::string, std::string> kNoMissingCase = {
    {"HTG3-1.2-REFRACTORY-WINDOW", "compares two unit settings, which always have values"},
};

// Rules that judge a date. Each finding they give says which date it judged ("Judged at the
// planned procedure date, 10 Mar 2026."), and each file has a case judged at a planned and at
// a recorded procedure date.
const std::set<std::string> kDatedRules = {
    "HTG3-1.2-REFRACTORY", "HTG3-1.2-MDT", "HTG3-1.2-SURGERY", "HTG3-1.1",      "TA279-SEVERE-RECENT",
    "EBI-VA-PAIN",         "EBI-VA-MDT",   "EBI-VA-SURGERY",
};

// The sentence a dated finding must carry, worked out here from the snapshot independently of
// the rules' own wording helpers.
std::string JudgedSentence(const EpisodeSnapshot& s) {
  if (!s.procedure_date) return "Judged today, " + s.today.display() + ".";
  return std::string("Judged at the ") + (s.procedure_date_planned ? "planned " : "") +
         "procedure date, " + s.procedure_date->display() + ".";
}

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
  bool at_planned_date = false;
  bool at_recorded_date = false;
  for (const auto& c : cases) {
    const std::string name = c.value("name", std::string("(unnamed)"));
    SCOPED_TRACE(rule_id + " / " + name);
    EXPECT_TRUE(names.insert(name).second) << rule_id << ": duplicate case name \"" << name << "\"";
    for (const auto& [key, value] : c.items()) {
      static const std::set<std::string> kKeys = {
          "name",     "episode",      "settings", "settings_refused", "refused_by_app",
          "expect",   "requirement",  "mentions", "not_mentions"};
      EXPECT_TRUE(kKeys.contains(key)) << rule_id << " / " << name << ": unknown key \"" << key
                                       << "\"";
    }
    if (name.rfind("Boundary", 0) == 0) has_boundary = true;

    testing::CaseEpisode episode;
    UnitSettings settings;
    const bool settings_refused = c.value("settings_refused", false);
    try {
      episode = testing::case_episode(c.at("episode"));
      const json overrides = c.value("settings", json::object());
      if (settings_refused) {
        // Settings the settings page refuses today, read as a database saved before the check
        // holds them.
        EXPECT_THROW(testing::case_settings(overrides), std::runtime_error)
            << rule_id << " / " << name << ": settings_refused, but the settings are accepted";
        settings = testing::case_settings(overrides, /*stored=*/true);
      } else {
        settings = testing::case_settings(overrides);
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << rule_id << " / " << name << ": " << e.what();
      continue;
    }
    // A case holds what the application accepts, unless it says why it holds a record the
    // application refuses (a value only an older version or a direct database edit could store).
    if (c.contains("refused_by_app")) {
      EXPECT_FALSE(episode.refused.empty())
          << rule_id << " / " << name << ": refused_by_app, but the application accepts it";
    } else {
      for (const auto& why : episode.refused) {
        ADD_FAILURE() << rule_id << " / " << name << ": the application refuses " << why;
      }
    }
    const EpisodeSnapshot snapshot = testing::case_snapshot(episode);
    if (snapshot.procedure_date) {
      (snapshot.procedure_date_planned ? at_planned_date : at_recorded_date) = true;
    }

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
    if (kDatedRules.contains(rule_id)) {
      EXPECT_NE(f->evidence.find(JudgedSentence(snapshot)), std::string::npos)
          << rule_id << " / " << name << ": the finding does not say which date it judged ("
          << JudgedSentence(snapshot) << ")\n  evidence: " << f->evidence;
    }
    const std::string said = f->message + " " + f->evidence;
    for (const auto& phrase : c.value("mentions", json::array())) {
      const std::string p = phrase.get<std::string>();
      EXPECT_NE(said.find(p), std::string::npos)
          << rule_id << " / " << name << ": message and evidence do not mention \"" << p
          << "\"\n  message: " << f->message << "\n  evidence: " << f->evidence;
    }
    for (const auto& phrase : c.value("not_mentions", json::array())) {
      const std::string p = phrase.get<std::string>();
      EXPECT_EQ(said.find(p), std::string::npos)
          << rule_id << " / " << name << ": message or evidence mentions \"" << p
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
  if (kDatedRules.contains(rule_id)) {
    EXPECT_TRUE(at_planned_date) << rule_id << ": no case judged at a planned procedure date";
    EXPECT_TRUE(at_recorded_date) << rule_id << ": no case judged at a recorded procedure date";
  }
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

// The case reader refuses a typo instead of leaving the value missing: in the episode's own
// keys, in a form (a key the application's form would not keep), in a name, a date or a setting.
TEST(GuidanceRuleCasesFilesTest, ReaderRefusesUnknownKeysAndNames) {
  const json today = {{"today", "2026-03-01"}};
  auto with = [&](const char* key, json value) {
    json e = today;
    e[key] = std::move(value);
    return e;
  };
  EXPECT_THROW(testing::case_episode(json::object()), std::runtime_error);  // no "today"
  EXPECT_THROW(testing::case_episode(with("asessment", json::object())), std::runtime_error);
  EXPECT_THROW(testing::case_episode(with("assessment", {{"indication", "osteoporotic"},
                                                         {"levels", json::array()},
                                                         {"pain_at_rst", 8}})),
               std::runtime_error);
  EXPECT_THROW(testing::case_episode(with("mdt", {{{"meeting_date", "2026-02-30"},
                                                   {"decision", "proceed"}}})),
               std::runtime_error);
  EXPECT_THROW(testing::case_episode(with("mdt", {{{"meeting_date", "2026-02-20"},
                                                   {"decision", "go_ahead"}}})),
               std::runtime_error);
  EXPECT_THROW(testing::case_episode(with("site_surgery", {{"access", "nearby"}})),
               std::runtime_error);
  EXPECT_THROW(testing::case_settings({{"enabled_packs", json::array({"NG234"})}}),
               std::runtime_error);
  // A form the application refuses is reported, not thrown: the case must say why it holds it.
  const auto refused = testing::case_episode(
      with("assessment", {{"indication", "osteoporotic"}, {"levels", json::array()},
                          {"pain_at_rest", 11}}));
  ASSERT_EQ(refused.refused.size(), 1u);
  EXPECT_NE(refused.refused[0].find("pain_at_rest"), std::string::npos) << refused.refused[0];
  const auto ok = testing::case_episode(
      with("assessment", {{"indication", "osteoporotic"}, {"levels", json::array()},
                          {"pain_at_rest", 8}}));
  EXPECT_TRUE(ok.refused.empty());
  EXPECT_EQ(testing::case_snapshot(ok).pain_at_rest, 8);
}

// The snapshot comes from the application's mapping: two decisions at meetings on one date are
// ordered by when each was recorded, whatever order the listings come in.
TEST(GuidanceRuleCasesFilesTest, DecisionsOnOneDateAreOrderedByWhenTheyWereRecorded) {
  const json later_first = {
      {"today", "2026-03-04"},
      {"mdt",
       {{{"meeting_date", "2026-02-24"}, {"decision", "do_not_proceed"},
         {"decided_at", "2026-02-24T16:00:00Z"}, {"attendees", {"Radiologist", "Spinal surgeon"}}},
        {{"meeting_date", "2026-02-24"}, {"decision", "proceed"},
         {"decided_at", "2026-02-24T09:00:00Z"}, {"attendees", {"Radiologist", "Spinal surgeon"}}}}}};
  const Rule* mdt = find_rule("HTG3-1.2-MDT");
  ASSERT_NE(mdt, nullptr);
  const auto f =
      run_rule(*mdt, testing::case_snapshot(testing::case_episode(later_first)), UnitSettings{});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->outcome, Outcome::kFail) << f->message;
  json earlier_first = later_first;
  std::swap(earlier_first["mdt"][0], earlier_first["mdt"][1]);
  const auto g =
      run_rule(*mdt, testing::case_snapshot(testing::case_episode(earlier_first)), UnitSettings{});
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->outcome, Outcome::kFail) << g->message;
}

}  // namespace
}  // namespace vertebro::guidance
