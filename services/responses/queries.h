#pragma once

#include <vector>

#include "common/pg/queries.h"

namespace nml::responses {

// The store's fixed statements, embedded from queries/*.sql at build time.
const std::vector<common::Query>& Queries();

}  // namespace nml::responses
