// Config: Redis's parsing of booleans, integers, memory units, enums; aliases; file and
// environment loading; immutables; the settings list.
#include "commands/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace fincache {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(ConfigTest, Defaults) {
  Config c;
  EXPECT_EQ(c.Get("port"), "6379");
  EXPECT_EQ(c.Get("databases"), "16");
  EXPECT_EQ(c.Get("requirepass"), "");
  EXPECT_EQ(c.Get("maxclients"), "10000");
  EXPECT_EQ(c.Get("proto-max-bulk-len"), "536870912");
  EXPECT_FALSE(c.has_requirepass.load());
  EXPECT_EQ(c.databases.load(), 16);
  EXPECT_EQ(c.Get("nosuch"), std::nullopt);
}

TEST(ConfigTest, EveryRedisSettingWeHonour) {
  Config c;
  for (auto name : {"port", "bind", "databases", "requirepass", "maxclients", "proto-max-bulk-len"})
    EXPECT_TRUE(c.Exists(name)) << name;
  // Names are case-insensitive.
  EXPECT_TRUE(c.Exists("MaxClients"));
}

TEST(ConfigTest, IntegerParsingAndBounds) {
  Config c;
  EXPECT_EQ(c.Set("maxclients", "abc"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(c.Set("maxclients", "0"), "argument must be between 1 and 4294967295 inclusive");
  EXPECT_EQ(c.Set("maxclients", "+5"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(c.Set("maxclients", "42"), "");
  EXPECT_EQ(c.Get("maxclients"), "42");
  EXPECT_EQ(c.maxclients.load(), 42);
}

TEST(ConfigTest, MemoryUnits) {
  int64_t v;
  ASSERT_TRUE(Config::ParseMemory("100", &v));
  EXPECT_EQ(v, 100);
  ASSERT_TRUE(Config::ParseMemory("1k", &v));
  EXPECT_EQ(v, 1000);
  ASSERT_TRUE(Config::ParseMemory("1KB", &v));
  EXPECT_EQ(v, 1024);
  ASSERT_TRUE(Config::ParseMemory("2mb", &v));
  EXPECT_EQ(v, 2 * 1024 * 1024);
  ASSERT_TRUE(Config::ParseMemory("1gb", &v));
  EXPECT_EQ(v, 1024LL * 1024 * 1024);
  ASSERT_TRUE(Config::ParseMemory("3g", &v));
  EXPECT_EQ(v, 3'000'000'000LL);
  EXPECT_FALSE(Config::ParseMemory("", &v));
  EXPECT_FALSE(Config::ParseMemory("mb", &v));
  EXPECT_FALSE(Config::ParseMemory("1xb", &v));
  Config c;
  EXPECT_EQ(c.Set("proto-max-bulk-len", "1gb"), "");
  EXPECT_EQ(c.Get("proto-max-bulk-len"), "1073741824");
  EXPECT_EQ(c.proto_max_bulk_len.load(), 1073741824);
  EXPECT_EQ(c.Set("proto-max-bulk-len", "12x"), "argument must be a memory value");
  EXPECT_THAT(c.Set("proto-max-bulk-len", "1kb"), HasSubstr("argument must be between"));
}

TEST(ConfigTest, ImmutableOnlyAtStartup) {
  Config c;
  EXPECT_EQ(c.Set("databases", "4"), "can't set immutable config");
  EXPECT_EQ(c.Set("databases", "4", /*at_startup=*/true), "");
  EXPECT_EQ(c.databases.load(), 4);
}

TEST(ConfigTest, RequirepassMirror) {
  Config c;
  EXPECT_EQ(c.Set("requirepass", "pw"), "");
  EXPECT_TRUE(c.has_requirepass.load());
  EXPECT_EQ(c.requirepass(), "pw");
  EXPECT_EQ(c.Set("requirepass", ""), "");
  EXPECT_FALSE(c.has_requirepass.load());
}

TEST(ConfigTest, RegisteredKindsAndAliases) {
  Config c;
  c.Register({.name = "test-flag",
              .aliases = {"test-flag-old"},
              .kind = Config::Kind::kBool,
              .default_value = "no"});
  c.Register({.name = "test-policy",
              .kind = Config::Kind::kEnum,
              .enum_values = {"alpha", "beta"},
              .default_value = "alpha"});
  EXPECT_EQ(c.Set("test-flag", "YES"), "");
  EXPECT_EQ(c.Get("test-flag"), "yes");
  EXPECT_EQ(c.Get("test-flag-old"), "yes");
  EXPECT_EQ(c.Set("test-flag-old", "maybe"), "argument must be 'yes' or 'no'");
  EXPECT_EQ(c.Set("test-policy", "BETA"), "");
  EXPECT_EQ(c.Get("test-policy"), "beta");
  EXPECT_EQ(c.Set("test-policy", "gamma"), "argument(s) must be one of the following: alpha, beta");
  // Pattern matching covers aliases.
  EXPECT_THAT(c.GetMatching("test-flag*"),
              ElementsAre(Pair("test-flag", "yes"), Pair("test-flag-old", "yes")));
}

TEST(ConfigTest, GetMatching) {
  Config c;
  EXPECT_THAT(c.GetMatching("maxc*"), ElementsAre(Pair("maxclients", "10000")));
  EXPECT_THAT(c.GetMatching("MAXC*"), ElementsAre(Pair("maxclients", "10000")));
  EXPECT_THAT(c.GetMatching("maxmemory-s*"), ElementsAre(Pair("maxmemory-samples", "5")));
  // "*" lists every setting under its name and under each alias, as Redis does.
  size_t names_and_aliases = 0;
  for (auto& n : c.Names()) names_and_aliases += 1 + c.Find(n)->aliases.size();
  EXPECT_EQ(c.GetMatching("*").size(), names_and_aliases);
}

TEST(ConfigTest, LoadText) {
  Config c;
  EXPECT_EQ(c.LoadText("# comment\n\nmaxclients 77\r\nrequirepass \"a b\"\n  databases 8\n"), "");
  EXPECT_EQ(c.Get("maxclients"), "77");
  EXPECT_EQ(c.requirepass(), "a b");
  EXPECT_EQ(c.databases.load(), 8);
  EXPECT_EQ(c.LoadText("nosuch 1\n"),
            "line 1: 'nosuch 1': Bad directive or wrong number of arguments");
  EXPECT_EQ(c.LoadText("\nmaxclients x\n"),
            "line 2: 'maxclients x': argument couldn't be parsed into an integer");
  EXPECT_EQ(c.LoadText("requirepass \"open\n"), "line 1: unbalanced quotes in configuration line");
}

TEST(ConfigTest, LoadEnvironment) {
  setenv("FINCACHE_MAXCLIENTS", "55", 1);
  setenv("FINCACHE_PROTO_MAX_BULK_LEN", "2mb", 1);
  setenv("FINCACHE_NOT_A_SETTING", "1", 1);
  Config c;
  EXPECT_EQ(c.LoadEnvironment(), "");
  EXPECT_EQ(c.Get("maxclients"), "55");
  EXPECT_EQ(c.Get("proto-max-bulk-len"), "2097152");
  setenv("FINCACHE_MAXCLIENTS", "bad", 1);
  EXPECT_THAT(c.LoadEnvironment(), HasSubstr("environment FINCACHE_MAXCLIENTS"));
  unsetenv("FINCACHE_MAXCLIENTS");
  unsetenv("FINCACHE_PROTO_MAX_BULK_LEN");
  unsetenv("FINCACHE_NOT_A_SETTING");
}

}  // namespace
}  // namespace fincache
