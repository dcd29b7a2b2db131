// How a backend's error becomes the REST answer.
#include "services/gateway/rest_message.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "common/api/status.h"

namespace nml::gateway {
namespace {

TEST(ErrorReply, ABusyBackendIs429WithRetryAfterAndItsRetryInfo) {
  const grpc::Status busy = common::ToGrpcStatus(
      common::BusyError("server overloaded", std::chrono::milliseconds(1500)));
  const RestReply reply = ErrorReply(busy);
  EXPECT_EQ(reply.status, 429);
  ASSERT_EQ(reply.headers.size(), 1u);
  EXPECT_EQ(reply.headers[0].first, "Retry-After");
  EXPECT_EQ(reply.headers[0].second, "2") << "whole seconds, rounded up";

  const auto body = nlohmann::json::parse(reply.body);
  EXPECT_EQ(body["error"]["status"], "RESOURCE_EXHAUSTED");
  // Its RetryInfo, and the ErrorInfo every error has.
  ASSERT_EQ(body["error"]["details"].size(), 2u);
  EXPECT_EQ(body["error"]["details"][0]["@type"],
            "type.googleapis.com/google.rpc.RetryInfo");
  EXPECT_EQ(body["error"]["details"][0]["retryDelay"], "1.500s");
  EXPECT_EQ(body["error"]["details"][1]["@type"],
            "type.googleapis.com/google.rpc.ErrorInfo");
  EXPECT_EQ(body["error"]["details"][1]["reason"], "RESOURCE_EXHAUSTED");
}

TEST(ErrorReply, OtherErrorsHaveNoRetryAfter) {
  const RestReply reply =
      ErrorReply(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "quota"));
  EXPECT_EQ(reply.status, 429);
  EXPECT_TRUE(reply.headers.empty());
}

}  // namespace
}  // namespace nml::gateway
