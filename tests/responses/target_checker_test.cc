// ListingsTargetChecker against a fake nml-listings on loopback: which RPC
// each target kind asks, and how the answers become statuses.
#include "services/responses/target_checker.h"

#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>

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

  grpc::ServerUnaryReactor* GetReview(grpc::CallbackServerContext* c,
                                      const lv1::GetReviewRequest* r,
                                      lv1::GetReviewResponse*) override {
    return Answer(c, r->name());
  }
  grpc::ServerUnaryReactor* GetMarket(grpc::CallbackServerContext* c,
                                      const lv1::GetMarketRequest* r,
                                      lv1::GetMarketResponse*) override {
    return Answer(c, r->name());
  }
  grpc::ServerUnaryReactor* GetListing(grpc::CallbackServerContext* c,
                                       const lv1::GetListingRequest* r,
                                       lv1::GetListingResponse*) override {
    return Answer(c, r->name());
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
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* c,
                                   const std::string& name) {
    ++calls;
    const auto& metadata = c->client_metadata();
    if (auto it = metadata.find("authorization"); it != metadata.end()) {
      last_authorization.assign(it->second.data(), it->second.size());
    }
    auto* reactor = c->DefaultReactor();
    reactor->Finish(
        names.contains(name)
            ? grpc::Status::OK
            : grpc::Status(grpc::StatusCode::NOT_FOUND, name + " not found"));
    return reactor;
  }
};

class TargetCheckerTest : public ::testing::Test {
 protected:
  TargetCheckerTest() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&listings_);
    server_ = builder.BuildAndStart();
  }
  ~TargetCheckerTest() override {
    server_->Shutdown(std::chrono::system_clock::now());
  }

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
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
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

TEST_F(TargetCheckerTest, AnUnknownTargetIsNotFoundNamingItsPlace) {
  auto checker = Checker(port_);
  const absl::Status status = checker.CheckTargets(
      {"markets/aliexpress", "markets/nowhere"}, "response.targets", Soon());
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(status.message(),
                                "response.targets[1] (markets/nowhere)"))
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
  server_->Shutdown(std::chrono::system_clock::now());
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
