// SHA-1 (FIPS 180-4), for the script cache: scripts are named by the lowercase hex SHA-1 of
// their body, as Redis names them.
#pragma once

#include <string>
#include <string_view>

namespace fincache::script {

// The 40-character lowercase hex SHA-1 digest of data.
std::string Sha1Hex(std::string_view data);

}  // namespace fincache::script
