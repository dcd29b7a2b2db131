#pragma once

#include <absl/status/status.h>
#include <google/protobuf/descriptor.h>

#include <nlohmann/json.hpp>
#include <string>

namespace nml::gateway {

// Checks that `json` has the shape protobuf's JSON mapping gives `type`, at
// every depth: objects for messages, arrays for repeated fields, strings,
// numbers or booleans for scalars, no unknown field. protobuf's own parser
// (3.21) accepts some wrong shapes silently ({"items":[[[]]]} reads as an
// empty list), so the gateway checks first and names the place
// ("items[0]: expected an object, got an array"). `where` prefixes the
// place ("" for the top level).
absl::Status CheckJsonShape(const nlohmann::json& json,
                            const google::protobuf::Descriptor* type,
                            const std::string& where = "");

}  // namespace nml::gateway
