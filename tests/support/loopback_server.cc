#include "tests/support/loopback_server.h"

#include <absl/strings/str_cat.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <chrono>

namespace nml::testing {

LoopbackServer::LoopbackServer(grpc::Service* service) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port_);
  builder.RegisterService(service);
  server_ = builder.BuildAndStart();
}

std::shared_ptr<grpc::Channel> LoopbackServer::Channel() const {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                             grpc::InsecureChannelCredentials());
}

void LoopbackServer::Shutdown() {
  if (server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  server_.reset();
}

}  // namespace nml::testing
