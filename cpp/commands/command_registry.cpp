#include "commands/command_registry.h"

#include <cstdio>
#include <cstdlib>

#include "commands/command_context.h"
#include "common/strings.h"

namespace fincache {

namespace {
[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "command registry: %s\n", msg.c_str());
  std::abort();
}
}  // namespace

std::vector<std::string_view> AclCategoryNames(uint64_t bits) {
  static constexpr std::string_view kNames[] = {
      "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
      "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
      "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};
  std::vector<std::string_view> out;
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (bits & (1ull << i)) out.push_back(kNames[i]);
  return out;
}

std::vector<std::string_view> CommandFlagNames(uint32_t flags) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {CO::kWrite, "write"},
      {CO::kReadOnly, "readonly"},
      {CO::kDenyOom, "denyoom"},
      {CO::kAdmin, "admin"},
      {CO::kPubSub, "pubsub"},
      {CO::kNoScript, "noscript"},
      {CO::kBlocking, "blocking"},
      {CO::kLoading, "loading"},
      {CO::kStale, "stale"},
      {CO::kSkipMonitor, "skip_monitor"},
      {CO::kSkipSlowlog, "skip_slowlog"},
      {CO::kFast, "fast"},
      {CO::kNoAuth, "no_auth"},
      {CO::kMayReplicate, "may_replicate"},
      {CO::kNoMulti, "no_multi"},
      {CO::kAllowBusy, "allow_busy"},
      {CO::kNoMandatoryKeys, "no_mandatory_keys"},
      {CO::kAsking, "asking"},
      {CO::kNoAsyncLoading, "no_async_loading"},
      {CO::kModule, "module"},
  };
  std::vector<std::string_view> out;
  for (auto& [bit, name] : kNames)
    if (flags & bit) out.push_back(name);
  return out;
}

std::vector<std::string_view> KeySpecFlagNames(uint16_t flags) {
  static constexpr std::string_view kNames[] = {
      "RO",     "RW",     "OW",      "RM",         "access",        "update",
      "insert", "delete", "not_key", "incomplete", "variable_flags"};
  std::vector<std::string_view> out;
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (flags & (1u << i)) out.push_back(kNames[i]);
  return out;
}

bool KeySpec::Covers(CmdArgList args, int i) const {
  int argc = static_cast<int>(args.size());
  int first = 0;
  switch (begin) {
    case Begin::kIndex:
      first = index;
      break;
    case Begin::kKeyword: {
      // Forward from startfrom, or backward from argc + startfrom; keys follow the keyword.
      int step = startfrom >= 0 ? 1 : -1;
      for (int j = startfrom >= 0 ? startfrom : argc + startfrom; j >= 1 && j < argc; j += step) {
        if (EqualsIgnoreCase(args[j], keyword)) {
          first = j + 1;
          break;
        }
      }
      if (first == 0) return false;
      break;
    }
    case Begin::kUnknown:
      return false;
  }
  int last = 0;
  int step = keystep > 0 ? keystep : 1;
  switch (find) {
    case Find::kRange:
      if (lastkey >= 0)
        last = first + lastkey;
      else if (limit <= 1)
        last = argc + lastkey;
      else
        last = first + ((argc - first) / limit + lastkey);
      break;
    case Find::kKeynum: {
      int64_t numkeys = 0;
      int at = first + keynumidx;
      if (at >= argc || !ParseInt64(args[at], &numkeys) || numkeys < 0) return false;
      first += firstkey;
      last = first + static_cast<int>(numkeys - 1) * step;
      break;
    }
    case Find::kUnknown:
      return false;
  }
  return i >= first && i <= last && i < argc && (i - first) % step == 0;
}

bool CommandSpec::MovableKeys() const {
  if (keys_fn) return true;
  for (const KeySpec& k : key_specs)
    if (k.begin != KeySpec::Begin::kIndex || k.find != KeySpec::Find::kRange) return true;
  return false;
}

uint16_t CommandSpec::KeyFlagsAt(CmdArgList args, int i) const {
  for (const KeySpec& k : key_specs) {
    if (!k.Covers(args, i)) continue;
    if ((k.flags & KeySpec::kVariableFlags) && key_flags_fn) return key_flags_fn(args, k.flags);
    return k.flags;
  }
  return 0;
}

namespace {

constexpr std::string_view kArgDelims = " #=^~?*&[]";

bool KnownArgType(std::string_view t) {
  static constexpr std::string_view kTypes[] = {
      "string", "integer", "double", "key", "pattern", "unix-time", "pure-token", "oneof", "block"};
  for (auto k : kTypes)
    if (k == t) return true;
  return false;
}

// A list of arguments up to the end of s, or (nested) up to and including the closing ']'.
bool ParseArgList(std::string_view& s, std::vector<ArgSpec>* out, bool nested) {
  for (;;) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s.empty()) return !nested;
    if (s.front() == ']') {
      s.remove_prefix(1);
      return nested;
    }
    ArgSpec a;
    std::string_view head = s.substr(0, s.find_first_of(kArgDelims));
    s.remove_prefix(head.size());
    size_t slash = head.rfind('/');
    if (slash == std::string_view::npos || slash == 0) return false;
    a.name = head.substr(0, slash);
    a.type = head.substr(slash + 1);
    if (!KnownArgType(a.type)) return false;
    constexpr std::string_view kModifiers = "#=^~?*&";
    while (!s.empty() && kModifiers.find(s.front()) != std::string_view::npos) {
      char c = s.front();
      s.remove_prefix(1);
      if (c == '?' || c == '*' || c == '&') {
        a.flags |= c == '?' ? ArgSpec::kOptional
                            : (c == '*' ? ArgSpec::kMultiple : ArgSpec::kMultipleToken);
        continue;
      }
      std::string_view value = s.substr(0, s.find_first_of(kArgDelims));
      s.remove_prefix(value.size());
      if (value.empty()) return false;
      if (c == '#') {
        int64_t n;
        if (!ParseInt64(value, &n) || n < 0) return false;
        a.key_spec_index = static_cast<int>(n);
      } else if (c == '=') {
        a.token = value;
      } else if (c == '^') {
        a.since = value;
      } else {
        a.deprecated_since = value;
      }
    }
    if (!s.empty() && s.front() == '[') {
      s.remove_prefix(1);
      if (!ParseArgList(s, &a.args, true)) return false;
      if (a.args.empty()) return false;
    }
    bool group = a.type == "oneof" || a.type == "block";
    if (group != !a.args.empty()) return false;
    out->push_back(std::move(a));
  }
}

}  // namespace

bool ParseArgSpecs(std::string_view text, std::vector<ArgSpec>* out) {
  return ParseArgList(text, out, false);
}

CommandSpec& CommandSpec::Args(std::string_view text) {
  arguments.clear();
  if (!ParseArgSpecs(text, &arguments))
    Die("malformed arguments of " + name + ": " + std::string(text));
  return *this;
}

uint64_t CommandSpec::AllAclCategories() const {
  uint64_t bits = acl;
  if (flags & CO::kWrite) bits |= ACL::kWrite;
  // As Redis's setImplicitACLCategories: read-only scripting commands (EVAL_RO...) are not @read.
  if (flags & CO::kReadOnly && !(acl & ACL::kScripting)) bits |= ACL::kRead;
  if (flags & CO::kAdmin) bits |= ACL::kAdmin | ACL::kDangerous;
  if (flags & CO::kPubSub) bits |= ACL::kPubSub;
  if (flags & CO::kBlocking) bits |= ACL::kBlocking;
  if (flags & CO::kFast)
    bits |= ACL::kFast;
  else
    bits |= ACL::kSlow;
  return bits;
}

CommandSpec& CommandRegistry::Add(CommandSpec spec) {
  spec.name = ToLower(spec.name);
  spec.full_name = spec.name;
  if (commands_.count(spec.name)) Die("duplicate command " + spec.name);
  auto p = std::make_unique<CommandSpec>(std::move(spec));
  CommandSpec& ref = *p;
  commands_.emplace(ref.name, std::move(p));
  by_name_.emplace(ref.name, &ref);  // ref.name never changes after Add
  return ref;
}

CommandSpec& CommandRegistry::AddSub(std::string_view container, CommandSpec spec) {
  auto it = commands_.find(ToLower(container));
  if (it == commands_.end()) Die("no container " + std::string(container));
  CommandSpec& parent = *it->second;
  spec.name = ToLower(spec.name);
  spec.full_name = parent.name + "|" + spec.name;
  spec.parent = &parent;
  if (spec.group.empty()) spec.group = parent.group;
  if (parent.subcommands.count(spec.name)) Die("duplicate subcommand " + spec.full_name);
  auto p = std::make_unique<CommandSpec>(std::move(spec));
  CommandSpec& ref = *p;
  parent.subcommands.emplace(ref.name, std::move(p));
  return ref;
}

const CommandSpec* CommandRegistry::Find(std::string_view name) const {
  char buf[64];
  if (name.size() >= sizeof(buf)) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) buf[i] = AsciiLower(name[i]);
  std::string_view lower(buf, name.size());
  auto it = by_name_.find(lower);
  if (it != by_name_.end()) return it->second;
  // Run-time commands: one relaxed load when there are none.
  if (custom_live_count_.load(std::memory_order_acquire) == 0) return nullptr;
  std::shared_lock lk(custom_mu_);
  auto c = custom_live_.find(lower);
  return c == custom_live_.end() ? nullptr : c->second;
}

// ---------------------------------------------------------------------------------------------
// Commands added at run time
// ---------------------------------------------------------------------------------------------

struct CommandRegistry::CustomSpec {
  CommandSpec spec;
  std::string summary;  // spec.summary and spec.module view these
  std::string module;
};

namespace {

// The handler of every run-time command: its ExternalCommand object.
void CmdExternal(CmdArgList args, CommandContext& ctx);

// Why a run-time command's definition is refused ("" when it is fine).
std::string CheckCustomDef(const CustomCommandDef& def) {
  const std::string& n = def.name;
  if (n.empty() || n.size() > 63) return "a command name is 1 to 63 bytes long";
  for (unsigned char c : n)
    if (c <= ' ' || c == 0x7f || c == '|')
      return "a command name has no space, control character or '|'";
  if (def.first_key < 0) return "first_key can't be negative";
  if (def.arity == 0) return "arity can't be 0 (N: exactly N arguments, -N: at least N)";
  if (!def.handler) return "no handler";
  if ((def.flags & CO::kWrite) && (def.flags & CO::kReadOnly))
    return "a command can't be both write and readonly";
  if (def.first_key == 0) {
    if (def.last_key != 0) return "last_key needs first_key";
    return "";
  }
  if (def.key_step < 1) return "step must be at least 1";
  if (def.last_key >= 0 && def.last_key < def.first_key)
    return "last_key must be at least first_key, or negative (counted from the end)";
  if (def.arity > 0 && (def.first_key >= def.arity || def.last_key >= def.arity))
    return "the key positions are beyond the arity";
  const int min_args = def.arity > 0 ? def.arity : -def.arity;
  if (def.first_key >= min_args && def.arity < 0)
    return "arity -" + std::to_string(min_args) + " allows calls without the first key at " +
           std::to_string(def.first_key) + " (use at least -" + std::to_string(def.first_key + 1) +
           ")";
  return "";
}

}  // namespace

CommandRegistry::CommandRegistry() = default;
CommandRegistry::~CommandRegistry() = default;

std::string CommandRegistry::AddCustom(CustomCommandDef def, bool replace) {
  std::string err = CheckCustomDef(def);
  if (!err.empty()) return err;
  const std::string lower = ToLower(def.name);
  if (by_name_.count(lower)) return "'" + lower + "' is a built-in command";

  auto owned = std::make_unique<CustomSpec>();
  owned->summary = std::move(def.summary);
  owned->module = std::move(def.module);
  CommandSpec& spec = owned->spec;
  spec.name = lower;
  spec.full_name = lower;
  spec.arity = def.arity;
  // Atomic like a script: the command holds the exclusive gate while it runs.
  spec.flags = def.flags | CO::kModule | CO::kGlobal;
  spec.group = "module";
  spec.summary = owned->summary;
  spec.module = owned->module;
  spec.handler = CmdExternal;
  spec.external = std::move(def.handler);
  if (def.first_key > 0) {
    spec.first_key = def.first_key;
    spec.last_key = def.last_key;
    spec.key_step = def.key_step;
    // One key spec from the legacy triple, as Redis derives it for module commands; read-only
    // commands only read their keys.
    KeySpec ks =
        KS::Index(def.first_key)
            .Range(def.last_key < 0 ? def.last_key : def.last_key - def.first_key, def.key_step);
    ks = (def.flags & CO::kReadOnly) ? ks.RO().Access() : ks.RW().Access().Update();
    spec.key_specs.push_back(ks);
  }

  std::shared_ptr<ExternalCommand> retired;
  {
    std::unique_lock lk(custom_mu_);
    auto it = custom_live_.find(lower);
    if (it != custom_live_.end()) {
      if (!replace) return "command '" + lower + "' is already registered";
      retired = it->second->external;
      it->second = &spec;
    } else {
      custom_live_.emplace(lower, &spec);
      custom_live_count_.fetch_add(1, std::memory_order_release);
    }
    custom_all_.push_back(std::move(owned));
  }
  if (retired) retired->Retire();
  return "";
}

bool CommandRegistry::RemoveCustom(std::string_view name) {
  std::shared_ptr<ExternalCommand> retired;
  {
    std::unique_lock lk(custom_mu_);
    auto it = custom_live_.find(ToLower(name));
    if (it == custom_live_.end()) return false;
    retired = it->second->external;
    custom_live_.erase(it);
    custom_live_count_.fetch_sub(1, std::memory_order_release);
  }
  retired->Retire();
  return true;
}

size_t CommandRegistry::size() const {
  return commands_.size() + static_cast<size_t>(custom_live_count_.load(std::memory_order_acquire));
}

std::vector<const CommandSpec*> CommandRegistry::Snapshot() const {
  std::vector<const CommandSpec*> out;
  out.reserve(commands_.size() + 8);
  for (auto& [name, spec] : commands_) out.push_back(spec.get());
  if (custom_live_count_.load(std::memory_order_acquire) == 0) return out;
  std::shared_lock lk(custom_mu_);
  for (auto& [name, spec] : custom_live_) out.push_back(spec);
  return out;
}

const CommandSpec* CommandRegistry::Lookup(CmdArgList argv) const {
  if (argv.empty()) return nullptr;
  const CommandSpec* spec = Find(argv[0]);
  if (spec && spec->HasSubcommands() && argv.size() >= 2) return FindSub(*spec, argv[1]);
  return spec;
}

const CommandSpec* CommandRegistry::FindSub(const CommandSpec& container,
                                            std::string_view sub) const {
  char buf[64];
  if (sub.size() >= sizeof(buf)) return nullptr;
  for (size_t i = 0; i < sub.size(); ++i) buf[i] = AsciiLower(sub[i]);
  auto it = container.subcommands.find(std::string_view(buf, sub.size()));
  return it == container.subcommands.end() ? nullptr : it->second.get();
}

bool CommandRegistry::GetKeyIndexes(const CommandSpec& spec, CmdArgList args, KeyIndexes* out) {
  if (spec.keys_fn) return spec.keys_fn(args, out);
  if (spec.first_key <= 0) return true;
  int argc = static_cast<int>(args.size());
  int last = spec.last_key < 0 ? argc + spec.last_key : spec.last_key;
  int step = spec.key_step > 0 ? spec.key_step : 1;
  for (int i = spec.first_key; i <= last && i < argc; i += step) out->push_back(i);
  return true;
}

namespace {
void CmdExternal(CmdArgList args, CommandContext& ctx) { ctx.spec.external->Run(args, ctx); }
}  // namespace

}  // namespace fincache
