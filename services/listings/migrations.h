#pragma once

#include <vector>

#include "common/pg/migrations.h"

namespace nml::listings {

// The listings schema, embedded from migrations/*.sql at build time.
const std::vector<common::Migration>& Migrations();

}  // namespace nml::listings
