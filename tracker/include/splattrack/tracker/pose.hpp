// The object's rigid pose, world_from_model (FORMATS.md: rotation_wxyz, translation).
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>

#include "splattrack/render/model.hpp"

namespace splattrack {

struct RigidPose {
  Eigen::Quaterniond rotation = Eigen::Quaterniond::Identity();  // world_from_model
  Eigen::Vector3d translation = Eigen::Vector3d::Zero();

  Eigen::Matrix4d world_from_model() const;
  Eigen::Vector3d apply(const Eigen::Vector3d& x_model) const { return rotation * x_model + translation; }
  RigidPose inverse() const;
  RigidPose operator*(const RigidPose& rhs) const;  // this ∘ rhs
};

// Moves a model by a rigid pose: means x -> R x + t, quaternions q -> r ⊗ q.
// Scales, opacities and SH coefficients are unchanged (SH is not rotated: the
// tracker's models are view-independent or nearly so, and METHOD.md §3 keeps
// appearance fixed under deformation).
GaussianModel transformed(const GaussianModel& model, const RigidPose& world_from_model);
// The same into `out`, reusing its storage: only means and quaternions are
// rewritten when `out` already holds a copy of `model`'s other arrays (the
// tracker's per-iteration path).
void apply_pose(const GaussianModel& model, const RigidPose& world_from_model, GaussianModel& out);
// The model moved so that `center` becomes its origin (a pure translation).
GaussianModel recentred(const GaussianModel& model, const Eigen::Vector3d& center);

// Rotation error in degrees and translation error (same units as the poses).
double rotation_error_deg(const RigidPose& a, const RigidPose& b);
double translation_error(const RigidPose& a, const RigidPose& b);

}  // namespace splattrack
