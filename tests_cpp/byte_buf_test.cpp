// ByteBuf (the buffer of small-collection encodings) against std::string under random edits.
#include "types/byte_buf.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace fincache {
namespace {

TEST(ByteBufTest, RandomEditsMatchString) {
  std::mt19937_64 rng(7);
  ByteBuf buf;
  std::string model;
  for (int step = 0; step < 20000; ++step) {
    std::string piece(rng() % 40, static_cast<char>('a' + rng() % 26));
    switch (rng() % 4) {
      case 0:
        buf.append(piece);
        model.append(piece);
        break;
      case 1: {
        char* p = buf.Extend(piece.size());
        if (!piece.empty()) std::memcpy(p, piece.data(), piece.size());
        model.append(piece);
        break;
      }
      case 2: {
        if (model.empty()) break;
        size_t pos = rng() % model.size(), len = rng() % (model.size() - pos + 1);
        buf.replace(pos, len, piece);
        model.replace(pos, len, piece);
        break;
      }
      case 3: {
        if (model.empty()) break;
        size_t pos = rng() % model.size(), len = rng() % (model.size() - pos + 1);
        buf.erase(pos, len);
        model.erase(pos, len);
        break;
      }
    }
    ASSERT_EQ(buf.view(), model) << step;
    ASSERT_GE(buf.capacity(), buf.size());
    // The allocation follows the size: less than one malloc granule of slack.
    ASSERT_LT(buf.capacity() - buf.size(), 16u) << step;
    if (model.size() > 4000) {
      buf.clear();
      model.clear();
    }
  }
  ByteBuf copy = buf;
  EXPECT_EQ(copy.view(), buf.view());
  ByteBuf moved = std::move(copy);
  EXPECT_EQ(moved.view(), model);
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(sizeof(ByteBuf), 16u);
}

}  // namespace
}  // namespace fincache
