#pragma once

#include <string>
#include <string_view>

namespace nml::common {

// Folds UTF-8 text for matching names, by Unicode's rules (ICU): compatibility
// decomposition, accents and other combining marks removed, Latin letters to
// their ASCII forms ("ß" -> "ss", "Ø" -> "O"), lower case. Letters of other
// scripts stay (lower-cased). "Galeria Pagé" -> "galeria page". Invalid
// UTF-8 bytes become U+FFFD. ASCII input is only lower-cased.
std::string FoldForMatching(std::string_view utf8);

// Any script to ASCII Latin letters, for ids: "Galeria Pagé" -> "Galeria
// Page", "Горбушкин Двор" -> "Gorbuskin Dvor". What has no Latin form is
// dropped. ASCII input is returned unchanged.
std::string TransliterateToAscii(std::string_view utf8);

// The Unicode code points of UTF-8 text (invalid bytes become U+FFFD).
std::u32string CodePoints(std::string_view utf8);

}  // namespace nml::common
