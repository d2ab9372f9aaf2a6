// OpenCV calibration YAML, read with yaml-cpp rather than cv::FileStorage,
// whose parser crashes, spins or allocates gigabytes on hostile files.
//
// Accepted: a top-level map with image_width, image_height, camera_matrix and
// optionally distortion_coefficients and cam_from_world; each matrix a map of
// rows, cols, dt and data (a block or flow sequence), tagged !!opencv-matrix
// as OpenCV writes it or not tagged at all. Other keys are ignored.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "camera_checks.hpp"
#include "splattrack/io/error.hpp"
#include "text_guard.hpp"

namespace splattrack::io {

namespace {

// OpenCV starts its files with "%YAML:1.0", a non-standard directive, and
// hand-written files often drop the "---" that must follow a directive. The
// line is blanked, keeping its newline so that line numbers stay right.
std::string without_opencv_directive(std::string_view text) {
  std::string yaml(text);
  if (yaml.starts_with("%YAML:")) yaml.erase(0, std::min(yaml.find('\n'), yaml.size()));
  return yaml;
}

std::string yaml_problem(const YAML::Exception& e) {
  const std::string where = e.mark.is_null() ? "" : "line " + std::to_string(e.mark.line + 1) + ": ";
  return "not a valid OpenCV YAML calibration: " + where + parser_message(e.msg);
}

// The text of the image size under `key`; nullopt when absent.
std::optional<std::string_view> scalar(const YAML::Node& root, const char* key, const std::string& path) {
  const YAML::Node node = root[key];
  if (!node.IsDefined()) return std::nullopt;
  if (!node.IsScalar()) throw InputError(path, std::string("'") + key + "' must be an integer");
  return node.Scalar();
}

std::string_view member(const YAML::Node& matrix, const char* name, std::string_view key, const std::string& path) {
  const YAML::Node node = matrix[name];
  if (!node.IsDefined()) return {};
  if (!node.IsScalar()) throw_not_a_matrix(key, path);
  return node.Scalar();
}

// The matrix under `key`; nullopt when absent.
std::optional<CalibrationMatrix> matrix(const YAML::Node& root, const char* key, const std::string& path) {
  const YAML::Node node = root[key];
  if (!node.IsDefined()) return std::nullopt;
  if (!node.IsMap() || !node["rows"].IsDefined() || !node["cols"].IsDefined()) throw_not_a_matrix(key, path);
  const YAML::Node data = node["data"];
  if (!data.IsDefined() || !data.IsSequence()) throw_not_a_matrix(key, path);
  CalibrationMatrix m;
  m.shape = matrix_shape(key, member(node, "rows", key, path), member(node, "cols", key, path),
                         member(node, "dt", key, path), data.size(), path);
  m.values.reserve(data.size());
  for (const YAML::Node& value : data) {
    if (!value.IsScalar()) throw InputError(path, std::string("'") + key + "' holds a non-number");
    m.values.push_back(matrix_value(key, value.Scalar(), m.shape, path));
  }
  return m;
}

}  // namespace

Camera parse_camera_yaml(std::string_view text, const std::string& path) {
  guard_text(text, TextSyntax::yaml, path);
  try {
    const YAML::Node root = YAML::Load(without_opencv_directive(text));
    if (!root.IsMap()) throw InputError(path, "not an OpenCV YAML calibration (expected a map of keys)");
    Calibration calibration;
    calibration.image_width = scalar(root, "image_width", path);
    calibration.image_height = scalar(root, "image_height", path);
    calibration.camera_matrix = matrix(root, "camera_matrix", path);
    calibration.distortion_coefficients = matrix(root, "distortion_coefficients", path);
    calibration.cam_from_world = matrix(root, "cam_from_world", path);
    return calibration_camera(calibration, path);
  } catch (const YAML::DeepRecursion& e) {
    // Only what guard_text's scan misreads gets here (see text_guard.cpp).
    throw InputError(path, "nested too deeply (line " + std::to_string(e.mark.line + 1) + ")");
  } catch (const YAML::Exception& e) {
    throw InputError(path, yaml_problem(e));
  }
}

}  // namespace splattrack::io
