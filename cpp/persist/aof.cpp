#include "persist/aof.h"

#include <charconv>
#include <cstring>

#include "common/strings.h"

namespace fincache::persist {

// ============================================================================================
// Manifest
// ============================================================================================

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits a line as Redis's sdssplitargs: spaces separate words; "double quotes" take \xHH and
// \n \r \t \b \a \\ \" escapes, 'single quotes' only \'; a closing quote must be followed by a
// space or the end. False on unbalanced quotes.
bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')) ++i;
    if (i >= n) return true;
    std::string word;
    bool dq = false, sq = false;
    while (true) {
      if (dq) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
            HexValue(line[i + 3]) >= 0) {
          word.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 3;
        } else if (line[i] == '\\' && i + 1 < n) {
          char c = line[++i];
          switch (c) {
            case 'n':
              c = '\n';
              break;
            case 'r':
              c = '\r';
              break;
            case 't':
              c = '\t';
              break;
            case 'b':
              c = '\b';
              break;
            case 'a':
              c = '\a';
              break;
            default:
              break;
          }
          word.push_back(c);
        } else if (line[i] == '"') {
          if (i + 1 < n && line[i + 1] != ' ' && line[i + 1] != '\t') return false;
          dq = false;
          ++i;
          break;
        } else {
          word.push_back(line[i]);
        }
      } else if (sq) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
          word.push_back('\'');
          ++i;
        } else if (line[i] == '\'') {
          if (i + 1 < n && line[i + 1] != ' ' && line[i + 1] != '\t') return false;
          sq = false;
          ++i;
          break;
        } else {
          word.push_back(line[i]);
        }
      } else {
        if (i >= n || line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r')
          break;
        if (line[i] == '"') {
          dq = true;
        } else if (line[i] == '\'') {
          sq = true;
        } else {
          word.push_back(line[i]);
        }
      }
      ++i;
    }
    out->push_back(std::move(word));
  }
}

bool NeedsQuoting(std::string_view s) {
  if (s.empty()) return true;
  for (unsigned char c : s)
    if (c <= ' ' || c >= 127 || c == '"' || c == '\'' || c == '\\') return true;
  return false;
}

// sdscatrepr: a double-quoted string with escapes.
std::string Quote(std::string_view s) {
  std::string out;
  AppendRepr(&out, s);
  return out;
}

bool ParseSeq(std::string_view s, int64_t* out) {
  // atoll: leading digits; anything else is 0 (rejected below as a missing seq).
  int64_t v = 0;
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (v > (INT64_MAX - (s[i] - '0')) / 10) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = neg ? -v : v;
  return true;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

namespace {
constexpr size_t kMaxLine = 1024;  // Redis's MANIFEST_MAX_LINE

// The length of "file <name> seq <seq> type x\n" as FormatAofManifest writes it.
size_t ManifestLineLength(std::string_view name, int64_t seq) {
  return 5 + (NeedsQuoting(name) ? Quote(name).size() : name.size()) + 5 +
         std::to_string(seq).size() + 7 + 1;
}
}  // namespace

bool ParseAofManifest(std::string_view text, AofManifest* out, std::string* err) {
  *out = AofManifest{};
  size_t pos = 0;
  int line_no = 0;
  int64_t max_incr_seq = 0;
  auto fail = [&](const std::string& why) {
    *err = why + " at line " + std::to_string(line_no);
    return false;
  };
  if (text.empty()) {
    *err = "Found an empty AOF manifest";
    return false;
  }
  while (pos < text.size()) {
    ++line_no;
    size_t nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line[0] == '#') continue;
    if (nl == std::string_view::npos || line.size() + 1 > kMaxLine)
      return fail("The AOF manifest file contains too long line");
    std::vector<std::string> args;
    if (!SplitArgs(line, &args) || args.size() < 6 || args.size() % 2)
      return fail("Invalid AOF manifest file format");
    AofFileInfo info;
    char type = 0;
    for (size_t i = 0; i < args.size(); i += 2) {
      if (EqualsNoCase(args[i], "file")) {
        info.name = args[i + 1];
        if (info.name.find('/') != std::string::npos)
          return fail("File can't be a path, just a filename");
      } else if (EqualsNoCase(args[i], "seq")) {
        if (!ParseSeq(args[i + 1], &info.seq)) return fail("Invalid AOF manifest file format");
      } else if (EqualsNoCase(args[i], "type")) {
        type = args[i + 1].empty() ? 0 : args[i + 1][0];
      }  // other keys: forward compatibility, ignored
    }
    if (info.name.empty() || info.seq == 0 || type == 0)
      return fail("Invalid AOF manifest file format");
    // A name this manifest could not list again (the manifest is rewritten after every load
    // and rewrite): a line FinCache writes must be one it reads. Redis's own names are short.
    if (ManifestLineLength(info.name, info.seq) > kMaxLine)
      return fail("The AOF manifest file contains a too long file name");
    switch (type) {
      case 'b':
        if (out->has_base) return fail("Found duplicate base file information");
        info.type = AofFileType::kBase;
        out->has_base = true;
        out->base = info;
        out->curr_base_seq = info.seq;
        break;
      case 'h':
        info.type = AofFileType::kHistory;
        out->history.push_back(std::move(info));
        break;
      case 'i':
        if (info.seq <= max_incr_seq) return fail("Found a non-monotonic sequence number");
        info.type = AofFileType::kIncr;
        max_incr_seq = info.seq;
        out->curr_incr_seq = info.seq;
        out->incrs.push_back(std::move(info));
        break;
      default:
        return fail("Unknown AOF file type");
    }
  }
  return true;
}

std::string FormatAofManifest(const AofManifest& m) {
  std::string out;
  auto line = [&out](const AofFileInfo& f) {
    out += "file ";
    out += NeedsQuoting(f.name) ? Quote(f.name) : f.name;
    out += " seq ";
    out += std::to_string(f.seq);
    out += " type ";
    out.push_back(static_cast<char>(f.type));
    out.push_back('\n');
  };
  if (m.has_base) line(m.base);
  for (const auto& f : m.history) line(f);
  for (const auto& f : m.incrs) line(f);
  return out;
}

std::string AofManifestName(std::string_view appendfilename) {
  return std::string(appendfilename) + ".manifest";
}

std::string AofBaseName(std::string_view appendfilename, int64_t seq, bool rdb) {
  return std::string(appendfilename) + "." + std::to_string(seq) + ".base" +
         (rdb ? ".rdb" : ".aof");
}

std::string AofIncrName(std::string_view appendfilename, int64_t seq) {
  return std::string(appendfilename) + "." + std::to_string(seq) + ".incr.aof";
}

// ============================================================================================
// Command stream
// ============================================================================================

AofCommandReader::Status AofCommandReader::Fail(Status s, std::string why, size_t at) {
  done_ = true;
  final_ = s;
  error_ = std::move(why);
  error_offset_ = at;
  return s;
}

AofCommandReader::Status AofCommandReader::ReadLine(size_t* p, char prefix, int64_t* value) {
  const size_t start = *p;
  if (start >= data_.size()) return Fail(Status::kTruncated, "unexpected end of file", start);
  if (data_[start] != prefix)
    return Fail(Status::kBadFormat,
                std::string("expected '") + prefix + "', got byte " +
                    std::to_string(static_cast<unsigned char>(data_[start])),
                start);
  size_t cr = data_.find('\r', start + 1);
  // A number line is short: a missing CR within 24 bytes is corruption, not truncation.
  if (cr == std::string_view::npos) {
    if (data_.size() - start > 24) return Fail(Status::kBadFormat, "line too long", start);
    return Fail(Status::kTruncated, "unexpected end of file", start);
  }
  if (cr - start > 24) return Fail(Status::kBadFormat, "line too long", start);
  if (cr + 1 >= data_.size()) return Fail(Status::kTruncated, "unexpected end of file", start);
  if (data_[cr + 1] != '\n') return Fail(Status::kBadFormat, "missing LF after CR", cr + 1);
  const char* b = data_.data() + start + 1;
  const char* e = data_.data() + cr;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || ptr != e || b == e)
    return Fail(Status::kBadFormat, "invalid number", start);
  *value = v;
  *p = cr + 2;
  return Status::kCommand;
}

AofCommandReader::Status AofCommandReader::Next() {
  if (done_) return final_;
  argv_.clear();
  // Annotations between commands ("#TS:...\r\n").
  while (pos_ < data_.size() && data_[pos_] == '#') {
    size_t nl = data_.find('\n', pos_);
    if (nl == std::string_view::npos)
      return Fail(Status::kTruncated, "unexpected end of file in an annotation", pos_);
    pos_ = nl + 1;
  }
  if (pos_ >= data_.size()) {
    done_ = true;
    final_ = Status::kEnd;
    return Status::kEnd;
  }
  command_start_ = pos_;
  size_t p = pos_;
  int64_t argc;
  if (Status s = ReadLine(&p, '*', &argc); s != Status::kCommand) return s;
  if (argc < 1) return Fail(Status::kBadFormat, "invalid argument count", command_start_);
  for (int64_t i = 0; i < argc; ++i) {
    const size_t line_at = p;
    int64_t len;
    if (Status s = ReadLine(&p, '$', &len); s != Status::kCommand) return s;
    if (len < 0) return Fail(Status::kBadFormat, "invalid bulk length", line_at);
    const uint64_t need = static_cast<uint64_t>(len) + 2;
    if (need > data_.size() - p) return Fail(Status::kTruncated, "unexpected end of file", line_at);
    const size_t end = p + static_cast<size_t>(len);
    if (data_[end] != '\r' || data_[end + 1] != '\n')
      return Fail(Status::kBadFormat, "missing CRLF after a bulk string", end);
    argv_.emplace_back(data_.data() + p, static_cast<size_t>(len));
    p = end + 2;
  }
  pos_ = p;
  return Status::kCommand;
}

namespace {
void AppendNumberLine(std::string* out, char prefix, uint64_t v) {
  char buf[24];
  buf[0] = prefix;
  auto [ptr, ec] = std::to_chars(buf + 1, buf + sizeof(buf) - 2, v);
  *ptr++ = '\r';
  *ptr++ = '\n';
  out->append(buf, static_cast<size_t>(ptr - buf));
}
}  // namespace

void AppendAofCommand(std::string* out, std::span<const std::string_view> argv) {
  AppendNumberLine(out, '*', argv.size());
  for (std::string_view a : argv) {
    AppendNumberLine(out, '$', a.size());
    out->append(a);
    out->append("\r\n", 2);
  }
}

void AppendAofSelect(std::string* out, int db) {
  char buf[16];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), db);
  std::string_view argv[2] = {"SELECT", std::string_view(buf, static_cast<size_t>(ptr - buf))};
  AppendAofCommand(out, argv);
}

}  // namespace fincache::persist
