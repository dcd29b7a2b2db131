#include "services/gateway/openapi.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_replace.h>
#include <absl/strings/str_split.h>

#include <algorithm>
#include <map>
#include <set>

#include "google/api/resource.pb.h"
#include "services/gateway/proto_comments.h"

namespace nml::gateway {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

namespace {

// "" stays out of the document: an empty description says nothing.
void Describe(nlohmann::json& schema, const std::string& text) {
  if (!text.empty()) schema["description"] = text;
}

// An enum's comment and each value's, as one Markdown list.
std::string EnumDescription(const google::protobuf::EnumDescriptor* type,
                            const ProtoComments& comments) {
  std::string text = comments.For(type);
  // A blank line before the list, none between its items.
  const char* separator = text.empty() ? "" : "\n\n";
  for (int i = 0; i < type->value_count(); ++i) {
    const std::string value = comments.For(type->value(i));
    if (value.empty()) continue;
    // Continuation lines are indented to stay in their list item.
    absl::StrAppend(&text, separator, "- `", type->value(i)->name(),
                    "`: ", absl::StrReplaceAll(value, {{"\n", "\n  "}}));
    separator = "\n";
  }
  return text;
}

nlohmann::json FieldSchema(const FieldDescriptor* field,
                           const ProtoComments& comments,
                           std::set<const Descriptor*>& todo) {
  nlohmann::json schema;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      schema["type"] = "string";
      if (field->type() == FieldDescriptor::TYPE_BYTES)
        schema["format"] = "byte";
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      schema = {{"type", "integer"}, {"format", "int32"}};
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      schema = {{"type", "integer"}, {"format", "uint32"}};
      break;
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT64:
      // proto3 JSON writes 64-bit integers as strings.
      schema = {{"type", "string"}, {"format", "int64"}};
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      schema = {{"type", "number"}};
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      schema = {{"type", "boolean"}};
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      schema["type"] = "string";
      for (int i = 0; i < field->enum_type()->value_count(); ++i) {
        schema["enum"].push_back(field->enum_type()->value(i)->name());
      }
      Describe(schema, EnumDescription(field->enum_type(), comments));
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const std::string& name = field->message_type()->full_name();
      if (name == "google.protobuf.Timestamp") {
        schema = {{"type", "string"}, {"format", "date-time"}};
      } else if (name == "google.protobuf.FieldMask") {
        schema = {{"type", "string"},
                  {"description", "comma-separated field paths"}};
      } else {
        todo.insert(field->message_type());
        schema["$ref"] = "#/components/schemas/" + name;
      }
      break;
    }
  }
  if (field->is_repeated()) return {{"type", "array"}, {"items", schema}};
  return schema;
}

// A field's own comment comes first; an enum's list of values follows it.
nlohmann::json PropertySchema(const FieldDescriptor* field,
                              const ProtoComments& comments,
                              std::set<const Descriptor*>& todo) {
  nlohmann::json property = FieldSchema(field, comments, todo);
  // A $ref may not carry siblings in OpenAPI 3.0: wrap it.
  if (property.contains("$ref")) property = {{"allOf", {property}}};
  std::string text = comments.For(field);
  if (HasFieldBehavior(field, google::api::IDENTIFIER) && text.empty())
    text = "The resource name; set by the server on create.";
  nlohmann::json& described =
      property.contains("items") ? property["items"] : property;
  if (described.contains("description") && !text.empty()) {
    text =
        absl::StrCat(text, "\n\n", described["description"].get<std::string>());
  }
  if (!text.empty()) {
    described.erase("description");
    property["description"] = text;
  }
  if (HasFieldBehavior(field, google::api::OUTPUT_ONLY))
    property["readOnly"] = true;
  return property;
}

nlohmann::json MessageSchema(const Descriptor* message,
                             const ProtoComments& comments,
                             std::set<const Descriptor*>& todo) {
  nlohmann::json schema = {{"type", "object"}, {"additionalProperties", false}};
  Describe(schema, comments.For(message));
  schema["properties"] = nlohmann::json::object();
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    if (HasFieldBehavior(field, google::api::REQUIRED))
      schema["required"].push_back(field->json_name());
    schema["properties"][field->json_name()] =
        PropertySchema(field, comments, todo);
  }
  return schema;
}

// The path in OpenAPI's template syntax; `params` gets each {name} with the
// request field it is part of.
// "reviews/{review}/listings/{listing}" calls the segment after `reviews`
// `review`: path parameters take the names the google.api.resource patterns
// of the contracts give them.
std::map<std::string, std::string> PatternVariables(const RouteTable& routes) {
  std::map<std::string, std::string> names;
  std::set<const google::protobuf::FileDescriptor*> seen;
  std::vector<const google::protobuf::FileDescriptor*> files;
  for (const Route& route : routes.routes())
    files.push_back(route.method->file());
  while (!files.empty()) {
    const auto* file = files.back();
    files.pop_back();
    if (!seen.insert(file).second) continue;
    for (int i = 0; i < file->dependency_count(); ++i)
      files.push_back(file->dependency(i));
    for (int i = 0; i < file->message_type_count(); ++i) {
      const auto& options = file->message_type(i)->options();
      if (!options.HasExtension(google::api::resource)) continue;
      for (const std::string& pattern :
           options.GetExtension(google::api::resource).pattern()) {
        const std::vector<std::string> parts = absl::StrSplit(pattern, '/');
        for (size_t j = 1; j < parts.size(); ++j) {
          const std::string& part = parts[j];
          if (part.size() > 2 && part.front() == '{' && part.back() == '}')
            names.emplace(parts[j - 1], part.substr(1, part.size() - 2));
        }
      }
    }
  }
  return names;
}

std::string OpenApiPath(
    const Route& route, const std::map<std::string, std::string>& variables,
    std::vector<std::pair<std::string, std::string>>* params) {
  std::string path = "/v1";
  for (const Route::Segment& segment : route.segments) {
    if (!segment.literal.empty()) {
      absl::StrAppend(&path, "/", segment.literal);
      continue;
    }
    std::string previous = segment.field;
    for (const std::string& part : segment.pattern) {
      if (part == "*") {
        const auto named = variables.find(previous);
        const std::string param = named != variables.end()
                                      ? named->second
                                      : absl::StrCat(previous, "Id");
        params->emplace_back(param, segment.field);
        absl::StrAppend(&path, "/{", param, "}");
      } else {
        absl::StrAppend(&path, "/", part);
        previous = part;
      }
    }
  }
  if (!route.verb.empty()) absl::StrAppend(&path, ":", route.verb);
  return path;
}

}  // namespace

nlohmann::json OpenApiDocument(const RouteTable& routes,
                               const ProtoComments& comments) {
  nlohmann::json doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {
      {"title", "nml: the Notorious Markets List"},
      {"version", "v1"},
      {"description",
       "REST/JSON for nml.listings.v1, nml.responses.v1 and nml.gateway.v1, "
       "generated from the protobuf contracts (protobuf JSON mapping; unknown "
       "fields and query parameters are refused)."}};
  doc["paths"] = nlohmann::json::object();
  std::set<const Descriptor*> todo;
  const std::map<std::string, std::string> variables = PatternVariables(routes);
  for (const Route& route : routes.routes()) {
    std::vector<std::pair<std::string, std::string>> path_params;
    const std::string path = OpenApiPath(route, variables, &path_params);
    nlohmann::json op;
    op["operationId"] = absl::StrCat(route.method->service()->name(), "_",
                                     route.method->name());
    op["summary"] = absl::StrCat(route.method->service()->full_name(), ".",
                                 route.method->name());
    op["tags"] = {route.method->service()->full_name()};
    Describe(op, comments.For(route.method));
    for (const auto& [name, field] : path_params) {
      op["parameters"].push_back(
          {{"name", name},
           {"in", "path"},
           {"required", true},
           {"description", absl::StrCat("A segment of `", field, "`")},
           {"schema", {{"type", "string"}}}});
    }
    std::set<std::string> bound;
    for (const auto& segment : route.segments) {
      if (!segment.field.empty())
        bound.insert(segment.field.substr(0, segment.field.find('.')));
    }
    // Fields bound neither by the path nor by the body are query
    // parameters (the google.api.http rule); a body of "*" takes them all.
    const Descriptor* input = route.method->input_type();
    if (route.body != "*") {
      for (int i = 0; i < input->field_count(); ++i) {
        const FieldDescriptor* field = input->field(i);
        if (bound.contains(field->name()) || field->name() == route.body) {
          continue;
        }
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
            field->message_type()->full_name() != "google.protobuf.FieldMask") {
          continue;
        }
        nlohmann::json parameter = {
            {"name", field->json_name()},
            {"in", "query"},
            {"schema", FieldSchema(field, comments, todo)}};
        Describe(parameter, comments.For(field));
        if (HasFieldBehavior(field, google::api::REQUIRED))
          parameter["required"] = true;
        op["parameters"].push_back(parameter);
      }
    }
    if (!route.body.empty()) {
      const Descriptor* body =
          route.body == "*"
              ? input
              : input->FindFieldByName(route.body)->message_type();
      todo.insert(body);
      op["requestBody"] = {
          {"required", true},
          {"content",
           {{"application/json",
             {{"schema",
               {{"$ref", "#/components/schemas/" + body->full_name()}}}}}}}};
    }
    if (IsFileRoute(route)) {
      // A file, sent in chunks (HttpBody): its type is the backend's.
      const nlohmann::json file = {
          {"schema", {{"type", "string"}, {"format", "binary"}}}};
      op["responses"]["200"] = {
          {"description",
           "The file; Content-Disposition names it, X-Data-Version is the "
           "data version it was read at"},
          {"headers",
           {{"X-Data-Version", {{"schema", {{"type", "string"}}}}},
            {"Content-Disposition", {{"schema", {{"type", "string"}}}}}}},
          {"content", {{"text/csv", file}, {"application/x-ndjson", file}}}};
    } else {
      todo.insert(route.method->output_type());
      op["responses"]["200"] = {
          {"description", "OK"},
          {"content",
           {{"application/json",
             {{"schema",
               {{"$ref", "#/components/schemas/" +
                             route.method->output_type()->full_name()}}}}}}}};
    }
    op["responses"]["default"] = {
        {"description", "An error; `status` is the gRPC code name"},
        {"content",
         {{"application/json",
           {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    std::string verb = route.http_method;
    std::transform(verb.begin(), verb.end(), verb.begin(), ::tolower);
    doc["paths"][path][verb] = op;
  }
  // One tag per service, described by the service's comment.
  std::set<const google::protobuf::ServiceDescriptor*> services;
  for (const Route& route : routes.routes())
    services.insert(route.method->service());
  for (const auto* service : services) {
    nlohmann::json tag = {{"name", service->full_name()}};
    Describe(tag, comments.For(service));
    doc["tags"].push_back(tag);
  }
  std::set<const Descriptor*> done;
  while (!todo.empty()) {
    const Descriptor* message = *todo.begin();
    todo.erase(todo.begin());
    if (!done.insert(message).second) continue;
    doc["components"]["schemas"][message->full_name()] =
        MessageSchema(message, comments, todo);
  }
  doc["components"]["schemas"]["Error"] = {
      {"type", "object"},
      {"description", "A google.rpc.Status, as every error answer carries it"},
      {"required", {"error"}},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"required", {"code", "status", "message"}},
          {"properties",
           {{"code", {{"type", "integer"}, {"description", "HTTP status"}}},
            {"status", {{"type", "string"}, {"description", "gRPC code name"}}},
            {"message", {{"type", "string"}}},
            {"details",
             {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}}}}};
  doc["components"]["securitySchemes"]["bearer"] = {
      {"type", "http"},
      {"scheme", "bearer"},
      {"description",
       "An API key: `reader` for reads (unless anonymous reads are on), "
       "`editor` for creates and updates, `admin` for imports, merges, "
       "splits and deletes"}};
  // Anonymous or with a key: which one a call needs is the server's policy.
  doc["security"] = {nlohmann::json::object(),
                     {{"bearer", nlohmann::json::array()}}};
  return doc;
}

}  // namespace nml::gateway
