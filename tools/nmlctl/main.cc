// nmlctl: the command line for nml, on the generated gRPC stubs.
//
// Exit status: 0 success, 1 the server answered with an error, 2 bad usage,
// 3 the server could not be reached.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "common/config.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"

namespace {

struct GlobalOptions {
  std::string addr = "127.0.0.1:50051";
  int timeout_ms = 10000;
  bool json = false;
};

int ExitCodeFor(const grpc::Status& status) {
  if (status.ok()) return 0;
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
             ? 3
             : 1;
}

int ReportError(const GlobalOptions& options, const grpc::Status& status) {
  std::fprintf(stderr, "nmlctl: %s: %s (code %d)\n", options.addr.c_str(),
               status.error_message().c_str(), status.error_code());
  return ExitCodeFor(status);
}

void PrintJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  print.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, print);
  std::fputs(out.c_str(), stdout);
}

void SetDeadline(grpc::ClientContext& context, const GlobalOptions& options) {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(options.timeout_ms));
}

int Status(const GlobalOptions& options) {
  auto stub = nml::listings::v1::ListingsService::NewStub(
      grpc::CreateChannel(options.addr, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  SetDeadline(context, options);
  nml::listings::v1::GetDataStatusResponse response;
  const grpc::Status status = stub->GetDataStatus(&context, {}, &response);
  if (!status.ok()) return ReportError(options, status);
  if (options.json) {
    PrintJson(response);
    return 0;
  }
  using google::protobuf::util::TimeUtil;
  std::printf("data version   %lld\n",
              static_cast<long long>(response.data_version()));
  std::printf("snapshot time  %s\n",
              TimeUtil::ToString(response.snapshot_time()).c_str());
  std::printf("last import    %s\n",
              response.has_last_import_time()
                  ? TimeUtil::ToString(response.last_import_time()).c_str()
                  : "never");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  GlobalOptions options;
  CLI::App app{"nmlctl: query and load the Notorious Markets List", "nmlctl"};
  app.require_subcommand(1);
  app.add_option("--addr", options.addr, "Server address, host:port")
      ->envname("NML_ADDR")
      ->capture_default_str();
  app.add_option("--timeout", options.timeout_ms, "Deadline per call, ms")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
  app.add_flag("--json", options.json,
               "Print protobuf JSON instead of a table");

  auto* status = app.add_subcommand(
      "status", "Data version, last import and review completeness");

  nml::common::ParseOrExit(app, argc, argv);
  if (*status) return Status(options);
  return 2;
}
