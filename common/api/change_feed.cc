#include "common/api/change_feed.h"

#include <absl/strings/str_cat.h>

#include <algorithm>

#include "common/api/page_token.h"
#include "common/api/status.h"

namespace nml::common {

absl::Status CheckFeedSince(int64_t since, int64_t data_version,
                            int64_t changes_after) {
  if (since < changes_after) {
    return absl::OutOfRangeError(
        absl::StrCat("since_data_version: the change log starts after data "
                     "version ",
                     changes_after,
                     "; resync (read everything again: for the list, an "
                     "export, nmlctl export) and follow from the data "
                     "version read then"));
  }
  if (since > data_version) {
    return absl::OutOfRangeError(absl::StrCat(
        "since_data_version: ", since, " is newer than the data (version ",
        data_version, "); resync from an export"));
  }
  return absl::OkStatus();
}

void AdvanceFeedCursor(FeedCursor& cursor, int count, int64_t last_seq,
                       int64_t last_version, bool more, int64_t data_version) {
  if (count > 0) cursor.after_seq = last_seq;
  if (more) {
    cursor.delivered = std::max(cursor.delivered, last_version - 1);
    cursor.caught_up = false;
  } else {
    cursor.delivered = cursor.since = data_version;
    cursor.caught_up = true;
  }
}

absl::StatusOr<ChangesPageRequest> CheckChangesPageRequest(
    int64_t since_data_version, int32_t page_size,
    const std::string& page_token) {
  if (since_data_version < 0) {
    return FieldError("since_data_version", "must be >= 0");
  }
  auto limit = EffectivePageSize(page_size);
  if (!limit.ok()) return limit.status();
  ChangesPageRequest request;
  request.since = since_data_version;
  request.limit = *limit;
  request.fingerprint =
      Fingerprint({"changes", absl::StrCat(since_data_version)});
  if (!page_token.empty()) {
    auto cursor = DecodeCursorToken(page_token, request.fingerprint);
    if (!cursor.ok()) return cursor.status();
    request.after_seq = cursor->seq;
  }
  return request;
}

std::string NextChangesPageToken(const ChangesPageRequest& request, bool more,
                                 int64_t last_seq) {
  if (!more) return "";
  Cursor cursor;
  cursor.seq = last_seq;
  return EncodeCursorToken(request.fingerprint, cursor);
}

}  // namespace nml::common
