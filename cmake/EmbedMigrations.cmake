# Invoked by nml_embed_migrations(): writes OUT from the .sql FILES.
set(body "")
foreach(file IN LISTS FILES)
  get_filename_component(base "${file}" NAME_WE)
  if(NOT base MATCHES "^([0-9]+)_(.+)$")
    message(FATAL_ERROR "migration ${file}: name must be NNN_description.sql")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  file(READ "${file}" sql)
  if(sql MATCHES "\\)nmlsql\"")
    message(FATAL_ERROR "migration ${file} contains the raw-string delimiter")
  endif()
  string(APPEND body "      {${version}, \"${base}\", R\"nmlsql(${sql})nmlsql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from migrations/*.sql by cmake/EmbedMigrations.cmake.
#include <vector>

#include \"common/pg/migrations.h\"

namespace ${NAMESPACE} {

const std::vector<nml::common::Migration>& ${FUNCTION}() {
  static const auto* const kMigrations = new std::vector<nml::common::Migration>{
${body}  };
  return *kMigrations;
}

}  // namespace ${NAMESPACE}
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
