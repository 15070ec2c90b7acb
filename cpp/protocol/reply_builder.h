// ReplyBuilder: the only way a command handler answers.
//
// Implementations: RespWriter (RESP2/RESP3 bytes into a connection's output buffer), ValueBuilder
// (a RespValue tree: tests, HTTP JSON), and the Python-object builder in python/bindings.
// Aggregates are announced with their element count first (StartArray(n) then n elements), so a
// writer never needs to buffer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace fincache::protocol {

class ReplyBuilder {
 public:
  virtual ~ReplyBuilder() = default;

  // +OK style status.
  virtual void SendSimple(std::string_view s) = 0;
  // Full error text with its code and no leading '-', e.g. "ERR syntax error" or
  // "WRONGTYPE Operation against a key holding the wrong kind of value". Counted (errorstats).
  void SendError(std::string_view text) {
    ++error_count_;
    size_t sp = text.find(' ');
    last_error_code_ = std::string(text.substr(0, sp == text.npos ? text.size() : sp));
    DoSendError(text);
  }
  uint64_t error_count() const { return error_count_; }
  const std::string& last_error_code() const { return last_error_code_; }
  virtual void SendLong(int64_t v) = 0;
  // RESP3 double; RESP2 bulk string with Redis's formatting.
  virtual void SendDouble(double v) = 0;
  // A double Redis writes with its own text (addReplyHumanLongDouble: GEOPOS coordinates...):
  // RESP3 ",<text>", RESP2 a bulk string of the text. Builders of values keep v.
  virtual void SendDoubleText(double v, std::string_view text) {
    if (resp_version() >= 3)
      SendDouble(v);
    else
      SendBulk(text);
  }
  virtual void SendBulk(std::string_view s) = 0;
  // RESP2 "$-1", RESP3 "_".
  virtual void SendNull() = 0;
  // RESP2 "*-1", RESP3 "_".
  virtual void SendNullArray() = 0;
  // RESP3 "#t"/"#f", RESP2 ":1"/":0".
  virtual void SendBool(bool v) = 0;
  // RESP3 "=len\r\ntxt:..."; RESP2 a bulk string with the text only.
  virtual void SendVerbatim(std::string_view text, std::string_view format = "txt") = 0;
  // RESP3 "(..."; RESP2 a bulk string.
  virtual void SendBigNumber(std::string_view digits) = 0;

  virtual void StartArray(size_t n) = 0;
  // n key/value pairs follow (2n elements). RESP2: an array of 2n.
  virtual void StartMap(size_t n) = 0;
  // RESP2: an array.
  virtual void StartSet(size_t n) = 0;
  // RESP3 push ('>'); RESP2: an array.
  virtual void StartPush(size_t n) = 0;

  // 2 or 3: what the client negotiated with HELLO (the builder writes in that dialect).
  virtual int resp_version() const = 0;
  // HELLO switches the dialect before writing its own reply.
  virtual void SetRespVersion(int v) = 0;

  // ---- conveniences -----------------------------------------------------------------
  void SendOk() { SendSimple("OK"); }
  void SendBulkOrNull(const std::string* s) {
    if (s)
      SendBulk(*s);
    else
      SendNull();
  }
  void SendBulkArray(std::span<const std::string_view> items) {
    StartArray(items.size());
    for (auto s : items) SendBulk(s);
  }
  void SendEmptyArray() { StartArray(0); }

 protected:
  virtual void DoSendError(std::string_view text) = 0;

 private:
  uint64_t error_count_ = 0;
  std::string last_error_code_;
};

// Formats a double as Redis 7.0 does in replies ("%.17g", "inf", "-inf", "nan").
std::string FormatDouble(double v);
// Formats a long double as Redis's INCRBYFLOAT/HINCRBYFLOAT ("%.17Lf" then trailing zeros and a
// trailing dot removed; humanfriendly mode of ld2string).
std::string FormatLongDouble(long double v);

// Writes RESP2 or RESP3 into an output byte buffer owned by the caller.
class RespWriter final : public ReplyBuilder {
 public:
  explicit RespWriter(std::string* out, int resp_version = 2) : out_(out), resp_(resp_version) {}
  void SetRespVersion(int v) override { resp_ = v; }
  void set_output(std::string* out) { out_ = out; }

  void SendSimple(std::string_view s) override;
  void DoSendError(std::string_view text) override;
  void SendLong(int64_t v) override;
  void SendDouble(double v) override;
  void SendDoubleText(double v, std::string_view text) override;
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

 private:
  void Header(char type, int64_t n);
  std::string* out_;
  int resp_;
};

}  // namespace fincache::protocol
