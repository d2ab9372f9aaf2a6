// ViSP .cao models through io::read_mesh: only InputError escapes; an
// accepted mesh keeps mesh_io.hpp's promises (a triangle at least, finite
// positions, every index in range, no colours or texture coordinates).
#include <cmath>

#include "fuzz_util.hpp"
#include "splattrack/io/mesh_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace splattrack;
  const std::string path = fuzz::input_file("in.cao", data, size);
  io::TriangleMesh mesh;
  if (!fuzz::accepts("read_mesh(.cao)", [&] { mesh = io::read_mesh(path); })) return 0;
  FUZZ_CHECK(mesh.triangle_count() > 0 && mesh.triangles.size() == 3 * mesh.triangle_count(),
             "accepted a mesh of " << mesh.triangles.size() << " triangle indices");
  for (const double x : mesh.positions) FUZZ_CHECK(std::isfinite(x), "non-finite position " << x);
  for (const std::uint32_t v : mesh.triangles)
    FUZZ_CHECK(v < mesh.vertex_count(), "index " << v << " of " << mesh.vertex_count() << " vertices");
  FUZZ_CHECK(mesh.corner_uvs.empty() && mesh.vertex_colors.empty() && mesh.textures.empty(),
             "a .cao mesh came with colours or texture coordinates");
  return 0;
}
