#include "http/json_reply.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "common/strings.h"

namespace fincache::http {

// ============================================================================================
// Bytes ↔ JSON
// ============================================================================================

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int B64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest) {
    uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kB64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

bool Base64Decode(std::string_view text, std::string* out) {
  out->clear();
  size_t n = text.size();
  while (n > 0 && text[n - 1] == '=') --n;
  if (text.size() - n > 2) return false;
  if (text.size() != n && text.size() % 4 != 0) return false;  // padding only on full groups
  if (n % 4 == 1) return false;
  out->reserve(n * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    int v = B64Value(text[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

nlohmann::json BytesToJson(std::string_view bytes) {
  if (IsValidUtf8(bytes)) return nlohmann::json(std::string(bytes));
  return nlohmann::json{{"base64", Base64Encode(bytes)}};
}

bool JsonToBytes(const nlohmann::json& j, std::string* out, std::string* err) {
  if (j.is_string()) {
    *out = j.get<std::string>();
    return true;
  }
  if (j.is_number_integer()) {
    *out = j.is_number_unsigned() ? std::to_string(j.get<uint64_t>())
                                  : std::to_string(j.get<int64_t>());
    return true;
  }
  if (j.is_number_float()) {
    double d = j.get<double>();
    if (!std::isfinite(d)) {
      *err = "a number must be finite";
      return false;
    }
    *out = j.dump();
    return true;
  }
  if (j.is_object() && j.size() == 1 && j.contains("base64") && j["base64"].is_string()) {
    if (!Base64Decode(j["base64"].get_ref<const std::string&>(), out)) {
      *err = "invalid base64 in {\"base64\": ...}";
      return false;
    }
    return true;
  }
  *err = "a value must be a string, a number or {\"base64\": \"...\"}";
  return false;
}

constexpr size_t kMaxJsonDepth = 64;

bool ParseJsonBody(std::string_view body, nlohmann::json* out, std::string* err) {
  // nlohmann's parser recurses per nesting level: refuse deep documents before parsing.
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        *err = "invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
        return false;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  try {
    *out = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    *err = std::string("invalid JSON: ") + e.what();
    return false;
  }
  return true;
}

nlohmann::json DoubleToJson(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

// ============================================================================================
// JsonReplyBuilder
// ============================================================================================

void JsonReplyBuilder::Add(nlohmann::json v, bool is_error, std::string error) {
  if (stack_.empty()) {
    // One top-level reply per builder; a second one (never sent by handlers) replaces it.
    value_ = std::move(v);
    done_ = true;
    top_error_ = is_error;
    error_text_ = std::move(error);
    return;
  }
  Frame& top = stack_.back();
  top.items.push_back(std::move(v));
  if (top.remaining > 0) --top.remaining;
  while (!stack_.empty() && stack_.back().remaining == 0) {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    nlohmann::json done =
        f.kind == Kind::kMap ? CloseMap(f.items) : nlohmann::json(std::move(f.items));
    if (stack_.empty()) {
      value_ = std::move(done);
      done_ = true;
      top_error_ = false;
      return;
    }
    Frame& parent = stack_.back();
    parent.items.push_back(std::move(done));
    if (parent.remaining > 0) --parent.remaining;
  }
}

nlohmann::json JsonReplyBuilder::CloseMap(std::vector<nlohmann::json>& items) {
  bool all_strings = true;
  for (size_t i = 0; i < items.size(); i += 2)
    if (!items[i].is_string()) all_strings = false;
  if (all_strings) {
    nlohmann::json obj = nlohmann::json::object();
    for (size_t i = 0; i + 1 < items.size(); i += 2)
      obj[items[i].get_ref<const std::string&>()] = std::move(items[i + 1]);
    return obj;
  }
  nlohmann::json pairs = nlohmann::json::array();
  for (size_t i = 0; i + 1 < items.size(); i += 2)
    pairs.push_back(nlohmann::json::array({std::move(items[i]), std::move(items[i + 1])}));
  return pairs;
}

void JsonReplyBuilder::Open(Kind kind, size_t n) {
  if (n == 0) {
    Add(kind == Kind::kMap ? nlohmann::json::object() : nlohmann::json::array());
    return;
  }
  Frame f{kind, kind == Kind::kMap ? 2 * n : n, {}};
  f.items.reserve(std::min<size_t>(f.remaining, 1024));
  stack_.push_back(std::move(f));
}

void JsonReplyBuilder::SendSimple(std::string_view s) { Add(BytesToJson(s)); }
void JsonReplyBuilder::DoSendError(std::string_view text) {
  if (stack_.empty())
    Add(nlohmann::json(), true, std::string(text));
  else
    Add(nlohmann::json{{"error", BytesToJson(text)}});
}
void JsonReplyBuilder::SendLong(int64_t v) { Add(v); }
void JsonReplyBuilder::SendDouble(double v) {
  if (resp_ >= 3)
    Add(DoubleToJson(v));
  else
    Add(protocol::FormatDouble(v));  // RESP2: the bulk string Redis sends
}
void JsonReplyBuilder::SendBulk(std::string_view s) { Add(BytesToJson(s)); }
void JsonReplyBuilder::SendNull() { Add(nullptr); }
void JsonReplyBuilder::SendNullArray() { Add(nullptr); }
void JsonReplyBuilder::SendBool(bool v) {
  if (resp_ >= 3)
    Add(v);
  else
    Add(v ? 1 : 0);  // RESP2: :1 / :0
}
void JsonReplyBuilder::SendVerbatim(std::string_view text, std::string_view) {
  Add(BytesToJson(text));
}
void JsonReplyBuilder::SendBigNumber(std::string_view digits) { Add(std::string(digits)); }
void JsonReplyBuilder::StartArray(size_t n) { Open(Kind::kArray, n); }
void JsonReplyBuilder::StartMap(size_t n) {
  if (resp_ >= 3)
    Open(Kind::kMap, n);
  else
    Open(Kind::kArray, 2 * n);  // RESP2: a flat array of keys and values
}
void JsonReplyBuilder::StartSet(size_t n) { Open(Kind::kArray, n); }
void JsonReplyBuilder::StartPush(size_t n) { Open(Kind::kArray, n); }

}  // namespace fincache::http
