#include "mesh_checks.hpp"

#include <algorithm>
#include <cmath>

#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {

// Index of the first non-finite value, or the size when all are finite.
template <class T>
std::size_t first_non_finite(const std::vector<T>& values) {
  return static_cast<std::size_t>(
      std::find_if(values.begin(), values.end(), [](T v) { return !std::isfinite(v); }) - values.begin());
}

}  // namespace

void check_mesh(TriangleMesh& mesh, const std::string& path) {
  const std::size_t vertices = mesh.vertex_count();
  const std::size_t triangles = mesh.triangle_count();
  if (triangles == 0) throw InputError(path, "the mesh has no faces");
  if (mesh.positions.size() != 3 * vertices || mesh.triangles.size() != 3 * triangles ||
      (!mesh.corner_uvs.empty() && mesh.corner_uvs.size() != 6 * triangles) ||
      (!mesh.vertex_colors.empty() && mesh.vertex_colors.size() != 3 * vertices) ||
      (!mesh.triangle_materials.empty() && mesh.triangle_materials.size() != triangles))
    throw InputError(path, "inconsistent mesh arrays");  // a reader bug, never the file's
  if (const std::size_t i = first_non_finite(mesh.positions); i < mesh.positions.size())
    throw InputError(path, "vertex " + std::to_string(i / 3) + " has a non-finite coordinate");
  if (const std::size_t i = first_non_finite(mesh.corner_uvs); i < mesh.corner_uvs.size())
    throw InputError(path, "face " + std::to_string(i / 6) + " has a non-finite texture coordinate");
  if (const std::size_t i = first_non_finite(mesh.vertex_colors); i < mesh.vertex_colors.size())
    throw InputError(path, "vertex " + std::to_string(i / 3) + " has a non-finite colour");
  for (float& c : mesh.vertex_colors) c = std::clamp(c, 0.f, 1.f);
  for (std::size_t i = 0; i < mesh.triangles.size(); ++i)
    if (mesh.triangles[i] >= vertices)
      throw InputError(path, "face " + std::to_string(i / 3) + " refers to vertex " +
                                 std::to_string(mesh.triangles[i]) + ", but the mesh has " +
                                 std::to_string(vertices) + " vertices");
  for (std::size_t t = 0; t < mesh.triangle_materials.size(); ++t) {
    const int m = mesh.triangle_materials[t];
    if (m < -1 || m >= static_cast<int>(mesh.materials.size()))
      throw InputError(path, "face " + std::to_string(t) + " has material " + std::to_string(m) + " of " +
                                 std::to_string(mesh.materials.size()));
  }
}

}  // namespace splattrack::io
