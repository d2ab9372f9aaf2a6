// Cameras placed to frame a model: for `render` without a camera pose, for the
// benchmarks and for synthetic scenes.
#pragma once

#include <Eigen/Core>

#include "splattrack/render/camera.hpp"
#include "splattrack/render/model.hpp"

namespace splattrack {

struct ModelBounds {
  Eigen::Vector3d center = Eigen::Vector3d::Zero();  // median of the means
  double radius = 0;  // 98th percentile of the distance to the centre
};

// Robust bounds: a few stray Gaussians far away must not shrink the object.
ModelBounds model_bounds(const GaussianModel& model);

// A pinhole camera (fx = fy, principal point at the image centre) looking at
// the bounds' centre from direction `view_dir` (from the camera towards the
// object, in world coordinates), at the distance where the bounding sphere
// spans `fill` of the shorter image side. `up` is the world direction that
// appears upwards in the image.
Camera framing_camera(const ModelBounds& bounds, int width, int height,
                      const Eigen::Vector3d& view_dir, const Eigen::Vector3d& up, double fill = 0.8,
                      double fov_deg = 40.0);

}  // namespace splattrack
