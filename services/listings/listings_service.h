#pragma once

#include "common/executor.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "services/listings/listings_store.h"

namespace nml::listings {

// The RPCs of nml.listings.v1.ListingsService: proto in, domain calls, proto
// out. Blocking work runs on `executor`; no SQL lives here.
class ListingsServiceImpl final
    : public nml::listings::v1::ListingsService::CallbackService {
 public:
  ListingsServiceImpl(ListingsStore& store, common::Executor& executor)
      : store_(store), executor_(executor) {}

  grpc::ServerUnaryReactor* GetDataStatus(
      grpc::CallbackServerContext* context,
      const v1::GetDataStatusRequest* request,
      v1::GetDataStatusResponse* response) override;

 private:
  ListingsStore& store_;
  common::Executor& executor_;
};

}  // namespace nml::listings
