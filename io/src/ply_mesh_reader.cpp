// PLY meshes: the shared header parser, then a record-by-record walk over
// every element. The Gaussian body readers (ply_body.hpp) read one list-free
// element column by column into a GaussianModel; a mesh needs two elements,
// the second made of lists, so it walks value by value (ply_cursor.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "file_util.hpp"
#include "mesh_checks.hpp"
#include "ply_cursor.hpp"
#include "ply_header.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/mesh_io.hpp"

namespace splattrack::io {

namespace {

using ply::ScalarType;
using ply::whole;

// Colour channels stored as integers span their type's range.
double colour_scale(ScalarType type) {
  switch (type) {
    case ScalarType::UInt8: return 1.0 / 255;
    case ScalarType::UInt16: return 1.0 / 65535;
    case ScalarType::Float32:
    case ScalarType::Float64: return 1.0;
    default: return 1.0 / 255;  // signed types: a misdeclared uchar
  }
}

class MeshBody {
 public:
  MeshBody(std::string_view file, const ply::Header& header, const std::string& path)
      : cursor_(file, header, path), path_(path) {}

  void read_vertices(const ply::Element& e, TriangleMesh& mesh) {
    static constexpr std::string_view kPosition[3] = {"x", "y", "z"};
    static constexpr std::string_view kColour[3] = {"red", "green", "blue"};
    std::vector<int> slot(e.properties.size(), -1);  // 0..2 position, 3..5 colour
    int colours = 0;
    for (std::size_t k = 0; k < e.properties.size(); ++k)
      for (int c = 0; c < 3; ++c) {
        if (e.properties[k].is_list) continue;
        if (e.properties[k].name == kPosition[c]) slot[k] = c;
        if (e.properties[k].name == kColour[c]) slot[k] = 3 + c, ++colours;
      }
    for (int c = 0; c < 3; ++c)
      if (std::find(slot.begin(), slot.end(), c) == slot.end())
        throw InputError(path_, "PLY element 'vertex' has no property '" + std::string(kPosition[c]) + "'");
    const bool coloured = colours == 3;
    for (std::uint64_t r = 0; r < e.count; ++r) {
      double values[6] = {0, 0, 0, 0, 0, 0};
      for (std::size_t k = 0; k < e.properties.size(); ++k) {
        const ply::Property& p = e.properties[k];
        if (p.is_list) {
          skip_list(p, e.name);
          continue;
        }
        const double v = cursor_.next(p.type, e.name);
        if (slot[k] >= 0) values[slot[k]] = slot[k] >= 3 ? v * colour_scale(p.type) : v;
      }
      mesh.positions.insert(mesh.positions.end(), values, values + 3);
      if (coloured)
        for (int c = 3; c < 6; ++c) mesh.vertex_colors.push_back(static_cast<float>(values[c]));
    }
  }

  // Polygons become fans: faces of scanned and exported meshes are
  // triangles or convex quads.
  void read_faces(const ply::Element& e, TriangleMesh& mesh) {
    std::size_t list = e.properties.size();
    for (std::size_t k = 0; k < e.properties.size(); ++k)
      if (e.properties[k].is_list && (e.properties[k].name == "vertex_indices" || e.properties[k].name == "vertex_index"))
        list = k;
    if (list == e.properties.size())
      throw InputError(path_, "PLY element 'face' has no list property 'vertex_indices'");
    std::vector<std::uint32_t> polygon;
    for (std::uint64_t r = 0; r < e.count; ++r) {
      for (std::size_t k = 0; k < e.properties.size(); ++k) {
        const ply::Property& p = e.properties[k];
        if (k != list) {
          p.is_list ? skip_list(p, e.name) : static_cast<void>(cursor_.next(p.type, e.name));
          continue;
        }
        const std::size_t n = whole(cursor_.next(p.count_type, e.name), std::numeric_limits<std::uint32_t>::max(),
                                    "face " + std::to_string(r) + ": vertex count", path_);
        polygon.clear();
        for (std::size_t i = 0; i < n; ++i)
          polygon.push_back(static_cast<std::uint32_t>(whole(cursor_.next(p.type, e.name),
                                                             std::numeric_limits<std::uint32_t>::max(),
                                                             "face " + std::to_string(r) + ": vertex index", path_)));
        for (std::size_t i = 2; i < polygon.size(); ++i)
          mesh.triangles.insert(mesh.triangles.end(), {polygon[0], polygon[i - 1], polygon[i]});
      }
    }
  }

  void skip_element(const ply::Element& e) { cursor_.skip_element(e); }

 private:
  void skip_list(const ply::Property& p, const std::string& element) { cursor_.skip_list(p, element); }

  ply::ValueCursor cursor_;
  const std::string& path_;
};

}  // namespace

TriangleMesh read_ply_mesh(const std::string& path, LoadReport* /*report*/) {
  return with_file_context(path, [&] {
    const FileBytes bytes = read_file_bytes(path);
    const ply::Header header = ply::parse_header(bytes.view(), path);
    TriangleMesh mesh;
    MeshBody body(bytes.view(), header, path);
    bool has_vertices = false, has_faces = false;
    for (const ply::Element& e : header.elements) {
      if (e.name == "vertex") {
        body.read_vertices(e, mesh);
        has_vertices = true;
      } else if (e.name == "face") {
        body.read_faces(e, mesh);
        has_faces = true;
      } else {
        body.skip_element(e);
      }
      if (has_vertices && has_faces) break;  // later elements (edges, materials) are not needed
    }
    if (!has_vertices) throw InputError(path, "PLY header has no 'vertex' element");
    if (!has_faces) throw InputError(path, "PLY header has no 'face' element: a point cloud, not a mesh");
    check_mesh(mesh, path);
    return mesh;
  });
}

}  // namespace splattrack::io
