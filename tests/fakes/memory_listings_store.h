#pragma once

#include <absl/synchronization/mutex.h>

#include <map>
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
  absl::Mutex mu_;
  SnapshotData data_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::pair<std::string, std::string>> seen_
      ABSL_GUARDED_BY(mu_);
  std::vector<Change> changes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nml::listings
