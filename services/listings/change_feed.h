#pragma once

#include <absl/status/status.h>

#include <vector>

#include "common/grpc/change_watch.h"
#include "nml/listings/v1/listings_service.pb.h"
#include "services/listings/listings_store.h"

namespace nml::listings {

// Reads a written change's resource into `out`, a message of its type.
absl::Status ParseChange(const ListingsStore::Change& change,
                         google::protobuf::Message& out);

// ListChanges: a page of the store's change feed.
absl::Status ListChanges(ListingsStore& store,
                         const v1::ListChangesRequest& request,
                         v1::ListChangesResponse& response);

// WatchChanges' reader (common::ChangeWatchHub::Fetch): the next page
// after `cursor`, moving it on.
absl::Status ReadWatchedChanges(ListingsStore& store,
                                common::FeedCursor& cursor,
                                v1::WatchChangesResponse& out);

}  // namespace nml::listings
