// Camera files (FORMATS.md): splattrack JSON, OpenCV calibration YAML/XML
// and ViSP's camera files (its calibration XML, its trackers' settings XML
// and JSON, vpCameraParameters' JSON; README.md).
//
// JSON: {"width","height","fx","fy","cx","cy"} plus optional "cam_from_world"
// (16 numbers, row-major) and "distortion" (OpenCV order). OpenCV files:
// camera_matrix (3x3, no skew), image_width, image_height, optional
// distortion_coefficients and an optional 4x4 cam_from_world matrix.
// Every camera read or written must have a positive integer size, positive
// finite fx and fy, finite cx and cy, a rigid cam_from_world (last row
// 0 0 0 1, rotation orthonormal within 1e-6 and not a reflection) and 0, 4,
// 5, 8, 12 or 14 distortion coefficients (OpenCV's models), stored as given.
//
// Any bytes at all give a camera or an InputError, quickly and in little
// memory: a camera file may have at most 1 MiB, no control character but
// tab, CR and LF, nesting at most 64 levels deep (XML: 100 elements), and
// OpenCV matrices of at most 16x16 whose data count matches rows x cols.
// OpenCV YAML/XML is read without OpenCV (yaml-cpp, tinyxml2): the matrix
// forms cv::FileStorage writes (rows, cols, dt, data; float or double),
// "%YAML:1.0" with or without "---", block or flow style.
#pragma once

#include <optional>
#include <string>

#include "splattrack/io/error.hpp"
#include "splattrack/render/camera.hpp"

namespace splattrack::io {

struct ImageSize {
  int width = 0;
  int height = 0;
};

// What read_camera throws when the camera depends on the frames' size and it
// was given none: a file that names no image size, or one of several cameras
// to choose by it. The caller may read a frame first and ask again.
class CameraNeedsFrames : public InputError {
 public:
  using InputError::InputError;
};

// Chooses the reader by extension (.json; .yml/.yaml/.xml; any case); for
// the OpenCV extensions the content picks YAML or XML, as in FileStorage.
// `frames`: the size of the images the camera will see, taken as its size
// where the file names none (ViSP's tracker settings and camera JSON);
// without it such a file is an error. Throws InputError naming the file and
// the problem.
Camera read_camera(const std::string& path, std::optional<ImageSize> frames = std::nullopt);

// Writes the JSON form; every double reads back bit for bit. Throws
// std::invalid_argument for a camera that breaks the rules above,
// InputError when the file cannot be written. The file is replaced
// atomically: a failed write leaves the previous one.
void write_camera_json(const std::string& path, const Camera& camera);

}  // namespace splattrack::io
