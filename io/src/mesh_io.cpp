#include "splattrack/io/mesh_io.hpp"

#include "file_util.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {

TriangleMesh read_mesh(const std::string& path, LoadReport* report) {
  const std::string ext = lower_extension(path);
  if (ext == ".obj") return read_obj_mesh(path, report);
  if (ext == ".ply") return read_ply_mesh(path, report);
  if (ext == ".cao") return read_cao_mesh(path, report);
  throw InputError(path, "unknown mesh extension '" + ext + "' (expected .obj, .ply or .cao)");
}

}  // namespace splattrack::io
