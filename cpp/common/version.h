// The Redis version whose behaviour FinCache matches: HELLO's "version", INFO's redis_version,
// redis.REDIS_VERSION in scripts, the RDB "redis-ver" field, the metrics' redis_version label.
#pragma once

#include <string_view>

namespace fincache {

inline constexpr std::string_view kRedisVersion = "7.0.15";
// redis.REDIS_VERSION_NUM: 0x00MMmmpp.
inline constexpr int kRedisVersionNum = 0x0007000f;

}  // namespace fincache
