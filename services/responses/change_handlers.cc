// ListChanges and WatchChanges' reader: the store's change log, paged.
#include "common/api/change_feed.h"
#include "services/responses/responses_handlers.h"

namespace nml::responses {

absl::Status ResponsesHandlers::ListChanges(
    const v1::ListChangesRequest& request, v1::ListChangesResponse& response,
    const Call&) {
  auto asked = common::CheckChangesPageRequest(
      request.since_data_version(), request.page_size(), request.page_token());
  if (!asked.ok()) return asked.status();
  auto page = store_.ListChanges(asked->since, asked->after_seq, asked->limit);
  if (!page.ok()) return page.status();
  if (auto s = page->CheckSince(asked->since); !s.ok()) return s;
  for (auto& c : page->changes) *response.add_changes() = std::move(c);
  response.set_next_page_token(common::NextChangesPageToken(
      *asked, page->more && response.changes_size() > 0, page->last_seq));
  response.set_data_version(page->data_version);
  return absl::OkStatus();
}

absl::Status ResponsesHandlers::ReadWatchedChanges(
    common::FeedCursor& cursor, v1::WatchChangesResponse& out) {
  constexpr int kWatchPage = 1000;  // ListChanges' largest page
  auto page = store_.ListChanges(cursor.since, cursor.after_seq, kWatchPage);
  if (!page.ok()) return page.status();
  if (auto s = page->CheckSince(cursor.since); !s.ok()) return s;
  const int count = static_cast<int>(page->changes.size());
  const int64_t last_version =
      count > 0 ? page->changes.back().data_version() : 0;
  for (auto& c : page->changes) *out.add_changes() = std::move(c);
  common::AdvanceFeedCursor(cursor, count, page->last_seq, last_version,
                            page->more, page->data_version);
  return absl::OkStatus();
}

}  // namespace nml::responses
