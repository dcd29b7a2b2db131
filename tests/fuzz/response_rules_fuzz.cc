// Fuzzes the response import's reading of free text: stances, stakeholder
// types and names, and target lists with their parentheses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/responses/import_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nml::responses;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  MapStance(text);
  MapStakeholderType(text);
  const StakeholderName name = SplitStakeholderName(text);
  if (name.display_name.size() > text.size()) __builtin_trap();
  for (const TargetPart& part : SplitTargets(text)) {
    if (part.text.size() > text.size()) __builtin_trap();
  }
  return 0;
}
