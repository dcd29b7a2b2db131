// ListMergeSuggestions: markets that look like one market spelled two ways.
// Import never merges these by itself (a near name is not proof); it is
// left to a person, with the evidence.
#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "common/status.h"
#include "services/listings/market_names.h"
#include "services/listings/reads.h"

namespace nml::listings {

using common::FieldError;

namespace {

// Words that name a kind of place: "Saigon Square Trade Center" extends
// "Saigon Square" with two of them.
const std::set<std::string, std::less<>>& PlaceWords() {
  static const std::set<std::string, std::less<>> kWords = {
      "arcade", "area",   "bazaar",   "bazar",   "building",
      "center", "centre", "city",     "complex", "district",
      "hall",   "mall",   "market",   "markets", "night",
      "plaza",  "road",   "shopping", "souk",    "square",
      "street", "tower",  "town",     "trade",   "village"};
  return kWords;
}

std::vector<std::string> Words(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : name) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      word.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// The words left once trailing place words are set aside: the key under
// which one name and its extensions by place words meet.
std::string Stem(const std::vector<std::string>& words) {
  size_t end = words.size();
  while (end > 1 && PlaceWords().contains(words[end - 1])) --end;
  return absl::StrJoin(words.begin(), words.begin() + end, " ");
}

// Every string `text` gives with one or two characters deleted: two names
// within edit distance two share one of these keys (or are one another's).
void AddDeletions(const std::string& text, int depth,
                  std::set<std::string>& out) {
  if (depth == 0 || text.size() <= 1) return;
  for (size_t i = 0; i < text.size(); ++i) {
    std::string shorter = text;
    shorter.erase(i, 1);
    if (out.insert(shorter).second) AddDeletions(shorter, depth - 1, out);
  }
}

// Names shorter than this are left out of the edit-distance rule: "VK" and
// "OK" are two markets.
constexpr size_t kMinFuzzyLength = 6;
// Longer names get one deletion, not two: the keys grow with the square.
constexpr size_t kMaxTwoDeletionLength = 32;

std::string Years(const std::vector<int>& years) {
  if (years.empty()) return "never listed";
  std::vector<std::string> runs;
  for (size_t i = 0; i < years.size();) {
    size_t j = i;
    while (j + 1 < years.size() && years[j + 1] == years[j] + 1) ++j;
    runs.push_back(i == j ? absl::StrCat(years[i])
                          : absl::StrCat(years[i], "-", years[j]));
    i = j + 1;
  }
  return absl::StrCat("listed ", absl::StrJoin(runs, ", "));
}

// Why the names of `a` and `b` may be one name, or "" when they may not.
std::string NameEvidence(const v1::Market& a, const v1::Market& b) {
  std::vector<std::string> names_a{a.display_name()};
  names_a.insert(names_a.end(), a.aliases().begin(), a.aliases().end());
  std::vector<std::string> names_b{b.display_name()};
  names_b.insert(names_b.end(), b.aliases().begin(), b.aliases().end());
  for (const std::string& x : names_a) {
    for (const std::string& y : names_b) {
      const auto wx = Words(x), wy = Words(y);
      const auto& shorter = wx.size() < wy.size() ? wx : wy;
      const auto& longer = wx.size() < wy.size() ? wy : wx;
      if (!shorter.empty() && shorter.size() < longer.size() &&
          std::equal(shorter.begin(), shorter.end(), longer.begin()) &&
          std::all_of(
              longer.begin() + shorter.size(), longer.end(),
              [](const std::string& w) { return PlaceWords().contains(w); })) {
        const std::string& long_name = wx.size() < wy.size() ? y : x;
        const std::string& short_name = wx.size() < wy.size() ? x : y;
        return absl::StrCat(
            "'", long_name, "' extends '", short_name,
            "' with the place words '",
            absl::StrJoin(longer.begin() + shorter.size(), longer.end(), " "),
            "'");
      }
      const std::string nx = NormalizeName(x), ny = NormalizeName(y);
      if (nx.size() >= kMinFuzzyLength && ny.size() >= kMinFuzzyLength &&
          nx != ny) {
        if (const int d = EditDistance(nx, ny); d <= 2) {
          return absl::StrCat("'", x, "' and '", y, "' differ by ", d,
                              d == 1 ? " edit" : " edits");
        }
      }
    }
  }
  return "";
}

}  // namespace

absl::Status ListMergeSuggestions(
    const Snapshot& s, const v1::ListMergeSuggestionsRequest& request,
    v1::ListMergeSuggestionsResponse& response) {
  const v1::Market* only = nullptr;
  if (!request.market().empty()) {
    const auto id = ParseMarketName(request.market());
    if (!id) return FieldError("market", "must be markets/{market}");
    only = s.FindMarket(*id);
    if (only == nullptr) {
      return common::ResourceNotFound(
          request.market(), absl::StrCat(request.market(), " not found"));
    }
  }
  // Candidate pairs meet under a shared key: a stem, or a deletion of a
  // normalised name. Keys are per market, so a pair is found once per key.
  std::unordered_map<std::string, std::vector<size_t>> by_key;
  const auto& markets = s.markets();
  for (size_t i = 0; i < markets.size(); ++i) {
    std::set<std::string> keys;
    std::vector<std::string> names{markets[i].display_name()};
    names.insert(names.end(), markets[i].aliases().begin(),
                 markets[i].aliases().end());
    for (const std::string& name : names) {
      keys.insert("s:" + Stem(Words(name)));
      const std::string normalized = NormalizeName(name);
      if (normalized.size() < kMinFuzzyLength) continue;
      std::set<std::string> deletions{normalized};
      AddDeletions(normalized,
                   normalized.size() > kMaxTwoDeletionLength ? 1 : 2,
                   deletions);
      for (const std::string& d : deletions) keys.insert("d:" + d);
    }
    for (const std::string& key : keys) by_key[key].push_back(i);
  }
  std::set<std::pair<size_t, size_t>> pairs;
  for (const auto& [key, members] : by_key) {
    for (size_t x = 0; x < members.size(); ++x) {
      for (size_t y = x + 1; y < members.size(); ++y) {
        pairs.emplace(members[x], members[y]);
      }
    }
  }

  std::map<std::string, v1::MergeSuggestion> found;  // by id
  for (const auto& [i, j] : pairs) {
    const v1::Market& a = markets[i];
    const v1::Market& b = markets[j];
    if (only != nullptr && &a != only && &b != only) continue;
    if (a.kind() != b.kind()) continue;
    const std::string id_a = *ParseMarketName(a.name());
    const std::string id_b = *ParseMarketName(b.name());
    const std::vector<int> years_a = s.ListedYears(id_a);
    const std::vector<int> years_b = s.ListedYears(id_b);
    std::vector<int> both;
    std::set_intersection(years_a.begin(), years_a.end(), years_b.begin(),
                          years_b.end(), std::back_inserter(both));
    if (!both.empty()) continue;  // two markets of one review
    std::vector<std::string> evidence;
    if (!a.country_code().empty() && !b.country_code().empty()) {
      if (a.country_code() != b.country_code()) continue;
      evidence.push_back(absl::StrCat("same country: ", a.country_code()));
    }
    if (!a.city().empty() && !b.city().empty()) {
      if (absl::AsciiStrToLower(a.city()) != absl::AsciiStrToLower(b.city())) {
        continue;
      }
      evidence.push_back(absl::StrCat("same city: ", a.city()));
    }
    const std::string names = NameEvidence(a, b);
    if (names.empty()) continue;
    evidence.insert(evidence.begin(), names);
    // The survivor is the one listed last: its name is the newest spelling,
    // as an import would have chosen.
    const int last_a = years_a.empty() ? 0 : years_a.back();
    const int last_b = years_b.empty() ? 0 : years_b.back();
    const bool a_survives = last_a != last_b ? last_a > last_b : i < j;
    const v1::Market& survivor = a_survives ? a : b;
    const v1::Market& merged = a_survives ? b : a;
    evidence.push_back(absl::StrCat(
        survivor.display_name(), " ", Years(a_survives ? years_a : years_b),
        "; ", merged.display_name(), " ", Years(a_survives ? years_b : years_a),
        ": never in the same review"));
    v1::MergeSuggestion suggestion;
    suggestion.set_id(absl::StrCat(*ParseMarketName(survivor.name()), "~",
                                   *ParseMarketName(merged.name())));
    *suggestion.mutable_market() = survivor;
    *suggestion.mutable_merged_market() = merged;
    for (auto& e : evidence) suggestion.add_evidence(std::move(e));
    v1::MergeMarketsRequest& accept = *suggestion.mutable_accept();
    accept.set_market(survivor.name());
    accept.add_merged_markets(merged.name());
    accept.set_request_id(
        absl::StrCat("accept-", suggestion.id(), "-at-", s.version()));
    found.emplace(suggestion.id(), std::move(suggestion));
  }
  for (auto& [id, suggestion] : found) {
    *response.add_suggestions() = std::move(suggestion);
  }
  response.set_data_version(s.version());
  return absl::OkStatus();
}

}  // namespace nml::listings
