#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace nml::gateway {

// A message as proto3 JSON, the same JSON as protobuf's MessageToJsonString
// with `always_print_primitive_fields` (lowerCamelCase names, 64-bit integers
// as strings, enums by name, Timestamp/Duration/FieldMask/wrappers in their
// JSON forms, scalars and lists without presence printed even when empty).
//
// Why not MessageToJsonString itself: protobuf 3.21 converts through its
// stream-and-tree converter, which on the REST path cost more CPU than
// the HTTP parsing and the backend call together (bench/README.md). This
// walks the message once with reflection and appends to one string. The few
// types it does not print itself (Any, Struct, Value, ListValue) go to
// MessageToJsonString. tests/gateway/json_printer_test.cc checks it against
// MessageToJsonString on every message type the routes answer with.
void AppendJson(const google::protobuf::Message& message, std::string* out);
std::string ToJson(const google::protobuf::Message& message);

}  // namespace nml::gateway
