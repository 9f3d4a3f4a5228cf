#include "http/static_assets.h"

#include <vector>

#include "common/hash.h"

namespace quell::http {
namespace {

struct EmbeddedFile {
  const char* path;
  const char* file;
  const unsigned char* bytes;
  size_t size;
};

#include "web_assets.inc"

std::string_view ContentTypeFor(std::string_view file) {
  auto ends_with = [&](std::string_view suffix) {
    return file.size() >= suffix.size() && file.substr(file.size() - suffix.size()) == suffix;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".json")) return "application/json";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

const std::vector<StaticAsset>& Assets() {
  static const std::vector<StaticAsset> assets = [] {
    std::vector<StaticAsset> out;
    for (const auto& f : kEmbeddedFiles) {
      std::string_view body(reinterpret_cast<const char*>(f.bytes), f.size);
      out.push_back({f.path, ContentTypeFor(f.file), body, "\"" + Hex16(Xxh3(body)) + "\""});
    }
    return out;
  }();
  return assets;
}

}  // namespace

const StaticAsset* FindAsset(std::string_view path) {
  for (const auto& asset : Assets())
    if (asset.path == path) return &asset;
  return nullptr;
}

size_t EmbeddedAssetBytes() {
  size_t total = 0;
  for (const auto& asset : Assets()) total += asset.body.size();
  return total;
}

}  // namespace quell::http
