#include "splattrack/tracker/rigid_pose_block.hpp"

#include "splattrack/tracker/pose_gradient.hpp"

namespace splattrack {

RigidPoseBlock::RigidPoseBlock(ParameterVector& params, double object_radius, double rotation_step,
                               double translation_step)
    : radius_(object_radius),
      rotation_(params.add("rotation", 3, rotation_step)),
      translation_(params.add("translation", 3, translation_step)) {}

void RigidPoseBlock::gradient(const ParameterVector& params, const GaussianModel& posed, const CentredPose& pose,
                              const GaussianGradients& grads, Eigen::VectorXd& gradient) const {
  const PoseGradient g = pose_gradient(posed, pose.translation, grads);
  params.segment(gradient, rotation_) = g.rotation;
  params.segment(gradient, translation_) = g.translation * radius_;  // dL/dδ = dL/dt · radius
}

void RigidPoseBlock::retract(const ParameterVector& params, const Eigen::VectorXd& step, CentredPose& pose) const {
  pose = perturbed(pose, params.segment(step, rotation_), params.segment(step, translation_) * radius_);
}

}  // namespace splattrack
