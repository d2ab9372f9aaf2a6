#include <tiny_obj_loader.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <utility>

#include "file_util.hpp"
#include "mesh_checks.hpp"
#include "mesh_texture.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/mesh_io.hpp"

namespace splattrack::io {

namespace {

namespace fs = std::filesystem;

// An MTL is a few hundred bytes a material.
inline constexpr std::size_t kMaxMtlBytes = std::size_t{64} << 20;
// tinyobjloader's messages end in blank lines and mention lines we do not
// show; warnings are kept to their first line each.
inline constexpr std::size_t kMaxObjWarnings = 5;

// MTL files through read_file_bytes (regular files only, size-capped)
// rather than tinyobjloader's own ifstream, which would block on a FIFO.
// Remembers which folder each material's MTL came from: map_Kd names are
// relative to it.
class MtlReader : public tinyobj::MaterialReader {
 public:
  explicit MtlReader(fs::path obj_folder) : obj_folder_(std::move(obj_folder)) {}

  bool operator()(const std::string& name, std::vector<tinyobj::material_t>* materials,
                  std::map<std::string, int>* names, std::string* warn, std::string* err) override {
    const fs::path path = obj_folder_ / name;
    FileBytes bytes;
    try {
      bytes = read_file_bytes(path.string(), kMaxMtlBytes);
    } catch (const InputError& e) {
      *warn += std::string(e.what()) + "\n";
      return false;
    }
    std::istringstream in{std::string(bytes.view())};
    tinyobj::LoadMtl(names, materials, &in, warn, err);
    folders_.resize(materials->size(), path.parent_path());
    return true;
  }

  const fs::path& folder_of(std::size_t material) const { return folders_[material]; }

 private:
  fs::path obj_folder_;
  std::vector<fs::path> folders_;  // per material
};

void add_warnings(const std::string& text, const std::string& path, LoadReport* report) {
  if (!report) return;
  std::istringstream lines(text);
  std::size_t added = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    if (added++ == kMaxObjWarnings) {
      report->warnings.push_back(path + ": more warnings left out");
      return;
    }
    report->warnings.push_back(path + ": " + line);
  }
}

// Materials and their textures, each texture file read once. A texture that
// cannot be read leaves its material with its Kd colour and a warning: the
// geometry, which is what tracking needs most, is still right.
void add_materials(const std::vector<tinyobj::material_t>& source, const MtlReader& mtl, TriangleMesh& mesh,
                   LoadReport* report) {
  std::map<std::string, int> texture_index;
  for (std::size_t m = 0; m < source.size(); ++m) {
    const tinyobj::material_t& s = source[m];
    MeshMaterial material{s.name, {static_cast<float>(s.diffuse[0]), static_cast<float>(s.diffuse[1]),
                                   static_cast<float>(s.diffuse[2])}};
    if (!s.diffuse_texname.empty()) {
      const std::string path = (mtl.folder_of(m) / s.diffuse_texname).lexically_normal().string();
      auto it = texture_index.find(path);
      if (it == texture_index.end()) {
        int index = -1;
        try {
          mesh.textures.push_back(read_texture(path));
          index = static_cast<int>(mesh.textures.size()) - 1;
        } catch (const InputError& e) {
          if (report)
            report->warnings.push_back(std::string(e.what()) + "; material '" + s.name + "' gets its Kd colour");
        }
        it = texture_index.emplace(path, index).first;
      }
      material.texture = it->second;
    }
    mesh.materials.push_back(std::move(material));
  }
}

}  // namespace

TriangleMesh read_obj_mesh(const std::string& path, LoadReport* report) {
  return with_file_context(path, [&] {
    const FileBytes bytes = read_file_bytes(path);
    std::istringstream in{std::string(bytes.view())};
    MtlReader mtl(fs::path(path).parent_path());
    tinyobj::attrib_t attrib;
    std::vector<tinyobj::shape_t> shapes;
    std::vector<tinyobj::material_t> materials;
    std::string warn, err;
    // Polygons are triangulated; vertex colours only when every vertex has
    // them (no white fill-in).
    if (!tinyobj::LoadObj(&attrib, &shapes, &materials, &warn, &err, &in, &mtl, true, false))
      throw InputError(path, "cannot parse OBJ: " + err.substr(0, err.find('\n')));
    add_warnings(warn, path, report);

    TriangleMesh mesh;
    mesh.positions.assign(attrib.vertices.begin(), attrib.vertices.end());
    mesh.vertex_colors.assign(attrib.colors.begin(), attrib.colors.end());
    add_materials(materials, mtl, mesh, report);
    const auto uv_count = static_cast<int>(attrib.texcoords.size() / 2);
    bool any_uv = false;
    std::size_t faces_without_uv = 0;
    std::vector<float> uvs;
    std::map<int, int> untextured_copy;  // material -> its copy without texture
    for (const tinyobj::shape_t& shape : shapes) {
      const auto& indices = shape.mesh.indices;
      for (std::size_t f = 0; f < shape.mesh.num_face_vertices.size(); ++f) {
        if (shape.mesh.num_face_vertices[f] != 3 || 3 * f + 2 >= indices.size())
          throw InputError(path, "face " + std::to_string(mesh.triangle_count()) + " could not be triangulated");
        bool has_uv = true;
        for (int c = 0; c < 3; ++c) {
          const tinyobj::index_t& corner = indices[3 * f + c];
          if (corner.vertex_index < 0)
            throw InputError(path, "face " + std::to_string(mesh.triangle_count()) + " has an invalid vertex index");
          mesh.triangles.push_back(static_cast<std::uint32_t>(corner.vertex_index));
          has_uv = has_uv && corner.texcoord_index >= 0 && corner.texcoord_index < uv_count;
        }
        for (int c = 0; c < 3; ++c) {
          const int t = has_uv ? indices[3 * f + c].texcoord_index : -1;
          uvs.push_back(t >= 0 ? static_cast<float>(attrib.texcoords[2 * t]) : 0.f);
          uvs.push_back(t >= 0 ? static_cast<float>(attrib.texcoords[2 * t + 1]) : 0.f);
        }
        any_uv = any_uv || has_uv;
        faces_without_uv += has_uv ? 0 : 1;
        const int material = f < shape.mesh.material_ids.size() ? shape.mesh.material_ids[f] : -1;
        // A face without texture coordinates cannot use its texture: it
        // takes the Kd colour of an untextured copy of its material.
        mesh.triangle_materials.push_back(material);
        if (!has_uv && material >= 0 && mesh.materials[static_cast<std::size_t>(material)].texture >= 0) {
          auto [copy, added] = untextured_copy.emplace(material, static_cast<int>(mesh.materials.size()));
          if (added) {
            MeshMaterial plain = mesh.materials[static_cast<std::size_t>(material)];
            plain.name += " (no texture coordinates)";
            plain.texture = -1;
            mesh.materials.push_back(std::move(plain));
          }
          mesh.triangle_materials.back() = copy->second;
        }
      }
    }
    if (any_uv) mesh.corner_uvs = std::move(uvs);
    if (any_uv && faces_without_uv > 0 && report)
      report->warnings.push_back(path + ": " + std::to_string(faces_without_uv) +
                                 " faces have no texture coordinates; they get their material's Kd colour");
    check_mesh(mesh, path);
    return mesh;
  });
}

}  // namespace splattrack::io
