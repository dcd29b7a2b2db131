#pragma once

#include <absl/status/statusor.h>
#include <grpcpp/server.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/config.h"

namespace nml::common {

// The public side of a gRPC port. gRPC 1.51 cannot limit what one client
// connection costs by resetting streams (common/grpc/h2_watch.h), and gives no
// way to close one connection; so the port is this front's. It accepts each
// connection (and its TLS), hands gRPC one end of a socket pair
// (grpc::AddInsecureChannelFromFd) and relays bytes both ways on one
// thread, reading only HTTP/2 frame headers. A connection RapidResetWatch
// condemns gets GOAWAY(ENHANCE_YOUR_CALM) and is closed; gRPC's end closes
// with it, which cancels that connection's calls and frees them.
class GrpcFront final {
 public:
  // `max_unanswered`: streams a client may leave unanswered before it is
  // taken to ignore the server's MAX_CONCURRENT_STREAMS.
  GrpcFront(grpc::Server* server, size_t max_unanswered);
  ~GrpcFront();
  GrpcFront(const GrpcFront&) = delete;
  GrpcFront& operator=(const GrpcFront&) = delete;

  // Listens on `listen` (TLS when `tls` is enabled); the bound port.
  absl::StatusOr<int> Start(const HostPort& listen,
                            const ServerTlsOptions& tls);
  // Accepts no more connections; relayed ones go on (gRPC's shutdown sends
  // them GOAWAY through the relay and closes them).
  void StopAccepting();
  // Closes every connection and joins the relay thread. Idempotent.
  void Stop();

  // Connections closed for resetting streams as fast as they opened them.
  uint64_t abusive_closed() const;

  // What the acceptor and relays share (grpc_front.cc).
  struct State;

 private:
  std::unique_ptr<State> state_;
};

// The client's address for a call that came through a GrpcFront: gRPC names
// such a peer "fd:N" after its end of the socket pair. Other peers as given.
std::string CallPeer(const std::string& grpc_peer);

}  // namespace nml::common
