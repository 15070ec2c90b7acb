// Connection commands: PING ECHO HELLO AUTH QUIT RESET CLIENT (SELECT lives in the generic
// family).
//
// Authentication follows Redis 7.0 with only the "default" user: without `requirepass` the default
// user is "nopass" (any password works for AUTH default <pass>, AUTH <pass> alone is an error);
// with `requirepass` set, the password must match. Other user names are unknown users.
#include <cinttypes>
#include <cstdio>
#include <map>
#include <vector>

#include "commands/command_context.h"
#include "commands/multi_family.h"
#include "commands/server_family.h"
#include "common/errors.h"
#include "common/strings.h"

namespace fincache {

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

// True when user/pass authenticate as the default user (Redis's ACLCheckUserCredentials).
bool CheckCredentials(const Config& config, std::string_view user, std::string_view pass) {
  if (user != "default") return false;
  if (!config.has_requirepass.load()) return true;  // nopass
  return pass == config.requirepass();
}

// Redis's validateClientName: printable ASCII without spaces.
bool ValidClientAttr(std::string_view s) {
  for (char c : s)
    if (c < '!' || c > '~') return false;
  return true;
}

void SetName(Session& s, std::string_view name) {
  std::lock_guard lk(s.info_mu);
  s.name.assign(name);
}

// Client types for CLIENT LIST/KILL TYPE: "pubsub" while subscribed to anything, else "normal"
// (no replicas yet).
enum class ClientType { kNormal, kReplica, kMaster, kPubSub, kInvalid };

ClientType ParseClientType(std::string_view s) {
  if (EqualsIgnoreCase(s, "normal")) return ClientType::kNormal;
  if (EqualsIgnoreCase(s, "slave") || EqualsIgnoreCase(s, "replica")) return ClientType::kReplica;
  if (EqualsIgnoreCase(s, "master")) return ClientType::kMaster;
  if (EqualsIgnoreCase(s, "pubsub")) return ClientType::kPubSub;
  return ClientType::kInvalid;
}

ClientType TypeOf(const Session& s) {
  return s.InPubSub() ? ClientType::kPubSub : ClientType::kNormal;
}

// One CLIENT LIST line (no trailing newline), Redis 7.0's field layout. `argv_mem` is the size of
// the running command's arguments for the calling client, 0 for others.
std::string ClientInfoLine(const Session& s, int64_t now_ms, size_t argv_mem,
                           bool blocked = false) {
  std::string name, addr, laddr;
  {
    std::lock_guard lk(s.info_mu);
    name = s.name;
    addr = s.addr;
    laddr = s.laddr;
  }
  int64_t created = s.created_ms ? s.created_ms : now_ms;
  int64_t last = s.last_interaction_ms.load();
  if (!last) last = now_ms;
  const CommandSpec* cmd = s.last_cmd.load();
  size_t qbuf = s.query_buffer_bytes.load();
  size_t omem = s.output_buffer_bytes.load();
  // Fixed per-client overhead (session, buffers), so tot-mem is never smaller than its parts.
  const int multi = s.multi_count.load(std::memory_order_relaxed);
  const size_t multi_mem = s.multi_mem.load(std::memory_order_relaxed);
  size_t tot_mem = sizeof(Session) + qbuf + omem + argv_mem + multi_mem;
  // Redis's flag letters in its order: x (in MULTI), b (blocked), d (a watched key changed).
  std::string flags;
  if (s.monitoring.load(std::memory_order_relaxed)) flags += 'O';
  if (s.InPubSub()) flags += 'P';
  if (multi >= 0) flags += 'x';
  if (blocked) flags += 'b';
  if (s.watch.dirty.load(std::memory_order_relaxed)) flags += 'd';
  if (s.no_evict.load(std::memory_order_relaxed)) flags += 'e';
  if (flags.empty()) flags = "N";
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                " age=%" PRId64 " idle=%" PRId64
                " flags=%s db=%d sub=%zu psub=%zu ssub=%zu multi=%d qbuf=%zu qbuf-free=0 "
                "argv-mem=%zu multi-mem=%zu rbs=0 rbp=0 obl=0 oll=0 omem=%zu tot-mem=%zu events=r "
                "cmd=",
                std::max<int64_t>(0, (now_ms - created) / 1000),
                std::max<int64_t>(0, (now_ms - last) / 1000), flags.c_str(), s.db_index,
                s.subscriber ? s.subscriber->channel_count() : 0,
                s.subscriber ? s.subscriber->pattern_count() : 0,
                s.subscriber ? s.subscriber->shard_count() : 0, multi, qbuf, argv_mem, multi_mem,
                omem, tot_mem);
  std::string out = "id=" + std::to_string(s.id) + " addr=" + addr + " laddr=" + laddr +
                    " fd=" + std::to_string(s.fd) + " name=" + name + buf;
  out += cmd ? cmd->full_name : "NULL";
  out += " user=" + s.user + " redir=-1 resp=" + std::to_string(s.resp);
  return out;
}

size_t ArgvMem(CmdArgList args) {
  size_t n = 0;
  for (auto a : args) n += a.size();
  return n;
}

// ---------------------------------------------------------------------------------------------
// PING ECHO
// ---------------------------------------------------------------------------------------------

// PING [message] -> simple string PONG, or the message as a bulk string.
// In RESP2 subscribed mode: array ["pong", message or ""].
void CmdPing(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 2) return ctx.SendError(errors::WrongArgs("ping"));
  if (ctx.session.resp == 2 && ctx.session.InPubSub()) {
    ctx.rb.StartArray(2);
    ctx.rb.SendBulk("pong");
    return ctx.rb.SendBulk(args.size() == 2 ? args[1] : std::string_view());
  }
  if (args.size() == 1) return ctx.rb.SendSimple("PONG");
  ctx.rb.SendBulk(args[1]);
}

// ECHO message -> bulk string
void CmdEcho(CmdArgList args, CommandContext& ctx) { ctx.rb.SendBulk(args[1]); }

// ---------------------------------------------------------------------------------------------
// HELLO AUTH QUIT RESET
// ---------------------------------------------------------------------------------------------

// HELLO [protover [AUTH username password] [SETNAME clientname]] -> map: server, version, proto,
// id, mode, role, modules. Switches the protocol before replying (the reply is in the new one).
void CmdHello(CmdArgList args, CommandContext& ctx) {
  int64_t ver = 0;
  size_t next = 1;
  if (args.size() >= 2) {
    if (!ParseInt64(args[next++], &ver)) return ctx.SendError(errors::kProtoVersionNotInt);
    if (ver < 2 || ver > 3) return ctx.SendError(errors::kNoProto);
  }
  const std::string_view* user = nullptr;
  const std::string_view* pass = nullptr;
  const std::string_view* name = nullptr;
  for (size_t j = next; j < args.size(); ++j) {
    size_t more = args.size() - 1 - j;
    if (EqualsIgnoreCase(args[j], "auth") && more >= 2) {
      user = &args[j + 1];
      pass = &args[j + 2];
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "setname") && more >= 1) {
      name = &args[j + 1];
      j += 1;
    } else {
      return ctx.SendError("ERR Syntax error in HELLO option '" + std::string(args[j]) + "'");
    }
  }
  if (user) {
    if (!CheckCredentials(ctx.server.config(), *user, *pass))
      return ctx.SendError(errors::kWrongPass);
    ctx.session.authenticated = true;
    ctx.session.user = std::string(*user);
  }
  if (!ctx.session.authenticated && ctx.server.config().has_requirepass.load())
    return ctx.SendError(errors::kHelloNoAuth);
  if (name) {
    if (!ValidClientAttr(*name)) return ctx.SendError(errors::kClientNameInvalid);
    SetName(ctx.session, *name);
  }
  if (ver) {
    ctx.session.resp = static_cast<int>(ver);
    ctx.rb.SetRespVersion(static_cast<int>(ver));
  }
  auto& rb = ctx.rb;
  rb.StartMap(7);
  rb.SendBulk("server");
  rb.SendBulk("redis");
  rb.SendBulk("version");
  rb.SendBulk(kRedisVersion);
  rb.SendBulk("proto");
  rb.SendLong(ctx.session.resp);
  rb.SendBulk("id");
  rb.SendLong(static_cast<int64_t>(ctx.session.id));
  rb.SendBulk("mode");
  rb.SendBulk("standalone");
  rb.SendBulk("role");
  rb.SendBulk("master");
  rb.SendBulk("modules");
  rb.StartArray(0);
}

// AUTH [username] password -> OK, or WRONGPASS.
void CmdAuth(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 3) return ctx.SendStatus(OpStatus::kSyntaxError);
  std::string_view user = "default";
  std::string_view pass;
  if (args.size() == 2) {
    if (!ctx.server.config().has_requirepass.load()) return ctx.SendError(errors::kAuthNotSet);
    pass = args[1];
  } else {
    user = args[1];
    pass = args[2];
  }
  if (!CheckCredentials(ctx.server.config(), user, pass)) return ctx.SendError(errors::kWrongPass);
  ctx.session.authenticated = true;
  ctx.session.user = std::string(user);
  ctx.rb.SendOk();
}

// QUIT -> OK, then the front door closes the connection.
void CmdQuit(CmdArgList args, CommandContext& ctx) {
  ctx.session.close_after_reply = true;
  ctx.rb.SendOk();
}

// RESET -> simple string RESET: no transaction or watched keys, no subscriptions, db 0, RESP2,
// no name, default authentication state.
void CmdReset(CmdArgList args, CommandContext& ctx) {
  Session& s = ctx.session;
  DiscardTransaction(s, ctx.engine);
  if (s.subscriber) ctx.engine.pubsub().UnsubscribeAll(s.subscriber);
  s.db_index = 0;
  s.resp = 2;
  ctx.rb.SetRespVersion(2);
  SetName(s, "");
  // Out of MONITOR mode, replies on, eviction protection off, as Redis's RESET.
  if (s.monitoring.exchange(false)) ctx.server.monitors().Remove(s.monitor_sink);
  s.reply_off = s.reply_skip_next = s.reply_skip = false;
  s.no_evict.store(false);
  s.user = "default";
  s.authenticated = !ctx.server.config().has_requirepass.load();
  ctx.rb.SendSimple("RESET");
}

// ---------------------------------------------------------------------------------------------
// CLIENT
// ---------------------------------------------------------------------------------------------

// CLIENT ID -> integer
void CmdClientId(CmdArgList args, CommandContext& ctx) {
  ctx.rb.SendLong(static_cast<int64_t>(ctx.session.id));
}

// CLIENT SETNAME name -> OK ("" clears the name)
void CmdClientSetName(CmdArgList args, CommandContext& ctx) {
  if (!ValidClientAttr(args[2])) return ctx.SendError(errors::kClientNameInvalid);
  SetName(ctx.session, args[2]);
  ctx.rb.SendOk();
}

// CLIENT GETNAME -> bulk string, or nil when unnamed
void CmdClientGetName(CmdArgList args, CommandContext& ctx) {
  std::string name = ctx.session.GetName();
  if (name.empty()) return ctx.rb.SendNull();
  ctx.rb.SendBulk(name);
}

// CLIENT SETINFO LIB-NAME|LIB-VER value -> OK. Redis 7.2's command (7.0.15 lacks it); kept
// because redis-py >= 5 and other clients send it on connect.
void CmdClientSetInfo(CmdArgList args, CommandContext& ctx) {
  std::string* dest = nullptr;
  if (EqualsIgnoreCase(args[2], "lib-name"))
    dest = &ctx.session.lib_name;
  else if (EqualsIgnoreCase(args[2], "lib-ver"))
    dest = &ctx.session.lib_ver;
  else
    return ctx.SendError("ERR Unrecognized option '" + std::string(args[2]) + "'");
  if (!ValidClientAttr(args[3]))
    return ctx.SendError("ERR " + std::string(args[2]) +
                         " cannot contain spaces, newlines or special characters.");
  {
    std::lock_guard lk(ctx.session.info_mu);
    dest->assign(args[3]);
  }
  ctx.rb.SendOk();
}

// CLIENT INFO -> verbatim string: the calling client's CLIENT LIST line, newline-terminated
void CmdClientInfo(CmdArgList args, CommandContext& ctx) {
  ctx.rb.SendVerbatim(ClientInfoLine(ctx.session, ctx.now_ms, ArgvMem(args)) + "\n");
}

// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id ...] -> verbatim string, one line
// per client.
void CmdClientList(CmdArgList args, CommandContext& ctx) {
  bool has_type = false, has_ids = false;
  ClientType type = ClientType::kNormal;
  std::vector<int64_t> ids;
  if (args.size() == 4 && EqualsIgnoreCase(args[2], "type")) {
    type = ParseClientType(args[3]);
    if (type == ClientType::kInvalid)
      return ctx.SendError("ERR Unknown client type '" + std::string(args[3]) + "'");
    has_type = true;
  } else if (args.size() > 3 && EqualsIgnoreCase(args[2], "id")) {
    for (size_t j = 3; j < args.size(); ++j) {
      int64_t id;
      if (!ParseInt64(args[j], &id)) return ctx.SendError(errors::kInvalidClientId);
      ids.push_back(id);
    }
    has_ids = true;
  } else if (args.size() != 2) {
    return ctx.SendStatus(OpStatus::kSyntaxError);
  }
  size_t argv_mem = ArgvMem(args);
  std::map<uint64_t, std::string> lines;  // by id
  ctx.server.clients().ForEach([&](Session& s) {
    // A killed client is gone in Redis at once (freeClient); here its socket closes
    // asynchronously, so it is hidden from the moment it is killed.
    if (s.kill_requested.load(std::memory_order_relaxed)) return;
    if (has_type && TypeOf(s) != type) return;
    lines[s.id] = ClientInfoLine(s, ctx.now_ms, &s == &ctx.session ? argv_mem : 0,
                                 ctx.engine.blocking().IsBlocked(s.id));
  });
  std::string out;
  if (has_ids) {
    // Redis lists the requested ids in argument order.
    for (int64_t id : ids) {
      auto it = id > 0 ? lines.find(static_cast<uint64_t>(id)) : lines.end();
      if (it != lines.end()) out += it->second + "\n";
    }
  } else {
    for (auto& [id, line] : lines) out += line + "\n";
  }
  ctx.rb.SendVerbatim(out);
}

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR] -> integer: 1 when the client was blocked (it gets its
//   timeout reply, or with ERROR the UNBLOCKED error), else 0
void CmdClientUnblock(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 4) return ctx.SendError(errors::SubcommandSyntax("CLIENT", args[1]));
  int64_t id;
  if (!ParseInt64(args[2], &id)) return ctx.SendError(errors::kNotInteger);
  bool with_error = false;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "error")) {
      with_error = true;
    } else if (!EqualsIgnoreCase(args[3], "timeout")) {
      return ctx.SendError(errors::kClientUnblockReason);
    }
  }
  bool done = id > 0 && ctx.engine.blocking().Unblock(static_cast<uint64_t>(id), with_error);
  ctx.rb.SendLong(done ? 1 : 0);
}

// CLIENT KILL ip:port -> OK or "No such client"
// CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no]
//   -> integer: clients killed
void CmdClientKill(CmdArgList args, CommandContext& ctx) {
  std::string_view addr, laddr, user;
  bool has_addr = false, has_laddr = false, has_user = false, has_type = false;
  uint64_t id = 0;
  ClientType type = ClientType::kNormal;
  bool skipme = true;
  bool old_style = args.size() == 3;
  if (old_style) {
    addr = args[2];
    has_addr = true;
    skipme = false;  // the old form can kill the caller
  } else if (args.size() > 3) {
    for (size_t i = 2; i < args.size(); i += 2) {
      bool more = i + 1 < args.size();
      std::string_view opt = args[i];
      if (EqualsIgnoreCase(opt, "id") && more) {
        int64_t v;
        if (!ParseInt64(args[i + 1], &v) || v < 1)
          return ctx.SendError(errors::kClientIdNotPositive);
        id = static_cast<uint64_t>(v);
      } else if (EqualsIgnoreCase(opt, "type") && more) {
        type = ParseClientType(args[i + 1]);
        if (type == ClientType::kInvalid)
          return ctx.SendError("ERR Unknown client type '" + std::string(args[i + 1]) + "'");
        has_type = true;
      } else if (EqualsIgnoreCase(opt, "addr") && more) {
        addr = args[i + 1];
        has_addr = true;
      } else if (EqualsIgnoreCase(opt, "laddr") && more) {
        laddr = args[i + 1];
        has_laddr = true;
      } else if (EqualsIgnoreCase(opt, "user") && more) {
        user = args[i + 1];
        if (user != "default") return ctx.SendError("ERR No such user '" + std::string(user) + "'");
        has_user = true;
      } else if (EqualsIgnoreCase(opt, "skipme") && more) {
        if (EqualsIgnoreCase(args[i + 1], "yes"))
          skipme = true;
        else if (EqualsIgnoreCase(args[i + 1], "no"))
          skipme = false;
        else
          return ctx.SendStatus(OpStatus::kSyntaxError);
      } else {
        return ctx.SendStatus(OpStatus::kSyntaxError);
      }
    }
  } else {
    return ctx.SendStatus(OpStatus::kSyntaxError);
  }

  int64_t killed = 0;
  ctx.server.clients().ForEach([&](Session& s) {
    // Already killed (its socket is closing): Redis freed it, so a second kill finds nothing.
    if (s.kill_requested.load(std::memory_order_relaxed)) return;
    {
      std::lock_guard lk(s.info_mu);
      if (has_addr && s.addr != addr) return;
      if (has_laddr && s.laddr != laddr) return;
    }
    if (has_type && TypeOf(s) != type) return;
    if (id && s.id != id) return;
    if (has_user && s.user != user) return;
    if (&s == &ctx.session && skipme) return;
    if (&s == &ctx.session) {
      ctx.session.close_after_reply = true;  // reply first, then close
    } else {
      s.kill_requested = true;
      if (s.control) s.control->Kill();
    }
    ++killed;
  });
  if (old_style) {
    if (killed == 0) return ctx.SendError(errors::kNoSuchClient);
    return ctx.rb.SendOk();
  }
  ctx.rb.SendLong(killed);
}

// CLIENT PAUSE timeout [WRITE|ALL] -> OK: for `timeout` ms, network clients' commands wait (all
// of them, or only those that may write or replicate); replaces a pause in force.
void CmdClientPause(CmdArgList args, CommandContext& ctx) {
  ClientPause::Mode mode = ClientPause::kAll;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "write"))
      mode = ClientPause::kWrite;
    else if (!EqualsIgnoreCase(args[3], "all"))
      return ctx.SendError("ERR CLIENT PAUSE mode must be WRITE or ALL");
  } else if (args.size() > 4) {
    return ctx.SendError(errors::SubcommandSyntax("CLIENT", args[1]));
  }
  int64_t ms;
  if (!ParseInt64(args[2], &ms))
    return ctx.SendError("ERR timeout is not an integer or out of range");
  if (ms < 0) return ctx.SendError("ERR timeout is negative");
  const int64_t now = ctx.engine.clock().NowMs();
  if (ms > 0 && ms > INT64_MAX - now) return ctx.SendError("ERR timeout is out of range");
  ctx.server.client_pause().Pause(mode, ms > 0 ? now + ms : 0);
  ctx.rb.SendOk();
}

// CLIENT UNPAUSE -> OK: held commands run
void CmdClientUnpause(CmdArgList, CommandContext& ctx) {
  ctx.server.client_pause().Unpause();
  ctx.rb.SendOk();
}

// CLIENT REPLY ON|OFF|SKIP -> OK for ON; OFF and SKIP answer nothing. OFF drops every reply until
// ON, SKIP the reply of the next command. Network connections drop the replies; the embedded
// API gets the OK and every later reply.
void CmdClientReply(CmdArgList args, CommandContext& ctx) {
  Session& s = ctx.session;
  if (EqualsIgnoreCase(args[2], "on")) {
    s.reply_off = s.reply_skip = s.reply_skip_next = false;
  } else if (EqualsIgnoreCase(args[2], "off")) {
    s.reply_off = true;
    s.suppress_reply = true;
  } else if (EqualsIgnoreCase(args[2], "skip")) {
    if (!s.reply_off) s.reply_skip_next = true;
    s.suppress_reply = true;
  } else {
    return ctx.SendStatus(OpStatus::kSyntaxError);
  }
  ctx.rb.SendOk();
}

// CLIENT NO-EVICT ON|OFF -> OK (CLIENT LIST flag e)
void CmdClientNoEvict(CmdArgList args, CommandContext& ctx) {
  if (EqualsIgnoreCase(args[2], "on"))
    ctx.session.no_evict.store(true);
  else if (EqualsIgnoreCase(args[2], "off"))
    ctx.session.no_evict.store(false);
  else
    return ctx.SendStatus(OpStatus::kSyntaxError);
  ctx.rb.SendOk();
}

// CLIENT HELP -> array of simple strings
void CmdClientHelp(CmdArgList args, CommandContext& ctx) {
  SendHelp(ctx.rb, "CLIENT",
           {
               "GETNAME",
               "    Return the name of the current connection.",
               "ID",
               "    Return the ID of the current connection.",
               "INFO",
               "    Return information about the current client connection.",
               "KILL <ip:port>",
               "    Kill connection made from <ip:port>.",
               "KILL <option> <value> [<option> <value> [...]]",
               "    Kill connections. Options are:",
               "    * ADDR (<ip:port>|<unixsocket>:0)",
               "      Kill connections made from the specified address",
               "    * LADDR (<ip:port>|<unixsocket>:0)",
               "      Kill connections made to specified local address",
               "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
               "      Kill connections by type.",
               "    * USER <username>",
               "      Kill connections authenticated by <username>.",
               "    * SKIPME (YES|NO)",
               "      Skip killing current connection (default: yes).",
               "LIST [options ...]",
               "    Return information about client connections. Options:",
               "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
               "      Return clients of specified type.",
               "UNPAUSE",
               "    Stop the current client pause, resuming traffic.",
               "PAUSE <timeout> [WRITE|ALL]",
               "    Suspend all, or just write, clients for <timeout> milliseconds.",
               "REPLY (ON|OFF|SKIP)",
               "    Control the replies sent to the current connection.",
               "SETINFO <option> <value>",
               "    Set client meta attr. Options are:",
               "    * LIB-NAME: the client lib name.",
               "    * LIB-VER: the client lib version.",
               "SETNAME <name>",
               "    Assign the name <name> to the current connection.",
               "UNBLOCK <clientid> [TIMEOUT|ERROR]",
               "    Unblock the specified blocked client.",
               "NO-EVICT (ON|OFF)",
               "    Protect current client connection from eviction.",
           });
}

}  // namespace

void SendHelp(protocol::ReplyBuilder& rb, std::string_view container,
              std::initializer_list<std::string_view> lines) {
  rb.StartArray(lines.size() + 3);
  rb.SendSimple(std::string(container) +
                " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (auto l : lines) rb.SendSimple(l);
  rb.SendSimple("HELP");
  rb.SendSimple("    Prints this help.");
}

void RegisterConnectionFamily(CommandRegistry& r) {
  constexpr uint32_t kConnFlags =
      CO::kNoScript | CO::kLoading | CO::kStale | CO::kFast | CO::kNoAuth | CO::kAllowBusy;
  r.Add({.name = "ping",
         .arity = -1,
         .flags = CO::kFast,
         .acl = ACL::kConnection,
         .group = "connection",
         .since = "1.0.0",
         .summary = "Ping the server",
         .complexity = "O(1)",
         .handler = CmdPing})
      .Tips({"request_policy:all_shards", "response_policy:all_succeeded"})
      .Args("message/string?");
  r.Add({.name = "echo",
         .arity = 2,
         .flags = CO::kFast | CO::kStale | CO::kLoading,
         .acl = ACL::kConnection,
         .group = "connection",
         .since = "1.0.0",
         .summary = "Echo the given string",
         .complexity = "O(1)",
         .handler = CmdEcho})
      .Args("message/string");
  r.Add({.name = "hello",
         .arity = -1,
         .flags = kConnFlags,
         .acl = ACL::kConnection,
         .group = "connection",
         .since = "6.0.0",
         .summary = "Handshake with Redis",
         .complexity = "O(1)",
         .handler = CmdHello})
      .History({{"6.2.0",
                 "`protover` made optional; when called without arguments the command reports the "
                 "current connection's context."}})
      .Args(
          "arguments/block?[protover/integer username_password/block=AUTH?[username/string "
          "password/string] clientname/string=SETNAME?]");
  r.Add({.name = "auth",
         .arity = -2,
         .flags = kConnFlags,
         .acl = ACL::kConnection,
         .group = "connection",
         .since = "1.0.0",
         .summary = "Authenticate to the server",
         .complexity = "O(N) where N is the number of passwords defined for the user",
         .handler = CmdAuth})
      .History({{"6.0.0", "Added ACL style (username and password)."}})
      .Args("username/string^6.0.0? password/string");
  r.Add({.name = "quit",
         .arity = -1,
         .flags = kConnFlags | CO::kNotQueued,
         .acl = ACL::kConnection,
         .group = "connection",
         .since = "1.0.0",
         .summary = "Close the connection",
         .complexity = "O(1)",
         .handler = CmdQuit});
  r.Add({.name = "reset",
         .arity = 1,
         .flags = kConnFlags | CO::kNotQueued,
         .acl = ACL::kConnection,
         .group = "connection",
         .since = "6.2.0",
         .summary = "Reset the connection",
         .complexity = "O(1)",
         .handler = CmdReset});

  r.Add({.name = "client",
         .arity = -2,
         .group = "connection",
         .since = "2.4.0",
         .summary = "A container for client connection commands",
         .complexity = "Depends on subcommand."});
  constexpr uint32_t kSub = CO::kNoScript | CO::kLoading | CO::kStale;
  r.AddSub("client", {.name = "id",
                      .arity = 2,
                      .flags = kSub,
                      .acl = ACL::kConnection,
                      .since = "5.0.0",
                      .summary = "Returns the client ID for the current connection",
                      .complexity = "O(1)",
                      .handler = CmdClientId});
  r.AddSub("client", {.name = "setname",
                      .arity = 3,
                      .flags = kSub,
                      .acl = ACL::kConnection,
                      .since = "2.6.9",
                      .summary = "Set the current connection name",
                      .complexity = "O(1)",
                      .handler = CmdClientSetName})
      .Args("connection-name/string");
  r.AddSub("client", {.name = "getname",
                      .arity = 2,
                      .flags = kSub,
                      .acl = ACL::kConnection,
                      .since = "2.6.9",
                      .summary = "Get the current connection name",
                      .complexity = "O(1)",
                      .handler = CmdClientGetName});
  r.AddSub("client", {.name = "setinfo",
                      .arity = 4,
                      .flags = kSub,
                      .acl = ACL::kConnection,
                      .since = "7.2.0",
                      .summary = "Set client or connection specific info",
                      .complexity = "O(1)",
                      .handler = CmdClientSetInfo});
  r.AddSub("client", {.name = "info",
                      .arity = 2,
                      .flags = kSub,
                      .acl = ACL::kConnection,
                      .since = "6.2.0",
                      .summary = "Returns information about the current client connection.",
                      .complexity = "O(1)",
                      .handler = CmdClientInfo})
      .Tips({"nondeterministic_output"});
  r.AddSub("client", {.name = "list",
                      .arity = -2,
                      .flags = kSub | CO::kAdmin,
                      .acl = ACL::kConnection,
                      .since = "2.4.0",
                      .summary = "Get the list of client connections",
                      .complexity = "O(N) where N is the number of client connections",
                      .handler = CmdClientList})
      .Tips({"nondeterministic_output"})
      .History({{"2.8.12", "Added unique client `id` field."},
                {"5.0.0", "Added optional `TYPE` filter."},
                {"6.0.0", "Added `user` field."},
                {"6.2.0",
                 "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` "
                 "filter."},
                {"7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."},
                {"7.0.3", "Added `ssub` field."}})
      .Args(
          "normal_master_replica_pubsub/oneof=TYPE^5.0.0?[normal/pure-token=NORMAL "
          "master/pure-token=MASTER replica/pure-token=REPLICA pubsub/pure-token=PUBSUB] "
          "id/block=ID^6.2.0?[client-id/integer*]");
  r.AddSub("client", {.name = "kill",
                      .arity = -3,
                      .flags = kSub | CO::kAdmin,
                      .acl = ACL::kConnection,
                      .since = "2.4.0",
                      .summary = "Kill the connection of a client",
                      .complexity = "O(N) where N is the number of client connections",
                      .handler = CmdClientKill})
      .History({{"2.8.12", "Added new filter format."},
                {"2.8.12", "`ID` option."},
                {"3.2.0", "Added `master` type in for `TYPE` option."},
                {"5.0.0",
                 "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward "
                 "compatibility."},
                {"6.2.0", "`LADDR` option."}})
      .Args(
          "filter/oneof[ip:port/string~2.8.12 new-format/oneof*[client-id/integer=ID^2.8.12? "
          "normal_master_slave_pubsub/oneof=TYPE^2.8.12?[normal/pure-token=NORMAL "
          "master/pure-token=MASTER^3.2.0 slave/pure-token=SLAVE replica/pure-token=REPLICA^5.0.0 "
          "pubsub/pure-token=PUBSUB] username/string=USER? ip:port/string=ADDR? "
          "ip:port/string=LADDR^6.2.0? yes/no/string=SKIPME?]]");
  r.AddSub("client", {.name = "unblock",
                      .arity = -3,
                      .flags = kSub | CO::kAdmin,
                      .acl = ACL::kConnection,
                      .since = "5.0.0",
                      .summary = "Unblock a client blocked in a blocking command from a different "
                                 "connection",
                      .complexity = "O(log N) where N is the number of client connections",
                      .handler = CmdClientUnblock})
      .Args(
          "client-id/integer timeout_error/oneof?[timeout/pure-token=TIMEOUT "
          "error/pure-token=ERROR]");
  r.AddSub("client", {.name = "pause",
                      .arity = -3,
                      .flags = kSub | CO::kAdmin,
                      .acl = ACL::kConnection,
                      .since = "2.9.50",
                      .summary = "Stop processing commands from clients for some time",
                      .complexity = "O(1)",
                      .handler = CmdClientPause})
      .History({{"6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."}})
      .Args("timeout/integer mode/oneof^6.2.0?[write/pure-token=WRITE all/pure-token=ALL]");
  r.AddSub("client", {.name = "unpause",
                      .arity = 2,
                      .flags = kSub | CO::kAdmin,
                      .acl = ACL::kConnection,
                      .since = "6.2.0",
                      .summary = "Resume processing of clients that were paused",
                      .complexity = "O(N) Where N is the number of paused clients",
                      .handler = CmdClientUnpause});
  r.AddSub("client", {.name = "reply",
                      .arity = 3,
                      .flags = kSub,
                      .acl = ACL::kConnection,
                      .since = "3.2.0",
                      .summary = "Instruct the server whether to reply to commands",
                      .complexity = "O(1)",
                      .handler = CmdClientReply})
      .Args("on_off_skip/oneof[on/pure-token=ON off/pure-token=OFF skip/pure-token=SKIP]");
  r.AddSub("client", {.name = "no-evict",
                      .arity = 3,
                      .flags = kSub | CO::kAdmin,
                      .acl = ACL::kConnection,
                      .since = "7.0.0",
                      .summary = "Set client eviction mode for the current connection",
                      .complexity = "O(1)",
                      .handler = CmdClientNoEvict})
      .Args("enabled/oneof[on/pure-token=ON off/pure-token=OFF]");
  r.AddSub("client", {.name = "help",
                      .arity = 2,
                      .flags = CO::kLoading | CO::kStale,
                      .acl = ACL::kConnection,
                      .since = "5.0.0",
                      .summary = "Show helpful text about the different subcommands",
                      .complexity = "O(1)",
                      .handler = CmdClientHelp});
}

}  // namespace fincache
