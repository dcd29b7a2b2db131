#include "services/listings/change_feed.h"

#include <absl/strings/str_cat.h>
#include <google/protobuf/util/json_util.h>

#include "common/api/status.h"

namespace nml::listings {

absl::Status ParseChange(const ListingsStore::Change& c,
                         google::protobuf::Message& out) {
  const bool parsed =
      c.json.empty()
          ? out.ParseFromString(c.body)
          : google::protobuf::util::JsonStringToMessage(c.json, &out).ok();
  if (parsed) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("a recorded change of ", c.resource, " does not parse"));
}

namespace {

absl::Status AddChanges(
    const ListingsStore::ChangePage& page,
    google::protobuf::RepeatedPtrField<v1::ResourceChange>& out) {
  for (const ListingsStore::Change& c : page.changes) {
    v1::ResourceChange* change = out.Add();
    change->set_data_version(c.data_version);
    change->set_name(c.resource);
    change->set_kind(c.deleted ? v1::CHANGE_KIND_DELETED
                               : v1::CHANGE_KIND_WRITTEN);
    if (c.deleted) continue;
    google::protobuf::Message* resource = nullptr;
    if (c.resource.starts_with("operators/")) {
      resource = change->mutable_operator_();
    } else if (c.resource.starts_with("markets/")) {
      resource = change->mutable_market();
    } else if (c.resource.find("/listings/") != std::string::npos) {
      resource = change->mutable_listing();
    } else if (c.resource.starts_with("reviews/")) {
      resource = change->mutable_review();
    } else {
      return absl::InternalError(
          absl::StrCat("a recorded change of ", c.resource, " has no type"));
    }
    if (auto s = ParseChange(c, *resource); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ListChanges(ListingsStore& store,
                         const v1::ListChangesRequest& request,
                         v1::ListChangesResponse& response) {
  auto asked = common::CheckChangesPageRequest(
      request.since_data_version(), request.page_size(), request.page_token());
  if (!asked.ok()) return asked.status();
  auto page = store.ListChanges(asked->since, asked->after_seq, asked->limit);
  if (!page.ok()) return page.status();
  if (auto s = page->CheckSince(asked->since); !s.ok()) return s;
  if (auto s = AddChanges(*page, *response.mutable_changes()); !s.ok()) {
    return s;
  }
  response.set_next_page_token(common::NextChangesPageToken(
      *asked, page->more && !page->changes.empty(), page->last_seq));
  response.set_data_version(page->data_version);
  return absl::OkStatus();
}

absl::Status ReadWatchedChanges(ListingsStore& store,
                                common::FeedCursor& cursor,
                                v1::WatchChangesResponse& out) {
  // Pages as large as ListChanges' largest: a backlog of a big import
  // goes out in a few hundred messages.
  constexpr int kWatchPage = 1000;
  auto page = store.ListChanges(cursor.since, cursor.after_seq, kWatchPage);
  if (!page.ok()) return page.status();
  if (auto s = page->CheckSince(cursor.since); !s.ok()) return s;
  if (auto s = AddChanges(*page, *out.mutable_changes()); !s.ok()) return s;
  const auto* last = page->changes.empty() ? nullptr : &page->changes.back();
  common::AdvanceFeedCursor(cursor, static_cast<int>(page->changes.size()),
                            last ? last->seq : 0, last ? last->data_version : 0,
                            page->more, page->data_version);
  return absl::OkStatus();
}

}  // namespace nml::listings
