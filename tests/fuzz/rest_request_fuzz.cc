// Fuzzes the gateway's HTTP-to-gRPC transcoding: the route match of a
// method and path, the query string, the JSON body into the request
// message, and the JSON the message prints back; errors become replies.
// The web view sees the same path first, with an If-None-Match header.
#include <fuzzer/FuzzedDataProvider.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "nml/gateway/v1/gateway_service.pb.h"
#include "nml/listings/v1/listings_service.pb.h"
#include "nml/responses/v1/responses_service.pb.h"
#include "services/gateway/json_printer.h"
#include "services/gateway/rest_message.h"
#include "services/gateway/routes.h"
#include "services/gateway/web_view.h"

namespace {

using nml::gateway::RouteTable;

const RouteTable& Routes() {
  // Through a message of each file, so their descriptors are linked in.
  static const RouteTable* const kRoutes = [] {
    auto routes = RouteTable::FromServices(
        {nml::listings::v1::GetReviewRequest::descriptor()->file()->service(0),
         nml::responses::v1::GetResponseRequest::descriptor()->file()->service(
             0),
         nml::gateway::v1::GetMarketDossierRequest::descriptor()
             ->file()
             ->service(0)});
    if (!routes.ok()) __builtin_trap();
    return new RouteTable(*std::move(routes));
  }();
  return *kRoutes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nml::gateway;
  FuzzedDataProvider in(data, size);
  static const char* const kMethods[] = {"GET", "POST", "PATCH", "DELETE",
                                         "PUT"};
  const std::string method = kMethods[in.ConsumeIntegralInRange(0, 4)];
  const std::string path = in.ConsumeRandomLengthString(256);
  const std::string query = in.ConsumeRandomLengthString(256);
  const std::string body = in.ConsumeRemainingBytesAsString();

  static const WebView* const kWebView = new WebView();
  RestRequest web;
  web.method = method;
  web.headers["if-none-match"] = query;
  kWebView->Serve(web, path);

  Routes().AllowedMethods(path);
  auto match = Routes().Find(method, path);
  if (!match.ok()) {
    ErrorReply(match.status());
    return 0;
  }
  auto params = ParseQuery(query);
  if (!params.ok()) {
    ErrorReply(params.status());
    return 0;
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype(match->route->method->input_type())->New());
  if (auto st = BuildRequest(*match, *params, body, *request); !st.ok()) {
    ErrorReply(st);
    return 0;
  }
  ToJson(*request);
  return 0;
}
