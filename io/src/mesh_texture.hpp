// Texture images of mesh materials, read through OpenCV behind the same
// header checks as video frames (image_header.hpp).
#pragma once

#include <string>

#include "splattrack/io/mesh_io.hpp"

namespace splattrack::io {

// Throws InputError naming `path` when it is missing, not an image format
// the frame reader accepts, larger than detail::kMaxFramePixels, or
// undecodable. Grey and RGBA images become RGB (alpha dropped).
MeshTexture read_texture(const std::string& path);

}  // namespace splattrack::io
