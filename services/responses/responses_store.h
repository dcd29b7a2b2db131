#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/api/change_feed.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/page_token.h"
#include "nml/responses/v1/responses_service.pb.h"

namespace nml::responses {

// Makes a retried write return its first answer (AIP-155).
using Idempotency = common::IdempotencyKey;

template <typename T>
struct Written {
  T value;
  int64_t data_version = 0;
  bool replayed = false;
};

// A page of responses in keyset order.
struct ResponseQuery {
  enum class Order { kCreated, kStatedOn, kReviewYear };
  common::Filter filter;  // parsed with ResponseFilterSchema()
  Order order = Order::kStatedOn;
  bool descending = false;
  std::optional<common::Cursor> after;
  int limit = 50;
  bool show_deleted = false;
  // `targets` terms match only targets as filed (no roll-up, no aliases).
  bool exact_targets = false;
  // Markets merged into the target the filter requires (RequiredHas):
  // responses filed on them match that term too.
  std::vector<std::string> target_aliases;
  int64_t min_version = 0;  // see ResponsesStore
};

struct ResponsePage {
  std::vector<v1::Response> responses;
  std::optional<common::Cursor> next;  // set when more rows follow
  int64_t data_version = 0;
};

// One validated import row, its stakeholder given by name.
struct ImportRow {
  int row = 0;
  std::string stakeholder_display_name;
  std::vector<std::string> stakeholder_aliases;
  v1::StakeholderType stakeholder_type = v1::STAKEHOLDER_TYPE_OTHER;
  v1::Response response;  // stakeholder unset
};

struct StanceSummary {
  std::vector<v1::StanceCount> counts;
  int total = 0;
  int stakeholders = 0;
  int64_t data_version = 0;
};

// What the service needs from storage. Every write is one transaction;
// idempotent writes replay their first answer.
class ResponsesStore {
 public:
  virtual ~ResponsesStore() = default;

  // Reads answer at a data version of at least `min_version` (or
  // `min_version` of their query): what the caller asked for with
  // x-nml-min-data-version, 0 for any. No version that high is
  // FAILED_PRECONDITION.
  virtual absl::StatusOr<std::vector<v1::Stakeholder>> AllStakeholders(
      int64_t min_version, int64_t* data_version) = 0;
  virtual absl::StatusOr<std::optional<v1::Stakeholder>> GetStakeholder(
      const std::string& id, int64_t min_version, int64_t* data_version) = 0;
  virtual absl::StatusOr<Written<v1::Stakeholder>> CreateStakeholder(
      const v1::Stakeholder& stakeholder, const Idempotency& idempotency) = 0;
  // Runs `update` on the current row (under a row lock) and stores it.
  virtual absl::StatusOr<Written<v1::Stakeholder>> UpdateStakeholder(
      const std::string& id,
      const std::function<absl::Status(v1::Stakeholder&)>& update) = 0;
  virtual absl::StatusOr<int64_t> DeleteStakeholder(
      const std::string& id, const std::string& etag) = 0;

  virtual absl::StatusOr<std::optional<v1::Response>> GetResponse(
      const std::string& id, int64_t min_version, int64_t* data_version) = 0;
  virtual absl::StatusOr<ResponsePage> ListResponses(
      const ResponseQuery& query) = 0;
  virtual absl::StatusOr<Written<v1::Response>> CreateResponse(
      const v1::Response& response, const Idempotency& idempotency) = 0;
  virtual absl::StatusOr<Written<v1::Response>> UpdateResponse(
      const std::string& id,
      const std::function<absl::Status(v1::Response&)>& update) = 0;
  virtual absl::StatusOr<Written<v1::Response>> SetDeleted(
      const std::string& id, bool deleted, const std::string& etag) = 0;
  // The first answer stored for a retried idempotent write, with the data
  // version now: a handler reads it before any check that calls another
  // service, so a retry replays even while that service is down (AIP-155).
  // nullopt for a new (or no) request id; ALREADY_EXISTS for an id used
  // with another request. The write itself checks again, in its
  // transaction.
  struct StoredAnswer {
    std::string bytes;
    int64_t data_version = 0;
  };
  virtual absl::StatusOr<std::optional<StoredAnswer>> FindStoredAnswer(
      const Idempotency& idempotency) = 0;
  // Records the rows, creating stakeholders by name (or alias) as needed;
  // a row equal to a live response already recorded is not written again.
  // An answer over `max_answer_bytes` writes nothing (INVALID_ARGUMENT).
  virtual absl::StatusOr<Written<v1::ImportResponsesResponse>> ImportResponses(
      const std::vector<ImportRow>& rows,
      const std::vector<v1::RowIssue>& skipped, const Idempotency& idempotency,
      size_t max_answer_bytes) = 0;

  // Exactly one of the scopes is set.
  struct Scope {
    std::optional<int> review_year;
    // Covers responses filed on it, inside it (RolledUpTargets) or on
    // `target_aliases` (markets merged into it).
    std::optional<std::string> target;
    std::vector<std::string> target_aliases;
    std::optional<std::string> stakeholder_id;
    int64_t min_version = 0;  // see AllStakeholders
  };
  virtual absl::StatusOr<StanceSummary> SummarizeStances(
      const Scope& scope) = 0;
  // Live responses in time order.
  virtual absl::StatusOr<std::vector<v1::Response>> Timeline(
      const Scope& scope, int64_t* data_version) = 0;

  // The change feed: what each write did, recorded with it.
  using ChangePage = common::ChangePage<v1::ResourceChange>;
  // Changes with data_version > `since` and seq > `after_seq`, oldest
  // first, at most `limit`.
  virtual absl::StatusOr<ChangePage> ListChanges(int64_t since,
                                                 int64_t after_seq,
                                                 int limit) = 0;
};

}  // namespace nml::responses
