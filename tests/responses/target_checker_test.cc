// ListingsTargetChecker against a fake nml-listings on loopback: which RPC
// each target kind asks, and how the answers become statuses.
#include "services/responses/target_checker.h"

#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "common/api/status.h"
#include "tests/support/loopback_server.h"

namespace nml::responses {
namespace {

namespace lv1 = nml::listings::v1;
using namespace std::chrono_literals;

class FakeListings final : public lv1::ListingsService::CallbackService {
 public:
  std::set<std::string> names = {"reviews/2021", "markets/aliexpress",
                                 "reviews/2021/listings/aliexpress"};
  std::atomic<int> calls{0};
  std::string last_authorization;

  grpc::ServerUnaryReactor* BatchGetReviews(
      grpc::CallbackServerContext* c, const lv1::BatchGetReviewsRequest* r,
      lv1::BatchGetReviewsResponse*) override {
    return Answer(c, r->names());
  }
  grpc::ServerUnaryReactor* BatchGetMarkets(
      grpc::CallbackServerContext* c, const lv1::BatchGetMarketsRequest* r,
      lv1::BatchGetMarketsResponse*) override {
    return Answer(c, r->names());
  }
  grpc::ServerUnaryReactor* BatchGetListings(
      grpc::CallbackServerContext* c, const lv1::BatchGetListingsRequest* r,
      lv1::BatchGetListingsResponse*) override {
    return Answer(c, r->names());
  }
  grpc::ServerUnaryReactor* SearchMarkets(
      grpc::CallbackServerContext* c, const lv1::SearchMarketsRequest* r,
      lv1::SearchMarketsResponse* response) override {
    ++calls;
    lv1::SearchHit* hit = response->add_hits();
    hit->mutable_market()->set_name("markets/aliexpress");
    hit->set_score(r->query() == "AliExpress" ? 1.0 : 0.8);
    auto* reactor = c->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  // As nml-listings answers a batch get: all found, or NOT_FOUND naming
  // the first missing entry by its place.
  grpc::ServerUnaryReactor* Answer(
      grpc::CallbackServerContext* c,
      const google::protobuf::RepeatedPtrField<std::string>& asked) {
    ++calls;
    const auto& metadata = c->client_metadata();
    if (auto it = metadata.find("authorization"); it != metadata.end()) {
      last_authorization.assign(it->second.data(), it->second.size());
    }
    absl::Status status = absl::OkStatus();
    for (int i = 0; i < asked.size(); ++i) {
      if (!names.contains(asked[i])) {
        status = common::ResourceNotFound(
            asked[i], absl::StrCat("names[", i, "]: ", asked[i], " not found"));
        break;
      }
    }
    auto* reactor = c->DefaultReactor();
    reactor->Finish(common::ToGrpcStatus(status));
    return reactor;
  }
};

class TargetCheckerTest : public ::testing::Test {
 protected:
  TargetCheckerTest() : server_(&listings_), port_(server_.port()) {}

  ListingsTargetChecker Checker(int port, const std::string& token = "") {
    return ListingsTargetChecker(
        ListingsTargetChecker::MakeChannel(absl::StrCat("127.0.0.1:", port),
                                           grpc::InsecureChannelCredentials()),
        token);
  }
  static std::chrono::system_clock::time_point Soon() {
    return std::chrono::system_clock::now() + 2s;
  }

  FakeListings listings_;
  nml::testing::LoopbackServer server_;
  const int port_;
};

TEST_F(TargetCheckerTest, EachKindOfTargetIsCheckedWithTheKey) {
  auto checker = Checker(port_, "secret-key");
  EXPECT_TRUE(checker
                  .CheckTargets({"reviews/2021", "markets/aliexpress",
                                 "reviews/2021/listings/aliexpress"},
                                "targets", Soon())
                  .ok());
  EXPECT_EQ(listings_.calls, 3);
  EXPECT_EQ(listings_.last_authorization, "Bearer secret-key");
}

TEST_F(TargetCheckerTest, FiftyTargetsCostOneCall) {
  std::vector<std::string> targets;
  for (int i = 0; i < 50; ++i) {
    const std::string name = absl::StrCat("markets/market-", i);
    listings_.names.insert(name);
    targets.push_back(name);
  }
  EXPECT_TRUE(Checker(port_).CheckTargets(targets, "targets", Soon()).ok());
  EXPECT_EQ(listings_.calls, 1);
}

TEST_F(TargetCheckerTest, AnUnknownTargetIsNotFoundNamingItsPlace) {
  auto checker = Checker(port_);
  const absl::Status status = checker.CheckTargets(
      {"reviews/2021", "markets/aliexpress", "markets/nowhere"},
      "response.targets", Soon());
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(status.message(),
                                "response.targets[2] (markets/nowhere)"))
      << status;
}

TEST_F(TargetCheckerTest, AMalformedTargetIsRefusedWithoutAsking) {
  auto checker = Checker(port_);
  const absl::Status status =
      checker.CheckTargets({"aliexpress"}, "targets", Soon());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "targets[0]")) << status;
  EXPECT_EQ(listings_.calls, 0);
}

TEST_F(TargetCheckerTest, AnUnreachableListingsIsUnavailableByTheDeadline) {
  server_.Shutdown();
  auto checker = Checker(port_);
  const auto start = std::chrono::steady_clock::now();
  const absl::Status status =
      checker.CheckTargets({"markets/aliexpress"}, "targets",
                           std::chrono::system_clock::now() + 500ms);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(TargetCheckerTest, FindMarketTakesOnlyAnExactName) {
  auto checker = Checker(port_);
  EXPECT_EQ(checker.FindMarket("AliExpress", Soon()).value_or(""),
            "markets/aliexpress");
  EXPECT_EQ(checker.FindMarket("AliExpres", Soon()).status().code(),
            absl::StatusCode::kNotFound)
      << "a near miss is not a guess";
}

}  // namespace
}  // namespace nml::responses
