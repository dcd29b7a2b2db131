#pragma once

#include <absl/status/status.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nml::gateway {

// An HTTP request as the REST side sees it, whatever carried it.
struct RestRequest {
  std::string method;  // "GET", or whatever the client sent
  std::string target;  // path and query as sent ("/v1/reviews?pageSize=5")
  std::string body;
  // The headers the REST side reads, by lower-case name.
  std::map<std::string, std::string> headers;
  std::string Header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// The body of an answer that comes after its head, a chunk at a time (a
// file a backend streams): the HTTP side asks for the next chunk only when
// the last one is written, so a slow client slows the backend's stream
// instead of filling the gateway's memory.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Calls `next` once, on any thread: with the next chunk, or with nullopt
  // at the end; `ok` false means the stream failed part way (the HTTP side
  // then cuts the connection, so the client sees the body incomplete).
  virtual void Next(
      std::function<void(std::optional<std::string> chunk, bool ok)> next) = 0;
  // The client went away: stop the backend stream.
  virtual void Cancel() = 0;
};

// The answer: status, JSON body, and the headers beyond the content type.
struct RestReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route;  // names the route in metrics ("unmatched" if none)
  // When set, the body is this stream's chunks (sent chunked), not `body`.
  std::shared_ptr<BodyStream> stream;
};

// The HTTP status for a gRPC status code (the grpc-gateway table).
int HttpStatusFor(int grpc_code);

// An error answer shaped like google.rpc.Status:
// {"error":{"code":<http>,"status":"<gRPC code name>","message":..,
// "details":[..]}}. `message` is made valid UTF-8 and cut to a bound first;
// `details` are google.rpc detail messages in protobuf JSON ("@type" first).
RestReply ErrorReply(grpc::StatusCode code, std::string_view message,
                     int http_status = 0,
                     nlohmann::json details = nlohmann::json::array());
RestReply ErrorReply(const absl::Status& status);
// A backend's error, with the details it attached (google.rpc.ErrorInfo...);
// gRPC's own text for an unreachable backend is not passed on
// (common::WithoutChannelDetail).
RestReply ErrorReply(const grpc::Status& status, int http_status = 0);

}  // namespace nml::gateway
