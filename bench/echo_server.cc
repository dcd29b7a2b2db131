// A bare gRPC server for comparisons: it asks a real service one question at
// start-up, keeps the answer's bytes, and then answers every call (any
// method) with those bytes and nothing else: no interceptors, no handler, no
// parsing. "Same reply size" by construction.
//
//   echo_server --listen 127.0.0.1:50099 --upstream 127.0.0.1:50051
//     --method /nml.listings.v1.ListingsService/ScreenDomains --body req.bin
// (`req.bin` is the serialized request message, without gRPC framing.)
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/server_builder.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>

namespace {

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

class Echo final : public grpc::CallbackGenericService {
 public:
  explicit Echo(std::string reply) : reply_(std::move(reply)) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext*) override {
    class Reactor final : public grpc::ServerGenericBidiReactor {
     public:
      explicit Reactor(const std::string& reply) : reply_(ToBuffer(reply)) {
        StartRead(&request_);
      }
      void OnReadDone(bool ok) override {
        if (!ok) {
          Finish(grpc::Status::OK);
          return;
        }
        StartWriteAndFinish(&reply_, grpc::WriteOptions(), grpc::Status::OK);
      }
      void OnDone() override { delete this; }

     private:
      grpc::ByteBuffer request_;
      grpc::ByteBuffer reply_;
    };
    return new Reactor(reply_);
  }

 private:
  const std::string reply_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:50099";
  std::string upstream, method, body_path;
  CLI::App app{"echo_server: a bare gRPC reply of a real answer's bytes"};
  app.add_option("--listen", listen)->capture_default_str();
  app.add_option("--upstream", upstream)->required();
  app.add_option("--method", method)->required();
  app.add_option("--body", body_path)->required();
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(body_path, std::ios::binary);
  std::stringstream body;
  body << in.rdbuf();
  grpc::GenericStub stub(
      grpc::CreateChannel(upstream, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  grpc::ByteBuffer request = ToBuffer(body.str());
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) {
    std::fprintf(stderr, "echo_server: upstream: %s\n",
                 status.error_message().c_str());
    return 1;
  }
  std::vector<grpc::Slice> slices;
  (void)response.Dump(&slices);
  std::string reply;
  for (const auto& s : slices) {
    reply.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }

  Echo echo(reply);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials());
  builder.RegisterCallbackGenericService(&echo);
  auto server = builder.BuildAndStart();
  if (server == nullptr) return 1;
  std::fprintf(stderr, "echo_server: %zu-byte reply on %s\n", reply.size(),
               listen.c_str());
  server->Wait();
  return 0;
}
