#include "services/listings/market_names.h"

#include <absl/container/flat_hash_set.h>
#include <absl/strings/ascii.h>
#include <absl/strings/str_join.h>

#include <algorithm>
#include <array>

#include "common/api/parentheticals.h"
#include "common/api/strings.h"
#include "common/text/text_fold.h"

namespace nml::listings {

using common::Std;

std::string NormalizeName(std::string_view name) {
  // A camel-case boundary separates words ("ThePirateBay"), so a leading
  // "The" is recognised either way.
  std::string spaced;
  for (size_t i = 0; i < name.size(); ++i) {
    if (i > 0 && absl::ascii_islower(name[i - 1]) &&
        absl::ascii_isupper(name[i])) {
      spaced.push_back(' ');
    }
    spaced.push_back(name[i]);
  }
  // Accents and case by Unicode's rules: "Pagé" and "PAGE" are "page".
  std::string lower = common::FoldForMatching(spaced);
  // Possessive "'s" goes before punctuation is dropped.
  for (size_t pos; (pos = lower.find("'s")) != std::string::npos;) {
    lower.erase(pos, 2);
  }
  std::string out;
  for (const char c : lower) {
    if (absl::ascii_isalnum(c) || static_cast<unsigned char>(c) >= 0x80) {
      out.push_back(c);
    } else {
      out.push_back(' ');
    }
  }
  std::string_view view = Std(absl::StripAsciiWhitespace(out));
  if (view.starts_with("the ")) view.remove_prefix(4);
  std::string compact;
  for (const char c : view) {
    if (c != ' ') compact.push_back(c);
  }
  return compact;
}

std::string OperatorCoreName(std::string_view name) {
  // Legal forms and corporate words that sources add or leave out.
  static const absl::flat_hash_set<std::string_view> kLegalForm = {
      "ab",           "ag",      "bv",    "co",      "company",  "corp",
      "corporation",  "gmbh",    "group", "holding", "holdings", "inc",
      "incorporated", "limited", "llc",   "ltd",     "nv",       "plc",
      "pte",          "pty",     "sa",    "sarl",    "spa",      "srl"};
  std::vector<std::string> words;
  std::string word;
  for (const char c : common::FoldForMatching(name) + " ") {
    if (absl::ascii_isalnum(c) || static_cast<unsigned char>(c) >= 0x80) {
      word.push_back(c);
    } else if (c != '\'' && c != '.' && !word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  while (words.size() > 1 && kLegalForm.contains(words.back())) {
    words.pop_back();
  }
  return absl::StrJoin(words, "");
}

NameParts SplitName(std::string_view name) {
  const common::Parentheticals split = common::SplitParentheticals(name);
  NameParts parts;
  parts.base = NormalizeName(split.outside);
  for (const std::string& inner : split.inside) {
    parts.inner.push_back(NormalizeName(inner));
  }
  return parts;
}

namespace {

// Optimal string alignment distance (Damerau-Levenshtein with adjacent
// transpositions) over code units, bounded to short strings by the caller.
template <typename Char>
int Distance(std::basic_string_view<Char> a, std::basic_string_view<Char> b) {
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

bool HasNonAscii(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x80;
  });
}

}  // namespace

int EditDistance(std::string_view a, std::string_view b) {
  if (!HasNonAscii(a) && !HasNonAscii(b)) return Distance(a, b);
  // Letters, not bytes: "ж" is one edit from "з", not two.
  const std::u32string x = common::CodePoints(a), y = common::CodePoints(b);
  return Distance(std::u32string_view(x), std::u32string_view(y));
}

}  // namespace nml::listings
