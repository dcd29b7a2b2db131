#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/gateway/rest_message.h"
#include "services/gateway/web_assets.h"

namespace nml::gateway {

// The read-only web view for analysts: one shell page for every page's
// address (/, /reviews/2021, /markets/aliexpress, /history, /screen,
// /search, /status) and the files under /assets/ whose ES modules render
// each page from the REST API on the same origin. Everything is answered
// from memory, with an ETag (a matching If-None-Match gets 304) and a
// Content-Security-Policy that allows only this origin.
class WebView final {
 public:
  explicit WebView(const std::vector<WebAsset>& assets = WebAssets());

  // The answer when `path` is the web view's, nullopt when it is not.
  std::optional<RestReply> Serve(const RestRequest& request,
                                 std::string_view path) const;

  static bool IsPage(std::string_view path);

 private:
  std::map<std::string, const WebAsset*, std::less<>> assets_;
  const WebAsset* shell_ = nullptr;
};

}  // namespace nml::gateway
