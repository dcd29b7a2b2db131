#include "services/gateway/json_shape.h"

#include <absl/strings/str_cat.h>

#include "common/api/percent_encoding.h"

namespace nml::gateway {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;

namespace {

std::string KindOf(const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

absl::Status Expected(const std::string& where, const std::string& expected,
                      const json& value) {
  return absl::InvalidArgumentError(absl::StrCat(where.empty() ? "body" : where,
                                                 ": expected ", expected,
                                                 ", got ", KindOf(value)));
}

absl::Status CheckValue(const json& value, const FieldDescriptor* field,
                        const std::string& where);

// Well-known types have their own JSON forms.
absl::Status CheckWellKnown(const json& value, const Descriptor* type,
                            const std::string& where, bool* handled) {
  *handled = true;
  const std::string& name = type->full_name();
  if (name == "google.protobuf.Timestamp" ||
      name == "google.protobuf.Duration" ||
      name == "google.protobuf.FieldMask") {
    return value.is_string() ? absl::OkStatus()
                             : Expected(where, "a string", value);
  }
  if (name == "google.protobuf.Value") return absl::OkStatus();
  if (name == "google.protobuf.Struct" || name == "google.protobuf.Any" ||
      name == "google.protobuf.Empty") {
    return value.is_object() ? absl::OkStatus()
                             : Expected(where, "an object", value);
  }
  if (name == "google.protobuf.ListValue") {
    return value.is_array() ? absl::OkStatus()
                            : Expected(where, "an array", value);
  }
  if (type->file()->name() == "google/protobuf/wrappers.proto") {
    return CheckValue(value, type->FindFieldByName("value"), where);
  }
  *handled = false;
  return absl::OkStatus();
}

absl::Status CheckMessage(const json& value, const Descriptor* type,
                          const std::string& where) {
  bool handled = false;
  if (auto status = CheckWellKnown(value, type, where, &handled); handled) {
    return status;
  }
  if (!value.is_object()) return Expected(where, "an object", value);
  for (const auto& [key, member] : value.items()) {
    const FieldDescriptor* field = type->FindFieldByName(key);
    if (field == nullptr) field = type->FindFieldByCamelcaseName(key);
    if (field == nullptr) {
      for (int i = 0; i < type->field_count() && field == nullptr; ++i) {
        if (type->field(i)->json_name() == key) field = type->field(i);
      }
    }
    const std::string place =
        where.empty() ? common::EchoInput(key)
                      : absl::StrCat(where, ".", common::EchoInput(key));
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field '", place, "' for ", type->name()));
    }
    if (member.is_null()) continue;  // null is the field's default
    if (field->is_map()) {
      if (!member.is_object()) return Expected(place, "an object", member);
      const FieldDescriptor* mapped = field->message_type()->map_value();
      for (const auto& [map_key, map_value] : member.items()) {
        if (auto status = CheckValue(
                map_value, mapped,
                absl::StrCat(place, "[\"", common::EchoInput(map_key), "\"]"));
            !status.ok()) {
          return status;
        }
      }
      continue;
    }
    if (field->is_repeated()) {
      if (!member.is_array()) return Expected(place, "an array", member);
      for (size_t i = 0; i < member.size(); ++i) {
        const std::string item = absl::StrCat(place, "[", i, "]");
        if (member[i].is_null()) {
          return absl::InvalidArgumentError(
              absl::StrCat(item, ": null is not allowed in a list"));
        }
        if (auto status = CheckValue(member[i], field, item); !status.ok()) {
          return status;
        }
      }
      continue;
    }
    if (auto status = CheckValue(member, field, place); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

// One value of `field` (an element, for a repeated field).
absl::Status CheckValue(const json& value, const FieldDescriptor* field,
                        const std::string& where) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return CheckMessage(value, field->message_type(), where);
    case FieldDescriptor::CPPTYPE_STRING:
      return value.is_string() ? absl::OkStatus()
                               : Expected(where, "a string", value);
    case FieldDescriptor::CPPTYPE_BOOL:
      return value.is_boolean() ? absl::OkStatus()
                                : Expected(where, "true or false", value);
    case FieldDescriptor::CPPTYPE_ENUM:
      return value.is_string() || value.is_number_integer()
                 ? absl::OkStatus()
                 : Expected(where,
                            absl::StrCat("a ", field->enum_type()->name(),
                                         " value name"),
                            value);
    default:  // integers and floating point: a number or a numeric string
      return value.is_number() || value.is_string()
                 ? absl::OkStatus()
                 : Expected(where, "a number", value);
  }
}

}  // namespace

absl::Status CheckJsonShape(const json& json, const Descriptor* type,
                            const std::string& where) {
  return CheckMessage(json, type, where);
}

}  // namespace nml::gateway
