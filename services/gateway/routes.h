#pragma once

#include <absl/status/statusor.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "google/api/field_behavior.pb.h"

namespace nml::gateway {

// Whether `field` carries `behavior` in its google.api.field_behavior option.
bool HasFieldBehavior(const google::protobuf::FieldDescriptor* field,
                      google::api::FieldBehavior behavior);

// One HTTP binding of an RPC, read from its standard `google.api.http`
// annotation (the binding itself or one of its `additional_bindings`), with
// the mapping rules of google/api/http.proto: path variables bind request
// fields, `body` names the field the JSON body fills ("*" for the whole
// request), every other field is a query parameter, and `response_body`
// names the response field that is the answer. Envoy's gRPC-JSON transcoder
// and grpc-gateway read the same annotation.
struct Route {
  std::string http_method;  // GET, POST, PATCH, PUT, DELETE or a custom verb
  std::string path;         // the template, e.g. "/v1/{name=reviews/*}:stats"
  // Template segments after "/v1": literal text, or a variable binding a
  // request field to a run of segments with literals and "*".
  struct Segment {
    std::string literal;  // set for a literal segment
    std::string field;    // set for a variable
    std::vector<std::string>
        pattern;  // the variable's segments ("reviews", "*")
  };
  std::vector<Segment> segments;
  std::string verb;           // after ':' in the last segment, or empty
  std::string body;           // "", "*" or a request field name
  std::string response_body;  // "" (the whole response) or a field name
  const google::protobuf::MethodDescriptor* method = nullptr;

  // "/nml.listings.v1.ListingsService/GetReview", set with `method`.
  std::string grpc_path;
  // "GET /v1/{name=reviews/*}": names the route in metrics and logs.
  std::string label() const { return http_method + " " + path; }
};

// A route whose RPC streams a file (server-streaming google.api.HttpBody,
// as ExportData): answered with the file's own content type, in chunks.
// It is the only streaming kind routed (a REST body is one message).
bool IsFileRoute(const Route& route);

// A matched request: the route and the field values its path binds.
struct Match {
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>>
      bindings;  // field path -> value
};

// The one table of routes of the gateway: every annotated RPC of the given
// services, derived from their descriptors.
class RouteTable final {
 public:
  static absl::StatusOr<RouteTable> FromServices(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  // `path` is the request path as sent (percent-encoded, without the query).
  // NOT_FOUND for a path no route knows; a known path with another method is
  // UNIMPLEMENTED (405 on the HTTP side); INVALID_ARGUMENT for a path that is
  // not valid percent-encoded UTF-8.
  absl::StatusOr<Match> Find(std::string_view http_method,
                             std::string_view path) const;
  // The methods routed for `path` ("GET", "PATCH"...), for Allow headers.
  std::vector<std::string> AllowedMethods(std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The request's query parameters, decoded, in order. Repeated fields take a
// parameter more than once.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Splits and decodes a query string ("a=1&b=x%20y"); INVALID_ARGUMENT for
// bad percent-encoding or a key or value that is not valid UTF-8.
absl::StatusOr<QueryParams> ParseQuery(std::string_view query);

// Fills `request` from a match, query parameters and a JSON body, strictly:
// an unknown query parameter or JSON field, a malformed body, invalid UTF-8
// or a value of the wrong type at any depth is INVALID_ARGUMENT naming it.
// On PATCH without an update mask, the mask is the set of fields the body
// gives (as grpc-gateway infers it).
absl::Status BuildRequest(const Match& match, const QueryParams& query,
                          std::string_view body,
                          google::protobuf::Message& request);

// The gRPC service config of the gateway's backend channels: a read (an RPC
// every binding of which is a GET) that fails UNAVAILABLE is tried again,
// up to 3 times in all, on the next replica round_robin picks: a replica
// killed with the call in flight, or one behind the data version asked for
// (x-nml-min-data-version), costs the caller nothing. A write is never
// retried here: it may have committed before the failure.
std::string ReadRetryServiceConfig(const RouteTable& routes);

}  // namespace nml::gateway
