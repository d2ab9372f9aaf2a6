// OpenCV calibration XML, read with tinyxml2 rather than cv::FileStorage,
// whose parser crashes on a few stray bytes (`<?xml i=`); and ViSP's camera
// XML (camera_checks.hpp), told apart by the root element.
//
// Accepted: an <opencv_storage> root holding <image_width>, <image_height>,
// <camera_matrix> and optionally <distortion_coefficients> and
// <cam_from_world>; each matrix holds <rows>, <cols>, <dt> and <data> with
// whitespace-separated numbers, as OpenCV writes it (type_id="opencv-matrix"
// is not required). ViSP: a <root> of <camera> elements (of several, the
// only one of the frames' size) or a <conf> with one. Other elements are
// ignored.
#include <tinyxml2.h>

#include <algorithm>
#include <cctype>
#include <vector>

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
  for_each_token(values, [&](std::string_view) { ++count; });
  CalibrationMatrix m;
  m.shape = matrix_shape(key, text_of(rows), text_of(cols), dt != nullptr ? text_of(dt) : "", count, path);
  m.values.reserve(count);
  for_each_token(values, [&](std::string_view value) { m.values.push_back(matrix_value(key, value, m.shape, path)); });
  return m;
}

// The number held by `parent`'s child `key`, as a ViSP file spells it.
double visp_number(const XMLElement& parent, const char* key, const std::string& path) {
  const XMLElement* element = parent.FirstChildElement(key);
  if (element == nullptr) throw InputError(path, std::string("ViSP camera: missing <") + key + ">");
  return matrix_value(key, text_of(element), MatrixShape{1, 1, false}, path);
}

int visp_size(const XMLElement& camera, const char* key, const std::string& path) {
  const double value = visp_number(camera, key, path);
  if (!(value >= 1 && value <= 1e6 && value == static_cast<int>(value)))
    throw InputError(path, std::string("ViSP camera: <") + key + "> must be a positive integer, got " +
                               quoted_excerpt(text_of(camera.FirstChildElement(key))));
  return static_cast<int>(value);
}

// A <camera>'s image size; nullopt where it names none (vpXmlParserCamera
// leaves both out for a camera saved without one).
std::optional<ImageSize> visp_image_size(const XMLElement& camera, const std::string& path) {
  const bool width = camera.FirstChildElement("image_width") != nullptr;
  if (width != (camera.FirstChildElement("image_height") != nullptr))
    throw InputError(path, "ViSP camera: <image_width> and <image_height> go together");
  if (!width) return std::nullopt;
  return ImageSize{visp_size(camera, "image_width", path), visp_size(camera, "image_height", path)};
}

VispIntrinsics visp_intrinsics(const XMLElement& model, const std::string& path) {
  VispIntrinsics out;
  out.px = visp_number(model, "px", path);
  out.py = visp_number(model, "py", path);
  out.u0 = visp_number(model, "u0", path);
  out.v0 = visp_number(model, "v0", path);
  return out;
}

// One <camera> of several: the only one of the frames' size.
const XMLElement& visp_chosen_camera(const std::vector<const XMLElement*>& cameras, std::optional<ImageSize> frames,
                                     const std::string& path) {
  if (cameras.size() == 1) return *cameras.front();
  std::vector<const XMLElement*> sized;
  std::string listed;
  for (const XMLElement* c : cameras) {
    const std::optional<ImageSize> size = visp_image_size(*c, path);
    if (frames && size && size->width == frames->width && size->height == frames->height) sized.push_back(c);
    const XMLElement* name = c->FirstChildElement("name");
    listed += std::string(listed.empty() ? "" : ", ") + quoted_excerpt(name ? text_of(name) : "") +
              (size ? " " + std::to_string(size->width) + "x" + std::to_string(size->height) : "");
  }
  if (sized.size() == 1) return *sized.front();
  const std::string problem = "ViSP camera file with " + std::to_string(cameras.size()) + " cameras (" + listed + ")";
  if (!frames) throw CameraNeedsFrames(path, problem + ", and no frames to choose one by their size");
  throw InputError(path, problem + ": which one is for the frames' " + std::to_string(frames->width) + "x" +
                             std::to_string(frames->height) + "? Keep one in the file");
}

// vpXmlParserCamera's file: <camera> elements, each with its image size and
// a <model> per projection.
Camera visp_calibration(const XMLElement& root, std::optional<ImageSize> frames, const std::string& path) {
  std::vector<const XMLElement*> cameras;
  for (const XMLElement* c = root.FirstChildElement("camera"); c != nullptr; c = c->NextSiblingElement("camera"))
    cameras.push_back(c);
  if (cameras.empty()) throw InputError(path, "ViSP camera file (<root>) without a <camera>");
  const XMLElement& chosen = visp_chosen_camera(cameras, frames, path);
  const XMLElement* without = nullptr;
  const XMLElement* with = nullptr;
  bool kannala_brandt = false;
  for (const XMLElement* m = chosen.FirstChildElement("model"); m != nullptr; m = m->NextSiblingElement("model")) {
    const XMLElement* type = m->FirstChildElement("type");
    if (type == nullptr) throw InputError(path, "ViSP camera: a <model> without <type>");
    switch (visp_model(text_of(type), path)) {
      case VispModel::without_distortion: without = without != nullptr ? without : m; break;
      case VispModel::with_distortion: with = with != nullptr ? with : m; break;
      case VispModel::kannala_brandt: kannala_brandt = true; break;
    }
  }
  if (with == nullptr && without == nullptr) {
    if (kannala_brandt) refuse_kannala_brandt(path);
    throw InputError(path, "ViSP camera: no <model>");
  }
  VispIntrinsics intrinsics = visp_intrinsics(with != nullptr ? *with : *without, path);
  if (with != nullptr) intrinsics.kud = visp_number(*with, "kud", path);
  intrinsics.size = visp_image_size(chosen, path);
  return visp_camera(intrinsics, frames, path);
}

}  // namespace

Camera parse_camera_xml(std::string_view text, const std::string& path, std::optional<ImageSize> frames) {
  guard_text(text, TextSyntax::xml, path);
  tinyxml2::XMLDocument document;
  document.Parse(text.data(), text.size());
  if (document.Error()) throw InputError(path, xml_problem(document));
  const XMLElement* root = document.RootElement();
  const std::string_view name = root != nullptr ? root->Name() : "";
  if (name == "root") return visp_calibration(*root, frames, path);
  if (name == "conf") {
    // The model-based tracker's settings: intrinsics only.
    const XMLElement* camera = root->FirstChildElement("camera");
    if (camera == nullptr) throw InputError(path, "ViSP tracker settings (<conf>) without a <camera>");
    return visp_camera(visp_intrinsics(*camera, path), frames, path);
  }
  if (name != "opencv_storage")
    throw InputError(path, "not an OpenCV XML calibration (the root element must be <opencv_storage>, or ViSP's "
                           "<root> or <conf>)");
  Calibration calibration;
  calibration.image_width = scalar(*root, "image_width");
  calibration.image_height = scalar(*root, "image_height");
  calibration.camera_matrix = matrix(*root, "camera_matrix", path);
  calibration.distortion_coefficients = matrix(*root, "distortion_coefficients", path);
  calibration.cam_from_world = matrix(*root, "cam_from_world", path);
  return calibration_camera(calibration, path);
}

}  // namespace splattrack::io
