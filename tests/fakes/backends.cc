#include "tests/fakes/backends.h"

#include <absl/synchronization/mutex.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "common/api/status.h"

namespace nml::testing {
namespace {

constexpr char kMarket[] = "markets/aliexpress";
constexpr char kEtag[] = "7";
constexpr char kMergedAway[] = "markets/ali-express";

grpc::Status Down(const char* service) {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      std::string(service) + " is down (fake)");
}

grpc::Status NotFound(const std::string& name) {
  return grpc::Status(grpc::StatusCode::NOT_FOUND, name + " not found");
}

void FillMarket(listings::v1::Market& market) {
  market.set_name(kMarket);
  market.set_display_name("AliExpress");
  market.set_etag(kEtag);
  market.add_merged_markets(kMergedAway);
}

// "-" for no aliases given, else the names joined by ",".
template <typename Request>
std::string AliasesOf(const Request& request) {
  if (!request.has_target_aliases()) return "-";
  std::string joined;
  for (const auto& name : request.target_aliases().names()) {
    joined += (joined.empty() ? "" : ",") + name;
  }
  return joined;
}

}  // namespace

class FakeBackends::Listings final
    : public listings::v1::ListingsService::Service {
 public:
  explicit Listings(FakeBackends& owner) : owner_(owner) {}

  grpc::Status GetMarket(grpc::ServerContext*,
                         const listings::v1::GetMarketRequest* request,
                         listings::v1::GetMarketResponse* response) override {
    ++owner_.calls;
    if (owner_.listings_down) return Down("nml-listings");
    if (request->name() != kMarket) return NotFound(request->name());
    FillMarket(*response->mutable_market());
    return grpc::Status::OK;
  }

  grpc::Status UpdateMarket(
      grpc::ServerContext*, const listings::v1::UpdateMarketRequest* request,
      listings::v1::UpdateMarketResponse* response) override {
    ++owner_.calls;
    if (owner_.listings_down) return Down("nml-listings");
    if (request->market().name() != kMarket) {
      return NotFound(request->market().name());
    }
    if (auto st =
            common::CheckEtag(request->market().etag(), kEtag, "market.etag");
        !st.ok()) {
      return common::ToGrpcStatus(st);
    }
    FillMarket(*response->mutable_market());
    response->mutable_market()->set_display_name(
        request->market().display_name());
    return grpc::Status::OK;
  }

  grpc::Status GetMarketHistory(
      grpc::ServerContext*,
      const listings::v1::GetMarketHistoryRequest* request,
      listings::v1::GetMarketHistoryResponse* response) override {
    ++owner_.calls;
    if (owner_.listings_down) return Down("nml-listings");
    // A merged-away name answers with its survivor, as nml-listings does.
    if (request->market() != kMarket && request->market() != kMergedAway) {
      return NotFound(request->market());
    }
    FillMarket(*response->mutable_market());
    response->add_years_listed(2021);
    return grpc::Status::OK;
  }

 private:
  FakeBackends& owner_;
};

class FakeBackends::Responses final
    : public responses::v1::ResponsesService::Service {
 public:
  explicit Responses(FakeBackends& owner) : owner_(owner) {}

  grpc::Status ListResponses(
      grpc::ServerContext*, const responses::v1::ListResponsesRequest* request,
      responses::v1::ListResponsesResponse* response) override {
    ++owner_.calls;
    {
      absl::MutexLock lock(&mu_);
      list_aliases_ = AliasesOf(*request);
    }
    if (owner_.responses_down) return Down("nml-responses");
    auto* r = response->add_responses();
    r->set_name("responses/0000000000000001");
    r->set_stance(responses::v1::STANCE_OPPOSES);
    return grpc::Status::OK;
  }

  grpc::Status SummarizeStances(
      grpc::ServerContext*,
      const responses::v1::SummarizeStancesRequest* request,
      responses::v1::SummarizeStancesResponse*) override {
    ++owner_.calls;
    {
      absl::MutexLock lock(&mu_);
      stances_aliases_ = AliasesOf(*request);
    }
    if (owner_.responses_down) return Down("nml-responses");
    return grpc::Status::OK;
  }

  mutable absl::Mutex mu_;
  std::string list_aliases_ ABSL_GUARDED_BY(mu_) = "-";
  std::string stances_aliases_ ABSL_GUARDED_BY(mu_) = "-";

 private:
  FakeBackends& owner_;
};

std::string FakeBackends::last_list_aliases() const {
  absl::MutexLock lock(&responses_->mu_);
  return responses_->list_aliases_;
}
std::string FakeBackends::last_stances_aliases() const {
  absl::MutexLock lock(&responses_->mu_);
  return responses_->stances_aliases_;
}

FakeBackends::FakeBackends()
    : listings_(std::make_unique<Listings>(*this)),
      responses_(std::make_unique<Responses>(*this)) {
  int port = 0;
  grpc::EnableDefaultHealthCheckService(true);  // for the gateway's /readyz
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(listings_.get());
  builder.RegisterService(responses_.get());
  server_ = builder.BuildAndStart();
  channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                 grpc::InsecureChannelCredentials());
}

FakeBackends::~FakeBackends() { server_->Shutdown(); }

}  // namespace nml::testing
