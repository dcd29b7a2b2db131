#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/server.h>

#include <atomic>
#include <memory>
#include <string>

#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"

namespace nml::testing {

// nml-listings and nml-responses as the gateway sees them, in process on a
// loopback port: enough of each for the gateway's REST front to be tested
// without the services or a database. One market, markets/aliexpress
// (etag "7"), into which markets/ali-express was merged; every other is
// NOT_FOUND. Either backend can be taken down.
class FakeBackends final {
 public:
  FakeBackends();
  ~FakeBackends();

  // Both services are on this one channel.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // Every call to that backend answers UNAVAILABLE while set.
  std::atomic<bool> listings_down{false};
  std::atomic<bool> responses_down{false};
  // Calls the backends took (a refused call at the gateway never arrives).
  std::atomic<int> calls{0};
  // The other names the last ListResponses and SummarizeStances were given
  // (TargetAliases), "-" when they were given none.
  std::string last_list_aliases() const;
  std::string last_stances_aliases() const;

 private:
  class Listings;
  class Responses;
  std::unique_ptr<Listings> listings_;
  std::unique_ptr<Responses> responses_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace nml::testing
