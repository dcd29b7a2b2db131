#pragma once

#include <absl/status/statusor.h>
#include <google/protobuf/descriptor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nml::common {

// The AIP-160 subset nml accepts in `filter` fields:
//
//   expression := term { "OR" term }          (OR binds weaker than AND)
//   term       := factor { "AND" factor }
//   factor     := "NOT" factor | "(" expression ")" | comparison
//   comparison := field op value
//   op         := "=" | "!=" | "<" | ">" | "<=" | ">=" | ":"   (":" = has)
//   value      := "double-quoted string" | number | true | false | ENUM_NAME
//
// Keywords are upper case. A parse error is INVALID_ARGUMENT naming the
// position (1-based character offset) and what was expected there.
enum class FieldType { kInt, kString, kBool, kEnum, kStringList, kEnumList };

struct FieldSpec {
  FieldType type;
  // For kEnum / kEnumList: the value names accepted.
  const google::protobuf::EnumDescriptor* enum_type = nullptr;
};

using FilterSchema = std::map<std::string, FieldSpec, std::less<>>;

// A field's value on one resource. Enums are given by value name. An
// unknown value (std::monostate) satisfies no comparison, as a NULL would
// not in SQL: `first_time = true` and `first_time = false` both leave out a
// listing whose first_time is unknown.
using FieldValue = std::variant<std::monostate, int64_t, std::string, bool,
                                std::vector<std::string>>;
using FieldGetter = std::function<FieldValue(std::string_view field)>;

// How a filter field maps to SQL, for filters evaluated by PostgreSQL.
struct SqlField {
  // A column or expression from an allow-list, never from input.
  std::string expression;
  // Rewrites a literal before it is bound ("stakeholders/x" -> "x"); its
  // error is the caller's INVALID_ARGUMENT.
  std::function<absl::StatusOr<std::string>(const std::string&)> transform;
};
using SqlMapping = std::map<std::string, SqlField, std::less<>>;

// `field:"value"`, a term a filter may require (Filter::RequiredHas).
struct HasTerm {
  std::string field;
  std::string value;
};

class Filter final {
 public:
  // An empty filter matches everything.
  static absl::StatusOr<Filter> Parse(std::string_view text,
                                      const FilterSchema& schema);
  bool Matches(const FieldGetter& get) const;
  bool empty() const { return root_ == nullptr; }

  // The filter as a SQL condition whose literals are all bind parameters,
  // appended to `params` and numbered after those already there. An empty
  // filter is "TRUE". `enforced`, a term RequiredHas found that the
  // caller's SQL already enforces, is written as TRUE, so the planner does
  // not weigh the same condition twice.
  absl::StatusOr<std::string> ToSql(const SqlMapping& mapping,
                                    std::vector<std::string>* params,
                                    const HasTerm* enforced = nullptr) const;

  // The term every match must satisfy on list field `field`: a top-level
  // `field:"x"`, alone or in a conjunction (not under OR or NOT). A store
  // can read such a filter from an index on that field in page order.
  std::optional<HasTerm> RequiredHas(std::string_view field) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

// The parsed `order_by`: fields from an allow-list, each ascending or not.
struct OrderKey {
  std::string field;
  bool descending = false;
};
absl::StatusOr<std::vector<OrderKey>> ParseOrderBy(
    std::string_view text, const std::vector<std::string>& allowed,
    std::vector<OrderKey> default_order);

}  // namespace nml::common
