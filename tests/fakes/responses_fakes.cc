#include "tests/fakes/responses_fakes.h"

#include <absl/strings/str_cat.h>

#include <algorithm>

#include "common/api/names.h"
#include "common/api/status.h"
#include "common/text/slug.h"
#include "services/responses/response_rules.h"

namespace nml::responses::testing {
namespace {

std::string IdOf(const std::string& name) {
  return name.substr(name.find('/') + 1);
}

template <typename T>
void Bump(T& resource) {
  resource.set_etag(absl::StrCat(
      resource.etag().empty() ? 1 : std::stoll(resource.etag()) + 1));
}

}  // namespace

int MemoryResponsesStore::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

size_t MemoryResponsesStore::live_responses() const {
  absl::MutexLock lock(&mu_);
  size_t live = 0;
  for (const auto& [id, r] : responses_) live += r.has_delete_time() ? 0 : 1;
  return live;
}

absl::Status MemoryResponsesStore::Enter() {
  if (on_call) on_call();
  ++calls_;
  return outage;
}

absl::StatusOr<std::optional<std::string>> MemoryResponsesStore::Replay(
    const Idempotency& key) {
  if (key.request_id.empty()) return std::nullopt;
  const auto it = answers_.find(key.request_id);
  if (it == answers_.end()) return std::nullopt;
  if (it->second.first != key.method + key.request_bytes) {
    return absl::AlreadyExistsError(
        "request_id: already used for a different request");
  }
  return it->second.second;
}

absl::StatusOr<std::optional<ResponsesStore::StoredAnswer>>
MemoryResponsesStore::FindStoredAnswer(const Idempotency& idempotency) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  auto replay = Replay(idempotency);
  if (!replay.ok()) return replay.status();
  if (!replay->has_value()) return std::nullopt;
  return StoredAnswer{**replay, version_};
}

void MemoryResponsesStore::Remember(const Idempotency& key,
                                    const std::string& answer) {
  if (key.request_id.empty()) return;
  answers_[key.request_id] = {key.method + key.request_bytes, answer};
}

v1::Response MemoryResponsesStore::Joined(const v1::Response& r) const {
  v1::Response out = r;
  const auto s = stakeholders_.find(IdOf(r.stakeholder()));
  if (s != stakeholders_.end()) {
    out.set_stakeholder_display_name(s->second.display_name());
    out.set_stakeholder_type(s->second.type());
  }
  return out;
}

bool MemoryResponsesStore::InScope(const Scope& scope,
                                   const v1::Response& r) const {
  if (r.has_delete_time()) return false;
  if (scope.review_year) return r.review_year() == *scope.review_year;
  if (scope.target) {
    for (const auto& t : RolledUpTargets(r)) {
      if (t == *scope.target ||
          std::find(scope.target_aliases.begin(), scope.target_aliases.end(),
                    t) != scope.target_aliases.end()) {
        return true;
      }
    }
    return false;
  }
  return IdOf(r.stakeholder()) == scope.stakeholder_id.value_or("");
}

absl::StatusOr<std::vector<v1::Stakeholder>>
MemoryResponsesStore::AllStakeholders(int64_t, int64_t* data_version) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  std::vector<v1::Stakeholder> all;
  for (const auto& [id, s] : stakeholders_) all.push_back(s);
  *data_version = version_;
  return all;
}

absl::StatusOr<std::optional<v1::Stakeholder>>
MemoryResponsesStore::GetStakeholder(const std::string& id, int64_t,
                                     int64_t* data_version) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  *data_version = version_;
  const auto it = stakeholders_.find(id);
  if (it == stakeholders_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<Written<v1::Stakeholder>>
MemoryResponsesStore::CreateStakeholder(const v1::Stakeholder& stakeholder,
                                        const Idempotency& idempotency) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  auto replay = Replay(idempotency);
  if (!replay.ok()) return replay.status();
  Written<v1::Stakeholder> written;
  if (replay->has_value()) {
    written.value.ParseFromString(**replay);
    written.replayed = true;
    written.data_version = version_;
    return written;
  }
  const std::string id = IdOf(stakeholder.name());
  if (stakeholders_.contains(id)) {
    return absl::AlreadyExistsError(
        absl::StrCat(stakeholder.name(), " already exists"));
  }
  v1::Stakeholder stored = stakeholder;
  stored.set_etag("1");
  stakeholders_[id] = stored;
  written.value = stored;
  written.data_version = ++version_;
  Remember(idempotency, stored.SerializeAsString());
  return written;
}

absl::StatusOr<Written<v1::Stakeholder>>
MemoryResponsesStore::UpdateStakeholder(
    const std::string& id,
    const std::function<absl::Status(v1::Stakeholder&)>& update) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  const auto it = stakeholders_.find(id);
  if (it == stakeholders_.end()) {
    return absl::NotFoundError(absl::StrCat("stakeholders/", id, " not found"));
  }
  v1::Stakeholder updated = it->second;
  if (auto st = update(updated); !st.ok()) return st;
  updated.set_etag(it->second.etag());
  Bump(updated);
  it->second = updated;
  return Written<v1::Stakeholder>{updated, ++version_, false};
}

absl::StatusOr<int64_t> MemoryResponsesStore::DeleteStakeholder(
    const std::string& id, const std::string& etag) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  const auto it = stakeholders_.find(id);
  if (it == stakeholders_.end()) {
    return absl::NotFoundError(absl::StrCat("stakeholders/", id, " not found"));
  }
  if (auto st = common::CheckEtag(etag, it->second.etag(), "etag"); !st.ok()) {
    return st;
  }
  for (const auto& [rid, r] : responses_) {
    if (IdOf(r.stakeholder()) == id) {
      return absl::FailedPreconditionError(
          absl::StrCat("stakeholders/", id, " still has responses"));
    }
  }
  stakeholders_.erase(it);
  return ++version_;
}

absl::StatusOr<std::optional<v1::Response>> MemoryResponsesStore::GetResponse(
    const std::string& id, int64_t, int64_t* data_version) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  *data_version = version_;
  const auto it = responses_.find(id);
  if (it == responses_.end()) return std::nullopt;
  return Joined(it->second);
}

absl::StatusOr<ResponsePage> MemoryResponsesStore::ListResponses(
    const ResponseQuery& query) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  std::vector<std::pair<int64_t, v1::Response>> rows;
  for (const auto& [id, stored] : responses_) {
    if (stored.has_delete_time() && !query.show_deleted) continue;
    const v1::Response r = Joined(stored);
    const bool keep =
        query.filter.Matches([&](std::string_view f) -> common::FieldValue {
          if (f == "stakeholder") return r.stakeholder();
          if (f == "stakeholder_type") {
            return v1::StakeholderType_Name(r.stakeholder_type());
          }
          if (f == "stance") return v1::Stance_Name(r.stance());
          if (f == "review_year") return int64_t{r.review_year()};
          if (f == "channel") return v1::Channel_Name(r.channel());
          if (query.exact_targets) {
            return std::vector<std::string>(r.targets().begin(),
                                            r.targets().end());
          }
          // The required target's merged markets count as it.
          std::vector<std::string> covered = RolledUpTargets(r);
          const auto required = query.filter.RequiredHas("targets");
          for (const auto& alias : query.target_aliases) {
            if (required && std::find(covered.begin(), covered.end(), alias) !=
                                covered.end()) {
              covered.push_back(required->value);
            }
          }
          return covered;
        });
    if (keep) rows.emplace_back(seq_[id], r);
  }
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    return query.descending ? a.first > b.first : a.first < b.first;
  });
  ResponsePage page;
  page.data_version = version_;
  for (const auto& [seq, r] : rows) {
    if (query.after && (query.descending ? seq >= query.after->seq
                                         : seq <= query.after->seq)) {
      continue;
    }
    if (static_cast<int>(page.responses.size()) == query.limit) {
      page.next = common::Cursor{};
      page.next->seq = seq_[IdOf(page.responses.back().name())];
      break;
    }
    page.responses.push_back(r);
  }
  return page;
}

absl::StatusOr<Written<v1::Response>> MemoryResponsesStore::CreateResponse(
    const v1::Response& response, const Idempotency& idempotency) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  auto replay = Replay(idempotency);
  if (!replay.ok()) return replay.status();
  Written<v1::Response> written;
  if (replay->has_value()) {
    written.value.ParseFromString(**replay);
    written.replayed = true;
    written.data_version = version_;
    return written;
  }
  if (!stakeholders_.contains(IdOf(response.stakeholder()))) {
    return absl::NotFoundError(absl::StrCat(
        "response.stakeholder: ", response.stakeholder(), " not found"));
  }
  const std::string id = absl::StrCat("r", next_id_);
  seq_[id] = next_id_++;
  v1::Response stored = response;
  stored.set_name(absl::StrCat(common::kResponsesPrefix, id));
  stored.set_etag("1");
  responses_[id] = stored;
  written.value = Joined(stored);
  written.data_version = ++version_;
  Remember(idempotency, written.value.SerializeAsString());
  return written;
}

absl::StatusOr<Written<v1::Response>> MemoryResponsesStore::UpdateResponse(
    const std::string& id,
    const std::function<absl::Status(v1::Response&)>& update) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  const auto it = responses_.find(id);
  if (it == responses_.end()) {
    return absl::NotFoundError(absl::StrCat("responses/", id, " not found"));
  }
  v1::Response updated = Joined(it->second);
  if (auto st = update(updated); !st.ok()) return st;
  if (!stakeholders_.contains(IdOf(updated.stakeholder()))) {
    return absl::NotFoundError(absl::StrCat(
        "response.stakeholder: ", updated.stakeholder(), " not found"));
  }
  updated.set_etag(it->second.etag());
  Bump(updated);
  it->second = updated;
  return Written<v1::Response>{Joined(updated), ++version_, false};
}

absl::StatusOr<Written<v1::Response>> MemoryResponsesStore::SetDeleted(
    const std::string& id, bool deleted, const std::string& etag) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  const auto it = responses_.find(id);
  if (it == responses_.end()) {
    return absl::NotFoundError(absl::StrCat("responses/", id, " not found"));
  }
  if (auto st = common::CheckEtag(etag, it->second.etag(), "etag"); !st.ok()) {
    return st;
  }
  if (it->second.has_delete_time() == deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(it->second.name(),
                     deleted ? " is already deleted" : " is not deleted"));
  }
  if (deleted) {
    it->second.mutable_delete_time()->set_seconds(1);
  } else {
    it->second.clear_delete_time();
  }
  Bump(it->second);
  return Written<v1::Response>{Joined(it->second), ++version_, false};
}

absl::StatusOr<Written<v1::ImportResponsesResponse>>
MemoryResponsesStore::ImportResponses(
    const std::vector<ImportRow>& rows,
    const std::vector<v1::RowIssue>& skipped, const Idempotency& idempotency,
    size_t /*max_answer_bytes: the PgResponsesStore tests cover it*/) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  auto replay = Replay(idempotency);
  if (!replay.ok()) return replay.status();
  Written<v1::ImportResponsesResponse> written;
  if (replay->has_value()) {
    written.value.ParseFromString(**replay);
    written.value.set_replayed(true);
    written.replayed = true;
    written.data_version = version_;
    return written;
  }
  for (const ImportRow& row : rows) {
    std::string stakeholder_id;
    for (const auto& [id, s] : stakeholders_) {
      if (s.display_name() == row.stakeholder_display_name) stakeholder_id = id;
    }
    if (stakeholder_id.empty()) {
      std::set<std::string> taken;
      for (const auto& [id, s] : stakeholders_) taken.insert(id);
      stakeholder_id = common::UniqueId(
          common::Slugify(row.stakeholder_display_name), taken);
      v1::Stakeholder& s = stakeholders_[stakeholder_id];
      s.set_name(absl::StrCat(common::kStakeholdersPrefix, stakeholder_id));
      s.set_display_name(row.stakeholder_display_name);
      s.set_type(row.stakeholder_type);
      s.set_etag("1");
      written.value.set_stakeholders_created(
          written.value.stakeholders_created() + 1);
    }
    const std::string id = absl::StrCat("r", next_id_);
    seq_[id] = next_id_++;
    v1::Response& r = responses_[id];
    r = row.response;
    r.set_name(absl::StrCat(common::kResponsesPrefix, id));
    r.set_stakeholder(
        absl::StrCat(common::kStakeholdersPrefix, stakeholder_id));
    r.set_etag("1");
    *written.value.add_responses() = Joined(r);
  }
  for (const auto& issue : skipped) *written.value.add_skipped() = issue;
  written.data_version = ++version_;
  written.value.set_data_version(written.data_version);
  Remember(idempotency, written.value.SerializeAsString());
  return written;
}

absl::StatusOr<StanceSummary> MemoryResponsesStore::SummarizeStances(
    const Scope& scope) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  StanceSummary summary;
  std::map<std::pair<int, int>, int> counts;
  std::set<std::string> who;
  for (const auto& [id, stored] : responses_) {
    if (!InScope(scope, stored)) continue;
    const v1::Response r = Joined(stored);
    ++counts[{r.stance(), r.stakeholder_type()}];
    who.insert(r.stakeholder());
    ++summary.total;
  }
  for (const auto& [key, n] : counts) {
    v1::StanceCount& c = summary.counts.emplace_back();
    c.set_stance(static_cast<v1::Stance>(key.first));
    c.set_stakeholder_type(static_cast<v1::StakeholderType>(key.second));
    c.set_count(n);
  }
  summary.stakeholders = static_cast<int>(who.size());
  summary.data_version = version_;
  return summary;
}

absl::StatusOr<std::vector<v1::Response>> MemoryResponsesStore::Timeline(
    const Scope& scope, int64_t* data_version) {
  absl::MutexLock lock(&mu_);
  if (auto st = Enter(); !st.ok()) return st;
  std::vector<v1::Response> entries;
  for (const auto& [id, stored] : responses_) {
    if (InScope(scope, stored)) entries.push_back(Joined(stored));
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const v1::Response& a, const v1::Response& b) {
                     const auto key = [](const v1::Response& r) {
                       return std::make_tuple(r.stated_on().year(),
                                              r.stated_on().month(),
                                              r.stated_on().day());
                     };
                     return key(a) < key(b);
                   });
  *data_version = version_;
  return entries;
}

absl::Status FakeTargetChecker::CheckTargets(
    const std::vector<std::string>& targets, const std::string& field,
    std::chrono::system_clock::time_point) {
  ++calls;
  if (!outage.ok()) return outage;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (!known.contains(targets[i])) {
      return absl::NotFoundError(
          absl::StrCat(field, "[", i, "] (", targets[i], ") not found"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> FakeTargetChecker::OtherNamesOf(
    const std::string& market, std::chrono::system_clock::time_point) {
  if (!outage.ok()) return outage;
  const auto it = merged.find(market);
  return it == merged.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<std::string> FakeTargetChecker::FindMarket(
    const std::string& text, std::chrono::system_clock::time_point) {
  ++calls;
  if (!outage.ok()) return outage;
  const auto it = markets.find(text);
  if (it == markets.end()) {
    return absl::NotFoundError(absl::StrCat("no market called ", text));
  }
  return it->second;
}

}  // namespace nml::responses::testing
