// ViSP's camera parameters as a Camera (camera_checks.hpp): the part that
// camera_xml.cpp and camera_json.cpp share once each has found the numbers.
#include "camera_checks.hpp"
#include "splattrack/io/error.hpp"
#include "text_guard.hpp"

namespace splattrack::io {

VispModel visp_model(std::string_view name, const std::string& path) {
  // vpXmlParserCamera's spellings, then vpCameraParameters' JSON ones.
  if (name == "perspectiveProjWithoutDistortion" || name == "perspectiveWithoutDistortion")
    return VispModel::without_distortion;
  if (name == "perspectiveProjWithDistortion" || name == "perspectiveWithDistortion") return VispModel::with_distortion;
  if (name == "ProjWithKannalaBrandtDistortion" || name == "kannalaBrandtDistortion") return VispModel::kannala_brandt;
  throw InputError(path, "unknown ViSP projection model " + quoted_excerpt(name) +
                             " (expected perspectiveProjWithoutDistortion or perspectiveProjWithDistortion)");
}

void refuse_kannala_brandt(const std::string& path) {
  throw InputError(path, "ViSP's Kannala-Brandt (fisheye) model, which splattrack does not model: give a "
                         "perspective calibration");
}

Camera visp_camera(const VispIntrinsics& intrinsics, std::optional<ImageSize> frames, const std::string& path) {
  const std::optional<ImageSize> size = intrinsics.size ? intrinsics.size : frames;
  if (!size)
    throw CameraNeedsFrames(path, "names no image size (ViSP's tracker settings and camera JSON hold none), and "
                                  "there are no frames to take it from");
  Camera camera;
  camera.width = size->width;
  camera.height = size->height;
  camera.fx = intrinsics.px;
  camera.fy = intrinsics.py;
  camera.cx = intrinsics.u0;
  camera.cy = intrinsics.v0;
  // OpenCV's k1 k2 p1 p2; a zero term adds nothing, and no resampling.
  if (intrinsics.kud != 0) camera.distortion = {intrinsics.kud, 0, 0, 0};
  if (const auto problem = camera_problem(camera)) throw InputError(path, *problem);
  return camera;
}

}  // namespace splattrack::io
