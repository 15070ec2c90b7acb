// COMMAND [COUNT | INFO | DOCS | GETKEYS | GETKEYSANDFLAGS | LIST | HELP]: the command table as
// Redis 7.0 describes it, derived from the registry (one source of truth).
//
// Tips, key specs, doc flags and history come from the registry as each family declares them
// (Redis 7.0.15's facts); "movablekeys" is derived (a key function or a key spec that isn't
// index + range). GETKEYSANDFLAGS takes each key's flags from the key spec covering it. DOCS
// "arguments" come from each command's compact Args("...") line.
#include <algorithm>

#include "commands/command_context.h"
#include "commands/server_family.h"
#include "common/errors.h"
#include "common/strings.h"

namespace fincache {

namespace {

// Redis's order of command flags in COMMAND INFO (addCommandFlags).
int FlagRank(std::string_view f) {
  static constexpr std::string_view kOrder[] = {"write",
                                                "readonly",
                                                "denyoom",
                                                "module",
                                                "admin",
                                                "pubsub",
                                                "noscript",
                                                "blocking",
                                                "loading",
                                                "stale",
                                                "skip_monitor",
                                                "skip_slowlog",
                                                "asking",
                                                "fast",
                                                "no_auth",
                                                "may_replicate",
                                                "sentinel",
                                                "only_sentinel",
                                                "no_mandatory_keys",
                                                "protected",
                                                "no_async_loading",
                                                "no_multi",
                                                "movablekeys",
                                                "allow_busy"};
  for (size_t i = 0; i < std::size(kOrder); ++i)
    if (kOrder[i] == f) return static_cast<int>(i);
  return 100;
}

std::vector<std::string_view> FlagsOf(const CommandSpec& spec) {
  std::vector<std::string_view> flags = CommandFlagNames(spec.flags);
  if (spec.MovableKeys()) flags.push_back("movablekeys");
  std::stable_sort(flags.begin(), flags.end(),
                   [](auto a, auto b) { return FlagRank(a) < FlagRank(b); });
  return flags;
}

// Redis's doesCommandHaveKeys: COMMAND GETKEYS ignores commands whose key specs are all not_key
// (the shard Pub/Sub channels).
bool HasRealKeys(const CommandSpec& spec) {
  if (spec.keys_fn) return true;
  if (spec.first_key <= 0) return false;
  if (spec.key_specs.empty()) return true;
  for (const KeySpec& k : spec.key_specs)
    if (!(k.flags & KS::kNotKey)) return true;
  return false;
}

void SendFlagSet(const std::vector<std::string_view>& names, protocol::ReplyBuilder& rb) {
  rb.StartSet(names.size());
  for (auto n : names) rb.SendSimple(n);
}

// One key spec: a map of [notes,] flags, begin_search and find_keys (Redis's field order).
void SendKeySpec(const KeySpec& ks, protocol::ReplyBuilder& rb) {
  rb.StartMap(ks.notes.empty() ? 3 : 4);
  if (!ks.notes.empty()) {
    rb.SendBulk("notes");
    rb.SendBulk(ks.notes);
  }
  rb.SendBulk("flags");
  SendFlagSet(KeySpecFlagNames(ks.flags), rb);
  rb.SendBulk("begin_search");
  rb.StartMap(2);
  rb.SendBulk("type");
  switch (ks.begin) {
    case KeySpec::Begin::kIndex:
      rb.SendBulk("index");
      rb.SendBulk("spec");
      rb.StartMap(1);
      rb.SendBulk("index");
      rb.SendLong(ks.index);
      break;
    case KeySpec::Begin::kKeyword:
      rb.SendBulk("keyword");
      rb.SendBulk("spec");
      rb.StartMap(2);
      rb.SendBulk("keyword");
      rb.SendBulk(ks.keyword);
      rb.SendBulk("startfrom");
      rb.SendLong(ks.startfrom);
      break;
    case KeySpec::Begin::kUnknown:
      rb.SendBulk("unknown");
      rb.SendBulk("spec");
      rb.StartMap(0);
      break;
  }
  rb.SendBulk("find_keys");
  rb.StartMap(2);
  rb.SendBulk("type");
  switch (ks.find) {
    case KeySpec::Find::kRange:
      rb.SendBulk("range");
      rb.SendBulk("spec");
      rb.StartMap(3);
      rb.SendBulk("lastkey");
      rb.SendLong(ks.lastkey);
      rb.SendBulk("keystep");
      rb.SendLong(ks.keystep);
      rb.SendBulk("limit");
      rb.SendLong(ks.limit);
      break;
    case KeySpec::Find::kKeynum:
      rb.SendBulk("keynum");
      rb.SendBulk("spec");
      rb.StartMap(3);
      rb.SendBulk("keynumidx");
      rb.SendLong(ks.keynumidx);
      rb.SendBulk("firstkey");
      rb.SendLong(ks.firstkey);
      rb.SendBulk("keystep");
      rb.SendLong(ks.keystep);
      break;
    case KeySpec::Find::kUnknown:
      rb.SendBulk("unknown");
      rb.SendBulk("spec");
      rb.StartMap(0);
      break;
  }
}

// The 10-element COMMAND entry: name, arity, flags, first key, last key, step, ACL categories,
// tips, key specs, subcommands.
void SendCommandInfo(const CommandSpec& spec, protocol::ReplyBuilder& rb) {
  rb.StartArray(10);
  rb.SendBulk(spec.full_name);
  rb.SendLong(spec.arity);
  SendFlagSet(FlagsOf(spec), rb);
  rb.SendLong(spec.first_key);
  rb.SendLong(spec.last_key);
  rb.SendLong(spec.first_key > 0 ? (spec.key_step > 0 ? spec.key_step : 1) : 0);
  // A container shows only what its flags imply (Redis: "@slow").
  uint64_t acl = spec.HasSubcommands() && !spec.handler ? CommandSpec{}.AllAclCategories()
                                                        : spec.AllAclCategories();
  auto cats = AclCategoryNames(acl);
  rb.StartSet(cats.size());
  for (auto c : cats) rb.SendSimple("@" + std::string(c));
  // Tips and key specs are sets in RESP3; subcommands an array, or an empty set when none.
  rb.StartSet(spec.tips.size());
  for (auto t : spec.tips) rb.SendBulk(t);
  rb.StartSet(spec.key_specs.size());
  for (const KeySpec& ks : spec.key_specs) SendKeySpec(ks, rb);
  if (!spec.HasSubcommands()) return rb.StartSet(0);
  rb.StartArray(spec.subcommands.size());
  for (auto& [name, sub] : spec.subcommands) SendCommandInfo(*sub, rb);
}

// COMMAND DOCS "arguments": an array of maps (name, type, [key_spec_index], [token], [since],
// [deprecated_since], [flags], [arguments]), Redis's field order.
void SendArgs(const std::vector<ArgSpec>& args, protocol::ReplyBuilder& rb) {
  rb.StartArray(args.size());
  for (const ArgSpec& a : args) {
    std::vector<std::string_view> flags;
    if (a.flags & ArgSpec::kOptional) flags.push_back("optional");
    if (a.flags & ArgSpec::kMultiple) flags.push_back("multiple");
    if (a.flags & ArgSpec::kMultipleToken) flags.push_back("multiple_token");
    rb.StartMap(2 + (a.key_spec_index >= 0) + !a.token.empty() + !a.since.empty() +
                !a.deprecated_since.empty() + !flags.empty() + !a.args.empty());
    rb.SendBulk("name");
    rb.SendBulk(a.name);
    rb.SendBulk("type");
    rb.SendBulk(a.type);
    if (a.key_spec_index >= 0) {
      rb.SendBulk("key_spec_index");
      rb.SendLong(a.key_spec_index);
    }
    if (!a.token.empty()) {
      rb.SendBulk("token");
      rb.SendBulk(a.token);
    }
    if (!a.since.empty()) {
      rb.SendBulk("since");
      rb.SendBulk(a.since);
    }
    if (!a.deprecated_since.empty()) {
      rb.SendBulk("deprecated_since");
      rb.SendBulk(a.deprecated_since);
    }
    if (!flags.empty()) {
      rb.SendBulk("flags");
      SendFlagSet(flags, rb);
    }
    if (!a.args.empty()) {
      rb.SendBulk("arguments");
      SendArgs(a.args, rb);
    }
  }
}

void SendCommandDocs(const CommandSpec& spec, protocol::ReplyBuilder& rb) {
  bool subs = spec.HasSubcommands();
  std::vector<std::string_view> doc_flags;
  if (spec.doc_flags & DOC::kDeprecated) doc_flags.push_back("deprecated");
  if (spec.doc_flags & DOC::kSyscmd) doc_flags.push_back("syscmd");
  // A run-time (module) command shows only the docs it has, and its module, as Redis does.
  const bool module = spec.flags & CO::kModule;
  const bool summary = !module || !spec.summary.empty();
  const bool since = !module || !spec.since.empty();
  // Redis leaves "complexity" out for the few commands that declare none (MONITOR).
  const bool complexity = !spec.complexity.empty();
  rb.StartMap(1 + summary + since + complexity + module + !doc_flags.empty() +
              !spec.deprecated_since.empty() + !spec.replaced_by.empty() + !spec.history.empty() +
              !spec.arguments.empty() + subs);
  if (summary) {
    rb.SendBulk("summary");
    rb.SendBulk(spec.summary);
  }
  if (since) {
    rb.SendBulk("since");
    rb.SendBulk(spec.since);
  }
  rb.SendBulk("group");
  rb.SendBulk(spec.group);
  if (complexity) {
    rb.SendBulk("complexity");
    rb.SendBulk(spec.complexity);
  }
  if (module) {
    rb.SendBulk("module");
    rb.SendBulk(spec.module);
  }
  if (!doc_flags.empty()) {
    rb.SendBulk("doc_flags");
    SendFlagSet(doc_flags, rb);
  }
  if (!spec.deprecated_since.empty()) {
    rb.SendBulk("deprecated_since");
    rb.SendBulk(spec.deprecated_since);
  }
  if (!spec.replaced_by.empty()) {
    rb.SendBulk("replaced_by");
    rb.SendBulk(spec.replaced_by);
  }
  if (!spec.history.empty()) {  // a set of [version, text] pairs in RESP3
    rb.SendBulk("history");
    rb.StartSet(spec.history.size());
    for (const HistoryEntry& h : spec.history) {
      rb.StartArray(2);
      rb.SendBulk(h.version);
      rb.SendBulk(h.text);
    }
  }
  if (!spec.arguments.empty()) {
    rb.SendBulk("arguments");
    SendArgs(spec.arguments, rb);
  }
  if (subs) {
    rb.SendBulk("subcommands");
    rb.StartMap(spec.subcommands.size());
    for (auto& [name, sub] : spec.subcommands) {
      rb.SendBulk(sub->full_name);
      SendCommandDocs(*sub, rb);
    }
  }
}

// Looks up "get" or "client|id" (Redis's lookupCommandBySds).
const CommandSpec* LookupByFullName(const CommandRegistry& reg, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return reg.Find(name);
  const CommandSpec* parent = reg.Find(name.substr(0, bar));
  if (!parent || !parent->HasSubcommands()) return nullptr;
  std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  return reg.FindSub(*parent, sub);
}

// COMMAND -> array of every command's 10-element entry
void CmdCommand(CmdArgList args, CommandContext& ctx) {
  std::vector<const CommandSpec*> all = ctx.server.registry().Snapshot();
  ctx.rb.StartArray(all.size());
  for (const CommandSpec* spec : all) SendCommandInfo(*spec, ctx.rb);
}

// COMMAND COUNT -> integer: number of top-level commands
void CmdCommandCount(CmdArgList args, CommandContext& ctx) {
  ctx.rb.SendLong(static_cast<int64_t>(ctx.server.registry().size()));
}

// COMMAND INFO [command-name ...] -> array of entries (nil for unknown names); all when no names
void CmdCommandInfo(CmdArgList args, CommandContext& ctx) {
  if (args.size() == 2) return CmdCommand(args, ctx);
  ctx.rb.StartArray(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    const CommandSpec* spec = LookupByFullName(ctx.server.registry(), args[i]);
    if (spec)
      SendCommandInfo(*spec, ctx.rb);
    else
      ctx.rb.SendNull();
  }
}

// COMMAND DOCS [command-name ...] -> map of name to docs (unknown names are left out)
void CmdCommandDocs(CmdArgList args, CommandContext& ctx) {
  const CommandRegistry& reg = ctx.server.registry();
  if (args.size() == 2) {
    std::vector<const CommandSpec*> all = reg.Snapshot();
    ctx.rb.StartMap(all.size());
    for (const CommandSpec* spec : all) {
      ctx.rb.SendBulk(spec->full_name);
      SendCommandDocs(*spec, ctx.rb);
    }
    return;
  }
  std::vector<const CommandSpec*> found;
  for (size_t i = 2; i < args.size(); ++i)
    if (const CommandSpec* spec = LookupByFullName(reg, args[i])) found.push_back(spec);
  ctx.rb.StartMap(found.size());
  for (auto* spec : found) {
    ctx.rb.SendBulk(spec->full_name);
    SendCommandDocs(*spec, ctx.rb);
  }
}

// Resolves the command inside COMMAND GETKEYS and extracts its keys; replies the error and
// returns false when it can't.
bool ExtractKeys(CmdArgList args, CommandContext& ctx, const CommandSpec** out_spec,
                 KeyIndexes* keys) {
  CmdArgList cmd = args.subspan(2);
  const CommandRegistry& reg = ctx.server.registry();
  const CommandSpec* spec = reg.Lookup(cmd);
  if (!spec) {
    ctx.SendError(errors::kInvalidCommandSpecified);
    return false;
  }
  if (!HasRealKeys(*spec)) {
    ctx.SendError(errors::kNoKeyArguments);
    return false;
  }
  int argc = static_cast<int>(cmd.size());
  if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity) {
    ctx.SendError(errors::kInvalidCommandArgs);
    return false;
  }
  if (!CommandRegistry::GetKeyIndexes(*spec, cmd, keys) || keys->empty()) {
    if (spec->flags & CO::kNoMandatoryKeys) {
      keys->clear();
      *out_spec = spec;
      return true;
    }
    ctx.SendError(errors::kInvalidCommandKeyArgs);
    return false;
  }
  *out_spec = spec;
  return true;
}

// COMMAND GETKEYS command [arg ...] -> array of the keys
void CmdCommandGetKeys(CmdArgList args, CommandContext& ctx) {
  const CommandSpec* spec = nullptr;
  KeyIndexes keys;
  if (!ExtractKeys(args, ctx, &spec, &keys)) return;
  ctx.rb.StartArray(keys.size());
  for (int i : keys) ctx.rb.SendBulk(args[2 + i]);
}

// COMMAND GETKEYSANDFLAGS command [arg ...] -> array of [key, flags]
void CmdCommandGetKeysAndFlags(CmdArgList args, CommandContext& ctx) {
  const CommandSpec* spec = nullptr;
  KeyIndexes keys;
  if (!ExtractKeys(args, ctx, &spec, &keys)) return;
  CmdArgList cmd = args.subspan(2);
  ctx.rb.StartArray(keys.size());
  for (int i : keys) {
    ctx.rb.StartArray(2);
    ctx.rb.SendBulk(cmd[i]);
    SendFlagSet(KeySpecFlagNames(spec->KeyFlagsAt(cmd, i)), ctx.rb);
  }
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern] -> array of names,
// subcommands included ("client|id")
void CmdCommandList(CmdArgList args, CommandContext& ctx) {
  enum { kNone, kModule, kAclCat, kPattern } filter = kNone;
  std::string_view value;
  if (args.size() == 5 && EqualsIgnoreCase(args[2], "filterby")) {
    if (EqualsIgnoreCase(args[3], "module"))
      filter = kModule;
    else if (EqualsIgnoreCase(args[3], "aclcat"))
      filter = kAclCat;
    else if (EqualsIgnoreCase(args[3], "pattern"))
      filter = kPattern;
    else
      return ctx.SendStatus(OpStatus::kSyntaxError);
    value = args[4];
  } else if (args.size() != 2) {
    return ctx.SendStatus(OpStatus::kSyntaxError);
  }
  std::vector<std::string> names;
  auto consider = [&](const CommandSpec& spec) {
    switch (filter) {
      case kNone:
        break;
      case kModule:  // run-time commands (Python's register_command) belong to a module
        if (!(spec.flags & CO::kModule) || spec.module != value) return;
        break;
      case kAclCat: {
        bool in = false;
        for (auto c : AclCategoryNames(spec.AllAclCategories()))
          if (EqualsIgnoreCase(c, value)) in = true;
        if (!in) return;
        break;
      }
      case kPattern:
        if (!GlobMatch(value, spec.full_name, /*nocase=*/true)) return;
        break;
    }
    names.push_back(spec.full_name);
  };
  for (const CommandSpec* spec : ctx.server.registry().Snapshot()) {
    // A container's categories are only "@slow"; it matches ACLCAT only through them.
    if (spec->HasSubcommands() && !spec->handler && filter == kAclCat) {
      CommandSpec bare;
      bare.full_name = spec->full_name;
      consider(bare);
    } else {
      consider(*spec);
    }
    for (auto& [sub_name, sub] : spec->subcommands) consider(*sub);
  }
  ctx.rb.StartArray(names.size());
  for (auto& n : names) ctx.rb.SendBulk(n);
}

// COMMAND HELP -> array of simple strings
void CmdCommandHelp(CmdArgList args, CommandContext& ctx) {
  SendHelp(ctx.rb, "COMMAND",
           {
               "(no subcommand)",
               "    Return details about all Redis commands.",
               "COUNT",
               "    Return the total number of commands in this Redis server.",
               "LIST",
               "    Return a list of all commands in this Redis server.",
               "INFO [<command-name> ...]",
               "    Return details about multiple Redis commands.",
               "    If no command names are given, documentation details for all",
               "    commands are returned.",
               "DOCS [<command-name> ...]",
               "    Return documentation details about multiple Redis commands.",
               "    If no command names are given, documentation details for all",
               "    commands are returned.",
               "GETKEYS <full-command>",
               "    Return the keys from a full Redis command.",
               "GETKEYSANDFLAGS <full-command>",
               "    Return the keys and the access flags from a full Redis command.",
           });
}

}  // namespace

void RegisterCommandCommand(CommandRegistry& r) {
  constexpr uint32_t kFlags = CO::kLoading | CO::kStale;
  r.Add({.name = "command",
         .arity = -1,
         .flags = kFlags,
         .acl = ACL::kConnection,
         .group = "server",
         .since = "2.8.13",
         .summary = "Get array of Redis command details",
         .complexity = "O(N) where N is the total number of Redis commands",
         .handler = CmdCommand})
      .Tips({"nondeterministic_output_order"});
  r.AddSub("command", {.name = "count",
                       .arity = 2,
                       .flags = kFlags,
                       .acl = ACL::kConnection,
                       .since = "2.8.13",
                       .summary = "Get total number of Redis commands",
                       .complexity = "O(1)",
                       .handler = CmdCommandCount});
  r.AddSub(
       "command",
       {.name = "info",
        .arity = -2,
        .flags = kFlags,
        .acl = ACL::kConnection,
        .since = "2.8.13",
        .summary = "Get array of specific Redis command details, or all when no argument is given.",
        .complexity = "O(N) where N is the number of commands to look up",
        .handler = CmdCommandInfo})
      .Tips({"nondeterministic_output_order"})
      .History({{"7.0.0", "Allowed to be called with no argument to get info on all commands."}})
      .Args("command-name/string?*");
  r.AddSub("command", {.name = "docs",
                       .arity = -2,
                       .flags = kFlags,
                       .acl = ACL::kConnection,
                       .since = "7.0.0",
                       .summary = "Get array of specific Redis command documentation",
                       .complexity = "O(N) where N is the number of commands to look up",
                       .handler = CmdCommandDocs})
      .Tips({"nondeterministic_output_order"})
      .Args("command-name/string?*");
  r.AddSub("command", {.name = "getkeys",
                       .arity = -4,
                       .flags = kFlags,
                       .acl = ACL::kConnection,
                       .since = "2.8.13",
                       .summary = "Extract keys given a full Redis command",
                       .complexity = "O(N) where N is the number of arguments to the command",
                       .handler = CmdCommandGetKeys});
  r.AddSub("command", {.name = "getkeysandflags",
                       .arity = -4,
                       .flags = kFlags,
                       .acl = ACL::kConnection,
                       .since = "7.0.0",
                       .summary = "Extract keys and access flags given a full Redis command",
                       .complexity = "O(N) where N is the number of arguments to the command",
                       .handler = CmdCommandGetKeysAndFlags});
  r.AddSub("command", {.name = "list",
                       .arity = -2,
                       .flags = kFlags,
                       .acl = ACL::kConnection,
                       .since = "7.0.0",
                       .summary = "Get an array of Redis command names",
                       .complexity = "O(N) where N is the total number of Redis commands",
                       .handler = CmdCommandList})
      .Tips({"nondeterministic_output_order"})
      .Args(
          "filterby/oneof=FILTERBY?[module-name/string=MODULE category/string=ACLCAT "
          "pattern/pattern=PATTERN]");
  r.AddSub("command", {.name = "help",
                       .arity = 2,
                       .flags = kFlags,
                       .acl = ACL::kConnection,
                       .since = "5.0.0",
                       .summary = "Show helpful text about the different subcommands",
                       .complexity = "O(1)",
                       .handler = CmdCommandHelp});
}

}  // namespace fincache
