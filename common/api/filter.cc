#include "common/api/filter.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>

#include <algorithm>
#include <charconv>

#include "common/api/percent_encoding.h"
#include "common/api/strings.h"
#include "common/api/validation.h"

namespace nml::common {

struct Filter::Node {
  enum class Kind { kAnd, kOr, kNot, kCompare } kind;
  std::shared_ptr<const Node> left;
  std::shared_ptr<const Node> right;
  // kCompare
  std::string field;
  std::string op;
  FieldSpec spec;
  std::string text;  // string or enum literal
  int64_t number = 0;
  bool boolean = false;
};

namespace {

using Node = Filter::Node;

struct Token {
  enum class Kind { kEnd, kIdent, kString, kNumber, kOp, kLParen, kRParen };
  Kind kind;
  std::string text;
  size_t position;  // 1-based
};

absl::Status ErrorAt(size_t position, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(
      "filter: at position ", position, ": ", std::string(message)));
}

// The 1-based character (not byte) position of byte `i` of UTF-8 `text`.
size_t CharPosition(std::string_view text, size_t i) {
  size_t position = 1;
  for (size_t k = 0; k < i && k < text.size(); ++k) {
    if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) ++position;
  }
  return position;
}

// A character for an error message: itself when printable, and its code
// point ("'é' (U+00E9)", "U+0000").
std::string DescribeChar(std::string_view text, size_t i) {
  const size_t length = std::max<size_t>(1, Utf8SequenceLength(text.substr(i)));
  const std::string_view c = text.substr(i, length);
  uint32_t code = static_cast<unsigned char>(c[0]);
  if (length > 1) {
    code &= 0xFF >> (length + 1);
    for (size_t k = 1; k < length; ++k) {
      code = (code << 6) | (static_cast<unsigned char>(c[k]) & 0x3F);
    }
  }
  const std::string point = absl::StrFormat("U+%04X", code);
  if (code < 0x20 || code == 0x7F) return point;
  return absl::StrCat("'", Absl(c), "' (", point, ")");
}

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const size_t position = CharPosition(text, i);
    if (absl::ascii_isspace(c)) {
      ++i;
    } else if (c == '(') {
      tokens.push_back({Token::Kind::kLParen, "(", position});
      ++i;
    } else if (c == ')') {
      tokens.push_back({Token::Kind::kRParen, ")", position});
      ++i;
    } else if (c == '"') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          value.push_back(text[i + 1]);
          i += 2;
        } else if (text[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value.push_back(text[i++]);
        }
      }
      if (!closed) return ErrorAt(position, "unterminated string");
      tokens.push_back({Token::Kind::kString, std::move(value), position});
    } else if (c == '=' || c == ':') {
      tokens.push_back({Token::Kind::kOp, std::string(1, c), position});
      ++i;
    } else if (c == '!' || c == '<' || c == '>') {
      if (i + 1 < text.size() && text[i + 1] == '=') {
        tokens.push_back(
            {Token::Kind::kOp, std::string(text.substr(i, 2)), position});
        i += 2;
      } else if (c == '!') {
        return ErrorAt(position, "expected '!='");
      } else {
        tokens.push_back({Token::Kind::kOp, std::string(1, c), position});
        ++i;
      }
    } else if (absl::ascii_isdigit(c) || c == '-') {
      size_t j = i + 1;
      while (j < text.size() && absl::ascii_isdigit(text[j])) ++j;
      tokens.push_back(
          {Token::Kind::kNumber, std::string(text.substr(i, j - i)), position});
      i = j;
    } else if (absl::ascii_isalpha(c) || c == '_') {
      size_t j = i + 1;
      while (j < text.size() && (absl::ascii_isalnum(text[j]) ||
                                 text[j] == '_' || text[j] == '.')) {
        ++j;
      }
      tokens.push_back(
          {Token::Kind::kIdent, std::string(text.substr(i, j - i)), position});
      i = j;
    } else {
      return ErrorAt(position, absl::StrCat("unexpected character ",
                                            DescribeChar(text, i)));
    }
  }
  tokens.push_back({Token::Kind::kEnd, "", text.size() + 1});
  return tokens;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const FilterSchema& schema)
      : tokens_(std::move(tokens)), schema_(schema) {}

  absl::StatusOr<std::shared_ptr<const Node>> ParseAll() {
    auto node = ParseOr();
    if (!node.ok()) return node;
    if (Peek().kind != Token::Kind::kEnd) {
      return ErrorAt(Peek().position,
                     absl::StrCat("expected AND, OR or the end, found '",
                                  Peek().text, "'"));
    }
    return node;
  }

 private:
  const Token& Peek() const { return tokens_[next_]; }
  const Token& Take() { return tokens_[next_++]; }
  bool TakeKeyword(std::string_view keyword) {
    if (Peek().kind == Token::Kind::kIdent && Peek().text == keyword) {
      ++next_;
      return true;
    }
    return false;
  }

  absl::StatusOr<std::shared_ptr<const Node>> ParseOr() {
    auto left = ParseAnd();
    if (!left.ok()) return left;
    while (TakeKeyword("OR")) {
      auto right = ParseAnd();
      if (!right.ok()) return right;
      auto node = std::make_shared<Node>();
      node->kind = Node::Kind::kOr;
      node->left = *left;
      node->right = *right;
      left = node;
    }
    return left;
  }

  absl::StatusOr<std::shared_ptr<const Node>> ParseAnd() {
    auto left = ParseFactor();
    if (!left.ok()) return left;
    while (TakeKeyword("AND")) {
      auto right = ParseFactor();
      if (!right.ok()) return right;
      auto node = std::make_shared<Node>();
      node->kind = Node::Kind::kAnd;
      node->left = *left;
      node->right = *right;
      left = node;
    }
    return left;
  }

  absl::StatusOr<std::shared_ptr<const Node>> ParseFactor() {
    if (++depth_ > 64) return ErrorAt(Peek().position, "nested too deeply");
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{depth_};
    if (TakeKeyword("NOT")) {
      auto operand = ParseFactor();
      if (!operand.ok()) return operand;
      auto node = std::make_shared<Node>();
      node->kind = Node::Kind::kNot;
      node->left = *operand;
      return node;
    }
    if (Peek().kind == Token::Kind::kLParen) {
      Take();
      auto inner = ParseOr();
      if (!inner.ok()) return inner;
      if (Peek().kind != Token::Kind::kRParen) {
        return ErrorAt(Peek().position, "expected ')'");
      }
      Take();
      return inner;
    }
    return ParseComparison();
  }

  absl::StatusOr<std::shared_ptr<const Node>> ParseComparison() {
    const Token& field = Take();
    if (field.kind != Token::Kind::kIdent) {
      return ErrorAt(field.position,
                     field.kind == Token::Kind::kEnd
                         ? "expected a field name, found the end"
                         : absl::StrCat("expected a field name, found '",
                                        field.text, "'"));
    }
    const auto spec = schema_.find(field.text);
    if (spec == schema_.end()) {
      std::vector<std::string> names;
      for (const auto& [name, unused] : schema_) names.push_back(name);
      return ErrorAt(
          field.position,
          absl::StrCat("unknown field '", field.text,
                       "' (filterable: ", absl::StrJoin(names, ", "), ")"));
    }
    const Token& op = Take();
    if (op.kind != Token::Kind::kOp) {
      return ErrorAt(op.position, "expected an operator (= != < > <= >= :)");
    }
    const bool is_list = spec->second.type == FieldType::kStringList ||
                         spec->second.type == FieldType::kEnumList;
    if (is_list != (op.text == ":")) {
      return ErrorAt(
          op.position,
          is_list ? absl::StrCat("'", field.text, "' is repeated: use ':'")
                  : absl::StrCat("':' applies to repeated fields; '",
                                 field.text, "' is not"));
    }
    const Token& value = Take();
    auto node = std::make_shared<Node>();
    node->kind = Node::Kind::kCompare;
    node->field = field.text;
    node->op = op.text;
    node->spec = spec->second;
    switch (spec->second.type) {
      case FieldType::kInt: {
        if (value.kind != Token::Kind::kNumber) {
          return ErrorAt(value.position,
                         absl::StrCat("'", field.text, "' takes a number"));
        }
        const auto [end, ec] = std::from_chars(
            value.text.data(), value.text.data() + value.text.size(),
            node->number);
        if (ec != std::errc() || end != value.text.data() + value.text.size()) {
          return ErrorAt(value.position, "number out of range");
        }
        break;
      }
      case FieldType::kBool:
        if (value.kind != Token::Kind::kIdent ||
            (value.text != "true" && value.text != "false")) {
          return ErrorAt(value.position, absl::StrCat("'", field.text,
                                                      "' takes true or false"));
        }
        if (op.text != "=" && op.text != "!=") {
          return ErrorAt(op.position, "booleans compare with = or !=");
        }
        node->boolean = value.text == "true";
        break;
      case FieldType::kString:
      case FieldType::kStringList:
        if (value.kind != Token::Kind::kString) {
          return ErrorAt(
              value.position,
              absl::StrCat("'", field.text, "' takes a double-quoted string"));
        }
        node->text = value.text;
        break;
      case FieldType::kEnum:
      case FieldType::kEnumList:
        if (value.kind != Token::Kind::kIdent ||
            spec->second.enum_type->FindValueByName(value.text) == nullptr) {
          std::vector<std::string> names;
          for (int i = 1; i < spec->second.enum_type->value_count(); ++i) {
            names.push_back(spec->second.enum_type->value(i)->name());
          }
          return ErrorAt(value.position,
                         absl::StrCat("'", field.text, "' takes one of ",
                                      absl::StrJoin(names, ", ")));
        }
        if (spec->second.type == FieldType::kEnum && op.text != "=" &&
            op.text != "!=") {
          return ErrorAt(op.position, "enums compare with = or !=");
        }
        node->text = value.text;
        break;
    }
    return node;
  }

  std::vector<Token> tokens_;
  const FilterSchema& schema_;
  size_t next_ = 0;
  int depth_ = 0;
};

template <typename T>
bool Compare(const T& a, const std::string& op, const T& b) {
  if (op == "=") return a == b;
  if (op == "!=") return a != b;
  if (op == "<") return a < b;
  if (op == ">") return a > b;
  if (op == "<=") return a <= b;
  return a >= b;
}

bool Evaluate(const Node& node, const FieldGetter& get) {
  switch (node.kind) {
    case Node::Kind::kAnd:
      return Evaluate(*node.left, get) && Evaluate(*node.right, get);
    case Node::Kind::kOr:
      return Evaluate(*node.left, get) || Evaluate(*node.right, get);
    case Node::Kind::kNot:
      return !Evaluate(*node.left, get);
    case Node::Kind::kCompare:
      break;
  }
  const FieldValue value = get(node.field);
  if (std::holds_alternative<std::monostate>(value)) return false;
  switch (node.spec.type) {
    case FieldType::kInt:
      return Compare(std::get<int64_t>(value), node.op, node.number);
    case FieldType::kBool:
      return Compare(std::get<bool>(value), node.op, node.boolean);
    case FieldType::kString:
    case FieldType::kEnum:
      return Compare(std::get<std::string>(value), node.op, node.text);
    case FieldType::kStringList:
    case FieldType::kEnumList: {
      const auto& list = std::get<std::vector<std::string>>(value);
      return std::find(list.begin(), list.end(), node.text) != list.end();
    }
  }
  return false;
}

// `enforced` (may be null) is written as TRUE where it is a conjunct of
// the whole filter (`conjunct`: every node above is an AND).
absl::StatusOr<std::string> NodeToSql(const Node& node,
                                      const SqlMapping& mapping,
                                      std::vector<std::string>* params,
                                      const HasTerm* enforced, bool conjunct) {
  switch (node.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr: {
      const bool below = conjunct && node.kind == Node::Kind::kAnd;
      auto left = NodeToSql(*node.left, mapping, params, enforced, below);
      if (!left.ok()) return left;
      auto right = NodeToSql(*node.right, mapping, params, enforced, below);
      if (!right.ok()) return right;
      return absl::StrCat("(", *left,
                          node.kind == Node::Kind::kAnd ? " AND " : " OR ",
                          *right, ")");
    }
    case Node::Kind::kNot: {
      auto operand =
          NodeToSql(*node.left, mapping, params, enforced, /*conjunct=*/false);
      if (!operand.ok()) return operand;
      return absl::StrCat("NOT (", *operand, ")");
    }
    case Node::Kind::kCompare:
      break;
  }
  if (conjunct && enforced != nullptr && node.op == ":" &&
      node.field == enforced->field && node.text == enforced->value) {
    return std::string("TRUE");
  }
  const auto field = mapping.find(node.field);
  if (field == mapping.end()) {
    return absl::InternalError(
        absl::StrCat("no SQL for filter field ", node.field));
  }
  std::string value;
  switch (node.spec.type) {
    case FieldType::kInt:
      value = std::to_string(node.number);
      break;
    case FieldType::kBool:
      value = node.boolean ? "true" : "false";
      break;
    case FieldType::kString:
    case FieldType::kStringList:
      value = node.text;
      break;
    case FieldType::kEnum:
    case FieldType::kEnumList:
      value = std::to_string(
          node.spec.enum_type->FindValueByName(node.text)->number());
      break;
  }
  if (field->second.transform) {
    auto transformed = field->second.transform(value);
    if (!transformed.ok()) return transformed.status();
    value = *transformed;
  }
  params->push_back(value);
  const std::string param = absl::StrCat("$", params->size());
  const std::string& expr = field->second.expression;
  const std::string op = node.op == "!=" ? "<>" : node.op;
  switch (node.spec.type) {
    case FieldType::kInt:
      return absl::StrCat(expr, " ", op, " ", param, "::bigint");
    case FieldType::kBool:
      return absl::StrCat(expr, " ", op, " ", param, "::boolean");
    case FieldType::kString:
      return absl::StrCat(expr, " ", op, " ", param, "::text");
    case FieldType::kEnum:
      return absl::StrCat(expr, " ", op, " ", param, "::int");
    case FieldType::kStringList:
      return absl::StrCat(expr, " @> ARRAY[", param, "::text]");
    case FieldType::kEnumList:
      return absl::StrCat(expr, " @> ARRAY[", param, "::smallint]");
  }
  return absl::InternalError("unreachable");
}

}  // namespace

absl::StatusOr<std::string> Filter::ToSql(const SqlMapping& mapping,
                                          std::vector<std::string>* params,
                                          const HasTerm* enforced) const {
  if (root_ == nullptr) return std::string("TRUE");
  return NodeToSql(*root_, mapping, params, enforced, /*conjunct=*/true);
}

std::optional<HasTerm> Filter::RequiredHas(std::string_view field) const {
  // Walks the left spine and right sides of ANDs only.
  std::vector<const Node*> pending;
  if (root_ != nullptr) pending.push_back(root_.get());
  while (!pending.empty()) {
    const Node* node = pending.back();
    pending.pop_back();
    if (node->kind == Node::Kind::kAnd) {
      pending.push_back(node->right.get());
      pending.push_back(node->left.get());
    } else if (node->kind == Node::Kind::kCompare && node->op == ":" &&
               node->field == field) {
      return HasTerm{node->field, node->text};
    }
  }
  return std::nullopt;
}

absl::StatusOr<Filter> Filter::Parse(std::string_view text,
                                     const FilterSchema& schema) {
  Filter filter;
  if (absl::StripAsciiWhitespace(Absl(text)).empty()) return filter;
  if (text.size() > 4096) {
    return absl::InvalidArgumentError("filter: longer than 4096 characters");
  }
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError("filter: is not valid UTF-8");
  }
  // Control characters (NUL among them) are refused anywhere, quoted or
  // not: PostgreSQL would cut a value at a NUL.
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if ((b < 0x20 && !absl::ascii_isspace(b)) || b == 0x7F) {
      return ErrorAt(CharPosition(text, i),
                     absl::StrCat("control character ", DescribeChar(text, i),
                                  " is not allowed"));
    }
  }
  auto tokens = Tokenize(text);
  if (!tokens.ok()) return tokens.status();
  Parser parser(std::move(*tokens), schema);
  auto root = parser.ParseAll();
  if (!root.ok()) return root.status();
  filter.root_ = *root;
  return filter;
}

bool Filter::Matches(const FieldGetter& get) const {
  return root_ == nullptr || Evaluate(*root_, get);
}

absl::StatusOr<std::vector<OrderKey>> ParseOrderBy(
    std::string_view text, const std::vector<std::string>& allowed,
    std::vector<OrderKey> default_order) {
  if (absl::StripAsciiWhitespace(Absl(text)).empty()) return default_order;
  if (text.size() > 1024) {
    return absl::InvalidArgumentError(absl::StrCat(
        "order_by: longer than 1024 characters (", text.size(), " bytes)"));
  }
  std::vector<OrderKey> keys;
  for (absl::string_view part : absl::StrSplit(Absl(text), ',')) {
    std::vector<absl::string_view> words =
        absl::StrSplit(part, ' ', absl::SkipWhitespace());
    if (words.empty() || words.size() > 2 ||
        (words.size() == 2 && words[1] != "desc" && words[1] != "asc")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "order_by: '", EchoInput(Std(absl::StripAsciiWhitespace(part))),
          "' is not 'field' or 'field desc'"));
    }
    const std::string field(words[0]);
    if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("order_by: cannot order by '", EchoInput(field),
                       "' (allowed: ", absl::StrJoin(allowed, ", "), ")"));
    }
    keys.push_back({field, words.size() == 2 && words[1] == "desc"});
  }
  return keys;
}

}  // namespace nml::common
