// Conversions between replies and Lua values, as Redis 7.0's script_lua.c does them.
//
// Reply -> Lua (what redis.call returns): LuaReplyBuilder is a ReplyBuilder that pushes one Lua
// value per reply onto the stack, in the dialect the script chose with redis.setresp:
//   RESP2: integer -> number, bulk -> string, null bulk/array -> false, status -> {ok=s},
//          error -> {err=s}, array -> table; doubles, booleans, maps, sets, big numbers and
//          verbatim strings arrive as their RESP2 forms (bulk, integer 1/0, flat arrays).
//   RESP3: additionally null -> nil, double -> {double=n}, boolean -> true/false,
//          map -> {map={k=v...}}, set -> {set={m=true...}}, big number -> {big_number=s},
//          verbatim -> {verbatim_string={format=f, string=s}}.
// Lua -> reply (what a script returns): LuaToReply, see its comment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/reply_builder.h"

struct lua_State;

namespace fincache::script {

class LuaReplyBuilder final : public protocol::ReplyBuilder {
 public:
  LuaReplyBuilder(lua_State* L, int resp) : L_(L), resp_(resp) {}

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

  // Top-level values pushed so far (a command writes exactly one).
  int pushed() const { return pushed_; }

 private:
  enum class Kind { kArray, kMap, kSet };
  struct Frame {
    Kind kind;
    size_t remaining;  // elements still expected (a map counts keys and values)
    int next_index;    // arrays: the next 1-based index
    bool have_key;     // maps: a key waits on the stack for its value
  };
  // Pushes a table {field=value} where value is on the stack top (replaced).
  void WrapInField(const char* field);
  // Places the value on the stack top into the innermost open aggregate (or completes a top-level
  // value), closing aggregates that become full.
  void Attach();
  void Open(Kind kind, size_t n);

  lua_State* L_;
  int resp_;
  int pushed_ = 0;
  std::vector<Frame> frames_;
};

// Writes the Lua value on the stack top as a reply (it stays on the stack). `script_resp` is the
// script's redis.setresp dialect (booleans: RESP2 true -> 1, false -> null; RESP3 booleans).
// Numbers are truncated to integers (C cast semantics: NaN and out-of-range give INT64_MIN);
// tables: {err=s} error, {ok=s} status, {double=n}, {big_number=s},
// {verbatim_string={format,string}}, {map=t}, {set=t}, otherwise an array up to the first nil;
// anything else (nil, functions, userdata) is a null.
void LuaToReply(lua_State* L, int script_resp, protocol::ReplyBuilder& rb);

// Replaces '\r' and '\n' with spaces (Redis does it for errors and status replies).
std::string NoNewlines(std::string_view s);

}  // namespace fincache::script
