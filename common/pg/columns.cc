#include "common/pg/columns.h"

#include <absl/strings/str_cat.h>

#include <nlohmann/json.hpp>

namespace nml::common {

std::string MicrosSql(std::string_view column) {
  return absl::StrCat("(extract(epoch FROM ", std::string(column),
                      ") * 1000000)::bigint");
}

std::string FromMicrosSql(int param) {
  return FromMicrosSql(absl::StrCat("$", param, "::bigint"));
}

std::string FromMicrosSql(std::string_view expression) {
  // Integer arithmetic: a float8 of today's microseconds since 1970 has no
  // digit to spare and can land a microsecond off.
  return absl::StrCat("(timestamptz 'epoch' + ", std::string(expression),
                      " * interval '1 microsecond')");
}

nlohmann::json JsonValue(
    const google::protobuf::RepeatedPtrField<std::string>& v) {
  return nlohmann::json(std::vector<std::string>(v.begin(), v.end()));
}

nlohmann::json JsonValue(const google::protobuf::RepeatedField<int>& v) {
  return nlohmann::json(std::vector<int>(v.begin(), v.end()));
}

std::string JsonArray(
    const google::protobuf::RepeatedPtrField<std::string>& v) {
  return JsonValue(v).dump();
}

std::string JsonArray(const google::protobuf::RepeatedField<int>& v) {
  return JsonValue(v).dump();
}

std::vector<std::string> JsonStrings(const pqxx::field& field) {
  return nlohmann::json::parse(field.c_str()).get<std::vector<std::string>>();
}

std::vector<int> JsonInts(const pqxx::field& field) {
  return nlohmann::json::parse(field.c_str()).get<std::vector<int>>();
}

}  // namespace nml::common
