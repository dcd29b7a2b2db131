#pragma once

#include <string_view>
#include <vector>

namespace nml::gateway {

// A file of the web view, built into the gateway (cmake/EmbedFiles.cmake).
struct WebAsset {
  std::string_view path;  // "/assets/app.js"
  std::string_view etag;  // quoted, from the file's SHA-256
  std::string_view bytes;
};

// Every file under services/gateway/web/ and the vendored chart library.
const std::vector<WebAsset>& WebAssets();

}  // namespace nml::gateway
