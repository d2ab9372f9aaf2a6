// OpenCV calibration XML, read with tinyxml2 rather than cv::FileStorage,
// whose parser crashes on a few stray bytes (`<?xml i=`).
//
// Accepted: an <opencv_storage> root holding <image_width>, <image_height>,
// <camera_matrix> and optionally <distortion_coefficients> and
// <cam_from_world>; each matrix holds <rows>, <cols>, <dt> and <data> with
// whitespace-separated numbers, as OpenCV writes it (type_id="opencv-matrix"
// is not required). Other elements are ignored.
#include <tinyxml2.h>

#include <algorithm>
#include <cctype>

#include "camera_checks.hpp"
#include "splattrack/io/error.hpp"
#include "text_guard.hpp"

namespace splattrack::io {

namespace {

using tinyxml2::XMLElement;

// "XML_ERROR_PARSING_ELEMENT" -> "error parsing element"
std::string xml_problem(const tinyxml2::XMLDocument& document) {
  if (document.ErrorID() == tinyxml2::XML_ELEMENT_DEPTH_EXCEEDED)
    return "elements nested deeper than " + std::to_string(TINYXML2_MAX_ELEMENT_DEPTH) + " levels";
  std::string name = document.ErrorName();
  if (name.starts_with("XML_")) name.erase(0, 4);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
    return c == '_' ? ' ' : static_cast<char>(std::tolower(c));
  });
  return "not a valid OpenCV XML calibration: line " + std::to_string(document.ErrorLineNum()) + ": " + name;
}

std::string_view text_of(const XMLElement* element) {
  const char* text = element->GetText();
  return text != nullptr ? text : "";
}

// Calls f on each whitespace-separated value of `text`.
template <class F>
void for_each_value(std::string_view text, F&& f) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  auto begin = text.begin();
  while ((begin = std::find_if_not(begin, text.end(), is_space)) != text.end()) {
    const auto end = std::find_if(begin, text.end(), is_space);
    f(std::string_view(begin, end));
    begin = end;
  }
}

std::optional<std::string_view> scalar(const XMLElement& root, const char* key) {
  const XMLElement* element = root.FirstChildElement(key);
  if (element == nullptr) return std::nullopt;
  return text_of(element);
}

// The matrix under `key`; nullopt when absent.
std::optional<CalibrationMatrix> matrix(const XMLElement& root, const char* key, const std::string& path) {
  const XMLElement* element = root.FirstChildElement(key);
  if (element == nullptr) return std::nullopt;
  const XMLElement* rows = element->FirstChildElement("rows");
  const XMLElement* cols = element->FirstChildElement("cols");
  const XMLElement* data = element->FirstChildElement("data");
  if (rows == nullptr || cols == nullptr || data == nullptr) throw_not_a_matrix(key, path);
  const XMLElement* dt = element->FirstChildElement("dt");
  const std::string_view values = text_of(data);
  std::size_t count = 0;
  for_each_value(values, [&](std::string_view) { ++count; });
  CalibrationMatrix m;
  m.shape = matrix_shape(key, text_of(rows), text_of(cols), dt != nullptr ? text_of(dt) : "", count, path);
  m.values.reserve(count);
  for_each_value(values, [&](std::string_view value) { m.values.push_back(matrix_value(key, value, m.shape, path)); });
  return m;
}

}  // namespace

Camera parse_camera_xml(std::string_view text, const std::string& path) {
  guard_text(text, TextSyntax::xml, path);
  tinyxml2::XMLDocument document;
  document.Parse(text.data(), text.size());
  if (document.Error()) throw InputError(path, xml_problem(document));
  const XMLElement* root = document.RootElement();
  if (root == nullptr || std::string_view(root->Name()) != "opencv_storage")
    throw InputError(path, "not an OpenCV XML calibration (the root element must be <opencv_storage>)");
  Calibration calibration;
  calibration.image_width = scalar(*root, "image_width");
  calibration.image_height = scalar(*root, "image_height");
  calibration.camera_matrix = matrix(*root, "camera_matrix", path);
  calibration.distortion_coefficients = matrix(*root, "distortion_coefficients", path);
  calibration.cam_from_world = matrix(*root, "cam_from_world", path);
  return calibration_camera(calibration, path);
}

}  // namespace splattrack::io
