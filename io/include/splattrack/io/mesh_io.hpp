// Triangle meshes for `splattrack mesh2gs`: Wavefront OBJ with its MTL
// materials and their diffuse textures, PLY with per-vertex colours, or
// ViSP's CAD format (.cao: flat faces, no colours).
//
// What a loaded mesh guarantees: at least one triangle, every position
// finite, every index in range, `corner_uvs` finite when present, every
// colour and texel in 0..1. Mesh files are untrusted input: anything that
// cannot be read faithfully throws InputError naming the file; what can be
// read around (a missing MTL or texture, a polygon tinyobjloader could not
// triangulate) is a warning in the LoadReport.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "splattrack/io/gaussian_io.hpp"

namespace splattrack::io {

// What a face without a material or texture gets: tinyobjloader's own
// diffuse default for a material that names a texture but no Kd.
inline constexpr float kDefaultMeshGrey = 0.6f;

// A texture image as stored in its file: 8 bits a channel, sRGB like a 3DGS
// model's colours. Kept in bytes: a 8192² texture is 200 MB so, 800 as floats.
struct MeshTexture {
  std::string path;
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // [H, W, 3], row 0 at the top of the image
};

struct MeshMaterial {
  std::string name;
  std::array<float, 3> diffuse{kDefaultMeshGrey, kDefaultMeshGrey, kDefaultMeshGrey};  // MTL Kd, 0..1
  int texture = -1;  // map_Kd as an index into TriangleMesh::textures; -1: none, or unreadable
};

struct TriangleMesh {
  std::vector<double> positions;         // [V, 3]
  std::vector<std::uint32_t> triangles;  // [T, 3] indices into positions, counter-clockwise seen from outside
  std::vector<float> corner_uvs;         // [T, 3, 2] OBJ convention (v up); empty when the file has none
  std::vector<float> vertex_colors;      // [V, 3] 0..1; empty when the file has none
  std::vector<int> triangle_materials;   // [T] index into materials, -1 for none; empty when no materials
  std::vector<MeshMaterial> materials;
  std::vector<MeshTexture> textures;  // each file once, however many materials use it

  std::size_t vertex_count() const { return positions.size() / 3; }
  std::size_t triangle_count() const { return triangles.size() / 3; }
};

// .obj (with its MTL and textures), .ply or .cao by extension, case-insensitive.
TriangleMesh read_mesh(const std::string& path, LoadReport* report = nullptr);
TriangleMesh read_obj_mesh(const std::string& path, LoadReport* report = nullptr);
TriangleMesh read_ply_mesh(const std::string& path, LoadReport* report = nullptr);
// Faces from points and faces from lines, fan-triangulated; cylinders and
// circles are left out with a warning.
TriangleMesh read_cao_mesh(const std::string& path, LoadReport* report = nullptr);

}  // namespace splattrack::io
