#include "tools/nmlctl/listings_commands.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>

#include "common/api/names.h"
#include "tools/nmlctl/csv.h"
#include "tools/nmlctl/import.h"
#include "tools/nmlctl/print.h"

namespace nml::cli {

namespace v1 = nml::listings::v1;
namespace rv1 = nml::responses::v1;

int Status(ListingsClient& client) {
  v1::GetDataStatusResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::GetDataStatus,
                           v1::GetDataStatusRequest(), &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  using google::protobuf::util::TimeUtil;
  std::printf("data version  %lld\n",
              static_cast<long long>(response.data_version()));
  std::printf("snapshot      %s\n",
              TimeUtil::ToString(response.snapshot_time()).c_str());
  std::printf("last import   %s\n",
              response.has_last_import_time()
                  ? TimeUtil::ToString(response.last_import_time()).c_str()
                  : "never");
  std::printf("markets %d, operators %d, listings %d\n",
              response.market_count(), response.operator_count(),
              response.listing_count());
  for (const v1::Review& r : response.reviews()) PrintReviewLine(r);
  return 0;
}

namespace {

// The reconciliations worth a person's look: every one but a new market and
// the same name.
void PrintReconciliations(const v1::ImportReviewResponse& response,
                          const ReviewImport& import,
                          const std::string& markets_path) {
  for (const v1::Reconciliation& r : response.reconciliations()) {
    if (r.rule() == v1::RECONCILIATION_RULE_NEW_MARKET ||
        r.rule() == v1::RECONCILIATION_RULE_EXACT_NAME) {
      continue;
    }
    const int line = r.row() < static_cast<int>(import.lines.size())
                         ? import.lines[static_cast<size_t>(r.row())]
                         : 0;
    std::printf(
        "  %s:%d: '%s' -> %s ('%s') by %s%s%s\n", markets_path.c_str(), line,
        r.imported_name().c_str(), r.market().c_str(),
        r.market_display_name().c_str(),
        EnumLabel(v1::ReconciliationRule_descriptor(), r.rule()).c_str(),
        r.detail().empty() ? "" : ": ", r.detail().c_str());
  }
}

// "[first time]", "[first time: unknown]" (the data cannot tell) or ""; and
// the first year a source reported, when one did.
std::string FirstTimeLabel(const v1::Listing& l) {
  std::string label = !l.has_first_time() ? "  [first time: unknown]"
                      : l.first_time()    ? "  [first time]"
                                          : "";
  if (l.reported_first_year() != 0) {
    absl::StrAppend(&label, "  [first listed ", l.reported_first_year(),
                    " per source]");
  }
  return label;
}

// Markets that may be one, listed after an import: they are never merged
// without a person.
void PrintSuggestionCount(ListingsClient& client) {
  v1::ListMergeSuggestionsResponse response;
  grpc::Status status =
      client.Invoke(&v1::ListingsService::Stub::ListMergeSuggestions,
                    v1::ListMergeSuggestionsRequest(), &response);
  if (!status.ok() || response.suggestions_size() == 0) return;
  std::printf(
      "%d merge suggestions (markets that may be one; not merged): "
      "nmlctl suggestions\n",
      response.suggestions_size());
}

}  // namespace

int Import(ListingsClient& client, const std::string& markets_path,
           const std::string& counts_path, bool validate_only) {
  auto markets = ReadFile(markets_path);
  if (!markets.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(markets.status().message()).c_str());
    return kServerError;
  }
  auto counts = ReadFile(counts_path);
  if (!counts.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(counts.status().message()).c_str());
    return kServerError;
  }
  auto built = BuildReviewImports(markets_path, *markets, counts_path, *counts);
  if (!built.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(built.status().message()).c_str());
    return kServerError;
  }
  const std::vector<ReviewImport>& imports = built->imports;
  // Sends one review's import (each is all-or-nothing); a refusal names the
  // file and line.
  const auto send = [&](const ReviewImport& import, bool check_only,
                        v1::ImportReviewResponse* response) {
    v1::ImportReviewRequest request = import.request;
    request.set_validate_only(check_only);
    grpc::Status status;
    if (request.ByteSizeLong() > kImportPartBytes) {
      v1::ImportReviewStreamResponse answer;
      status = client.InvokeInParts(
          &v1::ListingsService::Stub::ImportReviewStream, request,
          &v1::ImportReviewRequest::mutable_listings,
          absl::StrCat("import: reviews/", request.review().year()), &answer);
      *response = std::move(*answer.mutable_import());
      if (status.ok() && answer.reconciliations_omitted()) {
        std::fprintf(stderr,
                     "import: reviews/%d: the per-row reconciliations were "
                     "left out of the answer (too large for one message)\n",
                     request.review().year());
      }
    } else {
      status = client.Invoke(&v1::ListingsService::Stub::ImportReview, request,
                             response, ImportTime(request.listings_size()));
    }
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
        status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      std::fprintf(
          stderr, "nmlctl: import refused: %s\n",
          LocateImportError(status.error_message(), import, markets_path)
              .c_str());
      return kServerError;
    }
    return status.ok() ? 0 : ReportError(client.address(), status);
  };
  // Checks every review, and prints every problem of both files; 0 when
  // there is none.
  const auto check_all = [&]() {
    std::vector<ImportProblem> problems = built->problems;
    for (const auto& import : imports) {
      v1::ImportReviewResponse response;
      if (int rc = send(import, /*check_only=*/true, &response)) return rc;
      for (const v1::ImportProblem& p : response.problems()) {
        problems.push_back(LocateProblem(p, import, markets_path, counts_path));
      }
      if (validate_only && response.problems_size() == 0) {
        const v1::Review& r = response.review();
        std::printf("reviews/%d would be %s: %d listings, %d markets new\n",
                    r.year(), StateName(r.state()).c_str(),
                    import.request.listings_size(), response.markets_created());
        PrintReconciliations(response, import, markets_path);
      }
    }
    std::stable_sort(problems.begin(), problems.end(),
                     [](const ImportProblem& a, const ImportProblem& b) {
                       return std::tie(a.path, a.line) <
                              std::tie(b.path, b.line);
                     });
    for (const ImportProblem& p : problems) {
      std::fprintf(stderr, "%s\n", FormatProblem(p).c_str());
    }
    if (problems.empty()) return 0;
    std::fprintf(stderr, "nmlctl: %zu problems; nothing written\n",
                 problems.size());
    return kServerError;
  };
  // Every review is checked before any is written, so one bad row anywhere
  // and nothing is imported. One review needs no separate check: its
  // import is all or nothing and checks everything itself, and only when
  // it is refused is the check run, for the whole report (the check is a
  // second planning of the import: bench/README.md, "Imports").
  const bool check_first =
      validate_only || imports.size() > 1 || !built->problems.empty();
  if (check_first) {
    if (int rc = check_all()) return rc;
  }
  if (validate_only) {
    std::printf(
        "no problems in %zu reviews; nothing written "
        "(--validate-only)\n",
        imports.size());
    return 0;
  }
  int listings = 0, created = 0, replayed = 0;
  std::vector<std::string> written;
  for (const auto& import : imports) {
    v1::ImportReviewResponse response;
    if (int rc = send(import, /*check_only=*/false, &response)) {
      if (!check_first && rc == kServerError) return check_all();
      // Each review is all or nothing; one refused after the check (its
      // rows clash with a review written just before) leaves those.
      std::fprintf(stderr, "nmlctl: %s\n",
                   written.empty()
                       ? "nothing written"
                       : absl::StrCat("written before the refusal: ",
                                      absl::StrJoin(written, ", "))
                             .c_str());
      return rc;
    }
    written.push_back(absl::StrCat("reviews/", response.review().year()));
    const v1::Review& r = response.review();
    listings += r.online_count() + r.physical_count();
    created += response.markets_created();
    replayed += response.replayed() ? 1 : 0;
    std::printf(
        "reviews/%d %-10s %2d online, %2d physical; %d markets new, %d "
        "updated%s%s%s\n",
        r.year(), StateName(r.state()).c_str(), r.online_count(),
        r.physical_count(), response.markets_created(),
        response.markets_updated(), response.replayed() ? " (unchanged)" : "",
        response.publication_blocker().empty() ? "" : "; ",
        response.publication_blocker().c_str());
    PrintReconciliations(response, import, markets_path);
    if (client.options().json) PrintJson(response);
  }
  std::printf(
      "imported %zu reviews, %d listings, %d new markets%s\n", imports.size(),
      listings, created,
      replayed == static_cast<int>(imports.size()) ? " (already loaded)" : "");
  PrintSuggestionCount(client);
  return 0;
}

int Suggestions(ListingsClient& client, const std::string& market) {
  v1::ListMergeSuggestionsRequest request;
  if (!market.empty()) request.set_market(MarketArgument(market));
  v1::ListMergeSuggestionsResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::ListMergeSuggestions,
                           request, &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const v1::MergeSuggestion& s : response.suggestions()) {
    std::printf("%s\n  merge %s ('%s') into %s ('%s')\n", s.id().c_str(),
                s.merged_market().name().c_str(),
                s.merged_market().display_name().c_str(),
                s.market().name().c_str(), s.market().display_name().c_str());
    for (const std::string& e : s.evidence()) {
      std::printf("  - %s\n", e.c_str());
    }
  }
  std::printf("%d suggestions; accept one with: nmlctl suggestions accept ID\n",
              response.suggestions_size());
  return 0;
}

int AcceptSuggestion(ListingsClient& client, const std::string& id) {
  v1::ListMergeSuggestionsResponse suggestions;
  if (int rc = client.Call(&v1::ListingsService::Stub::ListMergeSuggestions,
                           v1::ListMergeSuggestionsRequest(), &suggestions)) {
    return rc;
  }
  const auto it = std::find_if(
      suggestions.suggestions().begin(), suggestions.suggestions().end(),
      [&](const v1::MergeSuggestion& s) { return s.id() == id; });
  if (it == suggestions.suggestions().end()) {
    std::fprintf(stderr,
                 "nmlctl: no suggestion '%s' (nmlctl suggestions lists "
                 "them)\n",
                 id.c_str());
    return kServerError;
  }
  v1::MergeMarketsResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::MergeMarkets,
                           it->accept(), &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  std::printf(
      "merged %s into %s ('%s'); %d listings moved; %s now "
      "redirects to it\n",
      it->merged_market().name().c_str(), response.market().name().c_str(),
      response.market().display_name().c_str(), response.listings_moved(),
      it->merged_market().name().c_str());
  return 0;
}

int ListListings(ListingsClient& client, int year, const std::string& filter) {
  v1::ListListingsRequest request;
  request.set_parent(year == 0 ? "reviews/-" : common::ReviewName(year));
  request.set_filter(filter);
  request.set_page_size(1000);
  for (;;) {
    v1::ListListingsResponse response;
    if (int rc = client.Call(&v1::ListingsService::Stub::ListListings, request,
                             &response)) {
      return rc;
    }
    if (client.options().json) {
      PrintJson(response);
    } else {
      for (const v1::Listing& l : response.listings()) {
        std::printf("%-45s %-9s %s%s\n", l.name().c_str(),
                    KindName(l.market_kind()).c_str(),
                    l.market_display_name().c_str(), FirstTimeLabel(l).c_str());
      }
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return 0;
}

int History(ListingsClient& client, const std::string& market) {
  v1::GetMarketHistoryRequest request;
  request.set_market(MarketArgument(market));
  v1::GetMarketHistoryResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::GetMarketHistory,
                           request, &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  std::printf("%s (%s)\n", response.market().display_name().c_str(),
              response.market().name().c_str());
  PrintReviewStatuses(response);
  return 0;
}

int Diff(ListingsClient& client, int base, int target) {
  v1::DiffReviewsRequest request;
  request.set_base_year(base);
  request.set_target_year(target);
  v1::DiffReviewsResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::DiffReviews, request,
                           &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& c : response.changes()) {
    std::printf("%-10s %-9s %-40s %s\n",
                EnumLabel(v1::ChangeType_descriptor(), c.change()).c_str(),
                KindName(c.kind()).c_str(), c.market_display_name().c_str(),
                c.reason().c_str());
  }
  std::printf("added %d, removed %d, retained %d, relisted %d, not loaded %d\n",
              response.added_count(), response.removed_count(),
              response.retained_count(), response.relisted_count(),
              response.not_loaded_count());
  for (const auto* side :
       {&response.base_completeness(), &response.target_completeness()}) {
    for (const auto& c : *side) {
      if (c.state() == v1::COMPLETENESS_COMPLETE) continue;
      std::printf("%d %s list not complete: %s\n",
                  side == &response.base_completeness()
                      ? response.base_year()
                      : response.target_year(),
                  KindName(c.kind()).c_str(), c.reason().c_str());
    }
  }
  return 0;
}

int Stats(ListingsClient& client, int year) {
  v1::GetReviewStatsRequest request;
  request.set_name(common::ReviewName(year));
  v1::GetReviewStatsResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::GetReviewStats, request,
                           &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  PrintReviewLine(response.review());
  for (const auto& c : response.by_kind()) {
    const std::string declared =
        c.declared_count() > 0 ? absl::StrCat(c.declared_count()) : "?";
    std::printf("%s: %d loaded of %s declared\n",
                c.key() == "MARKET_KIND_PHYSICAL" ? "physical" : "online",
                c.count(), declared.c_str());
  }
  if (!response.review().complete()) {
    std::printf(
        "(counts below are of the listings loaded, not all the review "
        "names)\n");
  }
  auto print = [](const char* title, const auto& counts) {
    std::printf("%s:", title);
    for (const auto& c : counts) {
      std::printf(
          " %s=%d",
          (c.label().empty() ? (c.key().empty() ? "?" : c.key()) : c.label())
              .c_str(),
          c.count());
    }
    std::printf("\n");
  };
  print("by country", response.by_country());
  print("by operator", response.by_operator());
  print("by infringement", response.by_infringement_type());
  std::printf("first time %d, relisted %d\n", response.first_time_count(),
              response.relisted_count());
  return 0;
}

absl::StatusOr<v1::ScreenOptions> MakeScreenOptions(int year,
                                                    const std::string& as_of,
                                                    bool rollup,
                                                    bool definitive_only) {
  v1::ScreenOptions options;
  options.set_review_year(year);
  options.set_operator_rollup(rollup);
  options.set_definitive_only(definitive_only);
  if (!as_of.empty()) {
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(as_of.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("--as-of: '", as_of, "' is not YYYY-MM-DD"));
    }
    auto* date = options.mutable_as_of();
    date->set_year(y);
    date->set_month(m);
    date->set_day(d);
  }
  return options;
}

int Screen(ListingsClient& client, const std::vector<std::string>& inputs,
           const v1::ScreenOptions& options, int64_t data_version) {
  v1::ScreenDomainsRequest request;
  *request.mutable_options() = options;
  request.set_data_version(data_version);
  for (const auto& input : inputs) request.add_items()->set_input(input);
  v1::ScreenDomainsResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::ScreenDomains, request,
                           &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& r : response.results()) {
    // "reviews/2021 (DRAFT, published 2022-02-17)"
    std::string review = r.review();
    if (!review.empty()) {
      absl::StrAppend(&review, " (", StateName(r.review_state()));
      if (r.has_review_published_on()) {
        absl::StrAppend(&review, ", published ", Date(r.review_published_on()));
      }
      review += ")";
    }
    if (r.has_error()) {
      std::printf("%s: error: %s\n", r.input().c_str(),
                  r.error().message().c_str());
    } else if (r.matches().empty()) {
      // NOT LISTED or UNKNOWN, with the rule that decided it.
      std::printf("%s: %s in %s (host %s): %s\n", r.input().c_str(),
                  StatusName(r.status()).c_str(), review.c_str(),
                  r.host().c_str(), r.status_reason().c_str());
    } else {
      for (const auto& m : r.matches()) {
        std::printf("%s: LISTED %s in %s (%s via %s)\n", r.input().c_str(),
                    m.listing().c_str(), review.c_str(),
                    v1::MatchRule_Name(m.rule()).c_str(), m.pattern().c_str());
      }
    }
  }
  std::printf("data version %lld (reproduce with --data-version %lld)\n",
              static_cast<long long>(response.data_version()),
              static_cast<long long>(response.data_version()));
  return 0;
}

int Search(ListingsClient& client, const std::string& query) {
  v1::SearchMarketsRequest request;
  request.set_query(query);
  v1::SearchMarketsResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::SearchMarkets, request,
                           &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& hit : response.hits()) {
    std::printf("%.2f  %-30s %s\n", hit.score(), hit.market().name().c_str(),
                hit.market().display_name().c_str());
  }
  return 0;
}

}  // namespace nml::cli
