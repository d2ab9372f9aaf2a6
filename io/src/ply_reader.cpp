#include <algorithm>

#include "file_util.hpp"
#include "model_checks.hpp"
#include "ply_body.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/gaussian_io.hpp"

namespace splattrack::io {

GaussianModel read_ply(const std::string& path, LoadReport* report) {
  const FileBytes bytes = read_file_bytes(path);
  const std::string_view file = bytes.view();
  const ply::Header header = ply::parse_header(file, path);
  std::size_t vertex = header.elements.size();
  for (std::size_t e = 0; e < header.elements.size(); ++e)
    if (header.elements[e].name == "vertex") vertex = e;
  if (vertex == header.elements.size()) throw InputError(path, "PLY header has no 'vertex' element");
  const ply::VertexLayout layout = ply::vertex_layout(header.elements[vertex], path);
  if (header.elements[vertex].count == 0) throw InputError(path, "model has no Gaussians");

  GaussianModel model;
  model.sh_degree = layout.sh_degree;
  model.antialiased =
      std::find(header.comments.begin(), header.comments.end(), kAntialiasedComment) != header.comments.end();
  if (header.format == PlyFormat::Ascii)
    ply::read_ascii_body(file, header, vertex, layout, model, path);
  else
    ply::read_binary_body(file, header, vertex, layout, model, path);
  check_and_repair(model, path, report);
  return model;
}

}  // namespace splattrack::io
