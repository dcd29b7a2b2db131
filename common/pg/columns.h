#pragma once

#include <google/protobuf/repeated_field.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

namespace nml::common {

// How both stores move values the libpqxx 6 API cannot bind directly.
// Times travel as microseconds since the epoch, which the queries convert
// with integer arithmetic (`timestamptz 'epoch' + $n * interval '1
// microsecond'`: a float8 of today's microseconds has no digit to spare and
// can land a microsecond off), arrays as JSON text.

// A JSON array for a `json_array_elements_text($n::json)` parameter.
std::string JsonArray(const google::protobuf::RepeatedPtrField<std::string>& v);
std::string JsonArray(const google::protobuf::RepeatedField<int>& v);
// The same array as a value, for a field of a row that a set-based
// statement expands with json_to_recordset.
nlohmann::json JsonValue(
    const google::protobuf::RepeatedPtrField<std::string>& v);
nlohmann::json JsonValue(const google::protobuf::RepeatedField<int>& v);
// A `to_json(array)::text` column back to strings or integers.
std::vector<std::string> JsonStrings(const pqxx::field& field);
std::vector<int> JsonInts(const pqxx::field& field);

}  // namespace nml::common
