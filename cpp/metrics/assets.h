// The dashboard's files (assets/dashboard/), compiled into the binary by cmake/embed_assets.cmake
// so `GET /` needs nothing beside the executable and no network (no CDN).
#pragma once

#include <string_view>

namespace fincache::metrics {

struct EmbeddedFile {
  std::string_view path;  // "/index.html"
  std::string_view body;
};

// Generated; ends with an entry whose path is empty.
extern const EmbeddedFile kEmbeddedAssets[];

struct DashboardAsset {
  std::string_view body;
  std::string_view content_type;
};

// The asset served at a request path: "/" is /index.html; other paths name a file
// ("/dashboard.js"). False when there is none.
bool FindDashboardAsset(std::string_view path, DashboardAsset* out);

// Content-Type for a file name, by extension.
std::string_view ContentTypeFor(std::string_view path);

}  // namespace fincache::metrics
