#pragma once

#include <absl/status/statusor.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace nml::gateway {

// One HTTP route, read from an RPC's (nml.api.v1.http) annotation.
struct Route {
  std::string http_method;  // GET, POST, PATCH, DELETE
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
  std::string verb;  // after ':' in the last segment, or empty
  std::string body;  // "", "*" or a request field name
  const google::protobuf::MethodDescriptor* method = nullptr;

  // "/nml.listings.v1.ListingsService/GetReview"
  std::string grpc_path() const;
};

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

  // NOT_FOUND for a path no route knows; a known path with another method is
  // UNIMPLEMENTED (mapped to 405 by the HTTP side).
  absl::StatusOr<Match> Find(std::string_view http_method,
                             std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Fills `request` from a match, query parameters and a JSON body, strictly:
// an unknown query parameter or JSON field, a malformed body or a value of
// the wrong type is INVALID_ARGUMENT naming it.
absl::Status BuildRequest(const Match& match,
                          const std::multimap<std::string, std::string>& query,
                          std::string_view body,
                          google::protobuf::Message& request);

}  // namespace nml::gateway
