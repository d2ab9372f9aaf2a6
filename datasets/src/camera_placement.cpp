#include "splattrack/datasets/camera_placement.hpp"

#include <algorithm>
#include <stdexcept>

namespace splattrack::datasets {

Camera place_camera(const CameraPlacement& p) {
  if (p.width <= 0 || p.height <= 0 || !(p.object_size > 0) || !(p.distance > 0) || !(p.coverage > 0))
    throw std::invalid_argument("place_camera: sizes, distance and coverage must be positive");
  Camera camera;
  camera.width = p.width;
  camera.height = p.height;
  camera.fx = camera.fy = p.coverage * std::min(p.width, p.height) * p.distance / p.object_size;
  camera.cx = 0.5 * (p.width - 1);
  camera.cy = 0.5 * (p.height - 1);
  return camera;
}

}  // namespace splattrack::datasets
