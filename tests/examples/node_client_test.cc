// The contracts work for stubs generated outside C++: the Node.js example
// (@grpc/grpc-js + @grpc/proto-loader, straight from proto/) against a real
// nml-listings with the shared data.
#include <absl/strings/str_cat.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace nml {
namespace {

using namespace std::chrono_literals;

TEST(NodeClient, CallsListingsWithStubsGeneratedFromTheProtos) {
  nml::testing::TestDatabase db;
  nml::testing::Subprocess listings(
      NML_LISTINGS_BIN, {},
      {{"NML_DATABASE_URL", db.url()}, {"NML_LISTEN", "127.0.0.1:0"}});
  const int port = listings.WaitForListeningPort(30s);
  ASSERT_GT(port, 0) << listings.Stderr();
  const std::string address = absl::StrCat("127.0.0.1:", port);
  const auto imported = nml::testing::RunProcess(
      NML_NMLCTL_BIN, {"--addr", address, "import", NML_SOURCE_DIR "/data"}, {},
      120s);
  ASSERT_EQ(imported.exit_status, 0) << imported.err;

  const auto run = nml::testing::RunProcess(
      "/usr/bin/env",
      {"node", NML_SOURCE_DIR "/examples/node/client.js", address}, {}, 60s);
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto answer = nlohmann::json::parse(run.out);
  EXPECT_EQ(answer["review"], "reviews/2021");
  EXPECT_EQ(answer["onlineCount"], 42);
  EXPECT_EQ(answer["state"], "REVIEW_STATE_DRAFT");
  EXPECT_EQ(answer["screened"][0]["host"], "www.aliexpress.com");
  EXPECT_EQ(answer["screened"][0]["listings"][0],
            "reviews/2021/listings/aliexpress");
  EXPECT_TRUE(answer["screened"][1]["listings"].empty());
}

TEST(NodeClient, AHugeOrderByIsRefusedBrieflyAndTheChannelGoesOn) {
  nml::testing::TestDatabase db;
  nml::testing::Subprocess listings(
      NML_LISTINGS_BIN, {},
      {{"NML_DATABASE_URL", db.url()}, {"NML_LISTEN", "127.0.0.1:0"}});
  const int port = listings.WaitForListeningPort(30s);
  ASSERT_GT(port, 0) << listings.Stderr();
  const std::string address = absl::StrCat("127.0.0.1:", port);
  ASSERT_EQ(nml::testing::RunProcess(
                NML_NMLCTL_BIN,
                {"--addr", address, "import", NML_SOURCE_DIR "/data"}, {}, 120s)
                .exit_status,
            0);

  const auto run = nml::testing::RunProcess(
      "/usr/bin/env",
      {"node", NML_SOURCE_DIR "/tests/examples/hostile_client.js", address}, {},
      60s);
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto answer = nlohmann::json::parse(run.out);
  EXPECT_EQ(answer["hostileCode"], 3);  // INVALID_ARGUMENT
  EXPECT_LE(answer["hostileDetailsBytes"], 1024);
  EXPECT_EQ(answer["nextCode"], 0) << "the next call on the channel answers";
  EXPECT_EQ(answer["nextReview"], "reviews/2021");
}

}  // namespace
}  // namespace nml
