#pragma once

#include <vector>

#include "common/pg/migrations.h"

namespace nml::responses {

// The responses schema, embedded from migrations/*.sql at build time.
const std::vector<common::Migration>& Migrations();

}  // namespace nml::responses
