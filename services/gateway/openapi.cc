#include "services/gateway/openapi.h"

#include <absl/strings/str_cat.h>

#include <algorithm>
#include <set>

#include "google/api/field_behavior.pb.h"

namespace nml::gateway {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

namespace {

nlohmann::json FieldSchema(const FieldDescriptor* field,
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

bool HasBehavior(const FieldDescriptor* field, google::api::FieldBehavior b) {
  const auto& behaviors =
      field->options().GetRepeatedExtension(google::api::field_behavior);
  return std::find(behaviors.begin(), behaviors.end(), b) != behaviors.end();
}

nlohmann::json MessageSchema(const Descriptor* message,
                             std::set<const Descriptor*>& todo) {
  nlohmann::json schema = {{"type", "object"}, {"additionalProperties", false}};
  schema["properties"] = nlohmann::json::object();
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    nlohmann::json property = FieldSchema(field, todo);
    // A $ref may not carry siblings in OpenAPI 3.0: wrap it.
    if (property.contains("$ref")) property = {{"allOf", {property}}};
    if (HasBehavior(field, google::api::OUTPUT_ONLY))
      property["readOnly"] = true;
    if (HasBehavior(field, google::api::REQUIRED))
      schema["required"].push_back(field->json_name());
    if (HasBehavior(field, google::api::IDENTIFIER)) {
      property["description"] =
          "The resource name; set by the server on create.";
    }
    schema["properties"][field->json_name()] = property;
  }
  return schema;
}

std::string OpenApiPath(const Route& route, std::vector<std::string>* params) {
  std::string path = "/v1";
  for (const Route::Segment& segment : route.segments) {
    if (!segment.literal.empty()) {
      absl::StrAppend(&path, "/", segment.literal);
      continue;
    }
    std::string previous = segment.field;
    for (const std::string& part : segment.pattern) {
      if (part == "*") {
        const std::string param = absl::StrCat(previous, "Id");
        params->push_back(param);
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

nlohmann::json OpenApiDocument(const RouteTable& routes) {
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
  for (const Route& route : routes.routes()) {
    std::vector<std::string> path_params;
    const std::string path = OpenApiPath(route, &path_params);
    nlohmann::json op;
    op["operationId"] = absl::StrCat(route.method->service()->name(), "_",
                                     route.method->name());
    op["summary"] = absl::StrCat(route.method->service()->full_name(), ".",
                                 route.method->name());
    op["tags"] = {route.method->service()->full_name()};
    for (const auto& p : path_params) {
      op["parameters"].push_back({{"name", p},
                                  {"in", "path"},
                                  {"required", true},
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
        nlohmann::json parameter = {{"name", field->json_name()},
                                    {"in", "query"},
                                    {"schema", FieldSchema(field, todo)}};
        if (HasBehavior(field, google::api::REQUIRED))
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
    todo.insert(route.method->output_type());
    op["responses"]["200"] = {
        {"description", "OK"},
        {"content",
         {{"application/json",
           {{"schema",
             {{"$ref", "#/components/schemas/" +
                           route.method->output_type()->full_name()}}}}}}}};
    op["responses"]["default"] = {
        {"description", "An error; `status` is the gRPC code name"},
        {"content",
         {{"application/json",
           {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    std::string verb = route.http_method;
    std::transform(verb.begin(), verb.end(), verb.begin(), ::tolower);
    doc["paths"][path][verb] = op;
  }
  std::set<const Descriptor*> done;
  while (!todo.empty()) {
    const Descriptor* message = *todo.begin();
    todo.erase(todo.begin());
    if (!done.insert(message).second) continue;
    doc["components"]["schemas"][message->full_name()] =
        MessageSchema(message, todo);
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
