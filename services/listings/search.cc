// SearchMarkets: typo-tolerant search over market names and aliases.
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <algorithm>
#include <array>
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
  // Three rolling rows on the stack: a search computes thousands of these,
  // and a heap matrix each was most of its time.
  constexpr size_t kMax = 255;
  a = a.substr(0, kMax);
  b = b.substr(0, kMax);
  const size_t n = a.size(), m = b.size();
  std::array<int, kMax + 1> before_previous{}, previous{}, current{};
  for (size_t j = 0; j <= m; ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min(
          {previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before_previous[j - 2] + 1);
      }
    }
    before_previous = previous;
    previous = current;
  }
  return previous[m];
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
  // Each market's best-scoring name (the first of equals); its names are
  // consecutive in search_names().
  struct Best {
    const v1::Market* market;
    double score;
    const std::string* text;
  };
  std::vector<Best> best;
  for (const Snapshot::SearchName& name : s.search_names()) {
    if (request.kind() != v1::MARKET_KIND_UNSPECIFIED &&
        name.market->kind() != request.kind()) {
      continue;
    }
    double score = Similarity(query, name.normalized);
    // "WeChat e-commerce ecosystem" names "WeChat (Weixin) e-commerce
    // ecosystem": equal but for the qualifier, just short of exact.
    if (!name.normalized_outside.empty()) {
      score =
          std::max(score, 0.95 * Similarity(query, name.normalized_outside));
    }
    if (best.empty() || best.back().market != name.market) {
      best.push_back({name.market, 0, nullptr});
    }
    if (score > best.back().score)
      best.back() = {name.market, score, name.text};
  }
  std::vector<v1::SearchHit> hits;
  for (const Best& b : best) {
    if (b.score < 0.5) continue;
    v1::SearchHit hit;
    *hit.mutable_market() = *b.market;
    hit.set_score(b.score);
    hit.set_matched_text(*b.text);
    hits.push_back(std::move(hit));
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
