// Fuzzes the AIP-160 filter parser with ListResponses's schema, and every
// use of a parsed filter: in-memory matching, SQL, the required term.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/api/filter.h"
#include "services/responses/pg_responses_rows.h"
#include "services/responses/response_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nml;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto filter = common::Filter::Parse(text, responses::ResponseFilterSchema());
  if (!filter.ok()) return 0;
  // A value of each type, whatever the field.
  filter->Matches([](std::string_view field) -> common::FieldValue {
    if (field == "review_year") return int64_t{2021};
    if (field == "targets") {
      return std::vector<std::string>{"markets/aliexpress", "reviews/2021"};
    }
    if (field == "stance") return std::string("STANCE_OPPOSES");
    return std::string("x");
  });
  std::vector<std::string> params;
  const auto required = filter->RequiredHas("targets");
  auto sql = filter->ToSql(responses::ResponseSqlMapping(false), &params,
                           required ? &*required : nullptr);
  // PostgreSQL's text parameters end at a NUL: one must never get there.
  if (required) params.push_back(required->value);
  for (const auto& p : params) {
    if (p.find('\0') != std::string::npos) __builtin_trap();
  }
  return 0;
}
