#include "common/pg/queries.h"

#include <string>

namespace nml::common {

void PrepareQueries(pqxx::connection& connection,
                    const std::vector<Query>& queries) {
  for (const Query& query : queries) {
    connection.prepare(std::string(query.name), std::string(query.sql));
  }
}

}  // namespace nml::common
