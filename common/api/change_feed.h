#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nml::common {

// What the services' change feeds (ListChanges, WatchChanges) share; each
// service keeps its own log and resource types.

// Where a follower is in a change feed. `delivered`: every change through
// this data version has been sent (what a client resumes from). `since` and
// `after_seq`: where the next read starts (changes after data version
// `since` with a sequence number after `after_seq`).
struct FeedCursor {
  int64_t delivered = 0;
  int64_t since = 0;
  int64_t after_seq = 0;
  bool caught_up = false;  // the last read had everything then committed
};

// OUT_OF_RANGE, saying what to do, when the log read at `data_version`
// (holding every change after `changes_after`) cannot serve a follower
// after `since`: pruned past it, or not there yet.
absl::Status CheckFeedSince(int64_t since, int64_t data_version,
                            int64_t changes_after);

// A page of a service's change log, as its store reads it: the changes
// with data_version > since and seq > after_seq, oldest first.
template <typename Change>
struct ChangePage {
  std::vector<Change> changes;
  int64_t last_seq = 0;  // the last change's sequence number
  bool more = false;     // cut short at the limit
  // The data version the page was read at (no change after it is in it),
  // and the version after which the log is complete.
  int64_t data_version = 0;
  int64_t changes_after = 0;

  absl::Status CheckSince(int64_t since) const {
    return CheckFeedSince(since, data_version, changes_after);
  }
};

// Moves `cursor` past a page read at `data_version` whose last change has
// `last_seq` and `last_version` (none: `count` 0); `more` when the page was
// cut short. A page cut short may end inside a version: only the one
// before its last change is whole.
void AdvanceFeedCursor(FeedCursor& cursor, int count, int64_t last_seq,
                       int64_t last_version, bool more, int64_t data_version);

// A ListChanges request, checked: the page it asks for.
struct ChangesPageRequest {
  int64_t since = 0;
  int64_t after_seq = 0;  // from the page token
  int limit = 0;
  uint64_t fingerprint = 0;  // binds a page token to `since`
};
// INVALID_ARGUMENT naming the field for a negative version, a bad page size
// or a page token not made for this `since`.
absl::StatusOr<ChangesPageRequest> CheckChangesPageRequest(
    int64_t since_data_version, int32_t page_size,
    const std::string& page_token);
// The token of the next page, or "" when the log has nothing further.
std::string NextChangesPageToken(const ChangesPageRequest& request, bool more,
                                 int64_t last_seq);

}  // namespace nml::common
