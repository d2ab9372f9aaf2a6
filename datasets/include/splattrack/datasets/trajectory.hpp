// Smooth random object motion for synthetic sequences.
#pragma once

#include <cstdint>
#include <vector>

#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack::datasets {

inline constexpr double kDefaultTranslationSpeed = 0.02;  // object sizes per frame
inline constexpr double kDefaultRotationSpeedDeg = 2.0;   // degrees per frame
inline constexpr double kDefaultDepthRange = 0.15;        // ± fraction of the distance
inline constexpr double kDefaultMarginPx = 4.0;

struct TrajectoryOptions {
  int frames = 100;
  std::uint64_t seed = 0;
  double translation_speed = kDefaultTranslationSpeed;  // the most it moves in one frame, in object sizes
  double rotation_speed_deg = kDefaultRotationSpeedDeg;  // the most it turns in one frame
  // The object must fit in the sphere of this diameter about its model origin.
  double object_size = kObjectDiameter;
  double distance = kDefaultDistance;  // mean depth of the object's origin in camera space
  double depth_range = kDefaultDepthRange;
  double margin_px = kDefaultMarginPx;  // the sphere stays this far inside the image borders
};

// world_from_model poses, one per frame. In camera space the origin moves as
// a sum of three random sinusoids per axis, with amplitudes as large as the
// view allows: the object's sphere stays inside the image (less the margin)
// and in front of the camera at every frame. The frequencies are scaled so the
// speed never exceeds translation_speed. The rotation starts uniformly random
// and turns about the object's origin with an angular velocity whose axis
// drifts and whose rate varies smoothly between half and all of
// rotation_speed_deg. Same options, same poses.
// Throws std::invalid_argument when the sphere cannot fit in the view.
std::vector<RigidPose> make_trajectory(const Camera& camera, const TrajectoryOptions& options = {});

}  // namespace splattrack::datasets
