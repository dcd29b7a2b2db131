#include "services/gateway/routes.h"

#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>
#include <google/protobuf/util/json_util.h>

#include <optional>

#include "nml/api/v1/http.pb.h"

namespace nml::gateway {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Route::grpc_path() const {
  return absl::StrCat("/", method->service()->full_name(), "/", method->name());
}

namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(path.data(), path.size()), '/',
                      absl::SkipEmpty())) {
    parts.emplace_back(part);
  }
  return parts;
}

absl::StatusOr<Route> ParseTemplate(
    const google::protobuf::MethodDescriptor* method,
    const api::v1::HttpRule& rule) {
  Route route;
  route.method = method;
  route.body = rule.body();
  switch (rule.pattern_case()) {
    case api::v1::HttpRule::kGet:
      route.http_method = "GET";
      route.path = rule.get();
      break;
    case api::v1::HttpRule::kPost:
      route.http_method = "POST";
      route.path = rule.post();
      break;
    case api::v1::HttpRule::kPatch:
      route.http_method = "PATCH";
      route.path = rule.patch();
      break;
    case api::v1::HttpRule::kDelete:
      route.http_method = "DELETE";
      route.path = rule.delete_();
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(method->full_name(), ": http rule without a method"));
  }
  std::string path = route.path;
  // The verb follows the last ':' outside braces.
  const size_t close = path.rfind('}');
  const size_t colon = path.rfind(':');
  if (colon != std::string::npos &&
      (close == std::string::npos || colon > close)) {
    route.verb = path.substr(colon + 1);
    path = path.substr(0, colon);
  }
  size_t i = 0;
  std::vector<std::string> raw;
  std::string current;
  int depth = 0;
  for (; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (c == '/' && depth == 0) {
      if (!current.empty()) raw.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) raw.push_back(current);
  if (raw.empty() || raw[0] != "v1") {
    return absl::InvalidArgumentError(
        absl::StrCat(route.path, ": must start with /v1"));
  }
  for (size_t s = 1; s < raw.size(); ++s) {
    Route::Segment segment;
    if (raw[s].front() == '{') {
      const std::string inner = raw[s].substr(1, raw[s].size() - 2);
      const size_t eq = inner.find('=');
      segment.field = inner.substr(0, eq);
      segment.pattern = eq == std::string::npos
                            ? std::vector<std::string>{"*"}
                            : SplitPath(inner.substr(eq + 1));
    } else {
      segment.literal = raw[s];
    }
    route.segments.push_back(std::move(segment));
  }
  return route;
}

// Matches `parts` from `at` against a variable's pattern; returns how many
// segments it took, or 0.
size_t MatchPattern(const std::vector<std::string>& pattern,
                    const std::vector<std::string>& parts, size_t at) {
  if (at + pattern.size() > parts.size()) return 0;
  for (size_t k = 0; k < pattern.size(); ++k) {
    const std::string& part = parts[at + k];
    if (part.empty()) return 0;
    if (pattern[k] != "*" && pattern[k] != part) return 0;
  }
  return pattern.size();
}

std::optional<Match> MatchRoute(const Route& route,
                                const std::vector<std::string>& parts,
                                const std::string& verb) {
  if (route.verb != verb) return std::nullopt;
  Match match;
  match.route = &route;
  size_t at = 0;
  for (const Route::Segment& segment : route.segments) {
    if (!segment.literal.empty()) {
      if (at >= parts.size() || parts[at] != segment.literal)
        return std::nullopt;
      ++at;
      continue;
    }
    const size_t taken = MatchPattern(segment.pattern, parts, at);
    if (taken == 0) return std::nullopt;
    std::vector<std::string> value(
        parts.begin() + static_cast<long>(at),
        parts.begin() + static_cast<long>(at + taken));
    match.bindings.emplace_back(segment.field, absl::StrJoin(value, "/"));
    at += taken;
  }
  if (at != parts.size()) return std::nullopt;
  return match;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = HexValue(text[i + 1]);
    const int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// Resolves "a.b" (proto or JSON names) to the message holding the last
// field, creating intermediate messages.
absl::StatusOr<std::pair<Message*, const FieldDescriptor*>> Resolve(
    Message& root, const std::string& path, const std::string& what) {
  Message* message = &root;
  const std::vector<std::string> names = absl::StrSplit(path, '.');
  for (size_t i = 0; i < names.size(); ++i) {
    const Descriptor* descriptor = message->GetDescriptor();
    const FieldDescriptor* field = descriptor->FindFieldByName(names[i]);
    if (field == nullptr)
      field = descriptor->FindFieldByCamelcaseName(names[i]);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown ", what, " '", path, "' for ",
                       root.GetDescriptor()->name()));
    }
    if (i + 1 == names.size()) return std::make_pair(message, field);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        field->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " '", path, "': '", names[i], "' has no fields"));
    }
    message = message->GetReflection()->MutableMessage(message, field);
  }
  return absl::InvalidArgumentError(absl::StrCat("empty ", what));
}

absl::Status SetScalar(Message& message, const FieldDescriptor* field,
                       const std::string& value, const std::string& name) {
  const Reflection* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  auto bad = [&](const char* expected) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query parameter '", name, "': '", value, "' is not ", expected));
  };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? r->AddString(&message, field, value)
               : r->SetString(&message, field, value);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("a 32-bit integer");
      repeated ? r->AddInt32(&message, field, v)
               : r->SetInt32(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      repeated ? r->AddInt64(&message, field, v)
               : r->SetInt64(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (value != "true" && value != "false") return bad("true or false");
      repeated ? r->AddBool(&message, field, value == "true")
               : r->SetBool(&message, field, value == "true");
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return bad("a number");
      repeated ? r->AddDouble(&message, field, v)
               : r->SetDouble(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* enum_value = field->enum_type()->FindValueByName(value);
      int number = 0;
      if (enum_value == nullptr && absl::SimpleAtoi(value, &number)) {
        enum_value = field->enum_type()->FindValueByNumber(number);
      }
      if (enum_value == nullptr)
        return bad(("a " + field->enum_type()->name()).c_str());
      repeated ? r->AddEnumValue(&message, field, enum_value->number())
               : r->SetEnumValue(&message, field, enum_value->number());
      return absl::OkStatus();
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "query parameter '", name, "' cannot be given in the query"));
  }
}

}  // namespace

absl::StatusOr<RouteTable> RouteTable::FromServices(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  RouteTable table;
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      if (!method->options().HasExtension(api::v1::http)) continue;
      auto route =
          ParseTemplate(method, method->options().GetExtension(api::v1::http));
      if (!route.ok()) return route.status();
      table.routes_.push_back(std::move(*route));
    }
  }
  return table;
}

absl::StatusOr<Match> RouteTable::Find(std::string_view http_method,
                                       std::string_view path) const {
  std::string verb;
  std::string_view trimmed = path;
  const size_t last_slash = trimmed.rfind('/');
  const size_t colon = trimmed.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    verb = std::string(trimmed.substr(colon + 1));
    trimmed = trimmed.substr(0, colon);
  }
  std::vector<std::string> parts;
  for (const std::string& raw : SplitPath(trimmed)) {
    auto decoded = PercentDecode(raw);
    if (!decoded)
      return absl::InvalidArgumentError("malformed percent-encoding in path");
    parts.push_back(*decoded);
  }
  if (parts.empty() || parts[0] != "v1") {
    return absl::NotFoundError(
        absl::StrCat("no route for ", std::string(path)));
  }
  parts.erase(parts.begin());
  bool path_known = false;
  for (const Route& route : routes_) {
    auto match = MatchRoute(route, parts, verb);
    if (!match) continue;
    if (route.http_method == http_method) return *match;
    path_known = true;
  }
  if (path_known) {
    return absl::UnimplementedError(absl::StrCat(
        std::string(http_method), " is not allowed on ", std::string(path)));
  }
  return absl::NotFoundError(absl::StrCat("no route for ", std::string(path)));
}

absl::Status BuildRequest(const Match& match,
                          const std::multimap<std::string, std::string>& query,
                          std::string_view body, Message& request) {
  const Route& route = *match.route;
  google::protobuf::util::JsonParseOptions strict;
  strict.ignore_unknown_fields = false;
  const bool has_body =
      !absl::StripAsciiWhitespace(absl::string_view(body.data(), body.size()))
           .empty();
  if (route.body.empty() && has_body) {
    return absl::InvalidArgumentError(absl::StrCat(
        route.http_method, " ", route.path, " takes no request body"));
  }
  if (!route.body.empty() && has_body) {
    Message* target = &request;
    if (route.body != "*") {
      auto resolved = Resolve(request, route.body, "body field");
      if (!resolved.ok()) return resolved.status();
      target = resolved->first->GetReflection()->MutableMessage(
          resolved->first, resolved->second);
    }
    const auto status = google::protobuf::util::JsonStringToMessage(
        std::string(body), target, strict);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("request body: ", std::string(status.message())));
    }
  }
  for (const auto& [key, value] : query) {
    if (route.body == "*") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown query parameter '", key,
                       "': this method takes its fields in the body"));
    }
    auto resolved = Resolve(request, key, "query parameter");
    if (!resolved.ok()) return resolved.status();
    if (resolved->second->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (resolved->second->message_type()->full_name() ==
          "google.protobuf.FieldMask") {
        auto* mask = resolved->first->GetReflection()->MutableMessage(
            resolved->first, resolved->second);
        const auto* paths = mask->GetDescriptor()->FindFieldByName("paths");
        for (absl::string_view p :
             absl::StrSplit(value, ',', absl::SkipEmpty())) {
          mask->GetReflection()->AddString(mask, paths, std::string(p));
        }
        continue;
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "query parameter '", key, "' names a message; give its fields"));
    }
    if (auto st = SetScalar(*resolved->first, resolved->second, value, key);
        !st.ok()) {
      return st;
    }
  }
  for (const auto& [field, value] : match.bindings) {
    auto resolved = Resolve(request, field, "path field");
    if (!resolved.ok()) return resolved.status();
    resolved->first->GetReflection()->SetString(resolved->first,
                                                resolved->second, value);
  }
  return absl::OkStatus();
}

}  // namespace nml::gateway
