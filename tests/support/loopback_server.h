#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/server.h>

#include <memory>

namespace nml::testing {

// A gRPC server on a free loopback port serving one service in-process,
// for tests that call a service through real gRPC.
class LoopbackServer final {
 public:
  explicit LoopbackServer(grpc::Service* service);
  ~LoopbackServer() { Shutdown(); }

  // A new plaintext channel to the server.
  std::shared_ptr<grpc::Channel> Channel() const;
  int port() const { return port_; }
  // Stops taking calls, waiting up to a second for those in flight. Call it
  // before stopping what the service's handlers run on.
  void Shutdown();

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace nml::testing
