// --nodes F.ply: control points as the vertices of a PLY (a point cloud
// exported from Blender, MeshLab or CloudCompare), x y z and optionally
// radius; other properties and elements are skipped.
#include <cctype>
#include <cmath>
#include <filesystem>
#include <optional>

#include "file_util.hpp"
#include "ply_cursor.hpp"
#include "ply_header.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/nodes_csv.hpp"

namespace splattrack::io {

NodeFile read_nodes_ply(const std::string& path) {
  return with_file_context(path, [&] {
    const FileBytes bytes = read_file_bytes(path);
    const ply::Header header = ply::parse_header(bytes.view(), path);
    ply::ValueCursor cursor(bytes.view(), header, path);
    for (const ply::Element& e : header.elements) {
      if (e.name != "vertex") {
        cursor.skip_element(e);
        continue;
      }
      // Slots 0..2: x, y, z; 3: radius.
      static constexpr const char* kNames[4] = {"x", "y", "z", "radius"};
      std::vector<int> slot(e.properties.size(), -1);
      std::optional<std::size_t> found[4];
      for (std::size_t k = 0; k < e.properties.size(); ++k)
        for (int c = 0; c < 4; ++c)
          if (!e.properties[k].is_list && e.properties[k].name == kNames[c]) slot[k] = c, found[c] = k;
      for (int c = 0; c < 3; ++c)
        if (!found[c]) throw InputError(path, "PLY element 'vertex' has no property '" + std::string(kNames[c]) + "'");
      if (e.count == 0) break;
      NodeFile out;
      for (std::uint64_t r = 0; r < e.count; ++r) {
        double values[4] = {0, 0, 0, 0};
        for (std::size_t k = 0; k < e.properties.size(); ++k) {
          const ply::Property& p = e.properties[k];
          if (p.is_list) {
            cursor.skip_list(p, e.name);
            continue;
          }
          const double v = cursor.next(p.type, e.name);
          if (slot[k] >= 0) values[slot[k]] = v;
        }
        const std::string label = "vertex " + std::to_string(r) + ": ";
        for (int c = 0; c < 3; ++c)
          if (!std::isfinite(values[c])) throw InputError(path, label + kNames[c] + " is not a finite number");
        out.positions.emplace_back(values[0], values[1], values[2]);
        if (found[3]) {
          if (!(values[3] > 0 && std::isfinite(values[3]))) throw InputError(path, label + "radius must be > 0");
          out.radii.push_back(values[3]);
        }
      }
      return out;
    }
    throw InputError(path, "no control points (the PLY has no vertices)");
  });
}

NodeFile read_nodes(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension == ".ply" ? read_nodes_ply(path) : read_nodes_csv(path);
}

}  // namespace splattrack::io
