// The default synthetic camera: at the world origin (cam_from_world =
// identity), looking down +z at an object centred on the optical axis.
#pragma once

#include "splattrack/datasets/object_model.hpp"
#include "splattrack/render/camera.hpp"

namespace splattrack::datasets {

inline constexpr int kDefaultImageSize = 256;
inline constexpr double kDefaultDistance = 3.5;  // camera to the object's origin
inline constexpr double kDefaultCoverage = 0.6;  // object diameter / shorter image side

struct CameraPlacement {
  int width = kDefaultImageSize;
  int height = kDefaultImageSize;
  double object_size = kObjectDiameter;
  double distance = kDefaultDistance;
  double coverage = kDefaultCoverage;
};

// fx = fy chosen so that an object of `object_size` at `distance` spans
// `coverage` of the shorter image side; principal point at the image centre.
Camera place_camera(const CameraPlacement& placement = {});

}  // namespace splattrack::datasets
