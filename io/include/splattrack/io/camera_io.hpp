// Camera files (FORMATS.md): splattrack JSON and OpenCV calibration YAML/XML.
//
// JSON: {"width","height","fx","fy","cx","cy"} plus optional "cam_from_world"
// (16 numbers, row-major) and "distortion" (OpenCV order). OpenCV files:
// camera_matrix (3x3, no skew), image_width, image_height, optional
// distortion_coefficients and an optional 4x4 cam_from_world matrix.
// Every camera read or written must have a positive integer size, positive
// finite fx and fy, finite cx and cy, a rigid cam_from_world (last row
// 0 0 0 1, rotation orthonormal within 1e-6 and not a reflection) and 0, 4,
// 5, 8, 12 or 14 distortion coefficients (OpenCV's models), stored as given.
#pragma once

#include <string>

#include "splattrack/render/camera.hpp"

namespace splattrack::io {

// Chooses the reader by extension (.json; .yml/.yaml/.xml; any case).
// Throws InputError naming the file and the problem.
Camera read_camera(const std::string& path);

// Writes the JSON form; every double reads back bit for bit. Throws
// std::invalid_argument for a camera that breaks the rules above,
// InputError when the file cannot be written.
void write_camera_json(const std::string& path, const Camera& camera);

}  // namespace splattrack::io
