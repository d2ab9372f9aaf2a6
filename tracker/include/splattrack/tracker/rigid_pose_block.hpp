// The rigid pose as two parameter blocks of a ParameterVector: "rotation", a
// world-frame rotation vector ω about the posed centre (radians), and
// "translation", δ in object radii (so that both are of order one whatever
// the object's size). Perturbed on the left, in world coordinates:
//   R ← exp([ω]×) R,   t ← t + radius·δ       (pose_gradient.hpp has the chain rule)
// The only place that knows how the optimiser's numbers move the pose.
#pragma once

#include <Eigen/Core>

#include "splattrack/render.hpp"
#include "splattrack/render/pose.hpp"
#include "splattrack/tracker/parameters.hpp"

namespace splattrack {

class RigidPoseBlock {
 public:
  // Adds the two blocks to `params` with these step sizes (radians and
  // object radii per iteration at full learning rate).
  RigidPoseBlock(ParameterVector& params, double object_radius, double rotation_step, double translation_step);

  int rotation() const { return rotation_; }
  int translation() const { return translation_; }

  // Writes dL/dω and dL/dδ into their segments of `gradient` (laid out like
  // `params`), from the renderer's gradients of `posed`, the centred model
  // moved to `pose` (the model that was rendered).
  void gradient(const ParameterVector& params, const GaussianModel& posed, const CentredPose& pose,
                const GaussianGradients& grads, Eigen::VectorXd& gradient) const;
  // Applies the blocks' segments of `step` to `pose`.
  void retract(const ParameterVector& params, const Eigen::VectorXd& step, CentredPose& pose) const;

 private:
  double radius_;
  int rotation_;
  int translation_;
};

}  // namespace splattrack
