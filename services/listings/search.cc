// SearchMarkets: typo-tolerant search over market names and aliases.
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/page_token.h"
#include "common/parentheticals.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/validation.h"
#include "services/listings/domain.h"
#include "services/listings/market_names.h"
#include "services/listings/reads.h"

namespace nml::listings {

using common::FieldError;
using common::Std;

// ------------------------------------------------------------ search

namespace {

// Optimal string alignment distance (Damerau-Levenshtein with adjacent
// transpositions), bounded to short strings by the caller.
int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

double Similarity(const std::string& query, const std::string& text) {
  if (query.empty() || text.empty()) return 0;
  if (query == text) return 1.0;
  if (absl::StartsWith(text, query)) {
    return 0.85 + 0.1 * static_cast<double>(query.size()) /
                      static_cast<double>(text.size());
  }
  if (absl::StrContains(text, query)) {
    return 0.7 + 0.1 * static_cast<double>(query.size()) /
                     static_cast<double>(text.size());
  }
  // Typos: compare with the prefix of the text of the query's length too, so
  // "aliexpres" finds "aliexpress" and "pinduodou" finds "pinduoduo".
  const std::string_view whole(text);
  const std::string_view prefix =
      whole.substr(0, std::min(text.size(), query.size() + 1));
  const int distance = std::min(EditDistance(query, whole.substr(0, 64)),
                                EditDistance(query, prefix));
  const double longest =
      static_cast<double>(std::max(query.size(), prefix.size()));
  return std::max(0.0, 0.8 * (1.0 - distance / longest));
}

}  // namespace

absl::Status SearchMarkets(const Snapshot& s,
                           const v1::SearchMarketsRequest& request,
                           v1::SearchMarketsResponse& response) {
  const std::string query = NormalizeName(request.query());
  if (query.empty())
    return FieldError("query", "must contain letters or digits");
  if (request.query().size() > 200) {
    return FieldError("query", "at most 200 characters");
  }
  auto limit = common::EffectivePageSize(request.page_size(), 10, 100);
  if (!limit.ok()) return limit.status();
  std::vector<v1::SearchHit> hits;
  for (const v1::Market& market : s.markets()) {
    if (request.kind() != v1::MARKET_KIND_UNSPECIFIED &&
        market.kind() != request.kind()) {
      continue;
    }
    double best = 0;
    std::string matched;
    auto consider = [&](const std::string& text) {
      double score = Similarity(query, NormalizeName(text));
      // "WeChat e-commerce ecosystem" names "WeChat (Weixin) e-commerce
      // ecosystem": equal but for the qualifier, just short of exact.
      if (const auto parts = common::SplitParentheticals(text);
          !parts.inside.empty()) {
        score = std::max(
            score, 0.95 * Similarity(query, NormalizeName(parts.outside)));
      }
      if (score > best) {
        best = score;
        matched = text;
      }
    };
    consider(market.display_name());
    for (const auto& alias : market.aliases()) consider(alias);
    if (best >= 0.5) {
      v1::SearchHit hit;
      *hit.mutable_market() = market;
      hit.set_score(best);
      hit.set_matched_text(matched);
      hits.push_back(std::move(hit));
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    return a.score() > b.score();
  });
  for (size_t i = 0; i < hits.size() && static_cast<int>(i) < *limit; ++i) {
    *response.add_hits() = std::move(hits[i]);
  }
  response.set_data_version(s.version());
  return absl::OkStatus();
}

}  // namespace nml::listings
