// The checks every mesh reader ends with (what mesh_io.hpp guarantees).
#pragma once

#include <string>

#include "splattrack/io/mesh_io.hpp"

namespace splattrack::io {

// Throws InputError naming `path` for a mesh without triangles, a
// non-finite position, texture coordinate or colour (with its index), an
// index out of range, or arrays whose sizes disagree. Colours are clamped
// to 0..1 without a warning: files write 1.0000001 for white.
void check_mesh(TriangleMesh& mesh, const std::string& path);

}  // namespace splattrack::io
