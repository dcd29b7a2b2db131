#pragma once

#include <absl/status/status.h>

#include <pqxx/pqxx>

#include "common/api/change_feed.h"
#include "common/pg/pool.h"

namespace nml::common {

// What a row of a change log says happened to its resource. Both services'
// `changes` tables hold their contract's ChangeKind number, which is this
// (nml.listings.v1.ChangeKind and nml.responses.v1.ChangeKind agree).
enum class ChangeKind : int { kWritten = 1, kDeleted = 2 };

// Both services' change logs are recorded by row triggers in the
// transaction that writes (their migrations `*_changes.sql` and
// `*_change_triggers.sql`), which also prune them to `changes_retained`
// data versions: this sets that number (--changes-retained-versions).
absl::Status KeepChanges(PgPool& pool, int64_t versions);

// One page of a service's change log, read in `tx` with the service's
// prepared "read_feed_state" (version, changes_after) and "list_changes"
// ($1 since, $2 the version read, $3 after_seq, $4 limit + 1; seq,
// data_version, resource, kind, ...) statements. `fill(row, kind, change)`
// makes each change of its row; what else a service records (the resource
// as written) it reads from the row or after the page.
template <typename Change, typename Fill>
ChangePage<Change> ReadChangePage(pqxx::transaction_base& tx, int64_t since,
                                  int64_t after_seq, int limit, Fill&& fill) {
  ChangePage<Change> page;
  // The version first: every change up to it is committed with it, so a
  // follower that goes on from it misses nothing.
  const pqxx::row state = tx.exec_prepared1("read_feed_state");
  page.data_version = state["version"].as<int64_t>();
  page.changes_after = state["changes_after"].as<int64_t>();
  const pqxx::result rows = tx.exec_prepared(
      "list_changes", since, page.data_version, after_seq, limit + 1);
  for (const pqxx::row& row : rows) {
    if (static_cast<int>(page.changes.size()) == limit) {
      page.more = true;
      break;
    }
    page.last_seq = row["seq"].as<int64_t>();
    fill(row, static_cast<ChangeKind>(row["kind"].as<int>()),
         page.changes.emplace_back());
  }
  return page;
}

}  // namespace nml::common
