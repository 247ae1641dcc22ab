// The hash-chained access and change log: the verifier accepts an intact chain and names the
// first entry that breaks it (HTG3-1.1: audit and clinical governance arrangements).

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "domain/audit.h"

namespace vertebro::domain {
namespace {

AuditEntry Entry(std::int64_t seq) {
  AuditEntry e;
  e.seq = seq;
  e.at = "2026-11-25T11:48:" + std::string(seq < 10 ? "0" : "") + std::to_string(seq) + "Z";
  e.user_id = 7;
  e.username = "nurse1";
  e.action = seq % 2 ? "read" : "update";
  e.record_type = "episode";
  e.record_id = 100 + seq;
  e.patient_id = 40;
  e.site_id = 1;
  e.detail = R"({"field":"levels","n":)" + std::to_string(seq) + "}";
  return e;
}

// Links `e` after `prev_hash` and seals it.
AuditEntry Seal(AuditEntry e, const std::string& prev_hash) {
  e.prev_hash = prev_hash;
  e.hash = chain_hash(e);
  return e;
}

std::vector<AuditEntry> Chain(int n) {
  std::vector<AuditEntry> out;
  std::string prev = kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    out.push_back(Seal(Entry(i), prev));
    prev = out.back().hash;
  }
  return out;
}

// Feeds entries until one is refused; returns the position refused, or -1.
int FeedAll(ChainVerifier& v, const std::vector<AuditEntry>& entries) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!v.feed(entries[i])) return static_cast<int>(i);
  }
  return -1;
}

TEST(AuditChainTest, HashIsSha256HexOverPreviousHashAndCanonicalForm) {
  const auto chain = Chain(2);
  EXPECT_EQ(chain[0].prev_hash, kGenesisHash);
  EXPECT_EQ(chain[0].hash.size(), 64u);
  EXPECT_EQ(chain[0].hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(chain[1].prev_hash, chain[0].hash);
  EXPECT_NE(chain[0].hash, chain[1].hash);
}

TEST(AuditChainTest, CanonicalFormIsUnambiguous) {
  // Length prefixes keep a shifted boundary between fields from hashing the same.
  AuditEntry a = Entry(1), b = Entry(1);
  a.username = "ab";
  a.action = "c";
  b.username = "a";
  b.action = "bc";
  EXPECT_NE(canonical(a), canonical(b));
  // The hash itself is not part of the canonical form.
  AuditEntry c = Entry(1);
  c.hash = "anything";
  EXPECT_EQ(canonical(c), canonical(Entry(1)));
}

TEST(AuditChainTest, AcceptsACorrectlyBuiltChain) {
  const auto chain = Chain(5);
  ChainVerifier v;
  EXPECT_EQ(FeedAll(v, chain), -1) << v.problem();
  EXPECT_EQ(v.checked(), 5);
  EXPECT_TRUE(v.finish(5, chain.back().hash)) << v.problem();
  EXPECT_EQ(v.bad_seq(), 0);
}

TEST(AuditChainTest, AcceptsAnEmptyChainWhoseHeadIsGenesis) {
  ChainVerifier v;
  EXPECT_TRUE(v.finish(0, kGenesisHash));
  EXPECT_EQ(v.checked(), 0);
}

TEST(AuditChainTest, NamesTheEntryWhoseFieldWasAltered) {
  struct Case {
    const char* field;
    std::function<void(AuditEntry&)> alter;
  };
  const Case kCases[] = {
      {"at", [](AuditEntry& e) { e.at = "2026-11-25T11:48:59Z"; }},
      {"user_id", [](AuditEntry& e) { e.user_id = 8; }},
      {"username", [](AuditEntry& e) { e.username = "nurse2"; }},
      {"action", [](AuditEntry& e) { e.action = "delete"; }},
      {"record_type", [](AuditEntry& e) { e.record_type = "patient"; }},
      {"record_id", [](AuditEntry& e) { e.record_id = 999; }},
      {"patient_id", [](AuditEntry& e) { e.patient_id = 41; }},
      {"site_id", [](AuditEntry& e) { e.site_id = 2; }},
      {"detail", [](AuditEntry& e) { e.detail += " "; }},
      {"hash", [](AuditEntry& e) { e.hash[0] = e.hash[0] == 'a' ? 'b' : 'a'; }},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.field);
    auto chain = Chain(5);
    c.alter(chain[2]);
    ChainVerifier v;
    EXPECT_EQ(FeedAll(v, chain), 2);
    EXPECT_EQ(v.bad_seq(), 3);
    EXPECT_EQ(v.checked(), 2);
    EXPECT_NE(v.problem().find("altered"), std::string::npos) << v.problem();
  }
}

TEST(AuditChainTest, AlteredAndResealedEntryBreaksTheNextLink) {
  auto chain = Chain(5);
  chain[2].detail = R"({"field":"forged"})";
  chain[2] = Seal(chain[2], chain[2].prev_hash);
  ChainVerifier v;
  EXPECT_EQ(FeedAll(v, chain), 3);
  EXPECT_EQ(v.bad_seq(), 4);
  EXPECT_NE(v.problem().find("previous-hash"), std::string::npos) << v.problem();
}

TEST(AuditChainTest, NamesTheEntryAfterAMissingOne) {
  auto chain = Chain(5);
  chain.erase(chain.begin() + 2);  // entry 3 removed
  ChainVerifier v;
  EXPECT_EQ(FeedAll(v, chain), 2);
  EXPECT_EQ(v.bad_seq(), 4);
  EXPECT_NE(v.problem().find("from 2 to 4"), std::string::npos) << v.problem();
}

TEST(AuditChainTest, MissingFirstEntryIsCaught) {
  auto chain = Chain(3);
  chain.erase(chain.begin());
  ChainVerifier v;
  EXPECT_EQ(FeedAll(v, chain), 0);
  EXPECT_EQ(v.bad_seq(), 2);
}

TEST(AuditChainTest, NamesAnInsertedEntry) {
  // A forged entry reusing sequence number 3, correctly linked to entry 2, is slipped in
  // before the real entry 3. The real entry 3 then no longer follows, and is named.
  auto chain = Chain(5);
  AuditEntry forged = Entry(3);
  forged.action = "read";
  forged.record_type = "patient";
  forged = Seal(forged, chain[1].hash);
  chain.insert(chain.begin() + 2, forged);
  ChainVerifier v;
  EXPECT_EQ(FeedAll(v, chain), 3);
  EXPECT_EQ(v.bad_seq(), 3);
  EXPECT_NE(v.problem().find("inserted"), std::string::npos) << v.problem();
}

TEST(AuditChainTest, NamesAnInsertedEntryWithAFreshSequenceNumber) {
  auto chain = Chain(5);
  chain.insert(chain.begin() + 2, Seal(Entry(6), chain[1].hash));
  ChainVerifier v;
  EXPECT_EQ(FeedAll(v, chain), 2);
  EXPECT_EQ(v.bad_seq(), 6);
}

TEST(AuditChainTest, NamesSwappedEntries) {
  auto chain = Chain(5);
  std::swap(chain[2], chain[3]);  // order 1 2 4 3 5
  ChainVerifier v;
  EXPECT_EQ(FeedAll(v, chain), 2);
  EXPECT_EQ(v.bad_seq(), 4);
}

TEST(AuditChainTest, NamesSwappedContentUnderUnchangedSequenceNumbers) {
  // Entries 3 and 4 trade everything but seq, prev_hash and hash.
  auto chain = Chain(5);
  AuditEntry third = chain[2], fourth = chain[3];
  std::swap(third.action, fourth.action);
  std::swap(third.record_id, fourth.record_id);
  std::swap(third.detail, fourth.detail);
  std::swap(third.at, fourth.at);
  chain[2] = third;
  chain[3] = fourth;
  ChainVerifier v;
  EXPECT_EQ(FeedAll(v, chain), 2);
  EXPECT_EQ(v.bad_seq(), 3);
}

TEST(AuditChainTest, NamesTheEntryWithABrokenPreviousHash) {
  auto chain = Chain(5);
  // Resealed, so its own hash fits its content: only the link is wrong.
  chain[2] = Seal(chain[2], std::string(64, 'f'));
  ChainVerifier v;
  EXPECT_EQ(FeedAll(v, chain), 2);
  EXPECT_EQ(v.bad_seq(), 3);
  EXPECT_NE(v.problem().find("previous-hash"), std::string::npos) << v.problem();
}

TEST(AuditChainTest, FirstEntryMustLinkToGenesis) {
  auto chain = Chain(2);
  chain[0] = Seal(chain[0], std::string(64, '1'));
  ChainVerifier v;
  EXPECT_FALSE(v.feed(chain[0]));
  EXPECT_EQ(v.bad_seq(), 1);
}

TEST(AuditChainTest, FinishDetectsATruncatedTail) {
  const auto chain = Chain(5);
  ChainVerifier v;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(v.feed(chain[i])) << v.problem();
  // The stored head still says entry 5: entries 4 and 5 were removed from the end.
  EXPECT_FALSE(v.finish(5, chain[4].hash));
  EXPECT_EQ(v.bad_seq(), 4);
  EXPECT_NE(v.problem().find("removed from the end"), std::string::npos) << v.problem();
}

TEST(AuditChainTest, FinishDetectsAHeadHashThatDoesNotMatch) {
  const auto chain = Chain(5);
  ChainVerifier v;
  ASSERT_EQ(FeedAll(v, chain), -1);
  EXPECT_FALSE(v.finish(5, chain[3].hash));
  EXPECT_FALSE(v.problem().empty());
}

TEST(AuditChainTest, FinishAcceptsTheMatchingHeadOfAPrefix) {
  // Verifying the first three entries against a head recorded at entry 3 succeeds.
  const auto chain = Chain(5);
  ChainVerifier v;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(v.feed(chain[i]));
  EXPECT_TRUE(v.finish(3, chain[2].hash)) << v.problem();
}

}  // namespace
}  // namespace vertebro::domain
