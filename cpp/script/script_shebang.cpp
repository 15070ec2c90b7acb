// The first-line headers of Lua code: a script's "#!lua flags=..." shebang (EVAL, SCRIPT LOAD)
// and a library's "#!lua name=<lib>" metadata (FUNCTION LOAD), parsed as Redis 7.0 does.
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "script/script_engine.h"
#include "script/script_internal.h"

namespace fincache::script {

namespace {

// The whitespace-separated words of a header line (Redis's sdssplitargs without quoting).
std::vector<std::string_view> FirstLineWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

}  // namespace

bool ParseShebang(std::string_view body, uint32_t* flags, size_t* shebang_len, std::string* err) {
  *flags = SF::kEvalCompat;
  *shebang_len = 0;
  if (body.substr(0, 2) != "#!") return true;
  size_t nl = body.find('\n');
  if (nl == body.npos) {
    *err = "ERR Invalid script shebang";
    return false;
  }
  *shebang_len = nl;
  std::vector<std::string_view> parts = FirstLineWords(body.substr(0, nl));
  if (parts.empty()) {
    *err = "ERR Invalid engine in script shebang";
    return false;
  }
  if (parts[0] != "#!lua") {
    *err = "ERR Unexpected engine in script shebang: " + std::string(parts[0]);
    return false;
  }
  *flags = 0;
  for (size_t j = 1; j < parts.size(); ++j) {
    if (parts[j].substr(0, 6) != "flags=") {
      *err = "ERR Unknown lua shebang option: " + std::string(parts[j]);
      return false;
    }
    std::string_view list = parts[j].substr(6);
    size_t pos = 0;
    while (true) {
      size_t comma = list.find(',', pos);
      std::string_view f = list.substr(pos, comma == list.npos ? list.npos : comma - pos);
      if (!f.empty() || comma != list.npos) {
        if (f == "no-writes")
          *flags |= SF::kNoWrites;
        else if (f == "allow-oom")
          *flags |= SF::kAllowOom;
        else if (f == "allow-stale")
          *flags |= SF::kAllowStale;
        else if (f == "no-cluster")
          *flags |= SF::kNoCluster;
        else if (f == "allow-cross-slot-keys")
          *flags |= SF::kAllowCrossSlot;
        else {
          *err = "ERR Unexpected flag in script shebang: " + std::string(f);
          return false;
        }
      }
      if (comma == list.npos) break;
      pos = comma + 1;
    }
  }
  return true;
}

// Redis's functionExtractLibMetaData: "#!<engine> name=<lib>" on the first line. The code given
// to the engine starts at the line's '\n' (so error lines count from the shebang).
bool internal::ParseLibraryMetadata(std::string_view code, std::string* engine, std::string* name,
                                    size_t* body_start, std::string* err) {
  if (code.substr(0, 2) != "#!") {
    *err = "ERR Missing library metadata";
    return false;
  }
  size_t nl = code.find('\n');
  if (nl == code.npos) {
    *err = "ERR Invalid library metadata";
    return false;
  }
  std::vector<std::string_view> parts = FirstLineWords(code.substr(0, nl));
  if (parts.empty()) {
    *err = "ERR Invalid library metadata";
    return false;
  }
  *engine = std::string(parts[0].substr(2));
  bool have_name = false;
  for (size_t j = 1; j < parts.size(); ++j) {
    if (parts[j].size() >= 5 && EqualsIgnoreCase(parts[j].substr(0, 5), "name=")) {
      if (have_name) {
        *err = "ERR Invalid metadata value, name argument was given multiple times";
        return false;
      }
      *name = std::string(parts[j].substr(5));
      have_name = true;
      continue;
    }
    *err = "ERR Invalid metadata value given: " + std::string(parts[j]);
    return false;
  }
  if (!have_name) {
    *err = "ERR Library name was not given";
    return false;
  }
  *body_start = nl;
  return true;
}

}  // namespace fincache::script
