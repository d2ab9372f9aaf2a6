// What every camera, read or about to be written, must satisfy; the
// per-format parsers behind read_camera; and the OpenCV calibration pieces
// its YAML and XML parsers share.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "splattrack/io/camera_io.hpp"
#include "splattrack/render/camera.hpp"

namespace splattrack::io {

// How far cam_from_world's rotation block may be from orthonormal: loose
// enough for matrices printed with 7 or more significant digits.
inline constexpr double kRotationTolerance = 1e-6;

// nullopt for a usable camera, else what is wrong with it.
std::optional<std::string> camera_problem(const Camera& camera);

// A whole camera file held in memory, parsed: read_camera reads the file and
// picks one, fuzzers call them directly. Each passes the text through
// guard_text (text_guard.hpp) first; every problem is an InputError naming
// `path`. `frames` as in read_camera.
Camera parse_camera_json(std::string_view text, const std::string& path,  // splattrack's or ViSP's JSON
                         std::optional<ImageSize> frames = std::nullopt);
Camera parse_camera_yaml(std::string_view text, const std::string& path);  // OpenCV calibration YAML
Camera parse_camera_xml(std::string_view text, const std::string& path,   // OpenCV's or ViSP's XML
                        std::optional<ImageSize> frames = std::nullopt);

// ---- OpenCV calibration files (camera_calibration.cpp) ----

// The largest side a calibration matrix may declare: splattrack reads at
// most 4x4 and 1x14, and checking this first means a declared size can never
// make a reader allocate more than the file holds.
inline constexpr int kMaxMatrixSide = 16;

// A matrix's declared shape, checked before any of its values is read.
struct MatrixShape {
  int rows = 0;
  int cols = 0;
  bool single_precision = false;  // dt "f": OpenCV would hold the values as floats
};

// From the texts of a matrix's rows, cols and dt (empty dt: doubles, as ROS
// camera_info files leave it out) and how many data values it holds: sides
// 1..kMaxMatrixSide, one channel of a numeric type, rows·cols values.
MatrixShape matrix_shape(std::string_view key, std::string_view rows, std::string_view cols, std::string_view dt,
                         std::size_t count, const std::string& path);

// One data value as OpenCV would hold it: decimal, exponent or ".Inf"/".Nan"
// form, rounded to float for single-precision matrices.
double matrix_value(std::string_view key, std::string_view text, const MatrixShape& shape, const std::string& path);

[[noreturn]] void throw_not_a_matrix(std::string_view key, const std::string& path);

struct CalibrationMatrix {
  MatrixShape shape;
  std::vector<double> values;  // row-major
};

// The keys splattrack reads from a calibration file, as its parser found them
// (nullopt: absent); the texts point into the parser's document.
struct Calibration {
  std::optional<std::string_view> image_width;
  std::optional<std::string_view> image_height;
  std::optional<CalibrationMatrix> camera_matrix;
  std::optional<CalibrationMatrix> distortion_coefficients;
  std::optional<CalibrationMatrix> cam_from_world;
};

// The camera a calibration describes, or InputError naming `path`: required
// keys present, sizes integers, camera_matrix [fx 0 cx; 0 fy cy; 0 0 1],
// distortion a row or a column, cam_from_world 4x4, then camera_problem.
Camera calibration_camera(const Calibration& calibration, const std::string& path);

// ---- ViSP's camera files (camera_visp.cpp) ----
//
// vpCameraParameters as ViSP writes it: px, py (focal lengths in pixels), u0, v0 and a projection model. XML:
// vpXmlParserCamera's <root><camera> (image size and one <model> per projection; with both, the one with distortion
// is taken, the better calibration of the same lens) and the model-based tracker's settings, <conf><camera> (no size,
// no distortion); a file of several <camera>s (vpXmlParserCamera picks by name) gives the one of the frames' size,
// and is refused when that is not one. JSON: the parameters' own object {"model", "px", "py", "u0", "v0"[, "kud",
// "kdu"]}, alone, as the "camera" of a settings object whose "width" and "height" give the size, or as the reference
// camera's of the model-based tracker's settings ({"referenceCameraName", "trackers": {name: {"camera": ...}}}).
// ViSP's distortion, u = u0 + px·x·(1 + kud·(x² + y²)) in normalised coordinates (x, y), is OpenCV's model with k1 =
// kud and the other coefficients 0; its Kannala-Brandt (fisheye) model is refused.

enum class VispModel { without_distortion, with_distortion, kannala_brandt };

// The model a ViSP file names (the XML's and the JSON's spellings);
// InputError for any other name.
VispModel visp_model(std::string_view name, const std::string& path);

struct VispIntrinsics {
  double px = 0, py = 0, u0 = 0, v0 = 0;
  double kud = 0;                 // undistorted-to-distorted radial term; 0 without distortion
  std::optional<ImageSize> size;  // the calibration's image size where the file names one
};

// ViSP's fisheye model, which the renderer's pinhole-plus-OpenCV-lens
// cameras cannot stand for.
[[noreturn]] void refuse_kannala_brandt(const std::string& path);

// The camera of `intrinsics`, sized as the file says or else as `frames`;
// CameraNeedsFrames naming `path` when neither gives a size, then
// camera_problem's InputError.
Camera visp_camera(const VispIntrinsics& intrinsics, std::optional<ImageSize> frames, const std::string& path);

}  // namespace splattrack::io
