#pragma once

#include <nlohmann/json.hpp>

#include "services/gateway/proto_comments.h"
#include "services/gateway/routes.h"

namespace nml::gateway {

// The OpenAPI 3 document of the REST routes, derived from the contracts:
// paths and parameters from the google.api.http bindings, schemas from the
// messages, `required` and `readOnly` from google.api.field_behavior,
// descriptions from the proto comments.
nlohmann::json OpenApiDocument(
    const RouteTable& routes,
    const ProtoComments& comments = ContractComments());

}  // namespace nml::gateway
