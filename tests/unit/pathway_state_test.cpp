// The states of an episode of care (../shared/DESIGN.md, "The pathway").

#include "domain/pathway_state.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace vertebro::domain {
namespace {

struct StateCase {
  PathwayState state;
  const char* name;
  const char* label;
  bool final;
};
// Closed and the four exits (declined, withdrawn, not suitable, deceased) end an episode.
const StateCase kStates[] = {
    {PathwayState::kReferral, "referral", "Referral", false},
    {PathwayState::kAssessment, "assessment", "Assessment", false},
    {PathwayState::kMdt, "mdt", "MDT", false},
    {PathwayState::kConsent, "consent", "Consent", false},
    {PathwayState::kProcedure, "procedure", "Procedure", false},
    {PathwayState::kFollowUp, "follow_up", "Follow-up", false},
    {PathwayState::kClosed, "closed", "Closed", true},
    {PathwayState::kDeclined, "declined", "Declined", true},
    {PathwayState::kWithdrawn, "withdrawn", "Withdrawn", true},
    {PathwayState::kNotSuitable, "not_suitable", "Not suitable", true},
    {PathwayState::kDeceased, "deceased", "Deceased", true},
};

TEST(PathwayStateTest, EveryStateRoundTripsBetweenNameAndEnum) {
  for (const auto& c : kStates) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(state_name(c.state), c.name);
    auto parsed = parse_state(c.name);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, c.state);
  }
}

TEST(PathwayStateTest, LabelsAreWordsForPeople) {
  for (const auto& c : kStates) {
    EXPECT_EQ(state_label(c.state), c.label) << c.name;
  }
}

TEST(PathwayStateTest, IsFinalForClosedAndTheFourExitsOnly) {
  for (const auto& c : kStates) {
    EXPECT_EQ(is_final(c.state), c.final) << c.name;
  }
}

TEST(PathwayStateTest, AllStatesListsElevenDistinctStatesInPathwayOrder) {
  const auto all = all_states();
  ASSERT_EQ(all.size(), std::size(kStates));
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i], kStates[i].state) << i;
    names.insert(state_name(all[i]));
  }
  EXPECT_EQ(names.size(), all.size());
}

TEST(PathwayStateTest, ParseRejectsUnknownNames) {
  for (const char* name : {"", "Referral", "follow-up", "Follow-up", "not suitable", "open",
                           " closed", "closed ", "mdt_decision"}) {
    EXPECT_FALSE(parse_state(name).has_value()) << '"' << name << '"';
  }
}

}  // namespace
}  // namespace vertebro::domain
