#include "common/pg/columns.h"

#include <nlohmann/json.hpp>

namespace nml::common {

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
