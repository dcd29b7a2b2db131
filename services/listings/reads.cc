#include "services/listings/reads.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/api/filter.h"
#include "common/api/list_page.h"
#include "common/api/page_token.h"
#include "common/api/parentheticals.h"
#include "common/api/status.h"
#include "common/api/strings.h"
#include "common/api/validation.h"
#include "services/listings/domain.h"
#include "services/listings/market_names.h"

namespace nml::listings {

using common::Absl;
using common::FieldError;
using common::FieldGetter;
using common::FieldSpec;
using common::FieldType;
using common::FieldValue;
using common::Filter;
using common::FilterSchema;
using common::ListPage;
using common::OrderKey;
using common::Pointers;
using common::Std;

namespace {

absl::Status NotFound(std::string_view what) {
  return common::ResourceNotFound(
      what, absl::StrCat(std::string(what), " not found"));
}

std::vector<std::string> EnumNames(
    const google::protobuf::RepeatedField<int>& values,
    const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> names;
  for (const int v : values) {
    const auto* value = type->FindValueByNumber(v);
    names.push_back(value != nullptr ? value->name() : std::to_string(v));
  }
  return names;
}

std::vector<std::string> Strings(
    const google::protobuf::RepeatedPtrField<std::string>& values) {
  return {values.begin(), values.end()};
}

const FilterSchema& ReviewSchema() {
  static const FilterSchema kSchema = {
      {"year", {FieldType::kInt}},
      {"state", {FieldType::kEnum, v1::ReviewState_descriptor()}},
      {"complete", {FieldType::kBool}},
  };
  return kSchema;
}

FieldValue ReviewField(const v1::Review& r, std::string_view f) {
  if (f == "year") return int64_t{r.year()};
  if (f == "state") return v1::ReviewState_Name(r.state());
  if (f == "complete") return r.complete();
  if (f == "published_on") {
    return int64_t{r.published_on().year() * 10000 +
                   r.published_on().month() * 100 + r.published_on().day()};
  }
  return std::string();
}

const FilterSchema& MarketSchema() {
  static const FilterSchema kSchema = {
      {"display_name", {FieldType::kString}},
      {"kind", {FieldType::kEnum, v1::MarketKind_descriptor()}},
      {"country_code", {FieldType::kString}},
      {"city", {FieldType::kString}},
      {"operator", {FieldType::kString}},
      {"aliases", {FieldType::kStringList}},
  };
  return kSchema;
}

FieldValue MarketField(const v1::Market& m, std::string_view f) {
  if (f == "name") return m.name();
  if (f == "display_name") return m.display_name();
  if (f == "kind") return v1::MarketKind_Name(m.kind());
  if (f == "country_code") return m.country_code();
  if (f == "city") return m.city();
  if (f == "operator") return m.operator_();
  if (f == "aliases") return Strings(m.aliases());
  return std::string();
}

const FilterSchema& OperatorSchema() {
  static const FilterSchema kSchema = {
      {"display_name", {FieldType::kString}},
      {"country_code", {FieldType::kString}},
      {"aliases", {FieldType::kStringList}},
  };
  return kSchema;
}

FieldValue OperatorField(const v1::Operator& o, std::string_view f) {
  if (f == "name") return o.name();
  if (f == "display_name") return o.display_name();
  if (f == "country_code") return o.country_code();
  if (f == "aliases") return Strings(o.aliases());
  return std::string();
}

const FilterSchema& ListingSchema() {
  static const FilterSchema kSchema = {
      {"market", {FieldType::kString}},
      {"market_kind", {FieldType::kEnum, v1::MarketKind_descriptor()}},
      {"country_code", {FieldType::kString}},
      {"operator", {FieldType::kString}},
      {"infringement_types",
       {FieldType::kEnumList, v1::InfringementType_descriptor()}},
      {"first_time", {FieldType::kBool}},
      {"relisted_after_gap", {FieldType::kBool}},
      {"year", {FieldType::kInt}},
  };
  return kSchema;
}

constexpr int kMaxBatchNames = 1000;

// AIP-231 batch get: every name found, in order, or the first error naming
// its place ("names[3]"); a NOT_FOUND carries the missing name as a
// google.rpc.ResourceInfo. `find` gives the resource of a well-formed name
// (null when absent) or nullopt when the name is malformed.
template <typename T, typename Find>
absl::Status BatchGet(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    std::string_view form, Find find,
    google::protobuf::RepeatedPtrField<T>* out) {
  if (names.empty() || names.size() > kMaxBatchNames) {
    return FieldError("names", absl::StrCat("name 1 to ", kMaxBatchNames));
  }
  for (int i = 0; i < names.size(); ++i) {
    const std::optional<const T*> found = find(names[i]);
    const std::string field = absl::StrCat("names[", i, "]");
    if (!found) return FieldError(field, absl::StrCat("must be ", Absl(form)));
    if (*found == nullptr) {
      return common::ResourceNotFound(
          names[i], absl::StrCat(field, ": ", names[i], " not found"));
    }
    *out->Add() = **found;
  }
  return absl::OkStatus();
}

}  // namespace

// ------------------------------------------------------------ get / list

absl::Status GetReview(const Snapshot& s, const v1::GetReviewRequest& request,
                       v1::GetReviewResponse& response) {
  const auto year = ParseReviewName(request.name());
  if (!year) return FieldError("name", "must be reviews/{year}");
  const v1::Review* review = s.FindReview(*year);
  if (review == nullptr) return NotFound(request.name());
  *response.mutable_review() = *review;
  response.set_data_version(s.version());
  return absl::OkStatus();
}

absl::Status BatchGetReviews(const Snapshot& s,
                             const v1::BatchGetReviewsRequest& request,
                             v1::BatchGetReviewsResponse& response) {
  response.set_data_version(s.version());
  return BatchGet(
      request.names(), "reviews/{year}",
      [&](const std::string& name) -> std::optional<const v1::Review*> {
        const auto year = ParseReviewName(name);
        if (!year) return std::nullopt;
        return s.FindReview(*year);
      },
      response.mutable_reviews());
}

absl::Status ListReviews(const Snapshot& s,
                         const v1::ListReviewsRequest& request,
                         v1::ListReviewsResponse& response) {
  int32_t total = 0;
  auto status = ListPage(
      Pointers(s.reviews()), ReviewField, ReviewSchema(), request.filter(),
      {"year", "published_on"}, {{"year", true}}, request.order_by(),
      request.page_size(), request.page_token(), "reviews", s.version(),
      response.mutable_reviews(), response.mutable_next_page_token(), &total);
  response.set_total_size(total);
  response.set_data_version(s.version());
  return status;
}

absl::Status GetMarket(const Snapshot& s, const v1::GetMarketRequest& request,
                       v1::GetMarketResponse& response) {
  const auto id = ParseMarketName(request.name());
  if (!id) return FieldError("name", "must be markets/{market}");
  // A merged-away name answers with its survivor (whose name differs).
  const v1::Market* market = s.ResolveMarket(*id);
  if (market == nullptr) return NotFound(request.name());
  *response.mutable_market() = *market;
  response.set_data_version(s.version());
  return absl::OkStatus();
}

absl::Status BatchGetMarkets(const Snapshot& s,
                             const v1::BatchGetMarketsRequest& request,
                             v1::BatchGetMarketsResponse& response) {
  response.set_data_version(s.version());
  return BatchGet(
      request.names(), "markets/{market}",
      [&](const std::string& name) -> std::optional<const v1::Market*> {
        const auto id = ParseMarketName(name);
        if (!id) return std::nullopt;
        return s.ResolveMarket(*id);
      },
      response.mutable_markets());
}

absl::Status ListMarkets(const Snapshot& s,
                         const v1::ListMarketsRequest& request,
                         v1::ListMarketsResponse& response) {
  int32_t total = 0;
  auto status = ListPage(
      Pointers(s.markets()), MarketField, MarketSchema(), request.filter(),
      {"name", "display_name", "country_code"}, {{"name", false}},
      request.order_by(), request.page_size(), request.page_token(), "markets",
      s.version(), response.mutable_markets(),
      response.mutable_next_page_token(), &total);
  response.set_total_size(total);
  response.set_data_version(s.version());
  return status;
}

absl::Status GetOperator(const Snapshot& s,
                         const v1::GetOperatorRequest& request,
                         v1::GetOperatorResponse& response) {
  const auto id = ParseOperatorName(request.name());
  if (!id) return FieldError("name", "must be operators/{operator}");
  const v1::Operator* op = s.FindOperator(*id);
  if (op == nullptr) return NotFound(request.name());
  *response.mutable_operator_() = *op;
  for (const v1::Market* market : s.MarketsOfOperator(op->name())) {
    response.add_markets(market->name());
  }
  response.set_data_version(s.version());
  return absl::OkStatus();
}

absl::Status ListOperators(const Snapshot& s,
                           const v1::ListOperatorsRequest& request,
                           v1::ListOperatorsResponse& response) {
  int32_t total = 0;
  auto status =
      ListPage(Pointers(s.operators()), OperatorField, OperatorSchema(),
               request.filter(), {"name", "display_name"}, {{"name", false}},
               request.order_by(), request.page_size(), request.page_token(),
               "operators", s.version(), response.mutable_operators(),
               response.mutable_next_page_token(), &total);
  response.set_total_size(total);
  response.set_data_version(s.version());
  return status;
}

absl::Status GetListing(const Snapshot& s, const v1::GetListingRequest& request,
                        v1::GetListingResponse& response) {
  const auto key = ParseListingName(request.name());
  if (!key)
    return FieldError("name", "must be reviews/{year}/listings/{market}");
  const v1::Listing* listing = s.FindListing(key->year, key->market_id);
  if (listing == nullptr) return NotFound(request.name());
  *response.mutable_listing() = *listing;
  response.set_data_version(s.version());
  return absl::OkStatus();
}

absl::Status BatchGetListings(const Snapshot& s,
                              const v1::BatchGetListingsRequest& request,
                              v1::BatchGetListingsResponse& response) {
  std::optional<int> parent_year;
  if (request.parent() != "reviews/-") {
    parent_year = ParseReviewName(request.parent());
    if (!parent_year) {
      return FieldError("parent", "must be reviews/{year} or reviews/-");
    }
  }
  response.set_data_version(s.version());
  return BatchGet(
      request.names(), "reviews/{year}/listings/{market}, under parent",
      [&](const std::string& name) -> std::optional<const v1::Listing*> {
        const auto key = ParseListingName(name);
        if (!key || (parent_year && key->year != *parent_year)) {
          return std::nullopt;
        }
        return s.FindListing(key->year, key->market_id);
      },
      response.mutable_listings());
}

absl::Status ListListings(const Snapshot& s,
                          const v1::ListListingsRequest& request,
                          v1::ListListingsResponse& response) {
  std::vector<const v1::Listing*> items;
  if (request.parent() == "reviews/-") {
    items = Pointers(s.listings());
  } else {
    const auto year = ParseReviewName(request.parent());
    if (!year)
      return FieldError("parent", "must be reviews/{year} or reviews/-");
    if (s.FindReview(*year) == nullptr) return NotFound(request.parent());
    items = s.ListingsOf(*year);
  }
  auto get = [&s](const v1::Listing& l, std::string_view f) -> FieldValue {
    if (f == "name") return l.name();
    if (f == "market") return l.market();
    if (f == "market_display_name") return l.market_display_name();
    if (f == "market_kind") return v1::MarketKind_Name(l.market_kind());
    if (f == "infringement_types") {
      return EnumNames(l.infringement_types(),
                       v1::InfringementType_descriptor());
    }
    // Unknown matches neither `first_time = true` nor `= false`.
    if (f == "first_time") {
      return l.has_first_time() ? FieldValue(l.first_time()) : FieldValue();
    }
    if (f == "relisted_after_gap") return l.relisted_after_gap();
    if (f == "year") return int64_t{ParseListingName(l.name())->year};
    const v1::Market* market = s.FindMarket(*ParseMarketName(l.market()));
    if (f == "country_code") return market ? market->country_code() : "";
    if (f == "operator") return market ? market->operator_() : "";
    return std::string();
  };
  int32_t total = 0;
  auto status =
      ListPage(items, get, ListingSchema(), request.filter(),
               {"name", "market_display_name", "year"}, {{"name", false}},
               request.order_by(), request.page_size(), request.page_token(),
               request.parent(), s.version(), response.mutable_listings(),
               response.mutable_next_page_token(), &total);
  response.set_total_size(total);
  response.set_data_version(s.version());
  return status;
}

// ------------------------------------------------------------ history, diff

absl::Status GetMarketHistory(const Snapshot& s,
                              const v1::GetMarketHistoryRequest& request,
                              v1::GetMarketHistoryResponse& response) {
  const auto id = ParseMarketName(request.market());
  if (!id) return FieldError("market", "must be markets/{market}");
  const v1::Market* market = s.ResolveMarket(*id);
  if (market == nullptr) return NotFound(request.market());
  *response.mutable_market() = *market;
  const std::string market_id = *ParseMarketName(market->name());
  const std::vector<int> listed = s.ListedYears(market_id);
  const std::vector<int>& all = s.years_with_listings();
  v1::ListingPeriod* period = nullptr;
  int previous_index = -2;
  for (const int year : listed) {
    response.add_years_listed(year);
    const int index = static_cast<int>(
        std::lower_bound(all.begin(), all.end(), year) - all.begin());
    if (period == nullptr || index != previous_index + 1) {
      period = response.add_periods();
      period->set_first_year(year);
    }
    period->set_last_year(year);
    previous_index = index;
    *response.add_listings() = *s.FindListing(year, market_id);
  }
  if (!listed.empty()) {
    response.set_first_year(listed.front());
    response.set_last_year(listed.back());
  }
  for (const v1::Review& review : s.reviews()) {
    const StatusAnswer answer =
        s.StatusIn(review.year(), market_id, market->kind());
    v1::ReviewListingStatus* status = response.add_review_statuses();
    status->set_year(review.year());
    status->set_status(answer.status);
    status->set_rule(answer.rule);
    status->set_reason(answer.reason);
  }
  response.set_data_version(s.version());
  return absl::OkStatus();
}

absl::Status DiffReviews(const Snapshot& s,
                         const v1::DiffReviewsRequest& request,
                         v1::DiffReviewsResponse& response) {
  if (auto st = common::CheckReviewYear(request.base_year(), "base_year");
      !st.ok())
    return st;
  if (auto st = common::CheckReviewYear(request.target_year(), "target_year");
      !st.ok()) {
    return st;
  }
  if (request.base_year() >= request.target_year()) {
    return FieldError("base_year", "must be earlier than target_year");
  }
  const v1::Review* base = s.FindReview(request.base_year());
  const v1::Review* target = s.FindReview(request.target_year());
  if (base == nullptr) return NotFound(ReviewName(request.base_year()));
  if (target == nullptr) return NotFound(ReviewName(request.target_year()));
  const std::set<int> wanted(request.changes().begin(),
                             request.changes().end());

  std::map<std::string, std::pair<bool, bool>>
      presence;  // id -> (base, target)
  for (const v1::Listing* l : s.ListingsOf(base->year())) {
    presence[*ParseMarketName(l->market())].first = true;
  }
  for (const v1::Listing* l : s.ListingsOf(target->year())) {
    presence[*ParseMarketName(l->market())].second = true;
  }
  std::vector<v1::MarketChange> changes;
  for (const auto& [id, in] : presence) {
    const v1::Market* market = s.FindMarket(id);
    v1::MarketChange change;
    change.set_market(MarketName(id));
    if (market != nullptr) {
      change.set_market_display_name(market->display_name());
      change.set_kind(market->kind());
      change.set_country_code(market->country_code());
    }
    const v1::MarketKind kind =
        market != nullptr ? market->kind() : v1::MARKET_KIND_ONLINE;
    if (in.first && in.second) {
      change.set_change(v1::CHANGE_TYPE_RETAINED);
      change.set_reason("listed in both reviews");
    } else if (in.first) {
      // Absent from the target: removed only if the target says so.
      const StatusAnswer target_status = s.StatusIn(target->year(), id, kind);
      change.set_change(target_status.status == v1::LISTING_STATUS_NOT_LISTED
                            ? v1::CHANGE_TYPE_REMOVED
                            : v1::CHANGE_TYPE_NOT_LOADED);
      change.set_reason(target_status.reason);
    } else {
      // New in the target: added or relisted only if the base says so.
      const StatusAnswer base_status = s.StatusIn(base->year(), id, kind);
      const auto years = s.ListedYears(id);
      if (base_status.status != v1::LISTING_STATUS_NOT_LISTED) {
        change.set_change(v1::CHANGE_TYPE_NOT_LOADED);
      } else if (!years.empty() && years.front() < base->year()) {
        change.set_change(v1::CHANGE_TYPE_RELISTED);
      } else {
        change.set_change(v1::CHANGE_TYPE_ADDED);
      }
      change.set_reason(base_status.reason);
    }
    switch (change.change()) {
      case v1::CHANGE_TYPE_ADDED:
        response.set_added_count(response.added_count() + 1);
        break;
      case v1::CHANGE_TYPE_REMOVED:
        response.set_removed_count(response.removed_count() + 1);
        break;
      case v1::CHANGE_TYPE_RETAINED:
        response.set_retained_count(response.retained_count() + 1);
        break;
      case v1::CHANGE_TYPE_RELISTED:
        response.set_relisted_count(response.relisted_count() + 1);
        break;
      case v1::CHANGE_TYPE_NOT_LOADED:
        response.set_not_loaded_count(response.not_loaded_count() + 1);
        break;
      default:
        break;
    }
    if (wanted.empty() || wanted.contains(change.change())) {
      changes.push_back(std::move(change));
    }
  }
  std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) {
    if (a.change() != b.change()) return a.change() < b.change();
    return absl::AsciiStrToLower(a.market_display_name()) <
           absl::AsciiStrToLower(b.market_display_name());
  });
  for (auto& change : changes) *response.add_changes() = std::move(change);
  response.set_base_year(base->year());
  response.set_target_year(target->year());
  response.set_incomplete_data(!base->complete() || !target->complete());
  for (const v1::MarketKind kind :
       {v1::MARKET_KIND_ONLINE, v1::MARKET_KIND_PHYSICAL}) {
    *response.add_base_completeness() = CompletenessOf(*base, kind);
    *response.add_target_completeness() = CompletenessOf(*target, kind);
  }
  response.set_data_version(s.version());
  return absl::OkStatus();
}

// ------------------------------------------------------------ stats

namespace {

void AddCounts(const std::map<std::string, int>& counts,
               const std::map<std::string, std::string>& labels,
               google::protobuf::RepeatedPtrField<v1::KeyCount>* out) {
  std::vector<std::pair<std::string, int>> sorted(counts.begin(), counts.end());
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [key, count] : sorted) {
    v1::KeyCount* kc = out->Add();
    kc->set_key(key);
    const auto label = labels.find(key);
    if (label != labels.end()) kc->set_label(label->second);
    kc->set_count(count);
  }
}

}  // namespace

absl::Status GetReviewStats(const Snapshot& s,
                            const v1::GetReviewStatsRequest& request,
                            v1::GetReviewStatsResponse& response) {
  const auto year = ParseReviewName(request.name());
  if (!year) return FieldError("name", "must be reviews/{year}");
  const v1::Review* review = s.FindReview(*year);
  if (review == nullptr) return NotFound(request.name());
  *response.mutable_review() = *review;
  std::map<std::string, int> countries, operators, types;
  std::map<std::string, std::string> labels;
  for (const v1::Listing* listing : s.ListingsOf(*year)) {
    const v1::Market* market =
        s.FindMarket(*ParseMarketName(listing->market()));
    ++countries[market ? market->country_code() : ""];
    const std::string op = market ? market->operator_() : "";
    ++operators[op];
    if (!op.empty()) {
      if (const v1::Operator* o = s.FindOperator(*ParseOperatorName(op))) {
        labels[op] = o->display_name();
      }
    }
    for (const int type : listing->infringement_types()) {
      ++types[v1::InfringementType_Name(
          static_cast<v1::InfringementType>(type))];
    }
    if (!listing->has_first_time()) {
      response.set_first_time_unknown_count(
          response.first_time_unknown_count() + 1);
    } else if (listing->first_time()) {
      response.set_first_time_count(response.first_time_count() + 1);
    }
    if (listing->relisted_after_gap()) {
      response.set_relisted_count(response.relisted_count() + 1);
    }
  }
  // Both kinds, each with its declared count and completeness.
  for (const v1::MarketKind kind :
       {v1::MARKET_KIND_ONLINE, v1::MARKET_KIND_PHYSICAL}) {
    const v1::KindCompleteness& c = CompletenessOf(*review, kind);
    v1::KeyCount* kc = response.add_by_kind();
    kc->set_key(v1::MarketKind_Name(kind));
    kc->set_count(c.loaded_count());
    kc->set_declared_count(c.declared_count());
    kc->set_completeness(c.state());
  }
  AddCounts(countries, labels, response.mutable_by_country());
  AddCounts(operators, labels, response.mutable_by_operator());
  AddCounts(types, labels, response.mutable_by_infringement_type());
  response.set_data_version(s.version());
  return absl::OkStatus();
}

absl::Status GetDataStatus(const Snapshot& s, const v1::GetDataStatusRequest&,
                           v1::GetDataStatusResponse& response) {
  using google::protobuf::util::TimeUtil;
  response.set_data_version(s.version());
  *response.mutable_snapshot_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(s.built_at()));
  if (s.data().last_import_time.has_value()) {
    *response.mutable_last_import_time() = TimeUtil::MicrosecondsToTimestamp(
        absl::ToUnixMicros(*s.data().last_import_time));
  }
  for (auto it = s.reviews().rbegin(); it != s.reviews().rend(); ++it) {
    *response.add_reviews() = *it;
  }
  response.set_market_count(static_cast<int32_t>(s.markets().size()));
  response.set_operator_count(static_cast<int32_t>(s.operators().size()));
  response.set_listing_count(static_cast<int32_t>(s.listings().size()));
  return absl::OkStatus();
}

}  // namespace nml::listings
