// The web view's answers, in process: which addresses are pages, the files
// built into the gateway, ETags and 304, the security headers, refusals.
#include "services/gateway/web_view.h"

#include <gtest/gtest.h>

#include <string>

namespace nml::gateway {
namespace {

std::string HeaderOf(const RestReply& reply, const std::string& name) {
  for (const auto& [key, value] : reply.headers) {
    if (key == name) return value;
  }
  return "";
}

RestRequest Get(std::string target) {
  RestRequest request;
  request.method = "GET";
  request.target = std::move(target);
  return request;
}

TEST(WebView, EveryPageAddressGetsTheShellAndOtherAddressesAreNotItsOwn) {
  const WebView view;
  for (const char* page : {"/", "/reviews/2021", "/markets/aliexpress",
                           "/history", "/screen", "/search", "/status"}) {
    const auto reply = view.Serve(Get(page), page);
    ASSERT_TRUE(reply.has_value()) << page;
    EXPECT_EQ(reply->status, 200) << page;
    EXPECT_EQ(reply->content_type, "text/html; charset=utf-8");
    EXPECT_NE(reply->body.find("/assets/app.js"), std::string::npos);
  }
  // The API, the operational endpoints and anything else stay the REST
  // side's; a page address of more than one segment is not a page.
  for (const char* other :
       {"/v1/reviews/2021", "/metrics", "/healthz", "/openapi.json",
        "/reviews/2021/listings", "/markets/", "/markets/a%2Fb", "/nope"}) {
    EXPECT_FALSE(view.Serve(Get(other), other).has_value()) << other;
  }
}

TEST(WebView, FilesAreServedWithTheirTypeAndAStrictPolicy) {
  const WebView view;
  const auto js = view.Serve(Get("/assets/app.js"), "/assets/app.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(js->body.find("popstate"), std::string::npos);
  const std::string csp = HeaderOf(*js, "Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe"), std::string::npos);
  EXPECT_EQ(HeaderOf(*js, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(*js, "Cache-Control"), "no-cache");

  // The chart library comes from npm, built in beside the pages.
  const auto uplot = view.Serve(Get("/assets/vendor/uPlot.esm.js"),
                                "/assets/vendor/uPlot.esm.js");
  ASSERT_TRUE(uplot.has_value());
  EXPECT_EQ(uplot->status, 200);
  EXPECT_GT(uplot->body.size(), 10000u);
  const auto css = view.Serve(Get("/assets/style.css"), "/assets/style.css");
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
}

TEST(WebView, AMatchingETagIsA304WithoutABody) {
  const WebView view;
  const auto first = view.Serve(Get("/assets/app.js"), "/assets/app.js");
  const std::string etag = HeaderOf(*first, "ETag");
  ASSERT_EQ(etag.front(), '"');
  for (const std::string& if_none_match :
       {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    RestRequest request = Get("/assets/app.js");
    request.headers["if-none-match"] = if_none_match;
    const auto again = view.Serve(request, "/assets/app.js");
    EXPECT_EQ(again->status, 304) << if_none_match;
    EXPECT_TRUE(again->body.empty());
    EXPECT_EQ(HeaderOf(*again, "ETag"), etag);
  }
  RestRequest stale = Get("/assets/app.js");
  stale.headers["if-none-match"] = "\"0000\"";
  EXPECT_EQ(view.Serve(stale, "/assets/app.js")->status, 200);
  // Every page is the same shell, so it has the same ETag.
  EXPECT_EQ(HeaderOf(*view.Serve(Get("/"), "/"), "ETag"),
            HeaderOf(*view.Serve(Get("/status"), "/status"), "ETag"));
}

TEST(WebView, AnUnknownFileIs404JsonAndAWriteIs405) {
  const WebView view;
  const auto missing =
      view.Serve(Get("/assets/../secret"), "/assets/../secret");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->content_type, "application/json");
  EXPECT_NE(missing->body.find("no file /assets/../secret"), std::string::npos);

  RestRequest post = Get("/reviews/2021");
  post.method = "POST";
  const auto refused = view.Serve(post, "/reviews/2021");
  EXPECT_EQ(refused->status, 405);
  EXPECT_EQ(HeaderOf(*refused, "Allow"), "GET");
}

TEST(WebView, ABuildWithoutTheShellLeavesThePagesToTheRestSide) {
  const std::vector<WebAsset> only_css = {
      {"/assets/style.css", "\"1\"", "body{}"}};
  const WebView view(only_css);
  EXPECT_FALSE(view.Serve(Get("/"), "/").has_value());
  EXPECT_EQ(view.Serve(Get("/assets/style.css"), "/assets/style.css")->body,
            "body{}");
}

}  // namespace
}  // namespace nml::gateway
