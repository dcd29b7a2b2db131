#pragma once

#include "common/executor.h"
#include "common/pg_pool.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"

namespace nml::responses {

// The RPCs of nml.responses.v1.ResponsesService. Methods not overridden yet
// answer UNIMPLEMENTED.
class ResponsesServiceImpl final
    : public nml::responses::v1::ResponsesService::CallbackService {
 public:
  ResponsesServiceImpl(common::PgPool& pool, common::Executor& executor)
      : pool_(pool), executor_(executor) {}

 private:
  [[maybe_unused]] common::PgPool& pool_;
  [[maybe_unused]] common::Executor& executor_;
};

}  // namespace nml::responses
