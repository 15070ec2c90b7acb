// JSON for the HTTP front door (REST routes, POST /api/v1/command, /ws): a ReplyBuilder that
// builds a command's reply as JSON, and the byte ↔ JSON conventions shared by every route.
//
//   bulk/simple string  valid UTF-8 → JSON string, else {"base64": "<standard base64>"}
//   integer → number; double → number ("inf", "-inf", "nan" as strings); null → null
//   array, set, push → array; map → object when every key is a JSON string (bulk/simple
//   strings that are UTF-8), else an array of [key, value] pairs; bool → true/false;
//   big number, verbatim → string; an error nested in an aggregate (EXEC) → {"error": "..."}
// A top-level error reply is not a value: is_error() tells it (the route answers 400).
// Built in RESP2 (resp_version 2) the shapes are RESP2's: maps are flat arrays, doubles the
// strings Redis sends, booleans 1/0.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_builder.h"

namespace fincache::http {

std::string Base64Encode(std::string_view bytes);
// Standard alphabet, '=' padding optional; whitespace not allowed. False on bad input.
bool Base64Decode(std::string_view text, std::string* out);

// Bytes as JSON: a string when valid UTF-8, else {"base64": ...}.
nlohmann::json BytesToJson(std::string_view bytes);
// A request value as bytes: a JSON string (its UTF-8), {"base64": "..."}, or a number
// (integers as digits, others as their shortest JSON text). Else false with *err set.
bool JsonToBytes(const nlohmann::json& j, std::string* out, std::string* err);
// A request body as JSON: "" or a body that is not JSON (or nests deeper than 64 levels: the
// parser recurses per level) → false with *err set ("invalid JSON: ...").
bool ParseJsonBody(std::string_view body, nlohmann::json* out, std::string* err);
// A double as JSON: a number, or "inf"/"-inf"/"nan".
nlohmann::json DoubleToJson(double v);

class JsonReplyBuilder final : public protocol::ReplyBuilder {
 public:
  explicit JsonReplyBuilder(int resp_version = 3) : resp_(resp_version) {}

  void SendSimple(std::string_view s) override;
  void DoSendError(std::string_view text) override;
  void SendLong(int64_t v) override;
  void SendDouble(double v) override;
  void SendBulk(std::string_view s) override;
  void SendNull() override;
  void SendNullArray() override;
  void SendBool(bool v) override;
  void SendVerbatim(std::string_view text, std::string_view format) override;
  void SendBigNumber(std::string_view digits) override;
  void StartArray(size_t n) override;
  void StartMap(size_t n) override;
  void StartSet(size_t n) override;
  void StartPush(size_t n) override;
  int resp_version() const override { return resp_; }
  void SetRespVersion(int v) override { resp_ = v; }

  // Whether one complete top-level reply was built.
  bool complete() const { return done_ && stack_.empty(); }
  // The top-level reply was an error: its full text ("ERR ...", "WRONGTYPE ...").
  bool is_error() const { return top_error_; }
  const std::string& error_text() const { return error_text_; }
  // The reply (null for a top-level error).
  nlohmann::json Take() { return std::move(value_); }

 private:
  enum class Kind { kArray, kMap };
  struct Frame {
    Kind kind;
    size_t remaining;  // elements still expected (a map counts keys and values)
    std::vector<nlohmann::json> items;
  };
  void Add(nlohmann::json v, bool is_error = false, std::string error = {});
  void Open(Kind kind, size_t n);
  static nlohmann::json CloseMap(std::vector<nlohmann::json>& items);

  int resp_;
  std::vector<Frame> stack_;
  nlohmann::json value_;
  bool done_ = false;
  bool top_error_ = false;
  std::string error_text_;
};

}  // namespace fincache::http
