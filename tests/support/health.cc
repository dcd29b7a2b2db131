#include "tests/support/health.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"

namespace nml::testing {

std::string CheckHealth(const std::string& address, const std::string& service,
                        std::chrono::milliseconds timeout) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return "ERROR: " + status.error_message();
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
      response.status());
}

std::chrono::milliseconds WaitForHealth(const std::string& address,
                                        const std::string& want,
                                        std::chrono::milliseconds timeout,
                                        const std::string& service) {
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < timeout) {
    if (CheckHealth(address, service, std::chrono::milliseconds(500)) == want) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::chrono::milliseconds(-1);
}

}  // namespace nml::testing
