// The OpenCV calibration logic shared by camera_yaml.cpp and camera_xml.cpp:
// matrix shapes and values, and the camera a calibration describes.
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "camera_checks.hpp"
#include "splattrack/io/error.hpp"
#include "text_guard.hpp"

namespace splattrack::io {

namespace {

std::string quoted(std::string_view key) { return "'" + std::string(key) + "'"; }

std::string_view trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// The whole of `text` as an int; nullopt for anything else.
std::optional<int> whole_int(std::string_view text) {
  text = trimmed(text);
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// The whole of `text` as a double in `value`: errc() when it is one,
// result_out_of_range when it is a number beyond double's range.
std::errc whole_double(std::string_view text, double& value) {
  text = trimmed(text);
  if (text.starts_with('+')) text.remove_prefix(1);
  // OpenCV writes infinities and NaN YAML's way (.Inf, -.Inf, .Nan);
  // from_chars knows them without the dot.
  std::string spelled;
  const std::size_t dot = text.starts_with('-') ? 1 : 0;
  if (text.size() > dot + 1 && text[dot] == '.' && std::isalpha(static_cast<unsigned char>(text[dot + 1]))) {
    spelled = std::string(text.substr(0, dot)) + std::string(text.substr(dot + 1));
    text = spelled;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end != text.data() + text.size() || text.empty()) return std::errc::invalid_argument;
  return error;
}

// OpenCV's single-channel element types: u, c, w, s, i, f, d, optionally
// with the channel count 1 in front.
std::optional<bool> single_precision(std::string_view dt) {
  dt = trimmed(dt);
  if (dt.empty()) return false;
  if (dt.size() == 2 && dt[0] == '1') dt.remove_prefix(1);
  if (dt.size() != 1 || std::string_view("ucwsifd").find(dt[0]) == std::string_view::npos) return std::nullopt;
  return dt[0] == 'f';
}

Eigen::MatrixXd as_matrix(const CalibrationMatrix& m) {
  Eigen::MatrixXd result(m.shape.rows, m.shape.cols);
  for (int r = 0; r < m.shape.rows; ++r)
    for (int c = 0; c < m.shape.cols; ++c) result(r, c) = m.values[static_cast<std::size_t>(r * m.shape.cols + c)];
  return result;
}

int image_size(const char* key, const std::optional<std::string_view>& text, const std::string& path) {
  if (!text) throw InputError(path, "missing " + quoted(key));
  const std::optional<int> size = whole_int(*text);
  if (!size) throw InputError(path, quoted(key) + " must be an integer, got " + quoted_excerpt(*text));
  return *size;
}

}  // namespace

void throw_not_a_matrix(std::string_view key, const std::string& path) {
  throw InputError(path, quoted(key) + " is not an OpenCV matrix (rows, cols, dt, data)");
}

MatrixShape matrix_shape(std::string_view key, std::string_view rows, std::string_view cols, std::string_view dt,
                         std::size_t count, const std::string& path) {
  const auto side = [&](const char* name, std::string_view text) {
    const std::optional<int> n = whole_int(text);
    if (!n || *n < 1 || *n > kMaxMatrixSide)
      throw InputError(path, quoted(key) + " must have 1 to " + std::to_string(kMaxMatrixSide) + " " + name +
                                 ", got " + quoted_excerpt(text));
    return *n;
  };
  const int r = side("rows", rows);
  const int c = side("cols", cols);
  const std::optional<bool> single = single_precision(dt);
  if (!single)
    throw InputError(path, quoted(key) + " must be a single-channel numeric matrix (dt u, c, w, s, i, f or d), got dt " +
                               quoted_excerpt(dt));
  if (count != static_cast<std::size_t>(r * c))
    throw InputError(path, quoted(key) + " is " + std::to_string(r) + "x" + std::to_string(c) + " but holds " +
                               std::to_string(count) + " values");
  return {r, c, *single};
}

double matrix_value(std::string_view key, std::string_view text, const MatrixShape& shape, const std::string& path) {
  double value = 0;
  const std::errc error = whole_double(text, value);
  if (error == std::errc::result_out_of_range)
    throw InputError(path, quoted(key) + " holds a number out of range: " + quoted_excerpt(text));
  if (error != std::errc()) throw InputError(path, quoted(key) + " holds a non-number: " + quoted_excerpt(text));
  if (!shape.single_precision || !std::isfinite(value)) return value;
  // A finite double beyond float's range has no float value (the cast would
  // be undefined); OpenCV's float reads it as infinity.
  if (std::abs(value) > std::numeric_limits<float>::max()) return std::copysign(HUGE_VAL, value);
  return static_cast<double>(static_cast<float>(value));
}

Camera calibration_camera(const Calibration& calibration, const std::string& path) {
  Camera camera;
  camera.width = image_size("image_width", calibration.image_width, path);
  camera.height = image_size("image_height", calibration.image_height, path);

  if (!calibration.camera_matrix) throw InputError(path, "missing 'camera_matrix'");
  const Eigen::MatrixXd k = as_matrix(*calibration.camera_matrix);
  if (k.rows() != 3 || k.cols() != 3)
    throw InputError(path, "'camera_matrix' must be 3x3, got " + std::to_string(k.rows()) + "x" + std::to_string(k.cols()));
  if (k(0, 1) != 0 || k(1, 0) != 0 || k(2, 0) != 0 || k(2, 1) != 0 || k(2, 2) != 1)
    throw InputError(path, "'camera_matrix' must have the form [fx 0 cx; 0 fy cy; 0 0 1] (no skew)");
  camera.fx = k(0, 0);
  camera.fy = k(1, 1);
  camera.cx = k(0, 2);
  camera.cy = k(1, 2);

  if (const auto& d = calibration.distortion_coefficients) {
    if (d->shape.rows != 1 && d->shape.cols != 1)
      throw InputError(path, "'distortion_coefficients' must be a row or a column");
    camera.distortion = d->values;
  }
  if (const auto& t = calibration.cam_from_world) {
    if (t->shape.rows != 4 || t->shape.cols != 4) throw InputError(path, "'cam_from_world' must be 4x4");
    camera.cam_from_world = as_matrix(*t);
  }
  if (const auto problem = camera_problem(camera)) throw InputError(path, *problem);
  return camera;
}

}  // namespace splattrack::io
