#include "services/listings/past_snapshots.h"

#include <absl/strings/str_cat.h>

#include <string>
#include <utility>

#include "services/listings/change_feed.h"

namespace nml::listings {

namespace {

// Each resource's last change up to the version: its body, or a deletion.
using Latest = std::map<std::string, ListingsStore::Change>;

template <typename T>
absl::Status Parse(const ListingsStore::Change& c, std::vector<T>& out) {
  return ParseChange(c, out.emplace_back());
}

absl::StatusOr<SnapshotData> Replay(const Latest& latest, int64_t version) {
  SnapshotData data;
  data.version = version;
  for (const auto& [name, c] : latest) {
    if (c.deleted) continue;
    absl::Status parsed;
    if (name.starts_with("operators/")) {
      parsed = Parse(c, data.operators);
    } else if (name.starts_with("markets/")) {
      parsed = Parse(c, data.markets);
    } else if (name.find("/listings/") != std::string::npos) {
      parsed = Parse(c, data.listings);
    } else if (name.starts_with("reviews/")) {
      parsed = Parse(c, data.reviews);
    }
    if (!parsed.ok()) return parsed;
  }
  return data;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Snapshot>> PastSnapshots::At(
    int64_t version) {
  {
    absl::MutexLock lock(&mu_);
    if (auto it = kept_.find(version); it != kept_.end()) {
      used_[version] = ++uses_;
      return it->second;
    }
  }
  Latest latest;
  int64_t after_seq = 0;
  for (;;) {
    constexpr int kPage = 5000;
    auto page = store_.ListChanges(0, after_seq, kPage);
    if (!page.ok()) return page.status();
    if (version > page->data_version) {
      return absl::OutOfRangeError(absl::StrCat(
          "data_version: ", version, " is newer than the data (version ",
          page->data_version, ")"));
    }
    if (page->changes_after > 0) {
      return absl::OutOfRangeError(absl::StrCat(
          "data_version: ", version,
          " can no longer be reproduced: the change log it is rebuilt from "
          "starts after data version ",
          page->changes_after,
          " (--changes-retained-versions); screen without a pin"));
    }
    bool past = false;
    for (ListingsStore::Change& c : page->changes) {
      if (c.data_version > version) {
        past = true;
        break;
      }
      after_seq = c.seq;
      latest[c.resource] = std::move(c);
    }
    if (past || !page->more) break;
  }
  auto data = Replay(latest, version);
  if (!data.ok()) return data.status();
  auto snapshot = Snapshot::Build(*std::move(data), absl::Now());
  absl::MutexLock lock(&mu_);
  kept_[version] = snapshot;
  used_[version] = ++uses_;
  while (kept_.size() > kKept) {
    auto oldest = used_.begin();
    for (auto it = used_.begin(); it != used_.end(); ++it) {
      if (it->second < oldest->second) oldest = it;
    }
    kept_.erase(oldest->first);
    used_.erase(oldest);
  }
  return snapshot;
}

}  // namespace nml::listings
