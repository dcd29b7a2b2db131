#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nml::listings {

// Normalises a market name for matching: accents removed and case folded by
// Unicode's rules (common::FoldForMatching), letters and digits only,
// without a leading "the" or possessive "'s" ("The Pirate Bay" and
// "ThePirateBay" both give "piratebay", "Galeria Pagé" "galeriapage").
std::string NormalizeName(std::string_view name);

// An operator's name without its legal form, for reconciling operators:
// folded like NormalizeName, with trailing words such as "Group",
// "Holding", "Ltd", "Inc" dropped while another word is left ("Alibaba
// Group Holding Ltd" and "Alibaba Group" both give "alibaba").
std::string OperatorCoreName(std::string_view name);

// A name and its qualifiers, each normalised: "Kidderpore (Fancy Market)"
// -> base "kidderpore", inner ["fancymarket"].
struct NameParts {
  std::string base;
  std::vector<std::string> inner;
};
NameParts SplitName(std::string_view name);

// Optimal string alignment distance (Damerau-Levenshtein with adjacent
// transpositions) over the first 255 letters (Unicode code points) of each.
int EditDistance(std::string_view a, std::string_view b);

}  // namespace nml::listings
