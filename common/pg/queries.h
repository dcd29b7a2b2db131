#pragma once

#include <pqxx/connection>
#include <string_view>
#include <vector>

namespace nml::common {

// A fixed statement of a store, from its queries/<name>.sql file
// (nml_embed_queries in CMakeLists.txt).
struct Query {
  std::string_view name;
  std::string_view sql;
};

// Prepares every query on `connection` under its name.
void PrepareQueries(pqxx::connection& connection,
                    const std::vector<Query>& queries);

}  // namespace nml::common
