// The dashboard's files (web/ and uPlot) and the API's description (docs/openapi.json), compiled
// into the binary at build time (cmake/web_assets.cmake). Immutable after start; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace quell::http {

struct StaticAsset {
  std::string_view path;          // URL path, e.g. "/assets/app.js", "/api/openapi.json"
  std::string_view content_type;  // from the file name's extension
  std::string_view body;
  std::string etag;  // quoted strong validator over the bytes
};

// The asset served at `path`, or null.
const StaticAsset* FindAsset(std::string_view path);

// Bytes of all embedded assets together.
size_t EmbeddedAssetBytes();

}  // namespace quell::http
