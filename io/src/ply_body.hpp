// PLY body readers. Each skips the elements stored before `vertex`, checks
// the declared vertex count against what the rest of the file can hold
// before allocating anything, then resizes `model` (whose sh_degree is set)
// and fills it. Elements after `vertex` are never read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ply_header.hpp"
#include "ply_layout.hpp"
#include "splattrack/render/model.hpp"

namespace splattrack::io::ply {

void read_binary_body(std::string_view file, const Header& header, std::size_t vertex_element,
                      const VertexLayout& layout, GaussianModel& model, const std::string& path);

void read_ascii_body(std::string_view file, const Header& header, std::size_t vertex_element,
                     const VertexLayout& layout, GaussianModel& model, const std::string& path);

}  // namespace splattrack::io::ply
