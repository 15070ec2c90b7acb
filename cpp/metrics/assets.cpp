#include "metrics/assets.h"

namespace fincache::metrics {

std::string_view ContentTypeFor(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

bool FindDashboardAsset(std::string_view path, DashboardAsset* out) {
  if (path == "/") path = "/index.html";
  for (const EmbeddedFile* f = kEmbeddedAssets; !f->path.empty(); ++f) {
    if (f->path == path) {
      *out = {f->body, ContentTypeFor(path)};
      return true;
    }
  }
  return false;
}

}  // namespace fincache::metrics
