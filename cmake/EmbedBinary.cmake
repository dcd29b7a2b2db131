# Invoked by nml_embed_binary(): writes OUT, a C++ source defining
# `std::string_view NAMESPACE::FUNCTION()` over the bytes of INPUT.
include("${CMAKE_CURRENT_LIST_DIR}/CharArray.cmake")
nml_char_array("${INPUT}" bytes size)
file(WRITE "${OUT}.tmp" "// Generated from ${INPUT} by cmake/EmbedBinary.cmake.
#include <string_view>

namespace ${NAMESPACE} {
namespace {
// One byte more than the data (a trailing NUL) so an empty input compiles.
constexpr char kData[] = {
    ${bytes}'\\0'};
}  // namespace

std::string_view ${FUNCTION}() { return {kData, ${size}}; }

}  // namespace ${NAMESPACE}
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
