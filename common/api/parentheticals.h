#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nml::common {

// A name with its parenthesised qualifiers apart: "Kidderpore (Fancy
// Market)" -> outside "Kidderpore ", inside ["Fancy Market"]. Nested
// parentheses belong to their outermost group; an unclosed "(" runs to the
// end; a stray ")" is dropped. The one place qualifiers are stripped.
struct Parentheticals {
  std::string outside;
  std::vector<std::string> inside;
};
Parentheticals SplitParentheticals(std::string_view text);

}  // namespace nml::common
