#include "services/listings/change_feed.h"

#include <absl/strings/str_cat.h>

#include <algorithm>
#include <unordered_set>

#include "common/api/status.h"

namespace nml::listings {

namespace {

// The last version of each resource a change set writes (a set may write
// one more than once, as an import updating a market row by row).
template <typename T>
void Written(const std::vector<T>& items,
             std::vector<ListingsStore::Change>& out) {
  std::unordered_set<std::string> seen;
  std::vector<const T*> latest;
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    if (seen.insert(it->name()).second) latest.push_back(&*it);
  }
  for (auto it = latest.rbegin(); it != latest.rend(); ++it) {
    out.push_back({0, 0, (*it)->name(), false, (*it)->SerializeAsString()});
  }
}

}  // namespace

std::vector<ListingsStore::Change> ChangesOf(const ChangeSet& c) {
  std::vector<ListingsStore::Change> out;
  const auto deleted = [&out](std::string name) {
    out.push_back({0, 0, std::move(name), true, ""});
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
    bool parsed = false;
    if (c.resource.starts_with("operators/")) {
      parsed = change->mutable_operator_()->ParseFromString(c.body);
    } else if (c.resource.starts_with("markets/")) {
      parsed = change->mutable_market()->ParseFromString(c.body);
    } else if (c.resource.find("/listings/") != std::string::npos) {
      parsed = change->mutable_listing()->ParseFromString(c.body);
    } else if (c.resource.starts_with("reviews/")) {
      parsed = change->mutable_review()->ParseFromString(c.body);
    }
    if (!parsed) {
      return absl::InternalError(
          absl::StrCat("a recorded change of ", c.resource, " does not parse"));
    }
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
