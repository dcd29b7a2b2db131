#pragma once

#include <absl/status/statusor.h>
#include <google/protobuf/descriptor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
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

// A field's value on one resource. Enums are given by value name.
using FieldValue =
    std::variant<int64_t, std::string, bool, std::vector<std::string>>;
using FieldGetter = std::function<FieldValue(std::string_view field)>;

class Filter final {
 public:
  // An empty filter matches everything.
  static absl::StatusOr<Filter> Parse(std::string_view text,
                                      const FilterSchema& schema);
  bool Matches(const FieldGetter& get) const;
  bool empty() const { return root_ == nullptr; }

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
