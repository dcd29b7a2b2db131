#include "services/gateway/routes.h"

#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>
#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "common/api/percent_encoding.h"
#include "common/api/strings.h"
#include "common/api/validation.h"
#include "google/api/annotations.pb.h"
#include "services/gateway/json_shape.h"

namespace nml::gateway {

using common::EchoInput;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  for (absl::string_view part :
       absl::StrSplit(common::Absl(path), '/', absl::SkipEmpty())) {
    parts.emplace_back(part);
  }
  return parts;
}

absl::StatusOr<Route> ParseBinding(
    const google::protobuf::MethodDescriptor* method,
    const google::api::HttpRule& rule) {
  Route route;
  route.method = method;
  route.grpc_path =
      absl::StrCat("/", method->service()->full_name(), "/", method->name());
  route.body = rule.body();
  route.response_body = rule.response_body();
  using google::api::HttpRule;
  switch (rule.pattern_case()) {
    case HttpRule::kGet:
      route.http_method = "GET", route.path = rule.get();
      break;
    case HttpRule::kPut:
      route.http_method = "PUT", route.path = rule.put();
      break;
    case HttpRule::kPost:
      route.http_method = "POST", route.path = rule.post();
      break;
    case HttpRule::kDelete:
      route.http_method = "DELETE", route.path = rule.delete_();
      break;
    case HttpRule::kPatch:
      route.http_method = "PATCH", route.path = rule.patch();
      break;
    case HttpRule::kCustom:
      route.http_method = rule.custom().kind();
      route.path = rule.custom().path();
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(method->full_name(), ": http rule without a pattern"));
  }
  if (method->client_streaming() ||
      (method->server_streaming() && !IsFileRoute(route))) {
    return absl::InvalidArgumentError(absl::StrCat(
        method->full_name(),
        ": only a server stream of google.api.HttpBody (a file) has a REST "
        "form"));
  }
  const Descriptor* input = method->input_type();
  if (!route.body.empty() && route.body != "*" &&
      input->FindFieldByName(route.body) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        method->full_name(), ": body names no field '", route.body, "'"));
  }
  if (!route.response_body.empty() &&
      method->output_type()->FindFieldByName(route.response_body) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(method->full_name(), ": response_body names no field '",
                     route.response_body, "'"));
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
  std::vector<std::string> raw;
  std::string current;
  int depth = 0;
  for (const char c : path) {
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

// A decoded request path: its "/"-separated parts after "/v1" and its verb.
struct PathParts {
  std::vector<std::string> parts;
  std::string verb;
  bool versioned = false;  // starts with /v1
};

absl::StatusOr<PathParts> SplitRequestPath(std::string_view path) {
  PathParts out;
  std::string_view trimmed = path;
  const size_t last_slash = trimmed.rfind('/');
  const size_t colon = trimmed.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    out.verb = std::string(trimmed.substr(colon + 1));
    trimmed = trimmed.substr(0, colon);
  }
  for (const std::string& raw : SplitPath(trimmed)) {
    auto decoded = common::PercentDecode(raw);
    if (!decoded) {
      return absl::InvalidArgumentError(absl::StrCat(
          "path: malformed percent-encoding in '", EchoInput(raw), "'"));
    }
    if (!common::IsValidUtf8(*decoded) ||
        decoded->find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "path: '", EchoInput(*decoded), "' is not valid UTF-8 text"));
    }
    out.parts.push_back(std::move(*decoded));
  }
  if (!common::IsValidUtf8(out.verb)) {
    return absl::InvalidArgumentError("path: the verb is not valid UTF-8");
  }
  out.versioned = !out.parts.empty() && out.parts[0] == "v1";
  if (out.versioned) out.parts.erase(out.parts.begin());
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
          absl::StrCat("unknown ", what, " '", EchoInput(path), "' for ",
                       root.GetDescriptor()->name()));
    }
    if (i + 1 == names.size()) return std::make_pair(message, field);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        field->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " '", EchoInput(path), "': '", EchoInput(names[i]),
                       "' has no fields"));
    }
    message = message->GetReflection()->MutableMessage(message, field);
  }
  return absl::InvalidArgumentError(absl::StrCat("empty ", what));
}

absl::Status SetScalar(Message& message, const FieldDescriptor* field,
                       const std::string& value, const std::string& name) {
  const Reflection* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  auto bad = [&](const std::string& expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("query parameter '", EchoInput(name), "': '",
                     EchoInput(value), "' is not ", expected));
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
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an unsigned integer");
      repeated ? r->AddUInt32(&message, field, v)
               : r->SetUInt32(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      repeated ? r->AddInt64(&message, field, v)
               : r->SetInt64(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an unsigned integer");
      repeated ? r->AddUInt64(&message, field, v)
               : r->SetUInt64(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (value != "true" && value != "false") return bad("true or false");
      repeated ? r->AddBool(&message, field, value == "true")
               : r->SetBool(&message, field, value == "true");
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return bad("a number");
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        repeated ? r->AddFloat(&message, field, static_cast<float>(v))
                 : r->SetFloat(&message, field, static_cast<float>(v));
      } else {
        repeated ? r->AddDouble(&message, field, v)
                 : r->SetDouble(&message, field, v);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* enum_value = field->enum_type()->FindValueByName(value);
      int number = 0;
      if (enum_value == nullptr && absl::SimpleAtoi(value, &number)) {
        enum_value = field->enum_type()->FindValueByNumber(number);
      }
      if (enum_value == nullptr)
        return bad(absl::StrCat("a ", field->enum_type()->name()));
      repeated ? r->AddEnumValue(&message, field, enum_value->number())
               : r->SetEnumValue(&message, field, enum_value->number());
      return absl::OkStatus();
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter '", EchoInput(name),
                       "' cannot be given in the query"));
  }
}

// Fields a client sends back without meaning to change them: the name that
// identifies the resource, its etag (AIP-154's concurrency token) and what
// the server sets (AIP-203 says output-only input is ignored). A resource
// read, edited and PATCHed back as a whole then updates what was edited.
bool NeverInferred(const FieldDescriptor* field) {
  return field->name() == "etag" ||
         HasFieldBehavior(field, google::api::IDENTIFIER) ||
         HasFieldBehavior(field, google::api::OUTPUT_ONLY);
}

// The field mask a PATCH body implies: every field it sets, nested messages
// descended into (grpc-gateway's inference), less what NeverInferred names.
void InferMask(const nlohmann::json& body, const Descriptor* type,
               const std::string& prefix, google::protobuf::FieldMask* mask) {
  for (const auto& [key, value] : body.items()) {
    const FieldDescriptor* field = type->FindFieldByName(key);
    if (field == nullptr) field = type->FindFieldByCamelcaseName(key);
    if (field == nullptr) continue;  // refused by the shape check already
    if (NeverInferred(field)) continue;
    const std::string path = prefix + field->name();
    if (value.is_object() && !field->is_map() &&
        field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        field->message_type()->file()->package() != "google.protobuf") {
      InferMask(value, field->message_type(), path + ".", mask);
      continue;
    }
    mask->add_paths(path);
  }
}

}  // namespace

bool HasFieldBehavior(const FieldDescriptor* field,
                      google::api::FieldBehavior behavior) {
  const auto& behaviors =
      field->options().GetRepeatedExtension(google::api::field_behavior);
  return std::find(behaviors.begin(), behaviors.end(), behavior) !=
         behaviors.end();
}

bool IsFileRoute(const Route& route) {
  return route.method != nullptr && route.method->server_streaming() &&
         !route.method->client_streaming() &&
         route.method->output_type()->full_name() == "google.api.HttpBody";
}

absl::StatusOr<RouteTable> RouteTable::FromServices(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  RouteTable table;
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      if (!method->options().HasExtension(google::api::http)) continue;
      const auto& rule = method->options().GetExtension(google::api::http);
      std::vector<const google::api::HttpRule*> bindings = {&rule};
      for (const auto& extra : rule.additional_bindings())
        bindings.push_back(&extra);
      for (const auto* binding : bindings) {
        auto route = ParseBinding(method, *binding);
        if (!route.ok()) return route.status();
        table.routes_.push_back(std::move(*route));
      }
    }
  }
  return table;
}

absl::StatusOr<Match> RouteTable::Find(std::string_view http_method,
                                       std::string_view path) const {
  auto split = SplitRequestPath(path);
  if (!split.ok()) return split.status();
  const auto not_found = [&] {
    return absl::NotFoundError(
        absl::StrCat("no route for ", EchoInput(path, 200)));
  };
  if (!split->versioned) return not_found();
  bool path_known = false;
  for (const Route& route : routes_) {
    auto match = MatchRoute(route, split->parts, split->verb);
    if (!match) continue;
    if (route.http_method == http_method) return *match;
    path_known = true;
  }
  if (path_known) {
    return absl::UnimplementedError(absl::StrCat(EchoInput(http_method, 20),
                                                 " is not allowed on ",
                                                 EchoInput(path, 200)));
  }
  return not_found();
}

std::vector<std::string> RouteTable::AllowedMethods(
    std::string_view path) const {
  std::set<std::string> methods;
  auto split = SplitRequestPath(path);
  if (!split.ok() || !split->versioned) return {};
  for (const Route& route : routes_) {
    if (MatchRoute(route, split->parts, split->verb))
      methods.insert(route.http_method);
  }
  return {methods.begin(), methods.end()};
}

absl::StatusOr<QueryParams> ParseQuery(std::string_view query) {
  QueryParams params;
  for (absl::string_view pair :
       absl::StrSplit(common::Absl(query), '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    const auto key = common::PercentDecode(common::Std(pair.substr(0, eq)),
                                           /*plus_is_space=*/true);
    const auto value = common::PercentDecode(
        eq == absl::string_view::npos ? "" : common::Std(pair.substr(eq + 1)),
        /*plus_is_space=*/true);
    if (!key || !value) {
      return absl::InvalidArgumentError(
          absl::StrCat("query: malformed percent-encoding in '",
                       EchoInput(common::Std(pair)), "'"));
    }
    // Text only, and no NUL (what the gRPC side refuses too).
    const auto refused = [](const std::string& text) -> const char* {
      if (!common::IsValidUtf8(text)) return "is not valid UTF-8";
      if (text.find('\0') != std::string::npos) return "contains a NUL";
      return nullptr;
    };
    if (const char* why = refused(*key)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "query parameter '", EchoInput(*key), "': its name ", why));
    }
    if (const char* why = refused(*value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "query parameter '", EchoInput(*key), "': its value ", why));
    }
    params.emplace_back(std::move(*key), std::move(*value));
  }
  return params;
}

absl::Status BuildRequest(const Match& match, const QueryParams& query,
                          std::string_view body, Message& request) {
  const Route& route = *match.route;
  const bool has_body = !absl::StripAsciiWhitespace(common::Absl(body)).empty();
  if (route.body.empty() && has_body) {
    return absl::InvalidArgumentError(
        absl::StrCat(route.label(), " takes no request body"));
  }
  bool mask_given = false;
  nlohmann::json parsed;
  Message* body_target = &request;
  if (!route.body.empty() && has_body) {
    if (!common::IsValidUtf8(body)) {
      return absl::InvalidArgumentError("request body: not valid UTF-8");
    }
    parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      return absl::InvalidArgumentError("request body: malformed JSON");
    }
    if (route.body != "*") {
      auto resolved = Resolve(request, route.body, "body field");
      if (!resolved.ok()) return resolved.status();
      body_target = resolved->first->GetReflection()->MutableMessage(
          resolved->first, resolved->second);
    }
    if (auto status = CheckJsonShape(parsed, body_target->GetDescriptor());
        !status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("request body: ", status.message()));
    }
    google::protobuf::util::JsonParseOptions strict;
    strict.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        std::string(body), body_target, strict);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request body: ", EchoInput(status.message().as_string(), 300)));
    }
    if (route.body == "*" &&
        request.GetDescriptor()->FindFieldByName("update_mask") != nullptr) {
      mask_given =
          parsed.contains("updateMask") || parsed.contains("update_mask");
    }
  }
  std::set<std::string> seen;
  for (const auto& [key, value] : query) {
    if (route.body == "*") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown query parameter '", EchoInput(key),
                       "': this method takes its fields in the body"));
    }
    auto resolved = Resolve(request, key, "query parameter");
    if (!resolved.ok()) return resolved.status();
    const FieldDescriptor* field = resolved->second;
    if (!seen.insert(field->full_name()).second && !field->is_repeated()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "query parameter '", EchoInput(key), "' is given more than once"));
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->message_type()->full_name() == "google.protobuf.FieldMask") {
        auto* mask = static_cast<google::protobuf::FieldMask*>(
            resolved->first->GetReflection()->MutableMessage(resolved->first,
                                                             field));
        // Paths in protobuf-JSON camelCase ("displayName") or as proto
        // field names ("display_name"), which FromJsonString refuses.
        if (!google::protobuf::util::FieldMaskUtil::FromJsonString(value,
                                                                   mask)) {
          mask->Clear();
          for (absl::string_view path :
               absl::StrSplit(value, ',', absl::SkipEmpty())) {
            mask->add_paths(std::string(path));
          }
        }
        mask_given = true;
        continue;
      }
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter '", EchoInput(key),
                       "' names a message; give its fields"));
    }
    if (auto st = SetScalar(*resolved->first, field, value, key); !st.ok()) {
      return st;
    }
  }
  for (const auto& [field, value] : match.bindings) {
    auto resolved = Resolve(request, field, "path field");
    if (!resolved.ok()) return resolved.status();
    resolved->first->GetReflection()->SetString(resolved->first,
                                                resolved->second, value);
  }
  const FieldDescriptor* mask_field =
      request.GetDescriptor()->FindFieldByName("update_mask");
  if (route.http_method == "PATCH" && !mask_given && mask_field != nullptr &&
      parsed.is_object()) {
    auto* mask = static_cast<google::protobuf::FieldMask*>(
        request.GetReflection()->MutableMessage(&request, mask_field));
    InferMask(parsed, body_target->GetDescriptor(), "", mask);
  }
  return absl::OkStatus();
}

std::string ReadRetryServiceConfig(const RouteTable& routes) {
  std::map<const google::protobuf::MethodDescriptor*, bool> reads;
  for (const Route& route : routes.routes()) {
    const auto [it, added] =
        reads.emplace(route.method, route.http_method == "GET");
    if (!added) it->second = it->second && route.http_method == "GET";
  }
  nlohmann::json names = nlohmann::json::array();
  for (const auto& [method, read] : reads) {
    if (!read) continue;
    names.push_back({{"service", method->service()->full_name()},
                     {"method", method->name()}});
  }
  const nlohmann::json config = {
      {"methodConfig",
       {{{"name", names},
         {"retryPolicy",
          {{"maxAttempts", 3},
           {"initialBackoff", "0.02s"},
           {"maxBackoff", "0.2s"},
           {"backoffMultiplier", 2},
           {"retryableStatusCodes", {"UNAVAILABLE"}}}}}}}};
  return config.dump();
}

}  // namespace nml::gateway
