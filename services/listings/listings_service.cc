#include "services/listings/listings_service.h"

#include <google/protobuf/util/time_util.h>

#include "common/status.h"

namespace nml::listings {

using google::protobuf::util::TimeUtil;

grpc::ServerUnaryReactor* ListingsServiceImpl::GetDataStatus(
    grpc::CallbackServerContext* context, const v1::GetDataStatusRequest*,
    v1::GetDataStatusResponse* response) {
  return common::RunUnary(context, executor_, [this, response] {
    auto state = store_.ReadDataState();
    if (!state.ok()) return common::ToGrpcStatus(state.status());
    response->set_data_version(state->version);
    *response->mutable_snapshot_time() = TimeUtil::GetCurrentTime();
    if (state->last_import_time.has_value()) {
      *response->mutable_last_import_time() = TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(*state->last_import_time));
    }
    return grpc::Status::OK;
  });
}

}  // namespace nml::listings
