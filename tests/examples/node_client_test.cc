// The contracts work for stubs generated outside C++: the Node.js example
// (@grpc/grpc-js + @grpc/proto-loader, straight from proto/) against a real
// nml-listings with the shared data.
#include <absl/strings/str_cat.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace nml {
namespace {

using namespace std::chrono_literals;

// nml-listings on a database of its own with the shared data loaded.
class NodeClient : public ::testing::Test {
 protected:
  void SetUp() override {
    listings_ = std::make_unique<nml::testing::Subprocess>(
        NML_LISTINGS_BIN, std::vector<std::string>{},
        std::map<std::string, std::string>{{"NML_DATABASE_URL", db_.url()},
                                           {"NML_LISTEN", "127.0.0.1:0"}});
    const int port = listings_->WaitForListeningPort(30s);
    ASSERT_GT(port, 0) << listings_->Stderr();
    address_ = absl::StrCat("127.0.0.1:", port);
    const auto imported = nml::testing::RunProcess(
        NML_NMLCTL_BIN, {"--addr", address_, "import", NML_SOURCE_DIR "/data"},
        {}, 120s);
    ASSERT_EQ(imported.exit_status, 0) << imported.err;
  }

  nml::testing::TestDatabase db_;
  std::unique_ptr<nml::testing::Subprocess> listings_;
  std::string address_;
};

TEST_F(NodeClient, CallsListingsWithStubsGeneratedFromTheProtos) {
  const auto run = nml::testing::RunProcess(
      "/usr/bin/env",
      {"node", NML_SOURCE_DIR "/examples/node/client.js", address_}, {}, 60s);
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto answer = nlohmann::json::parse(run.out);
  EXPECT_EQ(answer["review"], "reviews/2021");
  EXPECT_EQ(answer["onlineCount"], 42);
  EXPECT_EQ(answer["state"], "REVIEW_STATE_DRAFT");
  EXPECT_EQ(answer["screened"][0]["host"], "www.aliexpress.com");
  ASSERT_EQ(answer["screened"][0]["listings"].size(), 1u) << answer.dump();
  EXPECT_EQ(answer["screened"][0]["listings"][0],
            "reviews/2021/listings/aliexpress");
  EXPECT_TRUE(answer["screened"][1]["listings"].empty());
}

TEST_F(NodeClient, AHugeOrderByIsRefusedBrieflyAndTheChannelGoesOn) {
  const auto run = nml::testing::RunProcess(
      "/usr/bin/env",
      {"node", NML_SOURCE_DIR "/tests/examples/hostile_client.js", address_},
      {}, 60s);
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto answer = nlohmann::json::parse(run.out);
  EXPECT_EQ(answer["hostileCode"], 3);  // INVALID_ARGUMENT
  EXPECT_LE(answer["hostileDetailsBytes"], 1024);
  EXPECT_EQ(answer["nextCode"], 0) << "the next call on the channel answers";
  EXPECT_EQ(answer["nextReview"], "reviews/2021");
}

}  // namespace
}  // namespace nml
