#include <opencv2/core.hpp>

#include "camera_checks.hpp"
#include "file_util.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {

// OpenCV's parsers report "(line): reason"; 4.6 puts it in func and the
// parser's own name in err, so take whichever holds it.
std::string opencv_problem(const cv::Exception& e) {
  const std::string& detail = e.func.starts_with('(') ? e.func : e.err;
  const std::size_t close = detail.find("): ");
  if (!detail.starts_with('(') || close == std::string::npos) return detail;
  return "line " + detail.substr(1, close - 1) + ": " + detail.substr(close + 3);
}

// The named matrix as doubles; an empty Mat when the node is absent.
cv::Mat matrix(const cv::FileStorage& fs, const char* key, const std::string& path) {
  const cv::FileNode node = fs[key];
  if (node.empty()) return {};
  const std::string name = std::string("'") + key + "'";
  if (!node.isMap()) throw InputError(path, name + " is not an OpenCV matrix (rows, cols, dt, data)");
  cv::Mat m;
  try {
    node >> m;
  } catch (const cv::Exception& e) {
    throw InputError(path, name + " is not a valid OpenCV matrix: " + opencv_problem(e));
  }
  if (m.empty() || m.channels() != 1) throw InputError(path, name + " is not a single-channel OpenCV matrix");
  m.convertTo(m, CV_64F);
  return m;
}

int image_size(const cv::FileStorage& fs, const char* key, const std::string& path) {
  const cv::FileNode node = fs[key];
  if (node.empty()) throw InputError(path, std::string("missing '") + key + "'");
  if (!node.isInt()) throw InputError(path, std::string("'") + key + "' must be an integer");
  return static_cast<int>(node);
}

Camera read_calibration(const cv::FileStorage& fs, const std::string& path) {
  Camera camera;
  camera.width = image_size(fs, "image_width", path);
  camera.height = image_size(fs, "image_height", path);

  const cv::Mat k = matrix(fs, "camera_matrix", path);
  if (k.empty()) throw InputError(path, "missing 'camera_matrix'");
  if (k.rows != 3 || k.cols != 3)
    throw InputError(path, "'camera_matrix' must be 3x3, got " + std::to_string(k.rows) + "x" + std::to_string(k.cols));
  if (k.at<double>(0, 1) != 0 || k.at<double>(1, 0) != 0 || k.at<double>(2, 0) != 0 || k.at<double>(2, 1) != 0 ||
      k.at<double>(2, 2) != 1)
    throw InputError(path, "'camera_matrix' must have the form [fx 0 cx; 0 fy cy; 0 0 1] (no skew)");
  camera.fx = k.at<double>(0, 0);
  camera.fy = k.at<double>(1, 1);
  camera.cx = k.at<double>(0, 2);
  camera.cy = k.at<double>(1, 2);

  const cv::Mat d = matrix(fs, "distortion_coefficients", path);
  if (!d.empty()) {
    if (d.rows != 1 && d.cols != 1) throw InputError(path, "'distortion_coefficients' must be a row or a column");
    camera.distortion.assign(d.begin<double>(), d.end<double>());
  }

  const cv::Mat t = matrix(fs, "cam_from_world", path);
  if (!t.empty()) {
    if (t.rows != 4 || t.cols != 4) throw InputError(path, "'cam_from_world' must be 4x4");
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 4; ++c) camera.cam_from_world(r, c) = t.at<double>(r, c);
  }
  return camera;
}

}  // namespace

Camera read_camera_opencv(const std::string& path) {
  const FileBytes bytes = read_file_bytes(path);
  Camera camera;
  try {
    // From memory, so that a missing file is reported like every other one;
    // OpenCV tells YAML from XML by the content.
    cv::FileStorage fs(std::string(bytes.view()), cv::FileStorage::READ | cv::FileStorage::MEMORY);
    if (!fs.isOpened()) throw InputError(path, "not an OpenCV YAML/XML file");
    camera = read_calibration(fs, path);
  } catch (const cv::Exception& e) {
    throw InputError(path, "not a valid OpenCV YAML/XML calibration: " + opencv_problem(e));
  }
  if (const auto problem = camera_problem(camera)) throw InputError(path, *problem);
  return camera;
}

}  // namespace splattrack::io
