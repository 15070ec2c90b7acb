// Connection family: PING ECHO HELLO AUTH QUIT RESET CLIENT through the dispatcher.
#include "command_test_base.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Type = RespValue::Type;

class ConnectionFamilyTest : public CommandTest {
 protected:
  // Value of a key in a map reply (RESP3 map or RESP2 flat array).
  static const RespValue* MapGet(const RespValue& m, std::string_view key) {
    for (size_t i = 0; i + 1 < m.elems.size(); i += 2)
      if (m.elems[i].str == key) return &m.elems[i + 1];
    return nullptr;
  }
  void SetPassword(std::string_view pass) {
    ASSERT_EQ(server_->config().Set("requirepass", pass), "");
  }
};

// A second client, registered like a network connection.
struct FakeControl : ClientControl {
  int kills = 0;
  void Kill() override { ++kills; }
};

TEST_F(ConnectionFamilyTest, PingEcho) {
  EXPECT_THAT(Run({"ping"}), SimpleArg("PONG"));
  EXPECT_THAT(Run({"ping", "hi"}), BulkArg("hi"));
  EXPECT_THAT(Run({"ping", "a", "b"}), ErrArg("wrong number of arguments for 'ping' command"));
  EXPECT_THAT(Run({"echo", "x"}), BulkArg("x"));
  EXPECT_THAT(Run({"echo"}), ErrArg("wrong number of arguments for 'echo' command"));
}

TEST_F(ConnectionFamilyTest, HelloDefaultsToCurrentProtocol) {
  RespValue r = Run({"hello"});
  ASSERT_EQ(r.type, Type::kArray);  // RESP2: flat array of 14
  ASSERT_EQ(r.elems.size(), 14u);
  EXPECT_EQ(MapGet(r, "server")->str, "redis");
  EXPECT_EQ(MapGet(r, "version")->str, "7.0.15");
  EXPECT_EQ(MapGet(r, "proto")->integer, 2);
  EXPECT_EQ(MapGet(r, "id")->integer, static_cast<int64_t>(session_.id));
  EXPECT_EQ(MapGet(r, "mode")->str, "standalone");
  EXPECT_EQ(MapGet(r, "role")->str, "master");
  EXPECT_THAT(*MapGet(r, "modules"), ArrLen(0));
}

TEST_F(ConnectionFamilyTest, Hello3SwitchesProtocolBeforeReplying) {
  RespValue r = Run({"hello", "3"});
  ASSERT_EQ(r.type, Type::kMap);
  EXPECT_EQ(r.elems.size(), 14u);
  EXPECT_EQ(MapGet(r, "proto")->integer, 3);
  EXPECT_EQ(session_.resp, 3);
  // Later replies use RESP3: INFO is a verbatim string now.
  EXPECT_EQ(Run({"info", "server"}).type, Type::kVerbatim);
  r = Run({"hello", "2"});
  EXPECT_EQ(r.type, Type::kArray);
  EXPECT_EQ(session_.resp, 2);
}

TEST_F(ConnectionFamilyTest, HelloErrors) {
  EXPECT_THAT(Run({"hello", "1"}), ErrArg("NOPROTO unsupported protocol version"));
  EXPECT_THAT(Run({"hello", "4"}), ErrArg("NOPROTO unsupported protocol version"));
  EXPECT_THAT(Run({"hello", "x"}),
              ErrArg("ERR Protocol version is not an integer or out of range"));
  EXPECT_THAT(Run({"hello", "3", "setname"}), ErrArg("ERR Syntax error in HELLO option 'setname'"));
  EXPECT_THAT(Run({"hello", "2", "setname", "a", "b"}),
              ErrArg("ERR Syntax error in HELLO option 'b'"));
  EXPECT_THAT(Run({"hello", "3", "auth", "default"}),
              ErrArg("ERR Syntax error in HELLO option 'auth'"));
  EXPECT_THAT(Run({"hello", "3", "setname", "a b"}), ErrArg("Client names cannot contain"));
  EXPECT_EQ(session_.resp, 2);  // errors leave the protocol alone
}

TEST_F(ConnectionFamilyTest, HelloSetNameAndAuth) {
  EXPECT_EQ(Run({"hello", "2", "setname", "conn1"}).type, Type::kArray);
  EXPECT_THAT(Run({"client", "getname"}), BulkArg("conn1"));
  // Without requirepass the default user takes any password; other users don't exist.
  EXPECT_EQ(Run({"hello", "3", "auth", "default", "whatever"}).type, Type::kMap);
  EXPECT_THAT(Run({"hello", "3", "auth", "bob", "x"}), ErrArg("WRONGPASS"));
}

TEST_F(ConnectionFamilyTest, HelloWithRequirepass) {
  SetPassword("secret");
  EXPECT_THAT(Run({"hello", "3"}),
              ErrArg("NOAUTH HELLO must be called with the client already authenticated"));
  EXPECT_THAT(Run({"hello", "3", "auth", "default", "bad"}),
              ErrArg("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(Run({"hello", "3", "auth", "default", "secret"}).type, Type::kMap);
  EXPECT_TRUE(session_.authenticated);
  EXPECT_EQ(session_.resp, 3);
}

TEST_F(ConnectionFamilyTest, AuthWithoutPassword) {
  EXPECT_THAT(Run({"auth", "x"}),
              ErrArg("ERR AUTH <password> called without any password configured for the "
                     "default user. Are you sure your configuration is correct?"));
  EXPECT_THAT(Run({"auth", "default", "x"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"auth", "bob", "x"}), ErrArg("WRONGPASS"));
  EXPECT_THAT(Run({"auth", "a", "b", "c"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"auth"}), ErrArg("wrong number of arguments for 'auth' command"));
}

TEST_F(ConnectionFamilyTest, AuthWithRequirepass) {
  SetPassword("secret");
  EXPECT_THAT(Run({"get", "k"}), ErrArg("NOAUTH Authentication required."));
  EXPECT_THAT(Run({"ping"}), ErrArg("NOAUTH"));
  EXPECT_THAT(Run({"auth", "wrong"}), ErrArg("WRONGPASS"));
  EXPECT_FALSE(session_.authenticated);
  EXPECT_THAT(Run({"auth", "secret"}), SimpleArg("OK"));
  EXPECT_TRUE(session_.authenticated);
  EXPECT_THAT(Run({"ping"}), SimpleArg("PONG"));
  EXPECT_THAT(Run({"auth", "default", "secret"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"auth", "default", "nope"}), ErrArg("WRONGPASS"));
  EXPECT_THAT(Run({"auth", "other", "secret"}), ErrArg("WRONGPASS"));
}

TEST_F(ConnectionFamilyTest, QuitClosesAfterReply) {
  EXPECT_THAT(Run({"quit"}), SimpleArg("OK"));
  EXPECT_TRUE(session_.close_after_reply);
}

TEST_F(ConnectionFamilyTest, QuitAllowedBeforeAuth) {
  SetPassword("secret");
  EXPECT_THAT(Run({"quit"}), SimpleArg("OK"));
}

TEST_F(ConnectionFamilyTest, Reset) {
  Run({"hello", "3", "setname", "n"});
  session_.db_index = 3;
  RespValue r = Run({"reset"});
  EXPECT_THAT(r, SimpleArg("RESET"));
  EXPECT_EQ(session_.resp, 2);
  EXPECT_EQ(session_.db_index, 0);
  EXPECT_THAT(Run({"client", "getname"}), NullArg());
  EXPECT_THAT(Run({"reset", "x"}), ErrArg("wrong number of arguments for 'reset' command"));
}

TEST_F(ConnectionFamilyTest, ResetDeauthenticatesWithRequirepass) {
  SetPassword("secret");
  Run({"auth", "secret"});
  EXPECT_THAT(Run({"reset"}), SimpleArg("RESET"));
  EXPECT_FALSE(session_.authenticated);
  EXPECT_THAT(Run({"get", "k"}), ErrArg("NOAUTH"));
}

TEST_F(ConnectionFamilyTest, ClientIdNames) {
  EXPECT_THAT(Run({"client", "id"}), IntArg(session_.id));
  EXPECT_THAT(Run({"client", "id", "x"}),
              ErrArg("wrong number of arguments for 'client|id' command"));
  EXPECT_THAT(Run({"client", "getname"}), NullArg());
  EXPECT_THAT(Run({"client", "setname", "worker-1"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"client", "getname"}), BulkArg("worker-1"));
  EXPECT_THAT(Run({"client", "setname", "a b"}),
              ErrArg("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_THAT(Run({"client", "setname", "a\nb"}), ErrArg("Client names cannot contain"));
  EXPECT_THAT(Run({"client", "getname"}), BulkArg("worker-1"));
  EXPECT_THAT(Run({"client", "setname", ""}), SimpleArg("OK"));
  EXPECT_THAT(Run({"client", "getname"}), NullArg());
  EXPECT_THAT(Run({"client"}), ErrArg("wrong number of arguments for 'client' command"));
  EXPECT_THAT(Run({"client", "nosuch"}),
              ErrArg("ERR unknown subcommand 'nosuch'. Try CLIENT HELP."));
}

TEST_F(ConnectionFamilyTest, ClientSetInfo) {
  EXPECT_THAT(Run({"client", "setinfo", "LIB-NAME", "redis-py"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"client", "setinfo", "lib-ver", "5.0.1"}), SimpleArg("OK"));
  EXPECT_EQ(session_.lib_name, "redis-py");
  EXPECT_EQ(session_.lib_ver, "5.0.1");
  EXPECT_THAT(Run({"client", "setinfo", "foo", "x"}), ErrArg("ERR Unrecognized option 'foo'"));
  EXPECT_THAT(Run({"client", "setinfo", "lib-name", "a b"}),
              ErrArg("ERR lib-name cannot contain spaces, newlines or special characters."));
}

TEST_F(ConnectionFamilyTest, ClientInfoLine) {
  session_.addr = "127.0.0.1:5000";
  session_.laddr = "127.0.0.1:6379";
  session_.fd = 9;
  Run({"client", "setname", "me"});
  RespValue r = Run({"client", "info"});
  ASSERT_EQ(r.type, Type::kBulk);
  EXPECT_THAT(r.str, StartsWith("id=" + std::to_string(session_.id) +
                                " addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=9 name=me age=0 "
                                "idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf="));
  EXPECT_THAT(r.str, HasSubstr(" cmd=client|info user=default redir=-1 resp=2\n"));
  // Redis's field order.
  std::vector<std::string> fields;
  size_t pos = 0;
  while (pos < r.str.size()) {
    size_t sp = r.str.find_first_of(" \n", pos);
    std::string kv = r.str.substr(pos, sp - pos);
    fields.push_back(kv.substr(0, kv.find('=')));
    pos = sp + 1;
  }
  EXPECT_THAT(fields, ElementsAre("id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db",
                                  "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free", "argv-mem",
                                  "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem",
                                  "events", "cmd", "user", "redir", "resp"));
  session_.resp = 3;
  EXPECT_EQ(Run({"client", "info"}).type, Type::kVerbatim);
}

TEST_F(ConnectionFamilyTest, ClientListAndFilters) {
  server_->clients().Register(&session_);
  Session other;
  other.id = server_->clients().NextId();
  other.addr = "10.0.0.2:4000";
  server_->clients().Register(&other);
  RespValue r = Run({"client", "list"});
  ASSERT_EQ(r.type, Type::kBulk);
  EXPECT_THAT(r.str, StartsWith("id=" + std::to_string(session_.id) + " "));
  EXPECT_THAT(r.str, HasSubstr("\nid=" + std::to_string(other.id) + " addr=10.0.0.2:4000 "));
  EXPECT_EQ(std::count(r.str.begin(), r.str.end(), '\n'), 2);
  EXPECT_THAT(r.str, HasSubstr("cmd=client|list"));
  EXPECT_THAT(r.str, HasSubstr("cmd=NULL"));

  r = Run({"client", "list", "id", std::to_string(other.id)});
  EXPECT_THAT(r.str, StartsWith("id=" + std::to_string(other.id) + " "));
  EXPECT_EQ(std::count(r.str.begin(), r.str.end(), '\n'), 1);
  EXPECT_THAT(Run({"client", "list", "id", "99999"}), BulkArg(""));
  EXPECT_THAT(Run({"client", "list", "id", "1", "abc"}), ErrArg("ERR Invalid client ID"));
  EXPECT_EQ(std::count(r.str.begin(), r.str.end(), '\n'), 1);
  r = Run({"client", "list", "type", "normal"});
  EXPECT_EQ(std::count(r.str.begin(), r.str.end(), '\n'), 2);
  EXPECT_THAT(Run({"client", "list", "type", "pubsub"}), BulkArg(""));
  EXPECT_THAT(Run({"client", "list", "type", "bogus"}), ErrArg("ERR Unknown client type 'bogus'"));
  EXPECT_THAT(Run({"client", "list", "x"}), ErrArg("ERR syntax error"));
  server_->clients().Unregister(&other);
  server_->clients().Unregister(&session_);
}

TEST_F(ConnectionFamilyTest, ClientKill) {
  server_->clients().Register(&session_);
  session_.addr = "127.0.0.1:1111";
  FakeControl control;
  Session other;
  other.id = server_->clients().NextId();
  other.addr = "127.0.0.1:2222";
  other.laddr = "127.0.0.1:6379";
  other.control = &control;
  server_->clients().Register(&other);

  EXPECT_THAT(Run({"client", "kill", "1.2.3.4:5"}), ErrArg("ERR No such client"));
  EXPECT_THAT(Run({"client", "kill", "id", "abc"}),
              ErrArg("ERR client-id should be greater than 0"));
  EXPECT_THAT(Run({"client", "kill", "id", "0"}), ErrArg("client-id should be greater than 0"));
  EXPECT_THAT(Run({"client", "kill", "foo", "bar"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "kill", "skipme", "maybe"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "kill", "type", "bogus"}), ErrArg("ERR Unknown client type 'bogus'"));
  EXPECT_THAT(Run({"client", "kill", "user", "nosuch"}), ErrArg("ERR No such user 'nosuch'"));
  EXPECT_THAT(Run({"client", "kill", "addr", "1.1.1.1:1", "x"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "kill", "id", "999"}), IntArg(0));
  EXPECT_EQ(control.kills, 0);

  EXPECT_THAT(Run({"client", "kill", "laddr", "127.0.0.1:6379"}), IntArg(1));
  EXPECT_EQ(control.kills, 1);
  EXPECT_TRUE(other.kill_requested);
  // Killed clients are gone, as in Redis: a second kill finds nothing, CLIENT LIST omits it.
  EXPECT_THAT(Run({"client", "kill", "laddr", "127.0.0.1:6379"}), IntArg(0));
  EXPECT_EQ(control.kills, 1);
  other.kill_requested = false;  // the fake connection stays open for the next cases
  // SKIPME yes (default) spares the caller; TYPE normal matches both.
  EXPECT_THAT(Run({"client", "kill", "type", "normal"}), IntArg(1));
  EXPECT_FALSE(session_.close_after_reply);
  other.kill_requested = false;
  EXPECT_THAT(Run({"client", "kill", "type", "normal", "skipme", "no"}), IntArg(2));
  EXPECT_TRUE(session_.close_after_reply);
  session_.close_after_reply = false;
  // The old form: by address, OK.
  other.kill_requested = false;
  EXPECT_THAT(Run({"client", "kill", "127.0.0.1:2222"}), SimpleArg("OK"));
  other.kill_requested = false;
  EXPECT_THAT(Run({"client", "kill", "id", std::to_string(other.id), "user", "default"}),
              IntArg(1));
  EXPECT_EQ(control.kills, 5);
  server_->clients().Unregister(&other);
  server_->clients().Unregister(&session_);
}

TEST_F(ConnectionFamilyTest, ClientHelp) {
  RespValue r = Run({"client", "help"});
  ASSERT_GT(r.elems.size(), 4u);
  EXPECT_THAT(r.elems[0],
              SimpleArg("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_THAT(r.elems.back(), SimpleArg("    Prints this help."));
}

}  // namespace
}  // namespace fincache
