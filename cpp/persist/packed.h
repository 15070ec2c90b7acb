// Redis's packed encodings as they appear inside RDB values: listpack (written and read),
// ziplist, zipmap and intset (read; intset also written). These are byte formats, facts of
// Redis's RDB; FinCache's in-memory encodings differ (see types/) and are converted.
//
// Readers validate everything they touch, as Redis's deep sanitization does: header sizes equal
// the blob size, every entry lies inside the blob, back lengths and prevlens agree with entry
// sizes, counts in headers match, the terminator is where it must be. A reader never reads out
// of bounds and allocates only for entries that really are in the input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fincache::persist {

// ---- listpack -------------------------------------------------------------------------------
// <total bytes u32 LE> <count u16 LE, 65535 = unknown> entries... <0xFF>; an entry is an
// encoding byte (7-bit uint, 6/12/32-bit string lengths, 13/16/24/32/64-bit ints), its data and
// a backward length (1-5 bytes, 7 bits each) of encoding + data.
class ListpackBuilder {
 public:
  ListpackBuilder();
  // Appends a string; strings that are canonical int64 text are stored as integers, as Redis's
  // lpAppend does.
  void Append(std::string_view s);
  void AppendInt(int64_t v);
  size_t count() const { return count_; }
  // Bytes the listpack would have if finished now (header + entries + terminator).
  size_t bytes() const { return buf_.size() + 1; }
  // The finished listpack; the builder is left empty.
  std::string Finish();

 private:
  void AppendEntry(std::string_view encoded);  // encoding + data; adds the back length
  std::string buf_;
  uint32_t count_ = 0;
};

// Bytes an element adds to a listpack (Redis's quicklist size estimate uses the string length).
size_t ListpackEntrySize(std::string_view s);

// Decodes every element of a listpack (integers as their decimal text). False if malformed.
bool ParseListpack(std::string_view lp, std::vector<std::string>* out);

// ---- ziplist (RDB types before 7.0) ----------------------------------------------------------
// <zlbytes u32 LE> <zltail u32 LE> <zllen u16 LE> entries... <0xFF>; an entry is
// <prevlen: 1 byte, or 0xFE + u32 LE> <encoding> <data>.
bool ParseZiplist(std::string_view zl, std::vector<std::string>* out);

// ---- zipmap (RDB type HASH_ZIPMAP, Redis < 2.6) ----------------------------------------------
// <count byte> (<len> key <len> <free byte> value <free bytes>)... <0xFF>; len is one byte
// below 254, or 254 and a u32. Fills field, value, field, value...
bool ParseZipmap(std::string_view zm, std::vector<std::string>* out);

// ---- intset ------------------------------------------------------------------------------------
// <width u32 LE: 2, 4 or 8> <count u32 LE> values (LE, strictly ascending).
bool ParseIntset(std::string_view is, std::vector<int64_t>* out);
// An intset of ascending distinct values stored with the given width (2, 4 or 8).
std::string BuildIntset(const std::vector<int64_t>& values, uint32_t width);

}  // namespace fincache::persist
