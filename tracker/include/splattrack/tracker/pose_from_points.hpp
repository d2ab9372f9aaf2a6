// A first pose from points of the model picked in a frame: what ViSP's users
// do with a .init file and four clicks, and how the sample data's first poses
// were made (`track --init-points`, `mesh2gs --points`).
#pragma once

#include <Eigen/Core>
#include <vector>

#include "splattrack/render/camera.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack {

struct PointPose {
  RigidPose pose;         // world_from_model
  double rms_px = 0;      // reprojection error of the points at `pose`
  double largest_px = 0;  // ... and the largest one's
};

// PnP through the camera's distortion: SQPnP (the global minimum of the
// algebraic error, no start needed), then Levenberg-Marquardt on the
// reprojection error. `model` [n] in the model's coordinates, `pixels` [n]
// with pixel centres at integers, n >= 4. Throws std::invalid_argument when
// the sizes disagree or no pose puts every point in front of the camera
// (points on one line, pixels that no rigid pose explains).
PointPose pose_from_points(const Camera& camera, const std::vector<Eigen::Vector3d>& model,
                           const std::vector<Eigen::Vector2d>& pixels);

}  // namespace splattrack
