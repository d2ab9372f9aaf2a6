// Camera files (FORMATS.md): splattrack JSON and OpenCV calibration YAML/XML.
#pragma once

#include <string>

#include "splattrack/render/camera.hpp"

namespace splattrack::io {

// Chooses the reader by extension (.json; .yml/.yaml/.xml). Throws InputError.
Camera read_camera(const std::string& path);
void write_camera_json(const std::string& path, const Camera& camera);

}  // namespace splattrack::io
