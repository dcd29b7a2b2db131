# Invoked by nml_embed_sql(): writes OUT from the .sql FILES of a KIND.
#   migrations: NNN_description.sql -> std::vector<nml::common::Migration>
#   queries:    name.sql            -> std::vector<nml::common::Query>
if(KIND STREQUAL "migrations")
  set(type "nml::common::Migration")
  set(header "common/pg/migrations.h")
elseif(KIND STREQUAL "queries")
  set(type "nml::common::Query")
  set(header "common/pg/queries.h")
else()
  message(FATAL_ERROR "EmbedSql: unknown KIND ${KIND}")
endif()
set(body "")
foreach(file IN LISTS FILES)
  get_filename_component(base "${file}" NAME_WE)
  file(READ "${file}" sql)
  if(sql MATCHES "\\)nmlsql\"")
    message(FATAL_ERROR "${file} contains the raw-string delimiter")
  endif()
  if(KIND STREQUAL "migrations")
    if(NOT base MATCHES "^([0-9]+)_(.+)$")
      message(FATAL_ERROR "migration ${file}: name must be NNN_description.sql")
    endif()
    math(EXPR version "${CMAKE_MATCH_1}")
    set(key "${version}, \"${base}\"")
  else()
    if(NOT base MATCHES "^[a-z][a-z0-9_]*$")
      message(FATAL_ERROR "query ${file}: name must be lower_snake_case.sql")
    endif()
    set(key "\"${base}\"")
  endif()
  string(APPEND body "      {${key}, R\"nmlsql(${sql})nmlsql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from ${KIND}/*.sql by cmake/EmbedSql.cmake.
#include <vector>

#include \"${header}\"

namespace ${NAMESPACE} {

const std::vector<${type}>& ${FUNCTION}() {
  static const auto* const kItems = new std::vector<${type}>{
${body}  };
  return *kItems;
}

}  // namespace ${NAMESPACE}
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
