// SearchMarkets: typo-tolerant search over market names and aliases.
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "common/api/page_token.h"
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

// ------------------------------------------------------------ search

namespace {

// The most a match with typos scores: below any exact, prefix or
// containing match.
constexpr double kMaxTypoScore = 0.8;

// 1.0 for equal, then prefix, then containing; typos (edit distance) only
// when `typos` (the costly part).
double Similarity(const std::string& query, const std::string& text,
                  bool typos) {
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
  if (!typos) return 0;
  // Typos: compare with the prefix of the text of the query's length too, so
  // "aliexpres" finds "aliexpress" and "pinduodou" finds "pinduoduo".
  const std::string_view whole(text);
  const std::string_view prefix =
      whole.substr(0, std::min(text.size(), query.size() + 1));
  const int distance = std::min(EditDistance(query, whole.substr(0, 64)),
                                EditDistance(query, prefix));
  const double longest =
      static_cast<double>(std::max(query.size(), prefix.size()));
  return std::max(0.0, kMaxTypoScore * (1.0 - distance / longest));
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
  const auto score_all = [&](bool typos) {
    std::vector<Best> best;
    for (const Snapshot::SearchName& name : s.search_names()) {
      if (request.kind() != v1::MARKET_KIND_UNSPECIFIED &&
          name.market->kind() != request.kind()) {
        continue;
      }
      double score = Similarity(query, name.normalized, typos);
      // "WeChat e-commerce ecosystem" names "WeChat (Weixin) e-commerce
      // ecosystem": equal but for the qualifier, just short of exact.
      if (!name.normalized_outside.empty()) {
        score = std::max(
            score, 0.95 * Similarity(query, name.normalized_outside, typos));
      }
      if (best.empty() || best.back().market != name.market) {
        best.push_back({name.market, 0, nullptr});
      }
      if (score > best.back().score) {
        best.back() = {name.market, score, name.text};
      }
    }
    std::erase_if(best, [](const Best& b) { return b.score < 0.5; });
    return best;
  };
  // Exact and prefix matches score above any match with typos: when they
  // fill the answer, no edit distance is needed (most of a search's cost).
  std::vector<Best> best = score_all(false);
  if (std::count_if(best.begin(), best.end(), [](const Best& b) {
        return b.score > kMaxTypoScore;
      }) < *limit) {
    best = score_all(true);
  }
  std::stable_sort(best.begin(), best.end(), [](const Best& a, const Best& b) {
    return a.score > b.score;
  });
  // Only the answer's hits become messages.
  for (size_t i = 0; i < best.size() && static_cast<int>(i) < *limit; ++i) {
    v1::SearchHit* hit = response.add_hits();
    *hit->mutable_market() = *best[i].market;
    hit->set_score(best[i].score);
    hit->set_matched_text(*best[i].text);
  }
  response.set_data_version(s.version());
  return absl::OkStatus();
}

}  // namespace nml::listings
