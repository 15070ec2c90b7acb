// libFuzzer target: the AOF loader (persist/aof_load.h, the code the server's loader runs) and
// the manifest parser (persist/aof.h), on a multi-part AOF held in memory.
//
// Input: parts separated by "\n--part--\n". One part: a single AOF file (RDB preamble and/or
// commands). Several: a manifest, then the contents of the files it lists, base first then the
// incr files in order (a listed file with no part is missing and stops the load, as the server).
//
// Properties, beyond "no crash, no leak, no hang":
//   - a refused manifest or file always says why;
//   - a manifest that parses (and lists a file) formats to text that parses to the same;
//   - a truncated file's cut (before an unfinished MULTI) loads cleanly with the same commands
//     up to the cut, and never inside a transaction;
//   - the commands read re-encode (AppendAofCommand) to a stream that reads back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "engine/engine.h"
#include "persist/aof.h"
#include "persist/aof_load.h"

using namespace fincache;

namespace {

constexpr std::string_view kSeparator = "\n--part--\n";
constexpr int64_t kNowMs = 1700000000000;  // fixed, so expiry decisions are repeatable

EngineOptions Options() {
  EngineOptions o;
  o.databases = 16;
  o.shard_count = 1;
  o.active_expiry = false;
  return o;
}

// Records commands; follows MULTI/EXEC to check the loader's transaction bookkeeping.
class Recorder final : public persist::AofReplayer {
 public:
  std::vector<std::vector<std::string>> commands;
  bool discarded = false;
  std::string Command(std::span<const std::string_view> argv) override {
    if (argv.empty()) std::abort();
    commands.emplace_back(argv.begin(), argv.end());
    return "";
  }
  void DiscardMulti() override {
    if (discarded) std::abort();  // once, at the end
    discarded = true;
  }
};

std::vector<std::string_view> Split(std::string_view in) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t at = in.find(kSeparator);
    parts.push_back(in.substr(0, at));
    if (at == std::string_view::npos) return parts;
    in.remove_prefix(at + kSeparator.size());
  }
}

bool SameManifest(const persist::AofManifest& a, const persist::AofManifest& b) {
  auto same = [](const persist::AofFileInfo& x, const persist::AofFileInfo& y) {
    return x.name == y.name && x.seq == y.seq && x.type == y.type;
  };
  auto same_list = [&](const std::vector<persist::AofFileInfo>& x,
                       const std::vector<persist::AofFileInfo>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!same(x[i], y[i])) return false;
    return true;
  };
  return a.has_base == b.has_base && (!a.has_base || same(a.base, b.base)) &&
         same_list(a.incrs, b.incrs) && same_list(a.history, b.history);
}

// Loads one file and checks the properties; false when the load stops (as the server would).
bool LoadOne(std::string_view data, const std::string& name) {
  Engine engine(Options());
  Recorder rec;
  persist::AofLoadResult res = persist::LoadAofBytes(engine, data, name, kNowMs, rec);
  using S = persist::AofLoadResult::Status;
  if (rec.commands.size() != res.commands) std::abort();
  switch (res.status) {
    case S::kBadFormat:
      if (res.error.empty() || res.error_offset > data.size()) std::abort();
      return false;
    case S::kRdbError:
    case S::kStopped:
      if (res.error.empty()) std::abort();
      return false;
    case S::kOk:
      if (rec.discarded) std::abort();
      break;
    case S::kTruncated: {
      if (res.valid_up_to > data.size() || rec.discarded != res.reverted_multi) std::abort();
      // The cut loads cleanly, with the commands before the cut.
      Engine again(Options());
      Recorder cut;
      persist::AofLoadResult r2 =
          persist::LoadAofBytes(again, data.substr(0, res.valid_up_to), name, kNowMs, cut);
      if (r2.status != S::kOk || cut.discarded) std::abort();
      if (cut.commands.size() > rec.commands.size()) std::abort();
      for (size_t i = 0; i < cut.commands.size(); ++i)
        if (cut.commands[i] != rec.commands[i]) std::abort();
      if (r2.had_preamble && again.DbSize(0) != engine.DbSize(0)) std::abort();
      break;
    }
  }
  // The commands re-encode to a stream that reads back the same.
  std::string encoded;
  std::vector<std::string_view> argv;
  for (const auto& c : rec.commands) {
    argv.assign(c.begin(), c.end());
    persist::AppendAofCommand(&encoded, argv);
  }
  persist::AofCommandReader reader(encoded);
  size_t i = 0;
  while (reader.Next() == persist::AofCommandReader::Status::kCommand) {
    if (i >= rec.commands.size()) std::abort();
    auto got = reader.argv();
    if (got.size() != rec.commands[i].size()) std::abort();
    for (size_t j = 0; j < got.size(); ++j)
      if (got[j] != rec.commands[i][j]) std::abort();
    ++i;
  }
  if (i != rec.commands.size() || reader.position() != encoded.size()) std::abort();
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts = Split(in);
  if (parts.size() == 1) {
    LoadOne(parts[0], "appendonly.aof.1.incr.aof");
    return 0;
  }
  persist::AofManifest m;
  std::string err;
  if (!persist::ParseAofManifest(parts[0], &m, &err)) {
    if (err.empty()) std::abort();
    return 0;
  }
  // (A manifest of comments only lists nothing, as in Redis: nothing to write back.)
  persist::AofManifest back;
  const bool listed = m.has_base || !m.incrs.empty() || !m.history.empty();
  if (listed && (!persist::ParseAofManifest(persist::FormatAofManifest(m), &back, &err) ||
                 !SameManifest(m, back)))
    std::abort();
  std::vector<std::string> names;
  if (m.has_base) names.push_back(m.base.name);
  for (const auto& f : m.incrs) names.push_back(f.name);
  for (size_t i = 0; i < names.size(); ++i) {
    if (i + 1 >= parts.size()) return 0;  // missing file: the load stops
    if (!LoadOne(parts[i + 1], names[i])) return 0;
  }
  return 0;
}
