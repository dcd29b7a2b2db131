#include "common/api/names.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>

#include <charconv>
#include <vector>

#include "common/api/status.h"

namespace nml::common {
namespace {

std::optional<int> ParseYear(std::string_view text) {
  int year = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), year);
  if (ec != std::errc() || end != text.data() + text.size() ||
      text.size() != 4) {
    return std::nullopt;
  }
  return year;
}

}  // namespace

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (const char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) {
      return false;
    }
  }
  return id.front() != '-' && id.back() != '-';
}

std::string MarketName(std::string_view id) {
  return absl::StrCat(kMarketsPrefix, std::string(id));
}
std::string OperatorName(std::string_view id) {
  return absl::StrCat(kOperatorsPrefix, std::string(id));
}
std::string ReviewName(int year) { return absl::StrCat(kReviewsPrefix, year); }
std::string ListingName(int year, std::string_view market_id) {
  return absl::StrCat(kReviewsPrefix, year, "/listings/",
                      std::string(market_id));
}

std::string StakeholderName(std::string_view id) {
  return absl::StrCat(kStakeholdersPrefix, std::string(id));
}
std::string ResponseName(std::string_view id) {
  return absl::StrCat(kResponsesPrefix, std::string(id));
}

std::optional<std::string> ParseIdName(std::string_view name,
                                       std::string_view prefix) {
  if (!name.starts_with(prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  if (!IsValidId(name)) return std::nullopt;
  return std::string(name);
}

absl::StatusOr<std::string> ParseIdName(std::string_view name,
                                        std::string_view prefix,
                                        std::string_view field) {
  auto id = ParseIdName(name, prefix);
  if (!id) {
    return FieldError(field,
                      absl::StrCat("must be ", std::string(prefix), "{id}"));
  }
  return std::move(*id);
}

std::optional<std::string> ParseMarketName(std::string_view name) {
  return ParseIdName(name, kMarketsPrefix);
}
std::optional<std::string> ParseOperatorName(std::string_view name) {
  return ParseIdName(name, kOperatorsPrefix);
}
std::optional<int> ParseReviewName(std::string_view name) {
  const std::string_view prefix(kReviewsPrefix);
  if (!name.starts_with(prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  return ParseYear(name);
}
std::optional<ListingKey> ParseListingName(std::string_view name) {
  std::vector<std::string_view> parts;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(name.data(), name.size()), '/')) {
    parts.emplace_back(part.data(), part.size());
  }
  if (parts.size() != 4 || parts[0] != "reviews" || parts[2] != "listings" ||
      !IsValidId(parts[3])) {
    return std::nullopt;
  }
  const auto year = ParseYear(parts[1]);
  if (!year.has_value()) return std::nullopt;
  return ListingKey{*year, std::string(parts[3])};
}

}  // namespace nml::common
