// TLS and mTLS on the listeners, as a client sees them.
#include <absl/strings/str_cat.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace nml {
namespace {

using namespace std::chrono_literals;
using nml::testing::RunProcess;
using nml::testing::Subprocess;
using nml::testing::TestDatabase;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = absl::StrCat(std::filesystem::temp_directory_path().string(),
                        "/nml-certs-", getpid());
    const auto made =
        RunProcess(NML_SOURCE_DIR "/scripts/make-certs.sh", {dir_}, {}, 120s);
    ASSERT_EQ(made.exit_status, 0) << made.err;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string File(const std::string& name) { return dir_ + "/" + name; }

  int Start(bool mutual) {
    std::map<std::string, std::string> env = {
        {"NML_DATABASE_URL", db_.url()},
        {"NML_LISTEN", "127.0.0.1:0"},
        {"NML_TLS_CERT", File("server.pem")},
        {"NML_TLS_KEY", File("server.key")}};
    if (mutual) env["NML_TLS_CLIENT_CA"] = File("ca.pem");
    server_ = std::make_unique<Subprocess>(NML_LISTINGS_BIN,
                                           std::vector<std::string>{}, env);
    const int port = server_->WaitForListeningPort(30s);
    EXPECT_GT(port, 0) << server_->Stderr();
    return port;
  }

  // The health check's answer through `credentials`, or the error.
  static std::string Check(
      int port, std::shared_ptr<grpc::ChannelCredentials> credentials) {
    auto stub = grpc::health::v1::Health::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), credentials));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 3s);
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status = stub->Check(&context, {}, &response);
    if (!status.ok()) return "error";
    return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
        response.status());
  }

  static std::shared_ptr<grpc::ChannelCredentials> Ssl(
      const std::string& client = "") {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = Read(File("ca.pem"));
    if (!client.empty()) {
      options.pem_cert_chain = Read(File(client + ".pem"));
      options.pem_private_key = Read(File(client + ".key"));
    }
    return grpc::SslCredentials(options);
  }

  static std::string dir_;
  TestDatabase db_;
  std::unique_ptr<Subprocess> server_;
};

std::string Tls::dir_;

std::string WaitServing(
    int port, std::shared_ptr<grpc::ChannelCredentials> credentials,
    std::string (*check)(int, std::shared_ptr<grpc::ChannelCredentials>)) {
  std::string answer;
  for (int i = 0; i < 50; ++i) {
    answer = check(port, credentials);
    if (answer == "SERVING") break;
    std::this_thread::sleep_for(100ms);
  }
  return answer;
}

TEST_F(Tls, WithTlsRequiredAPlaintextClientIsRefused) {
  const int port = Start(/*mutual=*/false);
  EXPECT_EQ(WaitServing(port, Ssl(), Check), "SERVING");
  EXPECT_EQ(Check(port, grpc::InsecureChannelCredentials()), "error");
  const std::string address = absl::StrCat("127.0.0.1:", port);
  EXPECT_EQ(RunProcess(NML_HEALTH_CHECK_BIN,
                       {"--addr", address, "--health-tls-ca", File("ca.pem")})
                .exit_status,
            0);
  EXPECT_EQ(RunProcess(NML_HEALTH_CHECK_BIN,
                       {"--addr", address, "--timeout-ms", "1000"})
                .exit_status,
            2);
}

TEST_F(Tls, WithMutualTlsOnlyAClientOfTheRightCaGetsIn) {
  const int port = Start(/*mutual=*/true);
  EXPECT_EQ(WaitServing(port, Ssl("client"), Check), "SERVING");
  EXPECT_EQ(Check(port, Ssl()), "error") << "no client certificate";
  grpc::SslCredentialsOptions intruder;
  intruder.pem_root_certs = Read(File("ca.pem"));
  intruder.pem_cert_chain = Read(File("other-client.pem"));
  intruder.pem_private_key = Read(File("other-client.key"));
  EXPECT_EQ(Check(port, grpc::SslCredentials(intruder)), "error")
      << "a certificate from another CA";
  EXPECT_EQ(Check(port, grpc::InsecureChannelCredentials()), "error");
}

TEST_F(Tls, TheGatewaysHttpSideServesHttps) {
  Subprocess gateway(NML_GATEWAY_BIN, {},
                     {{"NML_LISTEN", "127.0.0.1:0"},
                      {"NML_HTTP_LISTEN", "127.0.0.1:0"},
                      {"NML_HTTP_TLS_CERT", File("server.pem")},
                      {"NML_HTTP_TLS_KEY", File("server.key")}});
  const int port = gateway.WaitForHttpPort(6s);
  ASSERT_GT(port, 0) << gateway.Stderr();
  httplib::SSLClient https("127.0.0.1", port);
  https.set_ca_cert_path(File("ca.pem").c_str());
  https.enable_server_certificate_verification(true);
  auto ok = https.Get("/healthz");
  ASSERT_TRUE(ok) << httplib::to_string(ok.error());
  EXPECT_EQ(ok->status, 200);
  httplib::Client plain("127.0.0.1", port);
  auto refused = plain.Get("/healthz");
  EXPECT_TRUE(!refused || refused->status != 200);
}

}  // namespace
}  // namespace nml
