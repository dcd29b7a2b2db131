#include "services/listings/model.h"

#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace nml::listings {
namespace {

// Replaces items by key or appends them, in time linear in both lists (an
// import upserts thousands of listings at once).
template <typename T, typename Key>
void UpsertAll(std::vector<T>& items, const std::vector<T>& changed, Key key) {
  if (changed.empty()) return;
  std::unordered_map<decltype(key(items.front())), size_t> index;
  index.reserve(items.size() + changed.size());
  for (size_t i = 0; i < items.size(); ++i) index.emplace(key(items[i]), i);
  for (const T& item : changed) {
    const auto [it, added] = index.emplace(key(item), items.size());
    if (added) {
      items.push_back(item);
    } else {
      items[it->second] = item;
    }
  }
}

template <typename T, typename Pred>
void EraseIf(std::vector<T>& items, Pred pred) {
  items.erase(std::remove_if(items.begin(), items.end(), pred), items.end());
}

}  // namespace

void ApplyChanges(const ChangeSet& changes, SnapshotData& data) {
  const auto name = [](const auto& x) { return x.name(); };
  UpsertAll(data.operators, changes.upsert_operators, name);
  UpsertAll(data.markets, changes.upsert_markets, name);
  UpsertAll(data.reviews, changes.upsert_reviews,
            [](const v1::Review& x) { return x.year(); });
  if (!changes.delete_listings.empty()) {
    const std::unordered_set<std::string> gone(changes.delete_listings.begin(),
                                               changes.delete_listings.end());
    EraseIf(data.listings,
            [&](const v1::Listing& l) { return gone.contains(l.name()); });
  }
  UpsertAll(data.listings, changes.upsert_listings, name);
  if (!changes.delete_markets.empty()) {
    std::unordered_set<std::string> gone;
    for (const auto& id : changes.delete_markets) gone.insert(MarketName(id));
    EraseIf(data.markets,
            [&](const v1::Market& m) { return gone.contains(m.name()); });
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
