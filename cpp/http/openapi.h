// The OpenAPI 3.0 document served at GET /openapi.json (every route of the HTTP front door).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace fincache::http {

nlohmann::json OpenApiDocument(std::string_view version);

}  // namespace fincache::http
