#include "services/listings/model.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>

#include <algorithm>
#include <charconv>

namespace nml::listings {
namespace {

template <typename T, typename Key>
void Upsert(std::vector<T>& items, const T& item, Key key) {
  const auto it = std::find_if(items.begin(), items.end(),
                               [&](const T& x) { return key(x) == key(item); });
  if (it != items.end()) {
    *it = item;
  } else {
    items.push_back(item);
  }
}

template <typename T, typename Pred>
void EraseIf(std::vector<T>& items, Pred pred) {
  items.erase(std::remove_if(items.begin(), items.end(), pred), items.end());
}

}  // namespace

void ApplyChanges(const ChangeSet& changes, SnapshotData& data) {
  for (const auto& o : changes.upsert_operators) {
    Upsert(data.operators, o, [](const v1::Operator& x) { return x.name(); });
  }
  for (const auto& m : changes.upsert_markets) {
    Upsert(data.markets, m, [](const v1::Market& x) { return x.name(); });
  }
  for (const auto& r : changes.upsert_reviews) {
    Upsert(data.reviews, r, [](const v1::Review& x) { return x.year(); });
  }
  for (const auto& name : changes.delete_listings) {
    EraseIf(data.listings,
            [&](const v1::Listing& l) { return l.name() == name; });
  }
  for (const auto& l : changes.upsert_listings) {
    Upsert(data.listings, l, [](const v1::Listing& x) { return x.name(); });
  }
  for (const auto& id : changes.delete_markets) {
    const std::string name = MarketName(id);
    EraseIf(data.markets,
            [&](const v1::Market& m) { return m.name() == name; });
  }
  for (const int year : changes.delete_reviews) {
    EraseIf(data.reviews,
            [&](const v1::Review& r) { return r.year() == year; });
    const std::string prefix = absl::StrCat(ReviewName(year), "/");
    EraseIf(data.listings, [&](const v1::Listing& l) {
      return absl::StartsWith(l.name(), prefix);
    });
  }
  for (const auto& id : changes.delete_operators) {
    const std::string name = OperatorName(id);
    EraseIf(data.operators,
            [&](const v1::Operator& o) { return o.name() == name; });
  }
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

namespace {

std::optional<std::string> ParseIdName(std::string_view name,
                                       std::string_view prefix) {
  if (!name.starts_with(prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  if (!IsValidId(name)) {
    return std::nullopt;
  }
  return std::string(name);
}

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

}  // namespace nml::listings
