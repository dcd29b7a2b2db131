#pragma once

#include <absl/status/statusor.h>
#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nml/listings/v1/listings_service.grpc.pb.h"

namespace nml::responses {

// What the responses service asks of the listings service.
class TargetChecker {
 public:
  virtual ~TargetChecker() = default;

  // Checks that each target names an existing review, market or listing.
  // INVALID_ARGUMENT for a malformed name, NOT_FOUND naming the first unknown
  // one (as "<field>[i]"), UNAVAILABLE when the listings service cannot be
  // reached before `deadline`.
  virtual absl::Status CheckTargets(
      const std::vector<std::string>& targets, const std::string& field,
      std::chrono::system_clock::time_point deadline) = 0;

  // The market whose name or alias is `text` (exactly, or once a
  // parenthetical qualifier is set aside), or NOT_FOUND: no fuzzy guesses.
  virtual absl::StatusOr<std::string> FindMarket(
      const std::string& text,
      std::chrono::system_clock::time_point deadline) = 0;

  // The other names of the market `market` ("markets/x") now is, whose
  // responses count for it: the markets merged into it, or, for a
  // merged-away name, its survivor and the survivor's other merged names.
  // Empty for an unknown market.
  virtual absl::StatusOr<std::vector<std::string>> OtherNamesOf(
      const std::string& market,
      std::chrono::system_clock::time_point deadline) = 0;

  // Every market's display name by name ("markets/x"), a merged-away name
  // mapped to its survivor's: how an export names a target.
  virtual absl::StatusOr<std::map<std::string, std::string>> MarketDisplayNames(
      std::chrono::system_clock::time_point deadline) = 0;
};

// TargetChecker over the generated stub. The channel retries UNAVAILABLE
// (gRPC service-config retry policy) within each call's deadline.
class ListingsTargetChecker final : public TargetChecker {
 public:
  // `token` is this service's own API key for nml-listings (may be empty).
  ListingsTargetChecker(std::shared_ptr<grpc::Channel> channel,
                        std::string token = "");

  // A channel to nml-listings with the retry policy.
  static std::shared_ptr<grpc::Channel> MakeChannel(
      const std::string& address,
      std::shared_ptr<grpc::ChannelCredentials> credentials);

  absl::Status CheckTargets(
      const std::vector<std::string>& targets, const std::string& field,
      std::chrono::system_clock::time_point deadline) override;
  absl::StatusOr<std::string> FindMarket(
      const std::string& text,
      std::chrono::system_clock::time_point deadline) override;
  absl::StatusOr<std::vector<std::string>> OtherNamesOf(
      const std::string& market,
      std::chrono::system_clock::time_point deadline) override;
  absl::StatusOr<std::map<std::string, std::string>> MarketDisplayNames(
      std::chrono::system_clock::time_point deadline) override;

 private:
  void Prepare(grpc::ClientContext& context,
               std::chrono::system_clock::time_point deadline) const;

  std::unique_ptr<listings::v1::ListingsService::Stub> stub_;
  const std::string token_;
};

}  // namespace nml::responses
