// What every camera, read or about to be written, must satisfy; and the
// per-format readers behind read_camera.
#pragma once

#include <optional>
#include <string>

#include "splattrack/render/camera.hpp"

namespace splattrack::io {

// How far cam_from_world's rotation block may be from orthonormal: loose
// enough for matrices printed with 7 or more significant digits.
inline constexpr double kRotationTolerance = 1e-6;

// nullopt for a usable camera, else what is wrong with it.
std::optional<std::string> camera_problem(const Camera& camera);

Camera read_camera_json(const std::string& path);
Camera read_camera_opencv(const std::string& path);  // OpenCV FileStorage YAML/XML

}  // namespace splattrack::io
