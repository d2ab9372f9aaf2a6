// Camera JSON (FORMATS.md): the parser behind read_camera and the writer.
// ViSP's camera JSON is told apart by its "px" (alone, under "camera", or in
// its tracker settings' "trackers").
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "camera_checks.hpp"
#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/error.hpp"
#include "text_guard.hpp"

namespace splattrack::io {

namespace {

using nlohmann::json;

// A value quoted in an error message; guard_text keeps dump's recursion
// shallow, quoted_excerpt its length.
std::string excerpt(const json& value) {
  return quoted_excerpt(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

class JsonFields {
 public:
  JsonFields(const json& object, const std::string& path) : object_(object), path_(path) {}

  const json& required(const char* key) const {
    if (!object_.contains(key)) fail(std::string("missing \"") + key + "\"");
    return object_.at(key);
  }

  double number(const char* key) const {
    const json& v = required(key);
    if (!v.is_number()) fail(std::string("\"") + key + "\" must be a number");
    return v.get<double>();
  }

  int size(const char* key) const {
    const json& v = required(key);
    const double d = v.is_number() ? v.get<double>() : 0;
    if (!(d >= 1 && d <= std::numeric_limits<int>::max() && d == std::floor(d)))
      fail(std::string("\"") + key + "\" must be a positive integer, got " + excerpt(v));
    return static_cast<int>(d);
  }

  // nullopt when the key is absent.
  std::optional<std::vector<double>> numbers(const char* key) const {
    if (!object_.contains(key)) return std::nullopt;
    const json& v = object_.at(key);
    if (!v.is_array()) fail(std::string("\"") + key + "\" must be an array of numbers");
    std::vector<double> values;
    for (const json& x : v) {
      if (!x.is_number()) fail(std::string("\"") + key + "\" holds a non-number: " + excerpt(x));
      values.push_back(x.get<double>());
    }
    return values;
  }

  bool has(const char* key) const { return object_.contains(key); }

  [[noreturn]] void fail(const std::string& problem) const { throw InputError(path_, problem); }

 private:
  const json& object_;
  const std::string& path_;
};

// vpCameraParameters' JSON object ("model", "px", "py", "u0", "v0", and "kud"
// with distortion); `size` from the settings object around it, if any.
Camera visp_json_camera(const json& object, std::optional<ImageSize> size, std::optional<ImageSize> frames,
                        const std::string& path) {
  const JsonFields fields(object, path);
  VispIntrinsics intrinsics;
  intrinsics.px = fields.number("px");
  intrinsics.py = fields.number("py");
  intrinsics.u0 = fields.number("u0");
  intrinsics.v0 = fields.number("v0");
  intrinsics.size = size;
  VispModel model = VispModel::without_distortion;
  if (fields.has("model")) {
    const json& name = fields.required("model");
    if (!name.is_string()) fields.fail("\"model\" must be a string, got " + excerpt(name));
    model = visp_model(name.get<std::string>(), path);
  }
  if (model == VispModel::kannala_brandt) refuse_kannala_brandt(path);
  if (model == VispModel::with_distortion) intrinsics.kud = fields.number("kud");
  return visp_camera(intrinsics, frames, path);
}

// The model-based tracker's settings (vpMbGenericTracker::saveConfigFile):
// the reference camera's parameters, or the only tracker's.
Camera visp_tracker_camera(const json& settings, std::optional<ImageSize> frames, const std::string& path) {
  const JsonFields fields(settings, path);
  const json& trackers = fields.required("trackers");
  if (!trackers.is_object() || trackers.empty()) fields.fail("ViSP tracker settings: \"trackers\" must name a tracker");
  std::string name = trackers.begin().key();
  if (fields.has("referenceCameraName")) {
    const json& reference = settings.at("referenceCameraName");
    if (!reference.is_string() || !trackers.contains(reference.get<std::string>()))
      fields.fail("ViSP tracker settings: \"referenceCameraName\" " + excerpt(reference) + " names no tracker");
    name = reference.get<std::string>();
  } else if (trackers.size() > 1) {
    fields.fail("ViSP tracker settings with several trackers and no \"referenceCameraName\"");
  }
  const json& tracker = trackers.at(name);
  if (!tracker.is_object() || !tracker.contains("camera") || !tracker.at("camera").is_object())
    fields.fail("ViSP tracker settings: tracker " + excerpt(json(name)) + " has no \"camera\"");
  return visp_json_camera(tracker.at("camera"), std::nullopt, frames, path);
}

}  // namespace

Camera parse_camera_json(std::string_view text, const std::string& path, std::optional<ImageSize> frames) {
  guard_text(text, TextSyntax::json, path);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw InputError(path, "not valid JSON: " + parser_message(e.what()));
  }
  if (!j.is_object()) throw InputError(path, "camera file must hold a JSON object");
  const JsonFields fields(j, path);
  if (!fields.has("fx") && fields.has("px")) return visp_json_camera(j, std::nullopt, frames, path);
  if (!fields.has("fx") && fields.has("trackers")) return visp_tracker_camera(j, frames, path);
  if (!fields.has("fx") && fields.has("camera") && j.at("camera").is_object()) {
    // A ViSP application's settings (its MegaPose tutorial's, for one).
    std::optional<ImageSize> size;
    if (fields.has("width") || fields.has("height")) size = ImageSize{fields.size("width"), fields.size("height")};
    return visp_json_camera(j.at("camera"), size, frames, path);
  }
  Camera camera;
  camera.width = fields.size("width");
  camera.height = fields.size("height");
  camera.fx = fields.number("fx");
  camera.fy = fields.number("fy");
  camera.cx = fields.number("cx");
  camera.cy = fields.number("cy");
  if (const auto m = fields.numbers("cam_from_world")) {
    if (m->size() != 16)
      fields.fail("\"cam_from_world\" must hold 16 numbers (row-major 4x4), got " + std::to_string(m->size()));
    camera.cam_from_world = Eigen::Map<const Eigen::Matrix<double, 4, 4, Eigen::RowMajor>>(m->data());
  }
  if (const auto d = fields.numbers("distortion")) camera.distortion = *d;
  if (const auto problem = camera_problem(camera)) throw InputError(path, *problem);
  return camera;
}

void write_camera_json(const std::string& path, const Camera& camera) {
  if (const auto problem = camera_problem(camera))
    throw std::invalid_argument("write_camera_json(" + path + "): " + *problem);
  json j;
  j["width"] = camera.width;
  j["height"] = camera.height;
  j["fx"] = camera.fx;
  j["fy"] = camera.fy;
  j["cx"] = camera.cx;
  j["cy"] = camera.cy;
  std::vector<double> rows(16);
  Eigen::Map<Eigen::Matrix<double, 4, 4, Eigen::RowMajor>>(rows.data()) = camera.cam_from_world;
  j["cam_from_world"] = rows;
  if (!camera.distortion.empty()) j["distortion"] = camera.distortion;
  // nlohmann writes each double in its shortest exact form: the file reads
  // back bit for bit, like printing with 17 significant digits.
  write_file_atomically(path, j.dump(2) + "\n");
}

}  // namespace splattrack::io
