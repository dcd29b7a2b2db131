#include "services/listings/model.h"

#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>

#include <algorithm>

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

}  // namespace nml::listings
