#include "services/gateway/web_view.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>

#include "common/api/percent_encoding.h"

namespace nml::gateway {
namespace {

// Scripts, styles, data and images from this origin only: no inline script
// or style, no third-party host, no framing. The pages read the REST API on
// the same origin (connect-src), and uPlot draws on a canvas.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

std::string_view ContentType(std::string_view path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

// If-None-Match holds "*" or a list of (possibly weak) entity tags.
bool Matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const size_t comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    if_none_match = comma == std::string_view::npos
                        ? std::string_view()
                        : if_none_match.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

// One path segment a page names (a review year or a market id).
bool IsSegment(std::string_view s) {
  if (s.empty() || s.size() > 200) return false;
  for (const char c : s) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

WebView::WebView(const std::vector<WebAsset>& assets) {
  for (const auto& asset : assets) {
    assets_.emplace(std::string(asset.path), &asset);
    if (asset.path == "/assets/index.html") shell_ = &asset;
  }
}

bool WebView::IsPage(std::string_view path) {
  if (path == "/" || path == "/history" || path == "/screen" ||
      path == "/search" || path == "/status") {
    return true;
  }
  for (const std::string_view prefix : {"/reviews/", "/markets/"}) {
    if (path.starts_with(prefix)) return IsSegment(path.substr(prefix.size()));
  }
  return false;
}

std::optional<RestReply> WebView::Serve(const RestRequest& request,
                                        std::string_view path) const {
  const WebAsset* asset = nullptr;
  std::string route;
  if (IsPage(path)) {
    asset = shell_;
    route = "GET web page";
  } else if (path.starts_with("/assets/")) {
    const auto it = assets_.find(path);
    if (it == assets_.end()) {
      RestReply reply =
          ErrorReply(grpc::StatusCode::NOT_FOUND,
                     absl::StrCat("no file ", common::EchoInput(path, 200)));
      reply.route = "GET web asset";
      return reply;
    }
    asset = it->second;
    route = "GET web asset";
  } else {
    return std::nullopt;
  }
  if (asset == nullptr) return std::nullopt;  // a build without the pages

  RestReply reply;
  reply.route = std::move(route);
  if (request.method != "GET") {
    reply = ErrorReply(
        grpc::StatusCode::UNIMPLEMENTED,
        absl::StrCat(common::EchoInput(request.method, 20),
                     " is not allowed on ", common::EchoInput(path, 200)),
        405);
    reply.headers.emplace_back("Allow", "GET");
    return reply;
  }
  reply.headers.emplace_back("ETag", std::string(asset->etag));
  // Always revalidated, so a new build is seen at once; an unchanged file
  // costs a 304 without a body.
  reply.headers.emplace_back("Cache-Control", "no-cache");
  reply.headers.emplace_back("Content-Security-Policy",
                             std::string(kContentSecurityPolicy));
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.headers.emplace_back("Referrer-Policy", "no-referrer");
  reply.headers.emplace_back("X-Frame-Options", "DENY");
  const std::string if_none_match = request.Header("if-none-match");
  if (!if_none_match.empty() && Matches(if_none_match, asset->etag)) {
    reply.status = 304;
    reply.content_type.clear();
    return reply;
  }
  reply.content_type = std::string(ContentType(asset->path));
  reply.body = std::string(asset->bytes);
  return reply;
}

}  // namespace nml::gateway
