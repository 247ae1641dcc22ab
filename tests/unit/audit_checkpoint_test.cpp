// Known answers that pin the audit trail's formats (HTG3-1.1: audit and clinical governance):
// a fixed entry's canonical form and SHA-256 chain hash, and a fixed checkpoint's Ed25519
// signature under a fixed key. The expected values were computed outside vertebro (Python's
// hashlib and sha256sum for the hash; Python's cryptography package and `openssl pkeyutl` for
// the signature), so a change to the canonical form, the hash input or the signed message
// fails here before it makes old chains or checkpoints unverifiable. Also: the checkpoint's
// text line and the trusted-key check.

#include <gtest/gtest.h>

#include <string>

#include "base/crypto.h"
#include "domain/audit.h"
#include "domain/audit_checkpoint.h"

namespace vertebro::domain {
namespace {

// RFC 8032, section 7.1, TEST 1.
constexpr const char* kRfcSeed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr const char* kRfcPublic =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr const char* kRfcEmptySignature =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e397"
    "01cf9b46bd25bf5f0595bbe24655141438e7a100b";

constexpr const char* kEntryHash =
    "ae0570dd7b4686120157f6b06a86b1495b5c8b8c59b9540014f27f8af90c9f8f";

AuditEntry fixed_entry() {
  AuditEntry e;
  e.seq = 1;
  e.at = "2026-11-25T10:00:00Z";
  e.user_id = 7;
  e.username = "coordinator";
  e.action = "read";
  e.record_type = "patient";
  e.record_id = 42;
  e.patient_id = 42;
  e.site_id = 1;
  e.detail = R"({"view":"summary"})";
  e.prev_hash = kGenesisHash;
  return e;
}

AuditCheckpoint fixed_checkpoint() {
  return {1, kEntryHash, "2026-11-25T10:05:00Z", "4ebbe859de728e52", ""};
}

class AuditCheckpointTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::init()); }
};

TEST_F(AuditCheckpointTest, FixedEntryHasItsKnownCanonicalFormAndHash) {
  const AuditEntry e = fixed_entry();
  EXPECT_EQ(canonical(e),
            "1:1;20:2026-11-25T10:00:00Z;1:7;11:coordinator;4:read;7:patient;2:42;2:42;1:1;"
            "18:{\"view\":\"summary\"};64:" +
                std::string(64, '0') + ";");
  EXPECT_EQ(chain_hash(e), kEntryHash);
}

TEST_F(AuditCheckpointTest, Ed25519MatchesRfc8032) {
  auto key = crypto::SigningKey::from_seed_hex(kRfcSeed);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->public_hex(), kRfcPublic);
  EXPECT_EQ(key->sign_hex(""), kRfcEmptySignature);
  EXPECT_EQ(key->seed_hex(), kRfcSeed);
  EXPECT_TRUE(crypto::verify_signature(kRfcPublic, "", kRfcEmptySignature));
}

TEST_F(AuditCheckpointTest, FixedCheckpointHasItsKnownMessageAndSignature) {
  EXPECT_EQ(audit_key_id(kRfcPublic), "4ebbe859de728e52");
  AuditCheckpoint c = fixed_checkpoint();
  EXPECT_EQ(checkpoint_message(c),
            std::string("vertebro-audit-checkpoint/1\n1\n") + kEntryHash +
                "\n2026-11-25T10:05:00Z\n4ebbe859de728e52");
  auto key = crypto::SigningKey::from_seed_hex(kRfcSeed);
  ASSERT_TRUE(key.has_value());
  c.signature = key->sign_hex(checkpoint_message(c));
  EXPECT_EQ(c.signature,
            "f0ae1da1580584334ce9ae3f64ce504cd3b3042e58f6a984bb147877c429f2bc0f9965711c104c8afd4"
            "97ab6a443359fa33e65b2f6e0a587f2ea40cb709d6e0f");

  TrustedKeys trusted;
  ASSERT_TRUE(trusted.add(kRfcPublic));
  EXPECT_EQ(trusted.check(c), "");
}

TEST_F(AuditCheckpointTest, TrustedKeysRefuseAlteredForgedAndUnknownCheckpoints) {
  auto key = crypto::SigningKey::from_seed_hex(kRfcSeed);
  ASSERT_TRUE(key.has_value());
  AuditCheckpoint good = fixed_checkpoint();
  good.signature = key->sign_hex(checkpoint_message(good));
  TrustedKeys trusted;
  ASSERT_TRUE(trusted.add(kRfcPublic));

  AuditCheckpoint rehashed = good;  // an attacker's new hash under the old signature
  rehashed.hash = std::string(64, 'a');
  EXPECT_NE(trusted.check(rehashed).find("does not verify"), std::string::npos);

  AuditCheckpoint later = good;
  later.seq = 2;
  EXPECT_NE(trusted.check(later).find("does not verify"), std::string::npos);

  // Signed with the attacker's own key: its id is not among the trusted ones.
  const auto attacker = crypto::SigningKey::generate();
  AuditCheckpoint forged = good;
  forged.key_id = audit_key_id(attacker.public_hex());
  forged.signature = attacker.sign_hex(checkpoint_message(forged));
  EXPECT_NE(trusted.check(forged).find("not among the trusted public keys"), std::string::npos);

  // The attacker's key claiming the trusted key's id does not verify either.
  AuditCheckpoint impostor = good;
  impostor.signature = attacker.sign_hex(checkpoint_message(impostor));
  EXPECT_NE(trusted.check(impostor).find("does not verify"), std::string::npos);

  EXPECT_FALSE(trusted.add("not a key"));
  EXPECT_FALSE(crypto::SigningKey::from_seed_hex("abc").has_value());
  EXPECT_FALSE(crypto::verify_signature(kRfcPublic, "", "zz"));
}

TEST_F(AuditCheckpointTest, LineRoundTripsAndIsFoundAfterAShippersPrefix) {
  auto key = crypto::SigningKey::from_seed_hex(kRfcSeed);
  ASSERT_TRUE(key.has_value());
  AuditCheckpoint c = fixed_checkpoint();
  c.signature = key->sign_hex(checkpoint_message(c));
  const std::string line = checkpoint_line(c);
  EXPECT_EQ(line, std::string("vertebro-audit-checkpoint/1 seq=1 hash=") + kEntryHash +
                      " at=2026-11-25T10:05:00Z key=4ebbe859de728e52 sig=" + c.signature);

  for (const std::string& text :
       {line, line + "\r\n", "Nov 25 10:05:00 app1 vertebro-checkpoints: " + line}) {
    auto parsed = parse_checkpoint_line(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(parsed->seq, c.seq);
    EXPECT_EQ(parsed->hash, c.hash);
    EXPECT_EQ(parsed->at, c.at);
    EXPECT_EQ(parsed->key_id, c.key_id);
    EXPECT_EQ(parsed->signature, c.signature);
  }
  EXPECT_FALSE(parse_checkpoint_line("GET /healthz 200").has_value());
  EXPECT_FALSE(parse_checkpoint_line("vertebro-audit-checkpoint/1 seq=x hash=" +
                                     std::string(kEntryHash))
                   .has_value());
  std::string truncated = line.substr(0, line.size() - 2);
  EXPECT_FALSE(parse_checkpoint_line(truncated).has_value());
}

}  // namespace
}  // namespace vertebro::domain
