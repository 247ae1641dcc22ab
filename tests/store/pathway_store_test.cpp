// The pathway part of the store: clinical forms with optimistic versions, state moves and the
// append-only transition log, site surgery access, MDT meetings, attendees and case lists, and
// all-or-nothing rollback of a form and a transition written together.

#include <functional>
#include <optional>

#include "store_fixture.h"

namespace vertebro::store_test {
namespace {

class PathwayStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    site_ = insert_site("A");
    other_site_ = insert_site("B");
    user_ = insert_actor("coord", domain::Role::kCoordinator, {site_}).user.id;
    patient_ = insert_patient(site_, 0).id;
    episode_ = insert_episode(patient_, site_, "2026-11-01", domain::PathwayState::kReferral);
  }

  // Runs `body` in a write transaction and returns what it returns.
  template <class T>
  Result<T> write(const std::function<Result<T>(store::Tx&)>& body) {
    std::optional<T> out;
    auto s = store().transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Status {
      auto r = body(tx);
      if (!r) return std::move(r).error();
      out.emplace(std::move(*r));
      return {};
    });
    if (!s) return std::move(s).error();
    return std::move(*out);
  }

  Status write_status(const std::function<Status(store::Tx&)>& body) {
    return store().transact(store::TxMode::kWrite, body);
  }

  template <class T>
  T read(const std::function<Result<T>(store::Tx&)>& body, const std::string& what) {
    std::optional<T> out;
    must(store().transact(store::TxMode::kRead,
                          [&](store::Tx& tx) -> Status {
                            auto r = body(tx);
                            if (!r) return std::move(r).error();
                            out.emplace(std::move(*r));
                            return {};
                          }),
         what);
    return std::move(*out);
  }

  Result<store::EpisodeFormRecord> put_form(const std::string& kind, std::int64_t version,
                                            const std::string& data) {
    return write<store::EpisodeFormRecord>([&](store::Tx& tx) {
      return tx.put_episode_form(episode_.id, kind, version, data, user_, ctx().now_text());
    });
  }

  std::optional<store::EpisodeFormRecord> find_form(const std::string& kind) {
    return read<std::optional<store::EpisodeFormRecord>>(
        [&](store::Tx& tx) { return tx.find_episode_form(episode_.id, kind); },
        "find_episode_form");
  }

  store::TransitionRecord transition(const std::string& from, const std::string& to) {
    store::TransitionRecord t;
    t.episode = episode_.id;
    t.from_state = from;
    t.to_state = to;
    t.at = ctx().now_text();
    t.user = user_;
    t.username = "coord";
    t.findings = "[]";
    return t;
  }

  std::vector<store::TransitionRecord> transitions() {
    return read<std::vector<store::TransitionRecord>>(
        [&](store::Tx& tx) { return tx.episode_transitions(episode_.id); }, "transitions");
  }

  store::MeetingRecord meeting(SiteId site, const std::string& date, const std::string& title) {
    return must(write<store::MeetingRecord>([&](store::Tx& tx) {
                  return tx.insert_meeting(site, date, title, ctx().now_text());
                }),
                "insert_meeting");
  }

  Status add_case(std::int64_t meeting_id, EpisodeId episode) {
    return write_status(
        [&](store::Tx& tx) { return tx.add_mdt_case(meeting_id, episode, ctx().now_text()); });
  }

  std::vector<store::MdtCaseRecord> meeting_cases(std::int64_t meeting_id) {
    return read<std::vector<store::MdtCaseRecord>>(
        [&](store::Tx& tx) { return tx.meeting_cases(meeting_id); }, "meeting_cases");
  }

  SiteId site_, other_site_;
  UserId user_;
  PatientId patient_;
  store::EpisodeRecord episode_;
};

// --- Forms ------------------------------------------------------------------------------

TEST_P(PathwayStoreTest, AbsentFormIsNullopt) {
  EXPECT_FALSE(find_form("assessment").has_value());
}

TEST_P(PathwayStoreTest, FormInsertAndReplaceBumpVersion) {
  auto first = put_form("assessment", 0, R"({"pain":7})");
  ASSERT_TRUE(first.ok()) << describe(first);
  EXPECT_EQ(first->version, 1);
  EXPECT_EQ(first->episode, episode_.id);
  EXPECT_EQ(first->kind, "assessment");
  EXPECT_EQ(first->data, R"({"pain":7})");
  EXPECT_EQ(first->updated_by, user_);
  EXPECT_EQ(first->updated_at, ctx().now_text());

  clock_.advance(std::chrono::minutes(5));
  auto second = put_form("assessment", 1, R"({"pain":5})");
  ASSERT_TRUE(second.ok()) << describe(second);
  EXPECT_EQ(second->version, 2);
  EXPECT_EQ(second->data, R"({"pain":5})");
  EXPECT_EQ(second->updated_at, ctx().now_text());

  const auto stored = find_form("assessment");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->version, 2);
  EXPECT_EQ(stored->data, R"({"pain":5})");
  EXPECT_EQ(stored->updated_at, second->updated_at);
  // Kinds are separate documents.
  EXPECT_FALSE(find_form("consent").has_value());
}

TEST_P(PathwayStoreTest, FormStaleVersionConflictsAndChangesNothing) {
  ASSERT_TRUE(put_form("consent", 0, R"({"a":1})").ok());
  ASSERT_TRUE(put_form("consent", 1, R"({"a":2})").ok());
  for (std::int64_t stale : {1, 7}) {
    auto r = put_form("consent", stale, R"({"a":3})");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kConflict) << describe(r);
  }
  const auto stored = find_form("consent");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->version, 2);
  EXPECT_EQ(stored->data, R"({"a":2})");
}

TEST_P(PathwayStoreTest, FormInsertWhenOneExistsConflicts) {
  ASSERT_TRUE(put_form("procedure", 0, R"({"x":1})").ok());
  auto again = put_form("procedure", 0, R"({"x":2})");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kConflict) << describe(again);
  EXPECT_EQ(find_form("procedure")->data, R"({"x":1})");
}

TEST_P(PathwayStoreTest, FormReplaceOfAbsentFormIsNotFound) {
  auto r = put_form("assessment", 1, "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kNotFound) << describe(r);
}

// --- State ------------------------------------------------------------------------------

TEST_P(PathwayStoreTest, SetStateBumpsVersionAndTimes) {
  clock_.advance(std::chrono::hours(1));
  auto moved = write<store::EpisodeRecord>([&](store::Tx& tx) {
    return tx.set_episode_state(episode_.id, episode_.version, domain::PathwayState::kAssessment,
                                ctx().now_text());
  });
  ASSERT_TRUE(moved.ok()) << describe(moved);
  EXPECT_EQ(moved->state, domain::PathwayState::kAssessment);
  EXPECT_EQ(moved->version, episode_.version + 1);
  EXPECT_EQ(moved->updated_at, ctx().now_text());
  EXPECT_EQ(moved->state_changed_at, ctx().now_text());
  EXPECT_NE(moved->state_changed_at, episode_.state_changed_at);
  EXPECT_EQ(moved->created_at, episode_.created_at);
  const auto stored = read<std::optional<store::EpisodeRecord>>(
      [&](store::Tx& tx) { return tx.find_episode(episode_.id); }, "find_episode");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->state, domain::PathwayState::kAssessment);
  EXPECT_EQ(stored->version, episode_.version + 1);
}

TEST_P(PathwayStoreTest, SetStateWithStaleVersionConflicts) {
  auto first = write<store::EpisodeRecord>([&](store::Tx& tx) {
    return tx.set_episode_state(episode_.id, episode_.version, domain::PathwayState::kAssessment,
                                ctx().now_text());
  });
  ASSERT_TRUE(first.ok()) << describe(first);
  auto stale = write<store::EpisodeRecord>([&](store::Tx& tx) {
    return tx.set_episode_state(episode_.id, episode_.version, domain::PathwayState::kMdt,
                                ctx().now_text());
  });
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, Errc::kConflict) << describe(stale);
  auto absent = write<store::EpisodeRecord>([&](store::Tx& tx) {
    return tx.set_episode_state(EpisodeId{424242}, 1, domain::PathwayState::kMdt,
                                ctx().now_text());
  });
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().code, Errc::kNotFound) << describe(absent);
}

// --- Transitions ------------------------------------------------------------------------

TEST_P(PathwayStoreTest, TransitionsRoundTripOldestFirst) {
  auto plain = transition("referral", "assessment");
  auto gated = transition("assessment", "mdt");
  gated.gate = "assessment_complete";
  gated.findings = R"([{"rule":"HTG3-1","level":"block"}])";
  gated.rule_pack_version = "2026.1";
  gated.blocked = true;
  gated.override_reason = "Discussed with consultant";
  gated.override_role = "clinician";
  gated.procedure_date = "2026-12-14";
  auto back = transition("mdt", "assessment");
  back.step_back_reason = "The MDT asked for an MRI";
  auto leave = transition("assessment", "withdrawn");
  leave.exit_reason = "Patient choice";
  leave.exit_date = "2026-11-24";
  std::vector<std::int64_t> ids;
  for (const auto* t : {&plain, &gated, &back, &leave}) {
    ids.push_back(must(write<std::int64_t>([&](store::Tx& tx) { return tx.insert_transition(*t); }),
                       "insert_transition"));
  }
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
  EXPECT_LT(ids[2], ids[3]);

  const auto all = transitions();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].id, ids[0]);
  EXPECT_EQ(all[0].to_state, "assessment");
  EXPECT_EQ(all[0].gate, "");
  EXPECT_FALSE(all[0].blocked);
  const auto& g = all[1];
  EXPECT_EQ(g.id, ids[1]);
  EXPECT_EQ(g.episode, episode_.id);
  EXPECT_EQ(g.from_state, "assessment");
  EXPECT_EQ(g.to_state, "mdt");
  EXPECT_EQ(g.gate, "assessment_complete");
  EXPECT_EQ(g.at, ctx().now_text());
  EXPECT_EQ(g.user, user_);
  EXPECT_EQ(g.username, "coord");
  EXPECT_EQ(g.findings, gated.findings);
  EXPECT_EQ(g.rule_pack_version, "2026.1");
  EXPECT_TRUE(g.blocked);
  EXPECT_EQ(g.override_reason, "Discussed with consultant");
  EXPECT_EQ(g.override_role, "clinician");
  EXPECT_EQ(g.exit_reason, "");
  EXPECT_EQ(g.procedure_date, "2026-12-14");
  EXPECT_EQ(g.step_back_reason, "");
  EXPECT_EQ(all[2].step_back_reason, "The MDT asked for an MRI");
  EXPECT_EQ(all[2].procedure_date, "");
  EXPECT_EQ(all[3].id, ids[3]);
  EXPECT_EQ(all[3].exit_reason, "Patient choice");
  EXPECT_EQ(all[3].exit_date, "2026-11-24");

  // Another episode's log is separate.
  const auto other = insert_episode(patient_, site_, "2026-11-02", domain::PathwayState::kReferral);
  EXPECT_TRUE(read<std::vector<store::TransitionRecord>>(
                  [&](store::Tx& tx) { return tx.episode_transitions(other.id); }, "other")
                  .empty());
}

TEST_P(PathwayStoreTest, TransitionsAreAppendOnly) {
  must(write<std::int64_t>(
           [&](store::Tx& tx) { return tx.insert_transition(transition("referral", "mdt")); }),
       "insert_transition");
  auto db = raw();
  const auto update = db->exec("UPDATE transitions SET to_state = 'closed'");
  EXPECT_NE(update, "");
  EXPECT_NE(update.find("append-only"), std::string::npos) << update;
  const auto del = db->exec("DELETE FROM transitions");
  EXPECT_NE(del, "");
  EXPECT_NE(del.find("append-only"), std::string::npos) << del;
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM transitions"), 1);
  EXPECT_EQ(transitions().at(0).to_state, "mdt");
}

// --- Site surgery access ----------------------------------------------------------------

TEST_P(PathwayStoreTest, SiteSurgeryPutReplaceFind) {
  auto find = [&](SiteId s) {
    return read<std::optional<store::SiteSurgeryRecord>>(
        [&](store::Tx& tx) { return tx.find_site_surgery(s); }, "find_site_surgery");
  };
  EXPECT_FALSE(find(site_).has_value());
  store::SiteSurgeryRecord r{site_, "arrangement", "Northern Spinal Service", "2027-06-01",
                             ctx().now_text()};
  must(write_status([&](store::Tx& tx) { return tx.put_site_surgery(r); }), "put");
  auto got = find(site_);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->site, site_);
  EXPECT_EQ(got->access, "arrangement");
  EXPECT_EQ(got->service, "Northern Spinal Service");
  EXPECT_EQ(got->review_date, "2027-06-01");
  EXPECT_EQ(got->updated_at, ctx().now_text());

  clock_.advance(std::chrono::hours(2));
  r = {site_, "on_site", "", "", ctx().now_text()};
  must(write_status([&](store::Tx& tx) { return tx.put_site_surgery(r); }), "replace");
  got = find(site_);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->access, "on_site");
  EXPECT_EQ(got->service, "");
  EXPECT_EQ(got->review_date, "");
  EXPECT_EQ(got->updated_at, ctx().now_text());
  EXPECT_FALSE(find(other_site_).has_value());
}

// --- Meetings ---------------------------------------------------------------------------

TEST_P(PathwayStoreTest, MeetingsInsertFindAndListBySiteNewestFirst) {
  const auto m1 = meeting(site_, "2026-11-10", "November MDT");
  const auto m2 = meeting(site_, "2026-12-08", "December MDT");
  const auto m3 = meeting(other_site_, "2026-12-01", "Other site MDT");
  const auto m4 = meeting(site_, "2026-10-13", "October MDT");
  EXPECT_GT(m1.id, 0);
  EXPECT_EQ(m1.site, site_);
  EXPECT_EQ(m1.meeting_date, "2026-11-10");
  EXPECT_EQ(m1.title, "November MDT");
  EXPECT_EQ(m1.created_at, ctx().now_text());

  const auto found = read<std::optional<store::MeetingRecord>>(
      [&](store::Tx& tx) { return tx.find_meeting(m2.id); }, "find_meeting");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->title, "December MDT");
  EXPECT_EQ(found->site, site_);
  EXPECT_FALSE(read<std::optional<store::MeetingRecord>>(
                   [&](store::Tx& tx) { return tx.find_meeting(424242); }, "absent")
                   .has_value());

  auto list = [&](std::vector<SiteId> sites, int limit) {
    std::vector<std::int64_t> ids;
    for (const auto& m : read<std::vector<store::MeetingRecord>>(
             [&](store::Tx& tx) { return tx.list_meetings(sites, limit); }, "list_meetings")) {
      ids.push_back(m.id);
    }
    return ids;
  };
  EXPECT_EQ(list({site_}, 50), (std::vector<std::int64_t>{m2.id, m1.id, m4.id}));
  EXPECT_EQ(list({site_, other_site_}, 50),
            (std::vector<std::int64_t>{m2.id, m3.id, m1.id, m4.id}));
  EXPECT_EQ(list({site_, other_site_}, 2), (std::vector<std::int64_t>{m2.id, m3.id}));
  EXPECT_EQ(list({other_site_}, 50), (std::vector<std::int64_t>{m3.id}));
  EXPECT_TRUE(list({}, 50).empty());
}

TEST_P(PathwayStoreTest, AttendeesInsertListDelete) {
  const auto m = meeting(site_, "2026-12-08", "December MDT");
  const auto other = meeting(site_, "2026-12-15", "Extra MDT");
  auto add = [&](std::int64_t meeting_id, const std::string& name, const std::string& role) {
    return write<store::AttendeeRecord>(
        [&](store::Tx& tx) { return tx.insert_attendee(meeting_id, name, role); });
  };
  auto list = [&](std::int64_t meeting_id) {
    return read<std::vector<store::AttendeeRecord>>(
        [&](store::Tx& tx) { return tx.meeting_attendees(meeting_id); }, "meeting_attendees");
  };
  const auto a = must(add(m.id, "Dr Zed", "Spinal surgeon"), "a");
  const auto b = must(add(m.id, "Dr Amy", "Interventional radiologist"), "b");
  const auto c = must(add(other.id, "Dr Other", "Oncologist"), "c");
  EXPECT_EQ(a.meeting, m.id);
  EXPECT_EQ(a.name, "Dr Zed");
  EXPECT_EQ(a.professional_role, "Spinal surgeon");

  auto at_m = list(m.id);
  ASSERT_EQ(at_m.size(), 2u);
  EXPECT_EQ(at_m[0].id, a.id);  // in the order added, not by name
  EXPECT_EQ(at_m[1].id, b.id);
  EXPECT_EQ(at_m[1].professional_role, "Interventional radiologist");

  auto absent_meeting = add(424242, "Dr Nobody", "None");
  ASSERT_FALSE(absent_meeting.ok());
  EXPECT_EQ(absent_meeting.error().code, Errc::kNotFound) << describe(absent_meeting);

  // An attendee of another meeting cannot be removed through this one.
  auto wrong = write_status([&](store::Tx& tx) { return tx.delete_attendee(m.id, c.id); });
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, Errc::kNotFound) << describe(wrong.error());
  EXPECT_EQ(list(other.id).size(), 1u);

  must(write_status([&](store::Tx& tx) { return tx.delete_attendee(m.id, a.id); }), "delete");
  at_m = list(m.id);
  ASSERT_EQ(at_m.size(), 1u);
  EXPECT_EQ(at_m[0].id, b.id);
  auto again = write_status([&](store::Tx& tx) { return tx.delete_attendee(m.id, a.id); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kNotFound) << describe(again.error());
}

// --- MDT cases --------------------------------------------------------------------------

TEST_P(PathwayStoreTest, AddingACaseTwiceIsDuplicate) {
  const auto m = meeting(site_, "2026-12-08", "December MDT");
  must(add_case(m.id, episode_.id), "add");
  auto again = add_case(m.id, episode_.id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kDuplicate) << describe(again.error());
  EXPECT_EQ(meeting_cases(m.id).size(), 1u);
  auto no_meeting = add_case(424242, episode_.id);
  ASSERT_FALSE(no_meeting.ok());
  EXPECT_EQ(no_meeting.error().code, Errc::kNotFound) << describe(no_meeting.error());
  auto no_episode = add_case(m.id, EpisodeId{424242});
  ASSERT_FALSE(no_episode.ok());
  EXPECT_EQ(no_episode.error().code, Errc::kNotFound) << describe(no_episode.error());
}

TEST_P(PathwayStoreTest, DecisionRecordedAndReplaced) {
  const auto m = meeting(site_, "2026-12-08", "December MDT");
  must(add_case(m.id, episode_.id), "add");
  const std::string added_at = ctx().now_text();
  auto cases = meeting_cases(m.id);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].decision, "");
  EXPECT_EQ(cases[0].decided_at, "");
  EXPECT_FALSE(cases[0].decided_by.valid());
  EXPECT_EQ(cases[0].added_at, added_at);
  EXPECT_EQ(cases[0].version, 0);

  clock_.advance(std::chrono::hours(1));
  auto decide = [&](std::int64_t version, const std::string& decision, const std::string& why) {
    return write_status([&](store::Tx& tx) {
      return tx.set_mdt_decision(m.id, episode_.id, version, decision, why, user_,
                                 ctx().now_text());
    });
  };
  must(decide(0, "more_info", "Needs MRI"), "decide");
  clock_.advance(std::chrono::hours(1));
  // A second first decision, made from a page opened before the first was saved, is refused
  // and changes nothing.
  auto stale = decide(0, "do_not_proceed", "Opened before the first decision");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, Errc::kConflict) << describe(stale.error());
  cases = meeting_cases(m.id);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].decision, "more_info");
  EXPECT_EQ(cases[0].version, 1);
  must(decide(1, "proceed", "MRI shows oedema"), "replace");
  cases = meeting_cases(m.id);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].meeting, m.id);
  EXPECT_EQ(cases[0].episode, episode_.id);
  EXPECT_EQ(cases[0].decision, "proceed");
  EXPECT_EQ(cases[0].rationale, "MRI shows oedema");
  EXPECT_EQ(cases[0].decided_by, user_);
  EXPECT_EQ(cases[0].decided_at, ctx().now_text());
  EXPECT_EQ(cases[0].added_at, added_at);
  EXPECT_EQ(cases[0].version, 2);
}

TEST_P(PathwayStoreTest, DecisionOnCaseNotOnTheListIsNotFound) {
  const auto m = meeting(site_, "2026-12-08", "December MDT");
  auto s = write_status([&](store::Tx& tx) {
    return tx.set_mdt_decision(m.id, episode_.id, 0, "proceed", "", user_, ctx().now_text());
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kNotFound) << describe(s.error());
  EXPECT_TRUE(meeting_cases(m.id).empty());
}

TEST_P(PathwayStoreTest, CaseListsAreOrdered) {
  const auto later = meeting(site_, "2026-12-08", "December MDT");
  const auto earlier = meeting(site_, "2026-11-10", "November MDT");
  const auto same_day = meeting(site_, "2026-11-10", "November extra");
  const auto second = insert_episode(patient_, site_, "2026-10-01", domain::PathwayState::kMdt);
  const auto third = insert_episode(patient_, site_, "2026-10-02", domain::PathwayState::kMdt);
  // Added in one second, in an order that is neither by id nor by referral date.
  must(add_case(later.id, third.id), "third");
  must(add_case(later.id, episode_.id), "first");
  must(add_case(later.id, second.id), "second");
  const auto cases = meeting_cases(later.id);
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0].episode, third.id);
  EXPECT_EQ(cases[1].episode, episode_.id);
  EXPECT_EQ(cases[2].episode, second.id);

  // The episode's lists: by meeting date, then meeting id, whatever the order added.
  must(add_case(same_day.id, episode_.id), "same day");
  must(add_case(earlier.id, episode_.id), "earlier");
  const auto mine = read<std::vector<store::MdtCaseRecord>>(
      [&](store::Tx& tx) { return tx.episode_mdt_cases(episode_.id); }, "episode_mdt_cases");
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_EQ(mine[0].meeting, earlier.id);
  EXPECT_EQ(mine[1].meeting, same_day.id);
  EXPECT_EQ(mine[2].meeting, later.id);
  for (const auto& c : mine) EXPECT_EQ(c.episode, episode_.id);
}

// --- Rollback ---------------------------------------------------------------------------

TEST_P(PathwayStoreTest, FailedTransactionLeavesNoFormOrTransition) {
  auto s = write_status([&](store::Tx& tx) -> Status {
    auto f = tx.put_episode_form(episode_.id, "assessment", 0, R"({"pain":9})", user_,
                                 ctx().now_text());
    if (!f) return std::move(f).error();
    auto m = tx.set_episode_state(episode_.id, episode_.version,
                                  domain::PathwayState::kAssessment, ctx().now_text());
    if (!m) return std::move(m).error();
    auto t = tx.insert_transition(transition("referral", "assessment"));
    if (!t) return std::move(t).error();
    return Error::conflict("the caller changed its mind");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kConflict);
  EXPECT_FALSE(find_form("assessment").has_value());
  EXPECT_TRUE(transitions().empty());
  const auto stored = read<std::optional<store::EpisodeRecord>>(
      [&](store::Tx& tx) { return tx.find_episode(episode_.id); }, "find_episode");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->state, domain::PathwayState::kReferral);
  EXPECT_EQ(stored->version, episode_.version);
  auto db = raw();
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM episode_forms"), 0);
  EXPECT_EQ(db->query_int("SELECT COUNT(*) FROM transitions"), 0);
}

VERTEBRO_STORE_SUITE(PathwayStoreTest);

}  // namespace
}  // namespace vertebro::store_test
