# Invoked by nml_embed_binary(): writes OUT, a C++ source defining
# `std::string_view NAMESPACE::FUNCTION()` over the bytes of INPUT.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
# Two hex digits per byte, 16 bytes per line.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('[^']+',){16})" "\\1\n    " bytes "${bytes}")
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
