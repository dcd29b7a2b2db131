#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <functional>
#include <map>
#include <set>
#include <string>

#include "services/responses/responses_store.h"
#include "services/responses/target_checker.h"

namespace nml::responses::testing {

// ResponsesStore in memory for handler tests: the PostgreSQL store's
// contract (NOT_FOUND, ALREADY_EXISTS, etags, replayed idempotent writes,
// one data version per write, nothing written when an update is refused)
// without its query planner. ListResponses evaluates the parsed filter on
// stakeholder, stakeholder_type, stance, review_year, targets and channel,
// and orders by creation only.
class MemoryResponsesStore final : public ResponsesStore {
 public:
  // When set, every call returns this (a database outage).
  absl::Status outage = absl::OkStatus();
  // Runs at the start of every call (to block one, or count them).
  std::function<void()> on_call;
  int calls() const;
  size_t live_responses() const;

  // One store, always current: `min_version` is met or is the caller's
  // mistake, which the PostgreSQL store's tests cover.
  absl::StatusOr<std::vector<v1::Stakeholder>> AllStakeholders(
      int64_t min_version, int64_t* data_version) override;
  absl::StatusOr<std::optional<v1::Stakeholder>> GetStakeholder(
      const std::string& id, int64_t min_version,
      int64_t* data_version) override;
  absl::StatusOr<Written<v1::Stakeholder>> CreateStakeholder(
      const v1::Stakeholder& stakeholder,
      const Idempotency& idempotency) override;
  absl::StatusOr<Written<v1::Stakeholder>> UpdateStakeholder(
      const std::string& id,
      const std::function<absl::Status(v1::Stakeholder&)>& update) override;
  absl::StatusOr<int64_t> DeleteStakeholder(const std::string& id,
                                            const std::string& etag) override;
  absl::StatusOr<std::optional<v1::Response>> GetResponse(
      const std::string& id, int64_t min_version,
      int64_t* data_version) override;
  absl::StatusOr<ResponsePage> ListResponses(
      const ResponseQuery& query) override;
  absl::StatusOr<Written<v1::Response>> CreateResponse(
      const v1::Response& response, const Idempotency& idempotency) override;
  absl::StatusOr<Written<v1::Response>> UpdateResponse(
      const std::string& id,
      const std::function<absl::Status(v1::Response&)>& update) override;
  absl::StatusOr<Written<v1::Response>> SetDeleted(
      const std::string& id, bool deleted, const std::string& etag) override;
  absl::StatusOr<Written<v1::ImportResponsesResponse>> ImportResponses(
      const std::vector<ImportRow>& rows,
      const std::vector<v1::RowIssue>& skipped, const Idempotency& idempotency,
      size_t max_answer_bytes) override;
  absl::StatusOr<std::optional<StoredAnswer>> FindStoredAnswer(
      const Idempotency& idempotency) override;
  absl::StatusOr<StanceSummary> SummarizeStances(const Scope& scope) override;
  absl::StatusOr<std::vector<v1::Response>> Timeline(
      const Scope& scope, int64_t* data_version) override;
  // The handler tests do not follow changes: an empty, complete log.
  absl::StatusOr<ChangePage> ListChanges(int64_t, int64_t, int) override {
    return ChangePage();
  }

 private:
  absl::Status Enter() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The stored answer for a retry, "" to go ahead; ALREADY_EXISTS for a
  // request id reused with another request.
  absl::StatusOr<std::optional<std::string>> Replay(const Idempotency& key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Remember(const Idempotency& key, const std::string& answer)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  v1::Response Joined(const v1::Response& r) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool InScope(const Scope& scope, const v1::Response& r) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t version_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // By id.
  std::map<std::string, v1::Stakeholder> stakeholders_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::Response> responses_ ABSL_GUARDED_BY(mu_);
  // Response id -> change sequence.
  std::map<std::string, int64_t> seq_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::pair<std::string, std::string>> answers_
      ABSL_GUARDED_BY(mu_);
};

// TargetChecker without a listings service: `known` targets exist,
// `markets` resolves import texts, `outage` makes every call UNAVAILABLE.
class FakeTargetChecker final : public TargetChecker {
 public:
  std::set<std::string> known;
  std::map<std::string, std::string> markets;  // text -> markets/{id}
  absl::Status outage = absl::OkStatus();
  int calls = 0;

  absl::Status CheckTargets(
      const std::vector<std::string>& targets, const std::string& field,
      std::chrono::system_clock::time_point deadline) override;
  absl::StatusOr<std::vector<std::string>> OtherNamesOf(
      const std::string& market,
      std::chrono::system_clock::time_point deadline) override;
  // market -> its other names (OtherNamesOf).
  std::map<std::string, std::vector<std::string>> merged;
  absl::StatusOr<std::string> FindMarket(
      const std::string& text,
      std::chrono::system_clock::time_point deadline) override;
  // `markets` the other way round.
  absl::StatusOr<std::map<std::string, std::string>> MarketDisplayNames(
      std::chrono::system_clock::time_point) override {
    if (!outage.ok()) return outage;
    std::map<std::string, std::string> names;
    for (const auto& [text, name] : markets) names[name] = text;
    return names;
  }
};

}  // namespace nml::responses::testing
