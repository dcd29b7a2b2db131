#pragma once

#include <absl/status/statusor.h>

#include <optional>
#include <string>
#include <string_view>

namespace nml::common {

// Resource ids: 1..63 lower-case letters, digits and hyphens, not starting
// or ending with a hyphen.
bool IsValidId(std::string_view id);

// The resource names of both services (AIP-122), built and parsed here
// only. Collections whose ids are slugs:
inline constexpr char kMarketsPrefix[] = "markets/";
inline constexpr char kOperatorsPrefix[] = "operators/";
inline constexpr char kReviewsPrefix[] = "reviews/";
inline constexpr char kStakeholdersPrefix[] = "stakeholders/";
inline constexpr char kResponsesPrefix[] = "responses/";

// The initial metadata (and, through the gateway, the HTTP header) that
// carries the data version of an answer that is a file (ExportData), which
// has no message of its own to carry it.
inline constexpr char kDataVersionMetadata[] = "x-data-version";
// The request metadata (and, through the gateway, the HTTP header) that asks
// for an answer from data at least this version of the service that answers
// (read-your-writes across replicas: pass the data_version a write
// answered with).
inline constexpr char kMinDataVersionMetadata[] = "x-nml-min-data-version";
// The same for the nml-responses legs of the gateway's composed reads
// (dossier, review report): there kMinDataVersionMetadata is a version of
// nml-listings, and each service counts its own.
inline constexpr char kMinResponsesDataVersionMetadata[] =
    "x-nml-min-responses-data-version";

std::string MarketName(std::string_view id);
std::string OperatorName(std::string_view id);
std::string ReviewName(int year);
std::string ListingName(int year, std::string_view market_id);
std::string StakeholderName(std::string_view id);
std::string ResponseName(std::string_view id);

// "{prefix}{id}" -> id; nullopt when the prefix or the id is wrong.
std::optional<std::string> ParseIdName(std::string_view name,
                                       std::string_view prefix);
// The same as a request field: INVALID_ARGUMENT "<field>: must be
// <prefix>{id}" when malformed.
absl::StatusOr<std::string> ParseIdName(std::string_view name,
                                        std::string_view prefix,
                                        std::string_view field);

std::optional<std::string> ParseMarketName(std::string_view name);
std::optional<std::string> ParseOperatorName(std::string_view name);
// "reviews/2021" -> 2021 (four digits).
std::optional<int> ParseReviewName(std::string_view name);
struct ListingKey {
  int year;
  std::string market_id;
};
// "reviews/2021/listings/aliexpress" -> {2021, "aliexpress"}.
std::optional<ListingKey> ParseListingName(std::string_view name);

}  // namespace nml::common
