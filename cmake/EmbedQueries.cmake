# Invoked by nml_embed_queries(): writes OUT from the .sql FILES, one
# statement each, prepared under the file's name.
set(body "")
foreach(file IN LISTS FILES)
  get_filename_component(name "${file}" NAME_WE)
  if(NOT name MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "query ${file}: name must be lower_snake_case.sql")
  endif()
  file(READ "${file}" sql)
  if(sql MATCHES "\\)nmlsql\"")
    message(FATAL_ERROR "query ${file} contains the raw-string delimiter")
  endif()
  string(APPEND body "      {\"${name}\", R\"nmlsql(${sql})nmlsql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from queries/*.sql by cmake/EmbedQueries.cmake.
#include <vector>

#include \"common/pg/queries.h\"

namespace ${NAMESPACE} {

const std::vector<nml::common::Query>& ${FUNCTION}() {
  static const auto* const kQueries = new std::vector<nml::common::Query>{
${body}  };
  return *kQueries;
}

}  // namespace ${NAMESPACE}
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
