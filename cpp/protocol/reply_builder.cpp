#include "protocol/reply_builder.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace fincache::protocol {

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", v);
  return std::string(buf, n);
}

std::string FormatLongDouble(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  char buf[5120];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (n <= 0 || n >= static_cast<int>(sizeof(buf))) return "0";
  std::string s(buf, n);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

namespace {
inline void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, p - buf);
}
}  // namespace

void RespWriter::Header(char type, int64_t n) {
  out_->push_back(type);
  AppendInt(out_, n);
  out_->append("\r\n", 2);
}

void RespWriter::SendSimple(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n", 2);
}

void RespWriter::DoSendError(std::string_view text) {
  out_->push_back('-');
  // An error line must not contain CR/LF: Redis replaces them with spaces.
  size_t start = out_->size();
  out_->append(text);
  for (size_t i = start; i < out_->size(); ++i) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  out_->append("\r\n", 2);
}

void RespWriter::SendLong(int64_t v) {
  out_->push_back(':');
  AppendInt(out_, v);
  out_->append("\r\n", 2);
}

void RespWriter::SendDouble(double v) {
  if (resp_ >= 3) {
    out_->push_back(',');
    out_->append(FormatDouble(v));
    out_->append("\r\n", 2);
  } else {
    SendBulk(FormatDouble(v));
  }
}

void RespWriter::SendDoubleText(double, std::string_view text) {
  if (resp_ >= 3) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n", 2);
  } else {
    SendBulk(text);
  }
}

void RespWriter::SendBulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n", 2);
}

void RespWriter::SendNull() {
  if (resp_ >= 3)
    out_->append("_\r\n", 3);
  else
    out_->append("$-1\r\n", 5);
}

void RespWriter::SendNullArray() {
  if (resp_ >= 3)
    out_->append("_\r\n", 3);
  else
    out_->append("*-1\r\n", 5);
}

void RespWriter::SendBool(bool v) {
  if (resp_ >= 3)
    out_->append(v ? "#t\r\n" : "#f\r\n", 4);
  else
    out_->append(v ? ":1\r\n" : ":0\r\n", 4);
}

void RespWriter::SendVerbatim(std::string_view text, std::string_view format) {
  if (resp_ >= 3) {
    Header('=', static_cast<int64_t>(text.size() + 4));
    out_->append(format.substr(0, 3));
    out_->push_back(':');
    out_->append(text);
    out_->append("\r\n", 2);
  } else {
    SendBulk(text);
  }
}

void RespWriter::SendBigNumber(std::string_view digits) {
  if (resp_ >= 3) {
    out_->push_back('(');
    out_->append(digits);
    out_->append("\r\n", 2);
  } else {
    SendBulk(digits);
  }
}

void RespWriter::StartArray(size_t n) { Header('*', static_cast<int64_t>(n)); }
void RespWriter::StartMap(size_t n) {
  if (resp_ >= 3)
    Header('%', static_cast<int64_t>(n));
  else
    Header('*', static_cast<int64_t>(2 * n));
}
void RespWriter::StartSet(size_t n) { Header(resp_ >= 3 ? '~' : '*', static_cast<int64_t>(n)); }
void RespWriter::StartPush(size_t n) { Header(resp_ >= 3 ? '>' : '*', static_cast<int64_t>(n)); }

}  // namespace fincache::protocol
