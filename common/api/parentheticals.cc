#include "common/api/parentheticals.h"

namespace nml::common {

Parentheticals SplitParentheticals(std::string_view text) {
  Parentheticals parts;
  std::string group;
  int depth = 0;
  for (const char c : text) {
    if (c == '(') {
      if (depth++ > 0) group.push_back(c);
      continue;
    }
    if (c == ')') {
      if (depth == 0) continue;
      if (--depth == 0) {
        parts.inside.push_back(std::move(group));
        group.clear();
      } else {
        group.push_back(c);
      }
      continue;
    }
    (depth > 0 ? group : parts.outside).push_back(c);
  }
  return parts;
}

}  // namespace nml::common
