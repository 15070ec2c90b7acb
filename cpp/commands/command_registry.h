// The command table: one source of truth per command (name, arity, flags, key positions, ACL
// categories, summary, handler). COMMAND, COMMAND INFO/DOCS/GETKEYS, ACL categories, the
// dispatcher's key locking and the docs' compatibility table are all derived from it.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fincache {

struct CommandContext;
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
  // FinCache: runs alone, holding the exclusive gate (whole-keyspace commands).
  kGlobal = 1u << 24,
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

  // Filled by the registry:
  std::string full_name;  // "get" or "client|id"
  const CommandSpec* parent = nullptr;
  std::map<std::string, std::unique_ptr<CommandSpec>, std::less<>> subcommands;

  bool HasSubcommands() const { return !subcommands.empty(); }
  bool IsWrite() const { return flags & CO::kWrite; }
  uint64_t AllAclCategories() const;  // family + derived
};

class CommandRegistry {
 public:
  // Adds a top-level command (name any case). Aborts on a duplicate: a programming error.
  CommandSpec& Add(CommandSpec spec);
  // Adds a subcommand to a container added before: AddSub("client", {.name = "id", ...}).
  CommandSpec& AddSub(std::string_view container, CommandSpec spec);

  // Case-insensitive lookup of a top-level command; nullptr if unknown.
  const CommandSpec* Find(std::string_view name) const;
  // Resolves argv to the command or subcommand to run (nullptr: unknown command or subcommand).
  const CommandSpec* FindSub(const CommandSpec& container, std::string_view sub) const;

  const std::map<std::string, std::unique_ptr<CommandSpec>, std::less<>>& all() const {
    return commands_;
  }
  size_t size() const { return commands_.size(); }

  // The argv indexes of the keys of a resolved command (subcommand positions are relative to
  // the full argv, as in Redis). False when the keys can't be extracted (bad numkeys...).
  static bool GetKeyIndexes(const CommandSpec& spec, CmdArgList args, KeyIndexes* out);

 private:
  std::map<std::string, std::unique_ptr<CommandSpec>, std::less<>> commands_;
};

// Every family's registration function; all_families.cpp lists them.
void RegisterAllFamilies(CommandRegistry& registry);

}  // namespace fincache
