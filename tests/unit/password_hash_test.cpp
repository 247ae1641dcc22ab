// Password hashes: argon2id at libsodium's interactive cost unless a test lowers it, and every
// hash verifies whatever the cost at the time of checking (the cost travels in the hash).

#include <gtest/gtest.h>

#include <string>

#include "base/crypto.h"

namespace vertebro {
namespace {

class PasswordHashTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::init()); }
  void TearDown() override { crypto::set_password_cost(crypto::PasswordCost::kInteractive); }
};

TEST_F(PasswordHashTest, TheDefaultIsArgon2idOverSixtyFourMebibytesInTwoPasses) {
  const std::string hash = crypto::hash_password("correct horse");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(crypto::verify_password("correct horse", hash));
  EXPECT_FALSE(crypto::verify_password("correct horse ", hash));
}

TEST_F(PasswordHashTest, TheTestCostIsStillArgon2idAndItsHashesVerifyAfterTheCostIsRestored) {
  crypto::set_password_cost(crypto::PasswordCost::kTestOnlyMinimum);
  const std::string cheap = crypto::hash_password("vertebro-demo");
  EXPECT_EQ(cheap.rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << cheap;

  crypto::set_password_cost(crypto::PasswordCost::kInteractive);
  const std::string full = crypto::hash_password("vertebro-demo");
  EXPECT_EQ(full.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << full;
  EXPECT_TRUE(crypto::verify_password("vertebro-demo", cheap));
  EXPECT_FALSE(crypto::verify_password("vertebro-dem0", cheap));
  EXPECT_TRUE(crypto::verify_password("vertebro-demo", full));
}

TEST_F(PasswordHashTest, AMalformedHashIsAMismatch) {
  EXPECT_FALSE(crypto::verify_password("x", ""));
  EXPECT_FALSE(crypto::verify_password("x", "$argon2id$v=19$m=8,t=1,p=1$garbage"));
}

}  // namespace
}  // namespace vertebro
