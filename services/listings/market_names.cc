#include "services/listings/market_names.h"

#include <absl/strings/ascii.h>

#include "common/parentheticals.h"
#include "common/strings.h"

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
  std::string lower = absl::AsciiStrToLower(spaced);
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

NameParts SplitName(std::string_view name) {
  const common::Parentheticals split = common::SplitParentheticals(name);
  NameParts parts;
  parts.base = NormalizeName(split.outside);
  for (const std::string& inner : split.inside) {
    parts.inner.push_back(NormalizeName(inner));
  }
  return parts;
}

}  // namespace nml::listings
