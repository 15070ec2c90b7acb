// The command table: one source of truth per command (name, arity, flags, key positions, ACL
// categories, summary, handler). COMMAND, COMMAND INFO/DOCS/GETKEYS, ACL categories, the
// dispatcher's key locking and the docs' compatibility table are all derived from it.
#pragma once

#include <atomic>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fincache {

struct CommandContext;
class ExternalCommand;
using CmdArgList = std::span<const std::string_view>;  // argv, argv[0] is the command name
using CommandHandler = void (*)(CmdArgList args, CommandContext& ctx);
// argv indexes of a command's keys.
using KeyIndexes = boost::container::small_vector<int, 6>;
// Custom key extraction for commands whose keys aren't first/last/step (numkeys, LCS, SORT...).
// Appends argv indexes of keys; returns false when argv is malformed (the handler reports).
using KeysFunction = bool (*)(CmdArgList args, KeyIndexes* key_indexes);

// Command flags, Redis's names (COMMAND INFO) plus FinCache-internal ones.
namespace CO {
enum : uint32_t {
  kWrite = 1u << 0,
  kReadOnly = 1u << 1,
  kDenyOom = 1u << 2,
  kAdmin = 1u << 3,
  kPubSub = 1u << 4,
  kNoScript = 1u << 5,
  kBlocking = 1u << 6,
  kLoading = 1u << 7,
  kStale = 1u << 8,
  kSkipMonitor = 1u << 9,
  kSkipSlowlog = 1u << 10,
  kFast = 1u << 11,
  kNoAuth = 1u << 12,
  kMayReplicate = 1u << 13,
  kNoMulti = 1u << 14,
  kAllowBusy = 1u << 15,
  kNoMandatoryKeys = 1u << 16,
  kAsking = 1u << 17,
  kNoAsyncLoading = 1u << 18,
  kTouchesArbitraryKeys = 1u << 19,
  // Redis's "module": a command added at run time by the program embedding the engine
  // (CommandRegistry::AddCustom), as Redis flags the commands of its modules.
  kModule = 1u << 20,
  // FinCache: runs alone, holding the exclusive gate (whole-keyspace commands).
  kGlobal = 1u << 24,
  // FinCache: runs at once inside MULTI instead of being queued (EXEC DISCARD MULTI WATCH QUIT
  // RESET, as Redis's processCommand lists them).
  kNotQueued = 1u << 25,
  // FinCache, for WATCH: an integer reply 0 means the command changed nothing (SADD, HDEL,
  // EXPIRE...), so its keys are not touched, as Redis signals no modification then.
  kNoopOnZero = 1u << 26,
  // FinCache, for WATCH: a nil reply means nothing was written to keys that held a value (SET
  // NX/XX that did not set).
  kNoopOnNull = 1u << 27,
};
}  // namespace CO

// ACL categories. @read/@write/@fast/@slow/@admin/@dangerous are derived from flags.
namespace ACL {
enum : uint64_t {
  kKeyspace = 1ull << 0,
  kRead = 1ull << 1,
  kWrite = 1ull << 2,
  kSet = 1ull << 3,
  kSortedSet = 1ull << 4,
  kList = 1ull << 5,
  kHash = 1ull << 6,
  kString = 1ull << 7,
  kBitmap = 1ull << 8,
  kHyperLogLog = 1ull << 9,
  kGeo = 1ull << 10,
  kStream = 1ull << 11,
  kPubSub = 1ull << 12,
  kAdmin = 1ull << 13,
  kFast = 1ull << 14,
  kSlow = 1ull << 15,
  kBlocking = 1ull << 16,
  kDangerous = 1ull << 17,
  kConnection = 1ull << 18,
  kTransaction = 1ull << 19,
  kScripting = 1ull << 20,
};
}  // namespace ACL

// Names of ACL category bits ("keyspace", "read"...), in bit order.
std::vector<std::string_view> AclCategoryNames(uint64_t bits);
// Names of flags ("write", "readonly", "denyoom"...) as COMMAND INFO shows them.
std::vector<std::string_view> CommandFlagNames(uint32_t flags);

// A key spec as Redis 7.0 declares it (COMMAND INFO, COMMAND GETKEYSANDFLAGS): how to find a
// group of keys in argv (begin_search + find_keys) and what the command does with them. Key
// specs describe; the dispatcher locks from first/last/step (or keys_fn), which agree with them.
//
// Built with a chain, e.g. KS::Index(1).RW().Access().Update() (one key at argv[1]),
// KS::Index(1).Range(-1, 2).OW().Update() (argv[1], [3], ... up to the last).
struct KeySpec {
  enum Flag : uint16_t {
    kRO = 1 << 0,  // order = Redis's output order
    kRW = 1 << 1,
    kOW = 1 << 2,
    kRM = 1 << 3,
    kAccess = 1 << 4,
    kUpdate = 1 << 5,
    kInsert = 1 << 6,
    kDelete = 1 << 7,
    kNotKey = 1 << 8,
    kIncomplete = 1 << 9,
    kVariableFlags = 1 << 10,
  };
  enum class Begin : uint8_t { kIndex, kKeyword, kUnknown };
  enum class Find : uint8_t { kRange, kKeynum, kUnknown };

  uint16_t flags = 0;
  std::string_view notes;
  Begin begin = Begin::kIndex;
  int index = 0;             // Begin::kIndex: argv index of the first key
  std::string_view keyword;  // Begin::kKeyword: the token after which keys start...
  int startfrom = 0;         // ...searched from this argv index (negative: backwards from end)
  Find find = Find::kRange;
  int lastkey = 0;    // Find::kRange: last key relative to the first (negative: from end)
  int keystep = 1;    // kRange and kKeynum
  int limit = 0;      // kRange: with lastkey -1, only 1/limit of the remaining args
  int keynumidx = 0;  // Find::kKeynum: numkeys argument, relative to the begin
  int firstkey = 0;   //   first key, relative to the begin

  static constexpr KeySpec Index(int i) {
    KeySpec k;
    k.index = i;
    return k;
  }
  static constexpr KeySpec Keyword(std::string_view kw, int from) {
    KeySpec k;
    k.begin = Begin::kKeyword;
    k.keyword = kw;
    k.startfrom = from;
    return k;
  }
  static constexpr KeySpec Unknown() {
    KeySpec k;
    k.begin = Begin::kUnknown;
    k.find = Find::kUnknown;
    return k;
  }
  constexpr KeySpec Range(int last, int step = 1, int lim = 0) const {
    KeySpec k = *this;
    k.find = Find::kRange;
    k.lastkey = last;
    k.keystep = step;
    k.limit = lim;
    return k;
  }
  constexpr KeySpec Keynum(int numidx, int first, int step) const {
    KeySpec k = *this;
    k.find = Find::kKeynum;
    k.keynumidx = numidx;
    k.firstkey = first;
    k.keystep = step;
    return k;
  }
  constexpr KeySpec FindUnknown() const {
    KeySpec k = *this;
    k.find = Find::kUnknown;
    return k;
  }
  constexpr KeySpec With(uint16_t f) const {
    KeySpec k = *this;
    k.flags |= f;
    return k;
  }
  constexpr KeySpec RO() const { return With(kRO); }
  constexpr KeySpec RW() const { return With(kRW); }
  constexpr KeySpec OW() const { return With(kOW); }
  constexpr KeySpec RM() const { return With(kRM); }
  constexpr KeySpec Access() const { return With(kAccess); }
  constexpr KeySpec Update() const { return With(kUpdate); }
  constexpr KeySpec Insert() const { return With(kInsert); }
  constexpr KeySpec Delete() const { return With(kDelete); }
  constexpr KeySpec NotKey() const { return With(kNotKey); }
  constexpr KeySpec Incomplete() const { return With(kIncomplete); }
  constexpr KeySpec VariableFlags() const { return With(kVariableFlags); }
  constexpr KeySpec Notes(std::string_view n) const {
    KeySpec k = *this;
    k.notes = n;
    return k;
  }

  // Whether argv index i is one of this spec's keys (argv as the command sees it).
  bool Covers(CmdArgList args, int i) const;
};
using KS = KeySpec;

// Names of key spec flags ("RW", "access"...) in Redis's order.
std::vector<std::string_view> KeySpecFlagNames(uint16_t flags);

// For a key spec with kVariableFlags: the flags this argv really implies (SET k v GET: RW
// access update; otherwise OW update), as COMMAND GETKEYSANDFLAGS reports them.
using KeyFlagsFunction = uint16_t (*)(CmdArgList args, uint16_t declared);

// COMMAND DOCS doc_flags.
namespace DOC {
enum : uint32_t {
  kDeprecated = 1u << 0,
  kSyscmd = 1u << 1,
};
}  // namespace DOC

// One argument of COMMAND DOCS "arguments" (Redis 7.0's shape): a leaf (key, string, integer,
// double, pattern, unix-time, pure-token) or a group (oneof, block) of nested arguments.
struct ArgSpec {
  enum Flag : uint8_t { kOptional = 1, kMultiple = 2, kMultipleToken = 4 };
  std::string_view name;
  std::string_view type;  // "key", "string", "integer", "oneof", "block", "pure-token"...
  int key_spec_index = -1;
  std::string_view token;
  std::string_view since;
  std::string_view deprecated_since;
  uint8_t flags = 0;
  std::vector<ArgSpec> args;  // oneof / block
};

// Parses the compact argument syntax of registration tables into out; false if malformed.
// Arguments are separated by spaces; each is name/type followed by modifiers:
//   #N key_spec_index   =TOKEN token   ^X.Y.Z since   ~X.Y.Z deprecated_since
//   ? optional   * multiple   & multiple_token   [ ... ] nested arguments (oneof/block)
// e.g. "key/key#0 condition/oneof^7.0.0?[nx/pure-token=NX xx/pure-token=XX]". Names may hold
// '/' and ':' ("yes/no", "ip:port"): the type is what follows the last '/'.
bool ParseArgSpecs(std::string_view text, std::vector<ArgSpec>* out);

struct HistoryEntry {
  std::string_view version;
  std::string_view text;
};

struct CommandSpec {
  std::string name;  // lowercase; subcommands: the subcommand alone ("id"), see full_name
  int arity = 0;     // Redis's: N exact, -N at least N (argv[0] included)
  uint32_t flags = 0;
  int first_key = 0;  // 0: no keys
  int last_key = 0;   // negative counts from the end (-1: last arg)
  int key_step = 0;
  uint64_t acl = 0;          // family categories; flag-derived ones are added by the registry
  std::string_view group;    // "string", "generic", "connection", "server"...
  std::string_view since;    // Redis version that introduced it, e.g. "1.0.0"
  std::string_view summary;  // one line
  std::string_view complexity;
  CommandHandler handler = nullptr;  // null for containers (CLIENT, CONFIG...)
  KeysFunction keys_fn = nullptr;

  // COMMAND INFO / COMMAND DOCS extras, as Redis 7.0 declares them.
  std::vector<std::string_view> tips;  // "nondeterministic_output", "request_policy:..."
  std::vector<KeySpec> key_specs;
  KeyFlagsFunction key_flags_fn = nullptr;  // for key specs with kVariableFlags
  uint32_t doc_flags = 0;                   // DOC::
  std::string_view deprecated_since;
  std::string_view replaced_by;
  std::vector<HistoryEntry> history;
  std::vector<ArgSpec> arguments;  // COMMAND DOCS "arguments", from Args("...")
  // Commands added at run time (CO::kModule): the module they belong to (COMMAND DOCS,
  // COMMAND LIST FILTERBY MODULE) and the object that runs them.
  std::string_view module;
  std::shared_ptr<ExternalCommand> external;

  // Chainable setters for registration tables: r.Add({...}).KeySpecs({...}).Tips({...}).
  CommandSpec& KeySpecs(std::initializer_list<KeySpec> specs) {
    key_specs.assign(specs);
    return *this;
  }
  CommandSpec& Tips(std::initializer_list<std::string_view> t) {
    tips.assign(t);
    return *this;
  }
  CommandSpec& History(std::initializer_list<HistoryEntry> h) {
    history.assign(h);
    return *this;
  }
  CommandSpec& Deprecated(std::string_view since_version, std::string_view replacement) {
    doc_flags |= DOC::kDeprecated;
    deprecated_since = since_version;
    replaced_by = replacement;
    return *this;
  }
  CommandSpec& DocFlags(uint32_t f) {
    doc_flags |= f;
    return *this;
  }
  // Sets the arguments from the compact syntax (see ParseArgSpecs); aborts when malformed.
  CommandSpec& Args(std::string_view text);
  CommandSpec& KeyFlags(KeyFlagsFunction fn) {
    key_flags_fn = fn;
    return *this;
  }

  // Filled by the registry:
  std::string full_name;  // "get" or "client|id"
  const CommandSpec* parent = nullptr;
  std::map<std::string, std::unique_ptr<CommandSpec>, std::less<>> subcommands;

  bool HasSubcommands() const { return !subcommands.empty(); }
  bool IsWrite() const { return flags & CO::kWrite; }
  uint64_t AllAclCategories() const;  // family + derived
  // Redis's "movablekeys": keys found by a function or by a key spec that isn't index + range.
  bool MovableKeys() const;
  // The key spec flags of the key at argv index i (0 if no key spec covers it).
  uint16_t KeyFlagsAt(CmdArgList args, int i) const;
};

// The handler of a command added at run time by the program embedding the engine (Python's
// Cache.register_command): Redis's module commands. Run is called by the dispatcher like any
// handler (the command is CO::kGlobal: it holds the exclusive gate). Retire is called once when
// the command is removed or replaced: the object may still be running a call that resolved it
// before, and stays allocated (see CommandRegistry::RemoveCustom), so it should drop what it
// holds and answer later calls as an unknown command.
class ExternalCommand {
 public:
  virtual ~ExternalCommand() = default;
  virtual void Run(CmdArgList args, CommandContext& ctx) = 0;
  virtual void Retire() {}
};

// What the embedding program declares for a command added at run time.
struct CustomCommandDef {
  std::string name;
  int arity = -1;      // Redis's: N exact, -N at least N (the name included)
  uint32_t flags = 0;  // CO:: kWrite, kReadOnly, kDenyOom, kAdmin, kNoScript, kFast
  int first_key = 0;   // 0: no keys; otherwise argv index of the first key...
  int last_key = 0;    // ...of the last one (negative: from the end)...
  int key_step = 1;    // ...and the step between them
  std::string summary;
  std::string module;  // e.g. "python"
  std::shared_ptr<ExternalCommand> handler;
};

class CommandRegistry {
 public:
  CommandRegistry();
  ~CommandRegistry();
  CommandRegistry(const CommandRegistry&) = delete;
  CommandRegistry& operator=(const CommandRegistry&) = delete;

  // Adds a top-level command (name any case). Aborts on a duplicate: a programming error.
  CommandSpec& Add(CommandSpec spec);
  // Adds a subcommand to a container added before: AddSub("client", {.name = "id", ...}).
  CommandSpec& AddSub(std::string_view container, CommandSpec spec);

  // Case-insensitive lookup of a top-level command; nullptr if unknown.
  const CommandSpec* Find(std::string_view name) const;
  // A container's subcommand (any case); nullptr if unknown.
  const CommandSpec* FindSub(const CommandSpec& container, std::string_view sub) const;
  // Resolves argv as Redis's lookupCommand: a container followed by a subcommand argument is
  // that subcommand (nullptr if unknown), a container alone is the container; nullptr for an
  // unknown command or an empty argv.
  const CommandSpec* Lookup(CmdArgList argv) const;

  // The built-in commands (the table fixed at start).
  const std::map<std::string, std::unique_ptr<CommandSpec>, std::less<>>& all() const {
    return commands_;
  }
  // Top-level commands, built-in and added at run time.
  size_t size() const;
  // Every top-level command: the built-in ones in name order, then those added at run time (a
  // snapshot: the pointers stay valid for the registry's lifetime).
  std::vector<const CommandSpec*> Snapshot() const;

  // Commands added at run time by the embedding program (Redis's module commands), looked up
  // after the built-in table; they may be added and removed while commands run. A name is
  // 1..63 bytes with no space, control character or '|', and not a built-in command; the
  // command is atomic (CO::kGlobal, like a script) and flagged CO::kModule. Returns "" or why
  // the definition is refused. replace: an existing run-time command of that name is replaced
  // (otherwise refused).
  //
  // Lifetime: a removed or replaced spec is retired, not freed (a call may have resolved it and
  // sessions remember it as their last command): its handler's Retire() is called, and the
  // spec stays allocated until the registry goes. Each removal keeps a few hundred bytes.
  std::string AddCustom(CustomCommandDef def, bool replace);
  // Removes a run-time command; false when no such command was added.
  bool RemoveCustom(std::string_view name);

  // The argv indexes of the keys of a resolved command (subcommand positions are relative to
  // the full argv, as in Redis). False when the keys can't be extracted (bad numkeys...).
  static bool GetKeyIndexes(const CommandSpec& spec, CmdArgList args, KeyIndexes* out);

 private:
  std::map<std::string, std::unique_ptr<CommandSpec>, std::less<>> commands_;
  // Hash index over commands_ for the dispatcher's per-command lookup (names point into specs).
  std::unordered_map<std::string_view, const CommandSpec*> by_name_;

  // Run-time commands: live ones by lowercase name; every spec ever added (owned, never freed
  // before the registry; each CustomSpec also owns the strings its spec's views point into).
  struct CustomSpec;
  mutable std::shared_mutex custom_mu_;
  std::atomic<int> custom_live_count_{0};
  std::map<std::string, const CommandSpec*, std::less<>> custom_live_;
  std::vector<std::unique_ptr<CustomSpec>> custom_all_;
};

// Every family's registration function; all_families.cpp lists them.
void RegisterAllFamilies(CommandRegistry& registry);

}  // namespace fincache
