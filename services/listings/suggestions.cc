// ListMergeSuggestions: markets that look like one market spelled two ways.
// Import never merges these by itself (a near name is not proof); it is
// left to a person, with the evidence.
#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "common/api/status.h"
#include "common/api/strings.h"
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

// The hash of every string `text` gives with up to `depth` characters
// deleted (and of `text` itself): two names within that many edits of each
// other share one. Hashes, not strings: a name of 16 gives 137 of them.
void AddDeletions(const std::string& text, int depth,
                  std::vector<uint64_t>& out) {
  out.push_back(std::hash<std::string>()(text));
  if (depth == 0 || text.size() <= 1) return;
  for (size_t i = 0; i < text.size(); ++i) {
    // Deleting either of two equal neighbours gives the same string.
    if (i > 0 && text[i] == text[i - 1]) continue;
    std::string shorter = text;
    shorter.erase(i, 1);
    AddDeletions(shorter, depth - 1, out);
  }
}

// Names shorter than this are left out of the edit-distance rule: "VK" and
// "OK" are two markets.
constexpr size_t kMinFuzzyLength = 6;
// Longer names get one deletion, not two: the keys grow with the square.
constexpr size_t kMaxTwoDeletionLength = 16;
// A key shared by more markets than this is too common to be evidence
// (and pairing all of them would be quadratic).
constexpr size_t kMaxKeyMembers = 32;

std::string Years(const std::vector<int>& years) {
  if (years.empty()) return "never listed";
  return absl::StrCat("listed ", common::YearRuns(years));
}

// A market's names, split and normalised once.
struct Name {
  const std::string* text;
  std::vector<std::string> words;
  std::string normalized;
};

std::vector<Name> NamesOf(const v1::Market& m) {
  std::vector<Name> names;
  const auto add = [&](const std::string& text) {
    names.push_back({&text, Words(text), NormalizeName(text)});
  };
  add(m.display_name());
  for (const std::string& alias : m.aliases()) add(alias);
  return names;
}

// Why the names of two markets may be one name, or "" when they may not.
std::string NameEvidence(const std::vector<Name>& a,
                         const std::vector<Name>& b) {
  for (const Name& x : a) {
    for (const Name& y : b) {
      const bool x_shorter = x.words.size() < y.words.size();
      const auto& shorter = x_shorter ? x.words : y.words;
      const auto& longer = x_shorter ? y.words : x.words;
      if (!shorter.empty() && shorter.size() < longer.size() &&
          std::equal(shorter.begin(), shorter.end(), longer.begin()) &&
          std::all_of(
              longer.begin() + static_cast<long>(shorter.size()), longer.end(),
              [](const std::string& w) { return PlaceWords().contains(w); })) {
        return absl::StrCat(
            "'", *(x_shorter ? y : x).text, "' extends '",
            *(x_shorter ? x : y).text, "' with the place words '",
            absl::StrJoin(longer.begin() + static_cast<long>(shorter.size()),
                          longer.end(), " "),
            "'");
      }
      if (x.normalized.size() >= kMinFuzzyLength &&
          y.normalized.size() >= kMinFuzzyLength &&
          x.normalized != y.normalized) {
        if (const int d = EditDistance(x.normalized, y.normalized); d <= 2) {
          return absl::StrCat("'", *x.text, "' and '", *y.text, "' differ by ",
                              d, d == 1 ? " edit" : " edits");
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
  // normalised name (hashed). Sorting (key, market) groups each key's
  // markets, so the cost is linear in the names, plus the pairs.
  const auto& markets = s.markets();
  std::vector<std::vector<Name>> names(markets.size());
  std::vector<std::pair<uint64_t, uint32_t>> keys;
  for (size_t i = 0; i < markets.size(); ++i) {
    names[i] = NamesOf(markets[i]);
    std::vector<uint64_t> own;
    for (const Name& name : names[i]) {
      own.push_back(std::hash<std::string>()("stem " + Stem(name.words)));
      if (name.normalized.size() < kMinFuzzyLength) continue;
      AddDeletions(name.normalized,
                   name.normalized.size() > kMaxTwoDeletionLength ? 1 : 2, own);
    }
    for (const uint64_t key : own) {
      keys.emplace_back(key, static_cast<uint32_t>(i));
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (size_t start = 0; start < keys.size();) {
    size_t end = start;
    while (end < keys.size() && keys[end].first == keys[start].first) ++end;
    if (end - start <= kMaxKeyMembers) {
      for (size_t x = start; x < end; ++x) {
        for (size_t y = x + 1; y < end; ++y) {
          pairs.emplace_back(keys[x].second, keys[y].second);
        }
      }
    }
    start = end;
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());

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
    const std::string name_evidence = NameEvidence(names[i], names[j]);
    if (name_evidence.empty()) continue;
    evidence.insert(evidence.begin(), name_evidence);
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
