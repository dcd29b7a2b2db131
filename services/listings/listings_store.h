#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/api/change_feed.h"
#include "common/api/idempotency.h"
#include "services/listings/model.h"

namespace nml::listings {

// What the service needs from storage, apart from how it is stored.
class ListingsStore {
 public:
  virtual ~ListingsStore() = default;

  // Everything, read in one consistent transaction.
  virtual absl::StatusOr<SnapshotData> LoadAll() = 0;

  // A planned write: the changes, and the answer to store for replays once
  // the new data version is known.
  struct Planned {
    ChangeSet changes;
    std::function<std::string(int64_t data_version)> answer;
  };
  using Planner =
      std::function<absl::StatusOr<Planned>(const SnapshotData& current)>;

  // With a request id, the first answer is replayed for a retry with the
  // same id and the same request bytes.
  using WriteRequest = common::IdempotencyKey;
  struct WriteResult {
    std::string answer;
    int64_t data_version = 0;
    bool replayed = false;
    // Everything after the write, as LoadAll would now read it (not set for
    // a replay): the writer publishes it without reading it all again.
    std::optional<SnapshotData> data;
  };

  // Runs `plan` against the current data and applies its changes, in one
  // transaction that excludes every other writer. Nothing is written when
  // `plan` fails. The same `request_id` with another request is
  // ALREADY_EXISTS. `known` is data the caller holds (its snapshot's, or
  // null): when it is still the current version the plan runs on it rather
  // than on everything read again.
  virtual absl::StatusOr<WriteResult> Write(const WriteRequest& request,
                                            const Planner& plan,
                                            const SnapshotData* known) = 0;

  // The data version the database holds now (a one-row read): what a
  // replica compares its snapshot with before it answers NOT_FOUND.
  virtual absl::StatusOr<int64_t> CurrentVersion() = 0;

  // The change feed: what each write did, recorded with it.
  struct Change {
    int64_t seq = 0;
    int64_t data_version = 0;
    std::string resource;  // "markets/aliexpress"
    bool deleted = false;
    // The resource as written, empty if deleted: the contract's JSON, as
    // the database's triggers record it, or (changes recorded before
    // migration 006, and the in-memory store's) serialized protobuf.
    std::string json;
    std::string body;
  };
  using ChangePage = common::ChangePage<Change>;
  // Changes with data_version > `since` and seq > `after_seq`, oldest
  // first, at most `limit`.
  virtual absl::StatusOr<ChangePage> ListChanges(int64_t since,
                                                 int64_t after_seq,
                                                 int limit) = 0;
};

}  // namespace nml::listings
