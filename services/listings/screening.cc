// ScreenDomains: inputs matched against a review's domain rules.
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "common/api/parentheticals.h"
#include "common/api/status.h"
#include "common/api/strings.h"
#include "common/api/validation.h"
#include "services/listings/domain.h"
#include "services/listings/market_names.h"
#include "services/listings/reads.h"

namespace nml::listings {

using common::FieldError;
using common::Std;

// ------------------------------------------------------------ screening

namespace {

constexpr int kMaxScreenItems = 1000;

// The review published last on or before `day`, or nullptr.
const v1::Review* InForceOn(const Snapshot& s, const nml::type::v1::Date& day) {
  const auto key = [](const nml::type::v1::Date& d) {
    return std::tuple(d.year(), d.month(), d.day());
  };
  const v1::Review* in_force = nullptr;
  for (const v1::Review& r : s.reviews()) {
    if (!r.has_published_on() || key(r.published_on()) > key(day)) continue;
    if (in_force == nullptr ||
        key(r.published_on()) > key(in_force->published_on())) {
      in_force = &r;
    }
  }
  return in_force;
}

// LISTED, NOT_LISTED or UNKNOWN for a screened host, and the rule: a
// missing listing proves "not listed" only where the review's online list is
// complete, or where a source reports every market the host matched first
// listed after the review.
void DecideScreenStatus(const Snapshot& s, int year,
                        const std::vector<const v1::Market*>& unlisted,
                        const v1::ScreenOptions& options,
                        v1::ScreenResult& result) {
  const v1::Review* review = s.FindReview(year);
  if (review == nullptr) return;
  *result.mutable_online_completeness() = review->online_completeness();
  if (result.matches_size() > 0) {
    result.set_status(v1::LISTING_STATUS_LISTED);
    result.set_status_rule(v1::STATUS_RULE_LISTING_RECORDED);
    result.set_status_reason(absl::StrCat(
        "listed: ", result.matches(0).market_display_name(), " (",
        result.matches(0).pattern(), ") in the ", year, " review"));
    return;
  }
  const StatusAnswer* answer = &s.AbsentFromOnlineList(year);
  StatusAnswer first_listed_later;
  if (answer->status != v1::LISTING_STATUS_NOT_LISTED && !unlisted.empty()) {
    // Every market the host belongs to first listed later?
    std::vector<std::string> reasons;
    for (const v1::Market* market : unlisted) {
      const StatusAnswer one =
          s.StatusIn(year, *ParseMarketName(market->name()), market->kind());
      if (one.status != v1::LISTING_STATUS_NOT_LISTED) {
        reasons.clear();
        break;
      }
      reasons.push_back(absl::StrCat(market->display_name(), ": ", one.reason));
    }
    if (!reasons.empty()) {
      first_listed_later = {v1::LISTING_STATUS_NOT_LISTED,
                            v1::STATUS_RULE_FIRST_LISTED_LATER,
                            absl::StrJoin(reasons, "; ")};
      answer = &first_listed_later;
    }
  }
  if (answer->status == v1::LISTING_STATUS_UNKNOWN &&
      options.definitive_only()) {
    result.mutable_error()->set_code(
        static_cast<int>(absl::StatusCode::kFailedPrecondition));
    result.mutable_error()->set_message(
        absl::StrCat("no definitive answer: ", answer->reason));
    return;
  }
  result.set_status(answer->status);
  result.set_status_rule(answer->rule);
  result.set_status_reason(absl::StrCat(
      answer->status == v1::LISTING_STATUS_NOT_LISTED ? "not listed: "
                                                      : "unknown: ",
      answer->reason));
}

void ScreenOne(const Snapshot& s, const v1::ScreenItem& item,
               const v1::ScreenOptions& options, v1::ScreenResult& result) {
  result.set_input(item.input());
  auto fail = [&result](absl::StatusCode code, std::string message) {
    result.mutable_error()->set_code(static_cast<int>(code));
    result.mutable_error()->set_message(std::move(message));
  };
  int year =
      options.review_year() != 0 ? options.review_year() : s.latest_year();
  if (options.has_as_of()) {
    const v1::Review* in_force = InForceOn(s, options.as_of());
    if (in_force == nullptr) {
      fail(absl::StatusCode::kNotFound,
           absl::StrCat("no review recorded here was published on or before ",
                        common::DateText(options.as_of())));
      return;
    }
    year = in_force->year();
  }
  result.set_review_year(year);
  if (const v1::Review* review = s.FindReview(year)) {
    result.set_review(review->name());
    result.set_review_state(review->state());
    if (review->has_published_on()) {
      *result.mutable_review_published_on() = review->published_on();
    }
  }
  if (year == 0) {
    fail(absl::StatusCode::kFailedPrecondition, "no review has listings yet");
    return;
  }
  if (!std::binary_search(s.years_with_listings().begin(),
                          s.years_with_listings().end(), year)) {
    fail(absl::StatusCode::kNotFound,
         absl::StrCat("review ", year, " has no listings recorded"));
    return;
  }
  auto canonical = CanonicalizeHost(item.input());
  if (!canonical.ok()) {
    fail(canonical.status().code(), std::string(canonical.status().message()));
    return;
  }
  result.set_host(canonical->host);
  result.set_registrable_domain(canonical->registrable_domain);
  if (canonical->is_ip) {
    DecideScreenStatus(s, year, {}, options, result);
    return;
  }

  std::set<std::string> seen_markets;
  std::vector<const v1::Market*> unlisted;  // matched a domain, not listed
  auto add_match = [&](const v1::Market& market, v1::MatchRule rule,
                       const std::string& pattern) {
    if (!seen_markets.insert(market.name()).second) return;
    unlisted.push_back(&market);
    const std::string id = *ParseMarketName(market.name());
    if (s.FindListing(year, id) != nullptr) {
      v1::ScreenMatch* match = result.add_matches();
      match->set_listing(ListingName(year, id));
      match->set_market(market.name());
      match->set_market_display_name(market.display_name());
      match->set_rule(rule);
      match->set_pattern(pattern);
      match->set_operator_(market.operator_());
      unlisted.pop_back();
      return;
    }
    if (!options.operator_rollup() || market.operator_().empty()) return;
    for (const v1::Market* sibling : s.MarketsOfOperator(market.operator_())) {
      const std::string sibling_id = *ParseMarketName(sibling->name());
      if (s.FindListing(year, sibling_id) == nullptr) continue;
      v1::ScreenMatch* match = result.add_matches();
      match->set_listing(ListingName(year, sibling_id));
      match->set_market(market.name());
      match->set_market_display_name(market.display_name());
      match->set_rule(v1::MATCH_RULE_OPERATOR_ROLLUP);
      match->set_pattern(pattern);
      match->set_operator_(market.operator_());
      return;
    }
  };

  // The host itself, then each parent domain: most specific first.
  std::string_view candidate = canonical->host;
  for (;;) {
    if (const auto* ref = s.FindDomain(candidate)) {
      const bool is_host = candidate == canonical->host;
      switch (ref->scope) {
        case v1::MATCH_SCOPE_EXACT_HOST:
          if (is_host) {
            add_match(*ref->market, v1::MATCH_RULE_EXACT_HOST,
                      std::string(candidate));
          }
          break;
        case v1::MATCH_SCOPE_HOST_AND_SUBDOMAINS:
          add_match(*ref->market, v1::MATCH_RULE_HOST_AND_SUBDOMAINS,
                    std::string(candidate));
          break;
        case v1::MATCH_SCOPE_REGISTRABLE_DOMAIN:
          if (candidate == canonical->registrable_domain) {
            add_match(*ref->market, v1::MATCH_RULE_REGISTRABLE_DOMAIN,
                      std::string(candidate));
          }
          break;
        default:
          break;
      }
    }
    const size_t dot = candidate.find('.');
    if (dot == std::string_view::npos) break;
    candidate.remove_prefix(dot + 1);
  }
  DecideScreenStatus(s, year, unlisted, options, result);
}

}  // namespace

absl::Status ScreenDomains(const Snapshot& s,
                           const v1::ScreenDomainsRequest& request,
                           v1::ScreenDomainsResponse& response) {
  if (request.items_size() == 0)
    return FieldError("items", "must not be empty");
  if (request.items_size() > kMaxScreenItems) {
    return FieldError(
        "items", absl::StrCat("at most ", kMaxScreenItems, " per request"));
  }
  auto check_options = [](const v1::ScreenOptions& o,
                          const std::string& field) -> absl::Status {
    if (o.has_as_of()) {
      if (o.review_year() != 0) {
        return FieldError(absl::StrCat(field, ".as_of"),
                          "give review_year or as_of, not both");
      }
      if (auto st = common::CheckDate(o.as_of(), absl::StrCat(field, ".as_of"));
          !st.ok()) {
        return st;
      }
      if (o.as_of().day() == 0) {
        return FieldError(absl::StrCat(field, ".as_of"),
                          "must be a full date (year, month and day)");
      }
    }
    if (o.review_year() != 0) {
      return common::CheckReviewYear(o.review_year(),
                                     absl::StrCat(field, ".review_year"));
    }
    return absl::OkStatus();
  };
  if (auto st = check_options(request.options(), "options"); !st.ok()) {
    return st;
  }
  response.mutable_results()->Reserve(request.items_size());
  for (int i = 0; i < request.items_size(); ++i) {
    const v1::ScreenItem& item = request.items(i);
    const v1::ScreenOptions& options =
        item.has_options() ? item.options() : request.options();
    v1::ScreenResult* result = response.add_results();
    result->set_data_version(s.version());
    if (auto st =
            check_options(options, absl::StrCat("items[", i, "].options"));
        !st.ok()) {
      result->set_input(item.input());
      result->mutable_error()->set_code(static_cast<int>(st.code()));
      result->mutable_error()->set_message(std::string(st.message()));
      continue;
    }
    ScreenOne(s, item, options, *result);
  }
  response.set_data_version(s.version());
  return absl::OkStatus();
}

}  // namespace nml::listings
