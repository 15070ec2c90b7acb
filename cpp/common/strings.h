// Small string and number helpers with Redis's exact parsing rules. No engine knowledge.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fincache {

// Redis string2ll: optional '-', digits, no '+', no spaces, no leading zeros (except "0"),
// at most 20 chars, within int64 range.
bool ParseInt64(std::string_view s, int64_t* out);
// Redis string2ull-like for unsigned (SCAN cursors): digits only, within uint64 range.
bool ParseUint64(std::string_view s, uint64_t* out);
// Redis getDoubleFromObject/string2d: strtod on the whole string, no leading space, not empty,
// NaN rejected. "inf", "+inf", "-inf" accepted.
bool ParseDouble(std::string_view s, double* out);
// Redis string2ld (INCRBYFLOAT): strtold on the whole string, no spaces, not NaN.
bool ParseLongDouble(std::string_view s, long double* out);

// True if s is the canonical decimal form of an int64 (what Redis would store as "int").
bool IsCanonicalInt64(std::string_view s, int64_t* out = nullptr);

std::string Int64ToString(int64_t v);

// Redis sdscatrepr: appends s double-quoted, with \\ \" \n \r \t \a \b escaped and other bytes
// outside printable ASCII as \xhh (MONITOR lines, CONFIG REWRITE values, AOF manifest names).
void AppendRepr(std::string* out, std::string_view s);

// Whether s is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Appends s as a JSON string literal, always valid JSON whatever the bytes:
// - kBytes: every byte outside printable ASCII as \u00hh, so the line is ASCII and each escape
//   stands for one byte (the audit log: keys and values are binary-safe);
// - kText: valid UTF-8 passes through with control characters escaped; s that is not valid
//   UTF-8 is written as kBytes (log messages).
enum class JsonEscape { kBytes, kText };
void AppendJsonString(std::string* out, std::string_view s, JsonEscape mode);

// Redis stringmatchlen: glob-style matching with * ? [...] [^...] ranges and \ escapes.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace fincache
