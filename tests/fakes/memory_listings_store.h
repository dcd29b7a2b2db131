#pragma once

#include <absl/synchronization/mutex.h>

#include <map>
#include <unordered_set>
#include <vector>

#include "services/listings/change_feed.h"
#include "services/listings/listings_store.h"

namespace nml::listings {

// ListingsStore in memory, with the same write semantics as the PostgreSQL
// store (one writer at a time, all-or-nothing, idempotency by request id,
// one data version per write). For handler tests and benchmarks.
class MemoryListingsStore final : public ListingsStore {
 public:
  absl::StatusOr<SnapshotData> LoadAll() override {
    absl::MutexLock lock(&mu_);
    return data_;
  }

  absl::StatusOr<WriteResult> Write(const WriteRequest& request,
                                    const Planner& plan,
                                    const SnapshotData* /*known*/) override {
    absl::MutexLock lock(&mu_);
    if (!request.request_id.empty()) {
      const auto it = seen_.find(request.request_id);
      if (it != seen_.end()) {
        if (it->second.first != request.method + request.request_bytes) {
          return absl::AlreadyExistsError(
              "request_id: already used for a different request");
        }
        return WriteResult{it->second.second, data_.version, true, {}};
      }
    }
    auto planned = plan(data_);
    if (!planned.ok()) return planned.status();
    ApplyChanges(planned->changes, data_);
    if (!planned->changes.empty()) {
      ++data_.version;
      for (Change& c : ChangesOf(planned->changes)) {
        c.seq = static_cast<int64_t>(changes_.size()) + 1;
        c.data_version = data_.version;
        changes_.push_back(std::move(c));
      }
    }
    if (planned->changes.is_import) data_.last_import_time = absl::Now();
    WriteResult result{planned->answer(data_.version), data_.version, false,
                       data_};
    if (!request.request_id.empty()) {
      seen_[request.request_id] = {request.method + request.request_bytes,
                                   result.answer};
    }
    return result;
  }

  absl::StatusOr<int64_t> CurrentVersion() override {
    absl::MutexLock lock(&mu_);
    return data_.version;
  }
  absl::StatusOr<ChangePage> ListChanges(int64_t since, int64_t after_seq,
                                         int limit) override {
    absl::MutexLock lock(&mu_);
    ChangePage page;
    page.data_version = data_.version;
    for (const Change& c : changes_) {
      if (c.data_version <= since || c.seq <= after_seq) continue;
      if (static_cast<int>(page.changes.size()) == limit) {
        page.more = true;
        break;
      }
      page.changes.push_back(c);
      page.last_seq = c.seq;
    }
    return page;
  }

 private:
  // What PostgreSQL's triggers record as PgListingsStore writes, in its
  // order:
  // listings deleted, then operators, markets, reviews and listings written
  // (parents first), then markets, reviews and operators deleted.
  static std::vector<Change> ChangesOf(const ChangeSet& c) {
    std::vector<Change> out;
    const auto deleted = [&out](std::string name) {
      out.push_back({0, 0, std::move(name), true, "", ""});
    };
    for (const std::string& name : c.delete_listings) deleted(name);
    Written(c.upsert_operators, out);
    Written(c.upsert_markets, out);
    Written(c.upsert_reviews, out);
    Written(c.upsert_listings, out);
    for (const std::string& id : c.delete_markets) deleted(MarketName(id));
    for (const int year : c.delete_reviews) deleted(ReviewName(year));
    for (const std::string& id : c.delete_operators) deleted(OperatorName(id));
    return out;
  }

  // The last version of each resource a change set writes.
  template <typename T>
  static void Written(const std::vector<T>& items, std::vector<Change>& out) {
    std::unordered_set<std::string> seen;
    std::vector<const T*> latest;
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      if (seen.insert(it->name()).second) latest.push_back(&*it);
    }
    for (auto it = latest.rbegin(); it != latest.rend(); ++it) {
      out.push_back(
          {0, 0, (*it)->name(), false, "", (*it)->SerializeAsString()});
    }
  }

  absl::Mutex mu_;
  SnapshotData data_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::pair<std::string, std::string>> seen_
      ABSL_GUARDED_BY(mu_);
  std::vector<Change> changes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nml::listings
