// The node transforms as two blocks of a ParameterVector (as
// rigid_pose_block.hpp is for the pose): "node_rotation", per node a rotation
// vector ω_k (radians) applied on the left, R_k ← exp([ω_k]×) R_k, and
// "node_translation", δ_k in object radii, T_k ← T_k + r δ_k. With
// r_k ← exp(ω_k) ⊗ r_k, whose derivative at 0 is ½ (0, ω_k) ⊗ r_k, and
// g_k = dL/dr_k, h_k = dL/dT_k:
//   dL/dω_k = ½ vec(g_k ⊗ r_k*),   dL/dδ_k = r h_k
// The only place that knows how the optimiser's numbers move the nodes.
#pragma once

#include <Eigen/Core>

#include "splattrack/tracker/deformation.hpp"
#include "splattrack/tracker/parameters.hpp"

namespace splattrack {

class NodeBlock {
 public:
  // Adds the two blocks (3 entries per node each) to `params` with these step
  // sizes (radians and object radii per iteration at full learning rate).
  NodeBlock(ParameterVector& params, int node_count, double object_radius, double rotation_step,
            double translation_step);

  int rotation() const { return rotation_; }
  int translation() const { return translation_; }

  // Writes dL/dω and dL/dδ into their segments of `gradient` (laid out like
  // `params`) from the nodes' gradients at `transforms`.
  void gradient(const ParameterVector& params, const NodeTransforms& transforms, const NodeGradients& grads,
                Eigen::VectorXd& gradient) const;
  // Applies the blocks' segments of `step` to `transforms`.
  void retract(const ParameterVector& params, const Eigen::VectorXd& step, NodeTransforms& transforms) const;
  // The derivative of (r_k, T_k) along the blocks' segments of `direction`
  // (for Deformation::jvp); gradient() is its transpose.
  NodeTangent tangent(const ParameterVector& params, const NodeTransforms& transforms,
                      const Eigen::VectorXd& direction) const;

 private:
  int nodes_;
  double radius_;
  int rotation_;
  int translation_;
};

}  // namespace splattrack
